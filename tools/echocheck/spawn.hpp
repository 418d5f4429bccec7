// tools/echocheck/spawn.hpp - starts a server as a child process, learns its port, stops it.
//
// Two ways to learn the port. Our example servers take port 0 and print "listening on port
// N" once they listen (their contract): we read that line from a pipe, with a bound. Any
// other server (a student's, the book's) is given a free port we picked and is ready when a
// connection to it succeeds. After that a thread keeps copying its stdout into a log file: several
// book servers print a line per client or per message, and a pipe nobody drains fills up (64 KiB)
// and then blocks the server in printf, which would measure our pipe instead of the server. Its
// stderr goes straight to the same log, so a server's own complaints do not interleave with the
// tour's table.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <csapp/socket.hpp>

#include "net.hpp"

namespace echo_check {

// A TCP port nobody listens on right now (the kernel's pick for port 0, released again).
inline int free_port() {
  csapp::unique_fd probe = csapp::listen_on("0");
  return csapp::local_port(probe.get());
}

class server_process {
 public:
  // Starts argv[0] with the arguments argv[1...]; stderr (and, once the port is known, stdout)
  // is appended to `log_path`. Throws std::system_error.
  server_process(const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
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
      ::execvp(args[0], args.data());
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

  // For a server that prints nothing: ready once a connection to `ep` succeeds (polled every
  // 20 ms, up to `limit`). False if it never does, or if the process ended first.
  bool wait_until_listening(const endpoint& ep, millis limit) {
    start_draining("");
    const auto deadline = clock::now() + limit;
    while (clock::now() < deadline) {
      if (exited()) return false;
      try {
        connect_within(ep, 200ms);
        return true;
      } catch (const std::system_error&) {
        ::usleep(20'000);
      }
    }
    return false;
  }

  // True once the process has ended (it is reaped here).
  bool exited() {
    if (status_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
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

}  // namespace echo_check
