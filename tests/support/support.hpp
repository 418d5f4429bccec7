// tests/support/support.hpp - what the tests share: descriptor pairs, a child-process
// runner, /proc readings, and a way to interrupt a blocked system call on purpose.
//
// Every wait here is bounded, and none sleeps "to let things settle": each one waits for an
// event (a thread is asleep in the kernel, a handler has run, a pipe reached EOF) and gives
// up after a generous limit, so a broken build fails instead of hanging.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <functional>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <string>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include <csapp/fd.hpp>
#include <csapp/socket.hpp>

namespace test_support {

// The duration literals (10s, 500ms) for the code in this namespace: declarations, not a
// using-directive, so including this header pulls no whole namespace into anyone's scope.
using std::chrono_literals::operator""h;
using std::chrono_literals::operator""min;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""ns;
using std::chrono_literals::operator""s;
using std::chrono_literals::operator""us;
using clock = std::chrono::steady_clock;

// The generous outer bound for any single event a test waits for.
inline constexpr std::chrono::milliseconds event_limit = 10s;

// A connected AF_UNIX stream pair.
inline std::pair<csapp::unique_fd, csapp::unique_fd> socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) csapp::throw_errno("socketpair");
  return {csapp::unique_fd(fds[0]), csapp::unique_fd(fds[1])};
}

inline std::pair<csapp::unique_fd, csapp::unique_fd> pipe_pair() {  // {read end, write end}
  int fds[2];
  if (::pipe(fds) < 0) csapp::throw_errno("pipe");
  return {csapp::unique_fd(fds[0]), csapp::unique_fd(fds[1])};
}

// A connected TCP pair over loopback: {client end, server end}.
inline std::pair<csapp::unique_fd, csapp::unique_fd> loopback_pair(const char* host = "127.0.0.1") {
  csapp::unique_fd listener = csapp::listen_on("0");
  const std::string port = std::to_string(csapp::local_port(listener.get()));
  csapp::unique_fd client = csapp::connect_to(host, port.c_str());
  csapp::unique_fd server = csapp::accept_from(listener.get());
  return {std::move(client), std::move(server)};
}

// Open descriptors of this process, from /proc/self/fd (the directory's own is excluded).
inline int open_fd_count() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) csapp::throw_errno("opendir /proc/self/fd");
  int count = 0;
  while (dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  ::closedir(dir);
  return count - 1;
}

// A fresh directory under $TMPDIR (or /tmp), named after `what`; left for the OS to clean.
inline std::string temp_dir(const std::string& what) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/csapp-" + what + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) csapp::throw_errno("mkdtemp");
  return pattern;
}

// A whole file, or "" if it cannot be opened.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline pid_t this_thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// The scheduler state letter of one of our threads ('R' running, 'S' asleep, ...).
inline char thread_state(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');  // the command name may contain spaces
  return close_paren == std::string::npos || close_paren + 2 >= text.size() ? '?'
                                                                            : text[close_paren + 2];
}

// Polls `done` until it holds or `limit` passes. Returns whether it held.
inline bool wait_for(const std::function<bool()>& done,
                     std::chrono::milliseconds limit = event_limit) {
  const auto deadline = clock::now() + limit;
  while (!done()) {
    if (clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);  // a polling interval, not a settle delay
  }
  return true;
}

// Polls `done` until it holds, for as long as `progress` keeps moving: gives up (false) once
// it has stood still for `quiet_limit`. For bulk runs whose length depends on the machine (a
// million hand-offs take many times longer under TSan) but whose failure is a standstill (a
// lost item, a missed wakeup): a stuck run is reported after quiet_limit, not at CTest's end.
inline bool wait_while_progressing(const std::function<bool()>& done,
                                   const std::function<long()>& progress,
                                   std::chrono::milliseconds quiet_limit = event_limit) {
  long seen = progress();
  for (;;) {
    if (wait_for([&] { return done() || progress() != seen; }, quiet_limit) == false) return false;
    if (done()) return true;
    seen = progress();
  }
}

