// tools/echocheck/spawn.hpp - starts a program as a child process, talks to it, stops it.
//
// The one spawner of the project: echo-check --spawn, the tour and the tests all start
// programs here, so a server is started, read and stopped the same way everywhere.
//
// Learning the port. A book server given port 0 prints "listening on port N" (Open_listenfd
// does it for the figures; our other servers print it themselves): wait_for_port reads that
// line, with a bound. A server that prints nothing is given a free port and is ready once a
// connection to it succeeds (wait_until_listening).
//
// Stopping. The child runs in a process group of its own, and stop() sends SIGTERM to the
// whole group, as Ctrl-C at a terminal signals the whole foreground group: a process server's
// children go with it, and no figure needs a page of stop-handling code. "Stopped cleanly"
// means: the server ended because of that signal (or exited 0, for the servers that catch it
// and clean up), and nothing of its group is left, not even a zombie. This process makes
// itself a child subreaper (prctl), so a server's children that outlive it become ours and
// are reaped here, instead of depending on whatever init the machine runs.
//
// Starting. A program that cannot be started (no such file, not executable) is an error of the
// constructor, with the exec's own errno: the child reports it through a close-on-exec pipe,
// which a successful exec closes unread, so the parent knows which of the two happened.
//
// Output. stdout is a pipe read here; once a log file is named, a thread copies the rest into
// it, because several book servers print a line per client and a pipe nobody drains fills
// up (64 KiB) and then blocks the server in printf.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <csapp/socket.hpp>

#include "cpus.hpp"
#include "net.hpp"
#include "words.hpp"

namespace echo_check {

// A TCP port nobody listens on right now (the kernel's pick for port 0, released again).
inline int free_port() {
  csapp::unique_fd probe = csapp::listen_on("0");
  return csapp::local_port(probe.get());
}

// "ended by SIGTERM", "exited with status 2": a wait status in words.
inline std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return std::string("ended by ") +
           (name ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(status)));
  }
  return "wait status " + std::to_string(status);
}

namespace detail {

// The process groups of the children still running, so that a signal that ends this
// program (Ctrl-C at the tour) can end them too: they are not in our group any more.
inline std::array<std::atomic<pid_t>, 64>& live_groups() {
  static std::array<std::atomic<pid_t>, 64> groups{};
  return groups;
}

inline void remember_group(pid_t group) {
  for (auto& slot : live_groups()) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, group)) return;
  }
}

inline void forget_group(pid_t group) {
  for (auto& slot : live_groups()) {
    pid_t mine = group;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

inline void end_groups_and_die(int sig) noexcept {
  for (auto& slot : live_groups())
    if (const pid_t group = slot.load(); group > 0) ::kill(-group, SIGTERM);
  ::signal(sig, SIG_DFL);  // then die of the same signal, as the shell expects
  ::raise(sig);
}

}  // namespace detail

// For the tools: SIGINT, SIGTERM or SIGHUP to this program also stops the servers it
// started (each in a group of its own, out of reach of the terminal's Ctrl-C).
inline void stop_children_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, detail::end_groups_and_die);
}

struct spawn_options {
  bool with_stdin = false;  // a pipe to its stdin (otherwise stdin is /dev/null)
  std::string log_path;     // its stderr goes here (appended); empty: our stderr
  cpu_list cpus;            // the CPUs it (and all it starts) may run on; empty: ours
};

// How a stop went: clean, or what was wrong, in words.
struct stop_outcome {
  bool clean = false;  // ended by the stop signal or exited 0, and nothing of its group left
  std::string how;     // "ended by SIGTERM", "exited with status 1", "had to be killed ..."
};

