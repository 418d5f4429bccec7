// exercises/support/tfgets_checks.hpp - the checks that problems 12.31, 12.32 and 12.33 share:
// tfgets(s, size, stream) is fgets that gives up and returns NULL when no line comes within 5 s.
// Each problem's tests/test_tfgets.cpp includes this header (the shared checks, below) and adds
// one check of its own method: a timer process and a signal, select, or a thread.
//
// How a check watches tfgets. The student's tfgets runs in a child process of the test, the
// "caller", on a FILE that the caller made with fdopen on a pipe the test writes to. The test
// says when to call, writes the lines (before the call, or once the caller sleeps inside it),
// closes the pipe for end of file, and waits for each answer with a bound: a tfgets that never
// gives up is named ("still waiting 10 s after the call") and stopped well before the grader's
// limit. A process of its own also keeps what tfgets does with signals, children, threads and
// nonlocal jumps away from the test itself.
//
// After every call the caller looks at what tfgets left behind, and says so in its reply: child
// processes (running, or zombies never reaped), threads still running or never joined, signal
// actions and the signal mask not as they were before the call. The caller installs a handler of
// its own for SIGALRM, SIGUSR1 and SIGUSR2 first, so a tfgets that puts back the default action
// instead of the one it found is seen too.
//
// What tfgets calls is counted by functions of the same names defined at the end of this file:
// a program's own definition of alarm, select, pthread_create, ... takes the place of the C
// library's for every call the program makes, so the student's calls come here first and go on
// to the real function (exercise::real_function: dlsym(RTLD_NEXT)). This header belongs in one
// file of a test program, and only in tests.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <echocheck/proc.hpp>

#include "exercise.hpp"
#include "tfgets.h"

