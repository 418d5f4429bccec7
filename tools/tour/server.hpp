// tools/tour/server.hpp - starts an example server on port 0 and stops it again.
//
// The server prints "listening on port N" once it listens (the contract every example
// server keeps); we read that line from a pipe, with a bound, instead of guessing a free
// port. After that a thread keeps copying its stdout into a log file: several book servers
// print a line per client or per message, and a pipe nobody drains fills up (64 KiB) and
// then blocks the server in printf, which would measure our pipe instead of the server.
// Its stderr goes straight to the same log, so a server's own complaints do not interleave
// with the tour's table.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <thread>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>

#include "../echocheck/net.hpp"

namespace tour {

using namespace echo_check;

class server_process {
 public:
  // Starts `program 0`; stderr is appended to `log_path`. Throws std::system_error.
  server_process(const std::string& program, const std::string& log_path) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) < 0) csapp::throw_errno("pipe2");
    csapp::unique_fd read_end(out[0]), write_end(out[1]);
    csapp::unique_fd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!log) csapp::throw_errno(("open " + log_path).c_str());
    pid_ = ::fork();
    if (pid_ < 0) csapp::throw_errno("fork");
    if (pid_ == 0) {
      ::signal(SIGPIPE, SIG_DFL);  // we ignore it; the server must choose for itself
      ::dup2(write_end.get(), STDOUT_FILENO);
      ::dup2(log.get(), STDERR_FILENO);
      const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      ::dup2(null, STDIN_FILENO);
      ::execl(program.c_str(), program.c_str(), "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    stdout_ = std::move(read_end);
    log_ = std::move(log);
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
  ~server_process() {
    if (!status_) stop();
    if (drain_.joinable()) drain_.join();
  }

  pid_t pid() const { return pid_; }

  // The port from "listening on port N", or 0 if the line did not come within `limit`.
  int wait_for_port(millis limit) {
    const std::string prefix = "listening on port ";
    const auto deadline = clock::now() + limit;
    std::string text;
    while (readable_by(stdout_.get(), deadline)) {
      char buf[256];
      const ssize_t n = ::read(stdout_.get(), buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      if (const auto at = text.find(prefix); at != std::string::npos) {
        const auto nl = text.find('\n', at);
        if (nl != std::string::npos) {
          start_draining(text.substr(nl + 1));
          return std::atoi(text.c_str() + at + prefix.size());
        }
      }
    }
    return 0;
  }

  // SIGTERM, then waits (bounded) for the exit; SIGKILL if it does not come. Returns the
  // exit status, or -1 when the server had to be killed or died of a signal.
  int stop(millis limit = 10s) {
    if (status_) return *status_;
    ::kill(pid_, SIGTERM);
    const auto deadline = clock::now() + limit;
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(pid_, &status, WNOHANG)) == 0 && clock::now() < deadline)
      ::usleep(5000);
    if (done != pid_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      status_ = -1;
    } else {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return *status_;
  }

 private:
  // Copies the rest of the server's stdout to the log until the server closes it (exits).
  void start_draining(std::string already_read) {
    drain_ = std::thread([this, first = std::move(already_read)] {
      csapp::writen(log_.get(), first.data(), first.size());
      char buf[65536];
      ssize_t n;
      while ((n = csapp::retry_on_eintr([&] { return ::read(stdout_.get(), buf, sizeof buf); })) >
             0)
        csapp::writen(log_.get(), buf, static_cast<std::size_t>(n));
    });
  }

  pid_t pid_ = -1;
  csapp::unique_fd stdout_;  // where "listening on port N" arrives
  csapp::unique_fd log_;     // the server's stderr, and its stdout once the port is known
  std::thread drain_;        // copies stdout_ to log_
  std::optional<int> status_;
};

}  // namespace tour
