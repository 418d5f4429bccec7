// tests/support/spawn.hpp - starts a program of ours as a child process and talks to it.
//
// A server started with port 0 prints "listening on port N" once it listens; spawned
// reads that line (bounded wait) so a test can connect without guessing a free port.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "support.hpp"

namespace test_support {

class spawned {
 public:
  // Starts `path` with `args`; stdin is /dev/null unless `with_stdin`, stdout is piped to
  // us, stderr is inherited (it shows up in the test log).
  spawned(const std::string& path, const std::vector<std::string>& args, bool with_stdin = false) {
    auto [out_r, out_w] = pipe_pair();
    auto [in_r, in_w] = pipe_pair();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) csapp::throw_errno("fork");
    if (pid_ == 0) {
      // doctest's handlers are inherited across fork; exec resets caught signals, but
      // ignored ones (SIGPIPE, say) would stay ignored: restore them all.
      for (int sig = 1; sig < NSIG; ++sig) std::signal(sig, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::dup2(out_w.get(), STDOUT_FILENO);
      ::dup2(in_r.get(), STDIN_FILENO);
      if (!with_stdin) ::close(STDIN_FILENO);
      ::close_range(3, ~0U, 0);  // nothing of ours leaks into it, however many we hold
      ::execv(path.c_str(), argv.data());
      ::_exit(127);
    }
    out_ = std::move(out_r);
    in_ = std::move(in_w);
  }
  spawned(const spawned&) = delete;
  spawned& operator=(const spawned&) = delete;
  ~spawned() {
    if (!status_) {
      ::kill(pid_, SIGKILL);
      wait_exit();
    }
  }

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return in_.get(); }
  void close_stdin() { in_.reset(); }

  // The next line of its stdout (without the newline), or nothing on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds limit = event_limit) {
    const auto deadline = clock::now() + limit;
    for (;;) {
      if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd pfd{out_.get(), POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char buf[4096];
      const ssize_t n = ::read(out_.get(), buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Reads "listening on port N" and returns N (0 if it never came).
  int wait_for_port() {
    const std::string prefix = "listening on port ";
    while (auto line = read_line())
      if (line->rfind(prefix, 0) == 0) return std::stoi(line->substr(prefix.size()));
    return 0;
  }

  // Everything it prints until it closes stdout (bounded).
  std::string read_rest() {
    std::string all;
    while (auto line = read_line()) all += *line + "\n";
    return all;
  }

  // Waits (bounded) for the process to end; returns the raw wait status, or nothing if it
  // is still running at the limit.
  std::optional<int> wait_exit(std::chrono::milliseconds limit = event_limit) {
    if (status_) return status_;
    int status = 0;
    const bool ended = wait_for([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit);
    if (ended) status_ = status;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  csapp::unique_fd out_;       // its stdout
  csapp::unique_fd in_;        // its stdin (when asked for)
  std::string pending_;        // stdout bytes read but not yet returned as lines
  std::optional<int> status_;  // wait status once reaped
};

}  // namespace test_support