namespace tfgets_check {

using namespace std::chrono_literals;
using exercise::millis;

// The timeout the problems ask for, and how far from it a timed-out call may return.
constexpr double timeout_s = 5.0;
constexpr double earliest_s = 4.5;
constexpr double latest_s = 8.0;
// How long the test waits for an answer before it calls the call stuck.
constexpr millis stuck_after = 10s;

// ---- What tfgets calls (filled in by the definitions at the end of this file) ----

struct call_counts {
  std::atomic<int> alarms{0};    // alarm()
  std::atomic<int> selects{0};   // select() and pselect()
  std::atomic<int> created{0};   // pthread_create() that succeeded
  std::atomic<int> joined{0};    // pthread_join() that succeeded
  std::atomic<int> detached{0};  // pthread_detach() that succeeded
};

inline call_counts& counts() {
  static call_counts c;
  return c;
}

// ---- The caller's side (the child process) ----

// The caller's one message: "ready", "about to call", or what one call did. Written with one
// write(2), smaller than PIPE_BUF, so it arrives whole.
struct reply {
  enum { ready, entering, returned } kind;         // set up; about to call tfgets; tfgets returned
  int baseline_threads;                            // the caller's threads between calls
  int result;                                      // 0: NULL; 1: s; 2: some other pointer
  int bad_text;                                    // 1: s has no NUL within size bytes
  double seconds;                                  // how long the call took
  int alarms, selects, created, joined, detached;  // call_counts, since the caller began
  char text[256];   // what s holds when tfgets returned s (cut short if longer)
  char left[1024];  // what the call left behind, in words; "" when nothing
};
static_assert(sizeof(reply) < PIPE_BUF, "a reply must arrive in one piece");

struct command {
  int size;  // tfgets's size argument; -1: end
};

// "SIGUSR1", or "signal 40".
inline std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// The caller's own handler for SIGALRM, SIGUSR1 and SIGUSR2: it does nothing (and, installed
// with SA_RESTART, interrupts nothing). It is there to be found again after each call.
extern "C" inline void callers_own_handler(int) {}

inline void* handler_of(const struct sigaction& a) {
  return (a.sa_flags & SA_SIGINFO) ? reinterpret_cast<void*>(a.sa_sigaction)
                                   : reinterpret_cast<void*>(a.sa_handler);
}

inline std::string describe_action(const struct sigaction& a) {
  void* h = handler_of(a);
  if (h == reinterpret_cast<void*>(SIG_DFL)) return "the default action";
  if (h == reinterpret_cast<void*>(SIG_IGN)) return "ignored";
  if (h == reinterpret_cast<void*>(callers_own_handler)) return "the caller's handler";
  return "a handler of tfgets";
}

// The caller's signal state between calls: the action of every signal, and its mask.
struct signal_state {
  struct sigaction action[NSIG];  // by signal number
  bool known[NSIG];               // sigaction answered for that number (glibc keeps 32 and 33)
  sigset_t mask;                  // the blocked signals
  void read() {
    for (int sig = 1; sig < NSIG; ++sig) known[sig] = ::sigaction(sig, nullptr, &action[sig]) == 0;
    ::sigprocmask(SIG_BLOCK, nullptr, &mask);
  }
};

// A list in words: "a, b and 3 more".
inline std::string some_of(const std::vector<std::string>& items, std::size_t shown = 3) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < shown; ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  if (items.size() > shown) out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

// What one call left behind, compared with the state before the first call.
inline std::string left_behind(const signal_state& before, int baseline_threads) {
  std::vector<std::string> found;
  // A child that was just killed takes a moment to become a zombie: let each settle.
  const auto settled = [] {
    for (pid_t child : echo_check::child_pids(::getpid()))
      if (echo_check::process_state(child) != 'Z') return false;
    return true;
  };
  exercise::wait_until(settled, 1s);
  for (pid_t child : echo_check::child_pids(::getpid())) {
    const char state = echo_check::process_state(child);
    found.push_back(state == 'Z'
                        ? "a zombie child process is left (pid " + std::to_string(child) +
                              ": it ended, and nobody reaped it with waitpid)"
                        : "a child process is still running (pid " + std::to_string(child) + ")");
  }
  // A thread that was cancelled, or is returning, may take a moment to go.
  exercise::wait_until([&] { return exercise::thread_count() <= baseline_threads; }, 1s);
  const int extra = exercise::thread_count() - baseline_threads;
  if (extra > 0)
    found.push_back(
        std::to_string(extra) + (extra == 1 ? " thread" : " threads") +
        (extra == 1 ? " is" : " are") +
        " still running a second later (every thread tfgets starts must be over when it "
        "returns: cancelled if need be, and joined)");
  auto& c = counts();
  const int open = c.created - c.joined - c.detached;
  if (open > 0 && extra <= 0)
    found.push_back(std::to_string(open) + (open == 1 ? " thread" : " threads") +
                    (open == 1 ? " was" : " were") + " never joined nor detached (" +
                    std::to_string(c.created.load()) + " created, " +
                    std::to_string(c.joined.load()) + " joined, " +
                    std::to_string(c.detached.load()) +
                    " detached so far: a thread that ended is not gone until it is joined)");
  signal_state now;
  now.read();
  std::vector<std::string> actions, blocked, unblocked;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (!before.known[sig] || !now.known[sig]) continue;
    if (handler_of(now.action[sig]) != handler_of(before.action[sig]))
      actions.push_back(signal_name(sig) + "'s action is " + describe_action(now.action[sig]) +
                        ", not " + describe_action(before.action[sig]) + " as before");
    const bool was = sigismember(&before.mask, sig) == 1, is = sigismember(&now.mask, sig) == 1;
    if (is && !was) blocked.push_back(signal_name(sig));
    if (was && !is) unblocked.push_back(signal_name(sig));
  }
  if (!actions.empty())
    found.push_back(some_of(actions) +
                    " (put back the action tfgets found: the one sigaction, or Signal, returned)");
  if (!blocked.empty())
    found.push_back(
        some_of(blocked) + (blocked.size() == 1 ? " is" : " are") +
        " left blocked (after a jump out of a handler, only siglongjmp to a sigsetjmp(env, 1) "
        "puts the signal mask back)");
  if (!unblocked.empty())
    found.push_back(some_of(unblocked) + (unblocked.size() == 1 ? " is" : " are") +
                    " unblocked, though the caller had blocked it");
  std::string text;
  for (const auto& f : found) text += (text.empty() ? "" : "; ") + f;
  return text;
}

inline bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t k = ::write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