// Ends the program, saying `what`, when the scope it guards has not finished within `limit`.
// For a test whose own thread makes a call that a broken implementation blocks forever (a
// deadlocked buffer): the test then fails at the event limit, with a reason, and not at
// CTest's limit. The guard is a hang detector and never judges speed.
class hang_guard {
 public:
  explicit hang_guard(const char* what, std::chrono::milliseconds limit = event_limit)
      : watcher_([this, what, limit] {
          std::unique_lock<std::mutex> lock(lock_);
          if (!finished_.wait_for(lock, limit, [this] { return done_; })) {
            std::fprintf(stderr, "%s: still stuck after %lld ms\n", what,
                         static_cast<long long>(limit.count()));
            std::_Exit(1);  // the stuck thread cannot be joined: end here
          }
        }) {}
  hang_guard(const hang_guard&) = delete;
  hang_guard& operator=(const hang_guard&) = delete;
  ~hang_guard() {
    {
      std::lock_guard<std::mutex> guard(lock_);
      done_ = true;
    }
    finished_.notify_one();
    watcher_.join();
  }

 private:
  std::mutex lock_;                   // guards done_
  std::condition_variable finished_;  // signalled when the scope ends
  bool done_ = false;                 // the scope ended
  std::thread watcher_;               // last: it starts running at construction
};

// Interrupts a thread that is blocked in a system call, on purpose, to prove a retry.
//
// While alive it installs a SIGALRM handler *without* SA_RESTART, so a blocked read, write,
// accept or sem_wait fails with EINTR instead of being restarted by the kernel.
// interrupt() waits until the target thread is asleep (inside the call), sends it the
// signal, and waits until the handler has run: each call is one guaranteed EINTR.
class interrupter {
 public:
  interrupter() {
    handled().store(0);
    struct sigaction action {};
    action.sa_handler = [](int) { handled().fetch_add(1); };
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: that is the point
    ::sigaction(SIGALRM, &action, &previous_);
  }
  interrupter(const interrupter&) = delete;
  interrupter& operator=(const interrupter&) = delete;
  ~interrupter() { ::sigaction(SIGALRM, &previous_, nullptr); }

  // Returns false if the target never blocked or the handler never ran within the limit.
  bool interrupt(pthread_t target, pid_t target_tid) {
    const int before = handled().load();
    if (!wait_for([&] { return thread_state(target_tid) == 'S'; })) return false;
    if (::pthread_kill(target, SIGALRM) != 0) return false;
    return wait_for([&] { return handled().load() > before; });
  }

  int count() const { return handled().load(); }

 private:
  static std::atomic<int>& handled() {
    static std::atomic<int> count{0};
    return count;
  }
  struct sigaction previous_ {};  // restored on destruction
};

// What a function run in a forked child did: its exit status and what it printed.
struct child_result {
  int exit_code = -1;   // WEXITSTATUS, or -1 if it did not exit normally
  int term_signal = 0;  // the signal that killed it, or 0
  std::string out;      // its stdout
  std::string err;      // its stderr
};

// Runs body() in a forked child with stdout and stderr captured. The child ends with
// _exit(0) if body returns. doctest's signal handlers are reset in the child, so a fatal
// signal there is reported as such rather than as a test failure of the parent.
inline child_result run_in_child(const std::function<void()>& body) {
  auto [out_r, out_w] = pipe_pair();
  auto [err_r, err_w] = pipe_pair();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) csapp::throw_errno("fork");
  if (pid == 0) {
    for (int sig : {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGINT, SIGSEGV, SIGTERM, SIGPIPE})
      std::signal(sig, SIG_DFL);
    ::dup2(out_w.get(), STDOUT_FILENO);
    ::dup2(err_w.get(), STDERR_FILENO);
    body();
    std::fflush(nullptr);
    ::_exit(0);
  }
  out_w.reset();
  err_w.reset();
  child_result result;
  pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  const auto deadline = clock::now() + event_limit;
  int open_streams = 2;
  while (open_streams > 0 && clock::now() < deadline) {
    if (::poll(fds, 2, 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else {
        fds[i].fd = -1;  // EOF (or error): poll ignores negative descriptors
        --open_streams;
      }
    }
  }
  if (open_streams > 0) ::kill(pid, SIGKILL);  // over the limit: do not hang the suite
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace test_support