class child_process {
 public:
  // Starts argv[0] (searched in PATH) with the arguments argv[1...]. Throws std::system_error.
  explicit child_process(const std::vector<std::string>& argv, const spawn_options& opt = {}) {
    // Orphans of the group come to us and are reaped in stop(). Once per process is enough.
    static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    (void)subreaper;
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    csapp::unique_fd out_r, out_w, in_r, in_w, log, exec_r, exec_w;
    make_pipe(out_r, out_w);
    make_pipe(exec_r, exec_w);
    if (opt.with_stdin) make_pipe(in_r, in_w);
    if (!opt.log_path.empty()) {
      log.reset(::open(opt.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
      if (!log) csapp::throw_errno(("open " + opt.log_path).c_str());
      log_start_ = ::lseek(log.get(), 0, SEEK_END);
      log_path_ = opt.log_path;
    }
    const cpu_set_t cpus = to_cpu_set(opt.cpus);  // built before fork: the child only applies it
    pid_ = ::fork();
    if (pid_ < 0) csapp::throw_errno("fork");
    if (pid_ == 0) {
      ::setpgid(0, 0);  // a group of its own: stop() signals all of it
      if (!opt.cpus.empty() && ::sched_setaffinity(0, sizeof cpus, &cpus) < 0) {
        const int why = errno;
        (void)!::write(exec_w.get(), &why, sizeof why);
        ::_exit(127);
      }
      // Signal dispositions survive exec when ignored, and a test runner's handlers are in
      // force here: the program starts with the defaults and nothing blocked.
      for (int sig = 1; sig < NSIG; ++sig) std::signal(sig, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::dup2(out_w.get(), STDOUT_FILENO);
      if (log) ::dup2(log.get(), STDERR_FILENO);
      if (in_r) {
        ::dup2(in_r.get(), STDIN_FILENO);
      } else {
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, STDIN_FILENO);
      }
      // Nothing of ours leaks into it, however many we hold; the exec pipe stays open until
      // the exec succeeds (it is close-on-exec) or the child reports why it failed.
      ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
      ::execvp(args[0], args.data());
      const int why = errno;
      (void)!::write(exec_w.get(), &why, sizeof why);
      ::_exit(127);
    }
    exec_w.reset();
    int why = 0;
    if (csapp::retry_on_eintr([&] { return ::read(exec_r.get(), &why, sizeof why); }) ==
        static_cast<ssize_t>(sizeof why)) {
      int status = 0;
      csapp::retry_on_eintr([&] { return ::waitpid(pid_, &status, 0); });  // it _exits at once
      throw std::system_error(why, std::generic_category(), "cannot start " + argv[0]);
    }
    // Also here: whichever of parent and child runs first, the group exists before anyone
    // signals it (EACCES once the child has exec'd is harmless: it did it itself).
    ::setpgid(pid_, pid_);
    detail::remember_group(pid_);
    stdout_ = std::move(out_r);
    stdin_ = std::move(in_w);
    log_ = std::move(log);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { finish_output(); }

  // Stops it, and waits until its output is all in the log (a process that left its group
  // may hold the pipe open: what it has not written within 100 ms is not waited for).
  void finish_output() {
    stop();
    draining_ = false;
    if (drain_.joinable()) drain_.join();
  }

  pid_t pid() const { return pid_; }

  // Its output so far (stderr, and stdout once the port is known), as lines: at most the
  // last `max_bytes` of it. Empty without a log.
  std::vector<std::string> log_lines(std::size_t max_bytes = std::size_t{64} * 1024) const {
    std::vector<std::string> lines;
    if (log_path_.empty()) return lines;
    csapp::unique_fd in(::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) return lines;
    const off_t end = ::lseek(in.get(), 0, SEEK_END);
    const off_t from = std::max(log_start_, end - static_cast<off_t>(max_bytes));
    std::string text(static_cast<std::size_t>(std::max<off_t>(0, end - from)), '\0');
    const ssize_t n = ::pread(in.get(), text.data(), text.size(), from);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::size_t at = 0;
    if (from > log_start_) {  // skip the partial first line
      at = text.find('\n');
      if (at == std::string::npos) return lines;
      ++at;
    }
    while (at < text.size()) {
      auto nl = text.find('\n', at);
      if (nl == std::string::npos) nl = text.size();
      if (nl > at) lines.push_back(text.substr(at, nl - at));
      at = nl + 1;
    }
    return lines;
  }

  // The whole lines of its output written since `at` (a log offset, 0 at first), which is
  // moved past them. Empty without a log.
  std::vector<std::string> new_log_lines(off_t& at) const {
    std::vector<std::string> lines;
    if (log_path_.empty()) return lines;
    csapp::unique_fd in(::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) return lines;
    at = std::max(at, log_start_);
    const off_t end = ::lseek(in.get(), 0, SEEK_END);
    std::string text(static_cast<std::size_t>(std::max<off_t>(0, end - at)), '\0');
    const ssize_t n = ::pread(in.get(), text.data(), text.size(), at);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::size_t from = 0;
    for (auto nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
      if (nl > from) lines.push_back(text.substr(from, nl - from));
      from = nl + 1;
    }
    at += static_cast<off_t>(from);
    return lines;
  }

  // How it ended, once it has ("exited with status 1"); empty while it runs.
  std::string how_it_ended() { return exited() ? describe_wait_status(*status_) : std::string(); }
  int stdin_fd() const { return stdin_.get(); }
  void close_stdin() { stdin_.reset(); }

  // The next line of its stdout (without the newline), or nothing on EOF or at the limit.
  std::optional<std::string> read_line(millis limit) {
    const auto deadline = clock::now() + limit;
    for (;;) {
      if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        return line;
      }
      if (!readable_by(stdout_.get(), deadline)) return std::nullopt;
      char buf[4096];
      const ssize_t n =
          csapp::retry_on_eintr([&] { return ::read(stdout_.get(), buf, sizeof buf); });
      if (n <= 0) return std::nullopt;
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Everything it prints until it closes stdout, or until the limit.
  std::string read_rest(millis limit) {
    const auto deadline = clock::now() + limit;
    std::string all;
    while (auto line = read_line(std::chrono::duration_cast<millis>(deadline - clock::now())))
      all += *line + "\n";
    return all + std::exchange(pending_, {});
  }

  // The port from "listening on port N" (0 if it did not come within `limit`). With a log,
  // the rest of its stdout then goes there.
  int wait_for_port(millis limit) {
    const std::string prefix = "listening on port ";
    const auto deadline = clock::now() + limit;
    while (auto line = read_line(std::chrono::duration_cast<millis>(deadline - clock::now()))) {
      if (line->rfind(prefix, 0) != 0) continue;
      if (log_) start_draining();
      return std::atoi(line->c_str() + prefix.size());
    }
    return 0;
  }

  // For a server that prints nothing: ready once a connection to `ep` succeeds (tried every
  // 20 ms, up to `limit`). False if it never does, or if the process ended first.
  bool wait_until_listening(const endpoint& ep, millis limit) {
    if (log_) start_draining();
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
    status_ = status;
    return true;
  }

  // Waits (bounded) for it to end by itself; the raw wait status, or nothing at the limit.
  std::optional<int> wait_exit(millis limit) {
    const auto deadline = clock::now() + limit;
    while (!exited() && clock::now() < deadline) ::usleep(1000);  // polls the event, bounded
    return status_;
  }

  // SIGTERM to its whole group, then reaps the group: the program and every process it left
  // behind. Whatever is still there after `limit` is killed (SIGKILL), and that is no clean
  // stop. Safe to call again: the first outcome is kept.
  stop_outcome stop(millis limit = 10s) {
    if (stopped_) return *stopped_;
    const bool ran_until_now = !exited();
    ::kill(-pid_, SIGTERM);
    bool killed = false;
    auto deadline = clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t done = ::waitpid(-pid_, &status, WNOHANG);
      if (done == pid_) status_ = status;
      if (done > 0 || (done < 0 && errno == EINTR)) continue;
      // ECHILD: none of our children is in the group. One that is not ours (we could not be a
      // subreaper) shows in kill(-group, 0) until it has gone.
      if (done < 0 && ::kill(-pid_, 0) < 0 && errno == ESRCH) break;
      if (clock::now() > deadline) {
        if (killed) break;  // not even SIGKILL ended it: give up, say so below
        ::kill(-pid_, SIGKILL);
        killed = true;
        deadline = clock::now() + limit;
      }
      ::usleep(1000);  // polls the event (a process ended), bounded by the deadline
    }
    detail::forget_group(pid_);
    stop_outcome out;
    const bool left = ::kill(-pid_, 0) == 0;
    if (!status_) {
      out.how = "did not end, even when killed";
    } else if (!ran_until_now) {
      out.how = "had already " + describe_wait_status(*status_) + " before it was stopped";
      out.clean = WIFEXITED(*status_) && WEXITSTATUS(*status_) == 0 && !killed && !left;
    } else {
      out.how = describe_wait_status(*status_);
      out.clean = !killed && !left &&
                  ((WIFSIGNALED(*status_) && WTERMSIG(*status_) == SIGTERM) ||
                   (WIFEXITED(*status_) && WEXITSTATUS(*status_) == 0));
    }
    if (killed)
      out.how += "; its group was still there " + human_seconds(limit.count() / 1000.0) +
                 " after SIGTERM and was killed";
    if (left) out.how += "; processes of its group are still running";
    stopped_ = out;
    return out;
  }

 private:
  static void make_pipe(csapp::unique_fd& read_end, csapp::unique_fd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) csapp::throw_errno("pipe2");
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }

  // Copies the rest of its stdout to the log until it closes stdout (exits).
  void start_draining() {
    if (drain_.joinable()) return;
    drain_ = std::thread([this, first = std::exchange(pending_, {})] {
      csapp::writen(log_.get(), first.data(), first.size());
      char buf[65536];
      // Until EOF; after stop(), only what is already there (checked every 100 ms).
      for (;;) {
        pollfd p{stdout_.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) return;
        if (ready <= 0) {
          if (!draining_) return;
          continue;
        }
        const ssize_t n =
            csapp::retry_on_eintr([&] { return ::read(stdout_.get(), buf, sizeof buf); });
        if (n <= 0) return;
        csapp::writen(log_.get(), buf, static_cast<std::size_t>(n));
      }
    });
  }

  pid_t pid_ = -1;                       // the program, and the id of its process group
  csapp::unique_fd stdout_;              // its stdout, read here
  csapp::unique_fd stdin_;               // its stdin, when asked for
  csapp::unique_fd log_;                 // its stderr, and its stdout once the port is known
  std::string pending_;                  // stdout bytes read but not yet returned as lines
  std::thread drain_;                    // copies stdout_ to log_
  std::atomic<bool> draining_{true};     // false: the drain stops once the pipe is idle
  std::string log_path_;                 // the log's name, when there is one
  off_t log_start_ = 0;                  // where this program's part of the log begins
  std::optional<int> status_;            // its wait status, once reaped
  std::optional<stop_outcome> stopped_;  // set by the first stop()
};

}  // namespace echo_check