inline bool read_all(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t k = ::read(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

inline void fill_counts(reply& r) {
  auto& c = counts();
  r.alarms = c.alarms;
  r.selects = c.selects;
  r.created = c.created;
  r.joined = c.joined;
  r.detached = c.detached;
}

// The caller: sets itself up, says it is ready, then calls tfgets once per command.
[[noreturn]] inline void serve(int stream_fd, int command_fd, int reply_fd) {
  // The test's own handlers (doctest's, for SIGSEGV, SIGTERM, ...) are not the caller's.
  for (int sig = 1; sig < SIGRTMIN; ++sig) {
    struct sigaction a {};
    if (::sigaction(sig, nullptr, &a) == 0 && handler_of(a) != reinterpret_cast<void*>(SIG_DFL) &&
        handler_of(a) != reinterpret_cast<void*>(SIG_IGN))
      std::signal(sig, SIG_DFL);
  }
  for (int sig : {SIGALRM, SIGUSR1, SIGUSR2}) {
    struct sigaction a {};
    a.sa_handler = callers_own_handler;
    a.sa_flags = SA_RESTART;
    sigemptyset(&a.sa_mask);
    ::sigaction(sig, &a, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // One thread made and joined first: a runtime that starts a helper thread of its own with the
  // program's first thread (ThreadSanitizer does) has it running before the count is taken.
  std::thread([] {}).join();
  auto& c = counts();
  c.alarms = c.selects = c.created = c.joined = c.detached = 0;
  signal_state before;
  before.read();

  FILE* stream = ::fdopen(stream_fd, "r");
  char buf[1024];
  reply r{};
  r.kind = reply::ready;
  r.baseline_threads = exercise::thread_count();
  if (!stream || !write_all(reply_fd, &r, sizeof r)) ::_exit(3);
  for (;;) {
    command cmd{};
    if (!read_all(command_fd, &cmd, sizeof cmd) || cmd.size < 0) ::_exit(0);
    const std::size_t size = static_cast<std::size_t>(cmd.size);
    std::memset(buf, '#', sizeof buf);
    r.kind = reply::entering;
    if (!write_all(reply_fd, &r, sizeof r)) ::_exit(3);
    const auto start = exercise::clock::now();
    char* got = tfgets(buf, cmd.size, stream);
    r.seconds = std::chrono::duration<double>(exercise::clock::now() - start).count();
    r.kind = reply::returned;
    r.result = got == nullptr ? 0 : got == buf ? 1 : 2;
    r.bad_text = 0;
    std::memset(r.text, 0, sizeof r.text);
    if (got == buf) {
      const void* nul = std::memchr(buf, '\0', size);
      if (nul == nullptr) r.bad_text = 1;
      const std::size_t len =
          nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - buf) : size;
      std::memcpy(r.text, buf, std::min(len, sizeof r.text - 1));
    }
    std::string left = left_behind(before, r.baseline_threads);
    for (std::size_t i = size; i < sizeof buf; ++i)
      if (buf[i] != '#') {
        left = "byte " + std::to_string(i + 1) + " of s was written, beyond size " +
               std::to_string(size) + (left.empty() ? "" : "; " + left);
        break;
      }
    std::snprintf(r.left, sizeof r.left, "%s", left.c_str());
    fill_counts(r);
    if (!write_all(reply_fd, &r, sizeof r)) ::_exit(3);
  }
}

// ---- The test's side ----

// 'hello\n' for a verdict: the text in quotes, with \n for a newline.
inline std::string quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\n')
      out += "\\n";
    else if (static_cast<unsigned char>(ch) < 32)
      out += "\\x" + std::to_string(static_cast<int>(ch));
    else
      out += ch;
  }
  return out + "'";
}

inline std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

// How one call ended, as the test saw it.
struct outcome {
  std::optional<reply> got;  // the caller's reply, when tfgets returned
  std::string ended;         // how the caller ended, when it died instead ("ended by SIGUSR1")
  // Neither: tfgets was still waiting at the bound.
};

// The caller process, for one check. Its destructor ends it.
class caller {
 public:
  caller() {
    std::signal(SIGPIPE, SIG_IGN);  // a caller that died must not take the test with it
    int stream[2], commands[2], replies[2];
    REQUIRE(::pipe(stream) == 0);
    REQUIRE(::pipe(commands) == 0);
    REQUIRE(::pipe(replies) == 0);
    std::fflush(nullptr);  // nothing buffered here may come out twice
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(stream[1]);
      ::close(commands[1]);
      ::close(replies[0]);
      serve(stream[0], commands[0], replies[1]);
    }
    ::close(stream[0]);
    ::close(commands[0]);
    ::close(replies[1]);
    stream_ = stream[1];
    commands_ = commands[1];
    replies_ = replies[0];
    const auto hello = next(stuck_after);
    REQUIRE_MESSAGE(hello.got.has_value(),
                    (std::string("the caller process did not start: ") + hello.ended));
    baseline_threads_ = hello.got->baseline_threads;
  }
  ~caller() {
    close_stream();
    if (commands_ >= 0) ::close(commands_);
    if (replies_ >= 0) ::close(replies_);
    if (!status_) {
      for (pid_t child : children())
        ::kill(child, SIGKILL);  // a timer must not signal a pid reused later
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  caller(const caller&) = delete;
  caller& operator=(const caller&) = delete;

  pid_t pid() const { return pid_; }
  int baseline_threads() const { return baseline_threads_; }

  // Writes to the pipe tfgets reads from.
  void write(const std::string& data) { write_all(stream_, data.data(), data.size()); }
  // End of file for tfgets.
  void close_stream() {
    if (stream_ >= 0) ::close(stream_);
    stream_ = -1;
  }

  // Starts tfgets(s, size, stream) in the caller; returns once the caller is about to call it.
  void start(int size) {
    const command cmd{size};
    REQUIRE(write_all(commands_, &cmd, sizeof cmd));
    const auto entering = next(stuck_after);
    REQUIRE_MESSAGE(entering.got.has_value(),
                    (std::string("the caller process did not call tfgets: ") + entering.ended));
  }

  // Waits, at most `limit`, until the caller sleeps inside tfgets (20 looks in a row, 1 ms apart:
  // a tfgets that only naps for a few milliseconds has returned by then). False
  // if tfgets returned first, or never slept.
  bool sleeping(millis limit = 3s) {
    int in_a_row = 0;
    return exercise::wait_until(
               [&] {
                 if (answered()) return true;
                 in_a_row = echo_check::process_state(pid_) == 'S' ? in_a_row + 1 : 0;
                 return in_a_row >= 20;
               },
               limit) &&
           !answered();
  }

  // The threads and child processes the caller has now.
  int threads() const {
    return static_cast<int>(echo_check::list_dir("/proc/" + std::to_string(pid_) + "/task").size());
  }
  std::vector<pid_t> children() const { return echo_check::child_pids(pid_); }

  // What the call that start() began did: waits for it at most `limit`.
  outcome finish(millis limit = stuck_after) { return next(limit); }

 private:
  // Whether a reply (or the end of the pipe) is there to read.
  bool answered() const {
    pollfd p{replies_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
  }

  // The caller's next reply, or how it ended, or nothing within `limit`.
  outcome next(millis limit) {
    outcome out;
    const auto deadline = exercise::clock::now() + limit;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<millis>(deadline - exercise::clock::now()).count();
      if (!replies_ended_) {
        pollfd p{replies_, POLLIN, 0};
        if (::poll(&p, 1,
                   static_cast<int>(std::max<long long>(0, std::min<long long>(left, 50)))) == 1) {
          reply r{};
          if (read_all(replies_, &r, sizeof r)) {
            out.got = r;
            return out;
          }
          replies_ended_ = true;  // nobody can write a reply any more
        }
      } else {
        std::this_thread::sleep_for(1ms);  // the caller is ending: wait for it, bounded below
      }
      // Has it ended? (A child of tfgets may hold the reply pipe open after the caller died.)
      int status = 0;
      if (!status_ && ::waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
      if (status_ && !answered()) {
        out.ended = echo_check::describe_wait_status(*status_);
        return out;
      }
      if (left <= 0) return out;
    }
  }

  pid_t pid_ = -1;
  int stream_ = -1, commands_ = -1, replies_ = -1;
  int baseline_threads_ = 0;
  bool replies_ended_ = false;  // the reply pipe is at its end
  std::optional<int> status_;   // the caller's wait status, once it has ended
};

// What happened to the call, in words, when it did not return: still waiting, or died.
inline std::string not_returned(const outcome& o, const std::string& what) {
  if (!o.ended.empty())
    return what + ": the process that called tfgets " + o.ended +
           " during the call (a signal with no handler for it? a crash? see the output with "
           "--json)";
  return what + ": tfgets was still waiting " +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(stuck_after).count()) +
         " s after the call: no timeout (with no line after 5 s it must give up and return NULL)";
}

// The call began with start() returns `expected` (s, holding exactly that text) before any
// timeout, and leaves nothing behind. `what` names the situation; `note` adds why, when NULL
// came back after a wait.
inline std::optional<reply> expect_line(caller& c, const std::string& expected,
                                        const std::string& what, const std::string& note = "") {
  const auto o = c.finish();
  if (!exercise::expect(o.got.has_value(), not_returned(o, what))) return std::nullopt;
  const reply& r = *o.got;
  if (r.result == 0) {
    exercise::verdict(what + ": tfgets returned NULL after " + seconds(r.seconds) + " instead of " +
                      quote(expected) +
                      (r.seconds >= earliest_s && !note.empty() ? "; " + note : ""));
    return std::nullopt;
  }
  if (!exercise::expect(r.result == 1,
                        what + ": tfgets returned a pointer that is not s (fgets returns s)"))
    return std::nullopt;
  if (!exercise::expect(!r.bad_text, what + ": s holds no terminating NUL within size bytes"))
    return std::nullopt;
  if (!exercise::expect(r.text == expected, what + ": tfgets gave " + quote(r.text) +
                                                " instead of " + quote(expected) +
                                                " (what fgets would give)"))
    return std::nullopt;
  if (!exercise::expect(r.seconds < earliest_s, what + ": tfgets returned the line only after " +
                                                    seconds(r.seconds) +
                                                    " though it was there at once"))
    return std::nullopt;
  if (!exercise::expect(r.left[0] == '\0', what + ": after tfgets returned the line, " + r.left))
    return std::nullopt;
  return r;
}

// The call began with start() returns NULL, at once (end of file) or after the timeout, and
// leaves nothing behind.
inline std::optional<reply> expect_null(caller& c, bool after_timeout, const std::string& what) {
  const auto o = c.finish();
  if (!exercise::expect(o.got.has_value(), not_returned(o, what))) return std::nullopt;
  const reply& r = *o.got;
  if (r.result != 0) {
    exercise::verdict(
        what + ": tfgets returned " +
        (r.result == 1 ? "s holding " + quote(r.text) : std::string("a pointer that is not s")) +
        " after " + seconds(r.seconds) + " instead of NULL");
    return std::nullopt;
  }
  if (after_timeout) {
    if (!exercise::expect(r.seconds >= earliest_s && r.seconds <= latest_s,
                          what + ": tfgets returned NULL after " + seconds(r.seconds) +
                              "; the timeout is 5 s (4.5 to 8 s passes)"))
      return std::nullopt;
  } else if (!exercise::expect(
                 r.seconds < earliest_s,
                 what + ": tfgets returned NULL only after " + seconds(r.seconds) +
                     "; end of file is an answer at once, as fgets gives it, not a timeout")) {
    return std::nullopt;
  }
  if (!exercise::expect(r.left[0] == '\0', what + ": after tfgets returned NULL, " + r.left))
    return std::nullopt;
  return r;
}

}  // namespace tfgets_check

// ---- The shared checks ----

TEST_CASE(
    "[4] no line for 5 s: NULL after about 5 s, nothing left behind, and the next call reads a "
    "line") {
  tfgets_check::caller c;
  c.start(100);
  if (!tfgets_check::expect_null(c, true, "with nothing written to the stream")) return;
  c.write("a line after the timeout\n");
  c.start(100);
  tfgets_check::expect_line(c, "a line after the timeout\n", "a call after one that timed out");
}

TEST_CASE("[2] a line already written is returned as fgets returns it, also one longer than size") {
  tfgets_check::caller c;
  c.write("hello, world\n");
  c.start(100);
  if (!tfgets_check::expect_line(c, "hello, world\n", "a line written before the call")) return;
  c.write("abcdefghijklmnopqrstuvwxyz\n");
  c.start(8);
  if (!tfgets_check::expect_line(c, "abcdefg", "a line of 26 letters with size 8")) return;
  c.start(100);
  tfgets_check::expect_line(c, "hijklmnopqrstuvwxyz\n", "the rest of that line, in the next call",
                            "the first call's read took the whole line into the stream's buffer, "
                            "where the descriptor knows nothing of it");
}

TEST_CASE("[2] two lines written at once: two calls return them in order, the second at once") {
  tfgets_check::caller c;
  c.write("first\nsecond\n");
  c.start(100);
  if (!tfgets_check::expect_line(c, "first\n", "the first of two lines written together")) return;
  c.start(100);
  tfgets_check::expect_line(c, "second\n", "the second of two lines written together",
                            "the first call's read took both lines into the stream's buffer, "
                            "where the descriptor (and select) knows nothing of them");
}

TEST_CASE("[2] a line that comes while tfgets waits is returned") {
  tfgets_check::caller c;
  c.start(100);
  c.sleeping();
  c.write("late, but in time\n");
  tfgets_check::expect_line(c, "late, but in time\n", "a line written while tfgets waited");
}

TEST_CASE("[2] end of file as fgets: a last line without a newline, then NULL at once") {
  {
    tfgets_check::caller c;
    c.write("no newline at the end");
    c.close_stream();
    c.start(100);
    if (!tfgets_check::expect_line(c, "no newline at the end",
                                   "a last line without a newline, then end of file"))
      return;
    c.start(100);
    if (!tfgets_check::expect_null(c, false, "a call at end of file")) return;
  }
  tfgets_check::caller c;
  c.start(100);
  c.sleeping();
  c.close_stream();
  tfgets_check::expect_null(c, false, "end of file while tfgets waited");
}

// ---- The counting definitions (see the top of this file) ----

namespace tfgets_check {
// The C library's functions behind ours.
inline exercise::real_function<unsigned int(unsigned int)> real_alarm{"alarm"};
inline exercise::real_function<int(int, fd_set*, fd_set*, fd_set*, struct timeval*)> real_select{
    "select"};
inline exercise::real_function<int(int, fd_set*, fd_set*, fd_set*, const struct timespec*,
                                   const sigset_t*)>
    real_pselect{"pselect"};
inline exercise::real_function<int(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)>
    real_pthread_create{"pthread_create"};
inline exercise::real_function<int(pthread_t, void**)> real_pthread_join{"pthread_join"};
inline exercise::real_function<int(pthread_t)> real_pthread_detach{"pthread_detach"};
}  // namespace tfgets_check

extern "C" {

unsigned int alarm(unsigned int seconds) noexcept {
  ++tfgets_check::counts().alarms;
  return tfgets_check::real_alarm(seconds);
}

int select(int n, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timeval* timeout) {
  ++tfgets_check::counts().selects;
  return tfgets_check::real_select(n, readfds, writefds, exceptfds, timeout);
}

int pselect(int n, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
            const struct timespec* timeout, const sigset_t* sigmask) {
  ++tfgets_check::counts().selects;
  return tfgets_check::real_pselect(n, readfds, writefds, exceptfds, timeout, sigmask);
}

int pthread_create(pthread_t* tid, const pthread_attr_t* attr, void* (*routine)(void*),
                   void* arg) noexcept {
  const int rc = tfgets_check::real_pthread_create(tid, attr, routine, arg);
  if (rc == 0) ++tfgets_check::counts().created;
  return rc;
}

int pthread_join(pthread_t tid, void** result) {
  const int rc = tfgets_check::real_pthread_join(tid, result);
  if (rc == 0) ++tfgets_check::counts().joined;
  return rc;
}

int pthread_detach(pthread_t tid) noexcept {
  const int rc = tfgets_check::real_pthread_detach(tid);
  if (rc == 0) ++tfgets_check::counts().detached;
  return rc;
}

}  // extern "C"
