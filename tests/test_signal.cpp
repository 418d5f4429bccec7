// Tests for csapp/signal.hpp and the book's Signal and Sio functions in csapp.h: handlers
// installed the way the book's Signal installs them (SA_RESTART), and output that is safe
// inside a handler, correct for every long including LONG_MIN.
#include <csapp/signal.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "csapp.h"
#include "support/support.hpp"

namespace {

std::atomic<int> first_calls{0};   // runs of first_handler
std::atomic<int> second_calls{0};  // runs of second_handler
void first_handler(int) { first_calls.fetch_add(1); }
void second_handler(int) { second_calls.fetch_add(1); }

// Handlers compared outside doctest's expression capture, which cannot print them.
bool same(csapp::signal_handler a, csapp::signal_handler b) { return a == b; }

// The disposition of `signum` as the kernel has it now.
struct sigaction current_action(int signum) {
  struct sigaction now {};
  REQUIRE(::sigaction(signum, nullptr, &now) == 0);
  return now;
}

// Whether `sig` is pending for one of our threads (its SigPnd mask in /proc).
bool signal_pending(pid_t tid, int sig) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigPnd:", 0) == 0)
      return ((std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1U) != 0;
  return false;
}

// Restores a signal's disposition when a test ends, whatever the test installed.
class keep_disposition {
 public:
  explicit keep_disposition(int signum) : signum_(signum) { ::sigaction(signum, nullptr, &saved_); }
  ~keep_disposition() { ::sigaction(signum_, &saved_, nullptr); }
  keep_disposition(const keep_disposition&) = delete;
  keep_disposition& operator=(const keep_disposition&) = delete;

 private:
  int signum_;                 // the signal
  struct sigaction saved_ {};  // its disposition before the test
};

}  // namespace

TEST_CASE("signal.install_handler sets SA_RESTART by default and returns the previous handler") {
  keep_disposition keep(SIGUSR1);
  REQUIRE_FALSE(same(csapp::install_handler(SIGUSR1, SIG_DFL), SIG_ERR));

  CHECK(same(csapp::install_handler(SIGUSR1, first_handler), SIG_DFL));
  struct sigaction now = current_action(SIGUSR1);
  CHECK(same(now.sa_handler, first_handler));
  CHECK((now.sa_flags & SA_RESTART) != 0);
  CHECK((now.sa_flags & SA_NODEFER) == 0);  // the signal is blocked while its handler runs

  CHECK(same(csapp::install_handler(SIGUSR1, second_handler), first_handler));
  CHECK(same(current_action(SIGUSR1).sa_handler, second_handler));

  // The handler the kernel has is the one that runs.
  first_calls = 0;
  second_calls = 0;
  REQUIRE(::raise(SIGUSR1) == 0);
  CHECK(second_calls == 1);
  CHECK(first_calls == 0);
}

TEST_CASE("signal.install_handler takes explicit flags and reports failure as SIG_ERR") {
  keep_disposition keep(SIGUSR2);
  REQUIRE_FALSE(same(csapp::install_handler(SIGUSR2, first_handler, 0), SIG_ERR));
  CHECK((current_action(SIGUSR2).sa_flags & SA_RESTART) == 0);

  errno = 0;
  CHECK(same(csapp::install_handler(SIGKILL, first_handler), SIG_ERR));
  CHECK(errno == EINVAL);
}

TEST_CASE("signal.sio::format_long writes every long in decimal including LONG_MIN") {
  for (const long v : {LONG_MIN, LONG_MIN + 1, LONG_MAX, 0L, -1L, 1L, 42L, -42L, 10L, -100L}) {
    CAPTURE(v);
    char out[21];  // the documented room: sign, 19 digits, NUL
    std::memset(out, 'x', sizeof out);
    const std::size_t len = csapp::sio::format_long(v, out);
    const std::string expected = std::to_string(v);
    CHECK(len == expected.size());
    CHECK(std::string(out) == expected);
  }
}

TEST_CASE("signal.sio_putl and sio_puts print to stdout including LONG_MIN and LONG_MAX") {
  const auto result = test_support::run_in_child([] {
    for (const long v : {LONG_MIN, LONG_MAX, 0L, -1L, 42L}) {
      const ssize_t n = sio_putl(v);
      if (n != static_cast<ssize_t>(std::to_string(v).size())) ::_exit(10);
      if (sio_puts("\n") != 1) ::_exit(11);
    }
    if (Sio_puts("checked ") != 8) ::_exit(12);
    if (Sio_putl(-7) != 2) ::_exit(13);
    if (csapp::sio::puts("|") != 1 || csapp::sio::putl(LONG_MIN) != 20) ::_exit(14);
  });
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "-9223372036854775808\n9223372036854775807\n0\n-1\n42\nchecked -7|-9223372036854775808");
  CHECK(result.err.empty());
}

TEST_CASE("signal.sio_error writes to stderr and ends the process at once with status 1") {
  for (const bool checked : {false, true}) {
    CAPTURE(checked);
    const auto result = test_support::run_in_child([checked] {
      // exit would run this; _exit, the only exit safe in a handler, does not.
      std::atexit([] { (void)csapp::sio::puts("atexit ran"); });
      if (checked)
        Sio_error("handler failed");
      else
        sio_error("handler failed");
    });
    CHECK(result.exit_code == 1);
    CHECK(result.err == "handler failed\n");
    CHECK(result.out.empty());  // no atexit handler ran: it was _exit, not exit
  }
  const auto result = test_support::run_in_child([] { csapp::sio::error("direct"); });
  CHECK(result.exit_code == 1);
  CHECK(result.err == "direct\n");
}

TEST_CASE("signal.the book's Signal returns the old handler and installs with SA_RESTART") {
  keep_disposition keep(SIGUSR1);
  REQUIRE_FALSE(same(csapp::install_handler(SIGUSR1, first_handler), SIG_ERR));
  CHECK(same(Signal(SIGUSR1, second_handler), first_handler));
  struct sigaction now = current_action(SIGUSR1);
  CHECK(same(now.sa_handler, second_handler));
  CHECK((now.sa_flags & SA_RESTART) != 0);
  CHECK(same(Signal(SIGUSR1, SIG_IGN), second_handler));
  CHECK(same(current_action(SIGUSR1).sa_handler, SIG_IGN));
}

TEST_CASE("signal.a read interrupted by a handler installed with Signal is restarted") {
  // The same scene as an interrupted read that fails with EINTR (see the control below),
  // but with the handler installed by the book's Signal: SA_RESTART makes the kernel
  // restart the read, so it goes on waiting and then returns the data.
  keep_disposition keep(SIGALRM);
  first_calls = 0;
  Signal(SIGALRM, first_handler);

  auto [r, w] = test_support::pipe_pair();
  std::atomic<pid_t> tid{0};
  std::atomic<ssize_t> got{-2};  // -2 while the read has not returned
  std::atomic<int> read_errno{0};
  char byte = 0;
  std::thread reader([&] {
    tid = test_support::this_thread_id();
    const ssize_t n = ::read(r.get(), &byte, 1);  // raw read: no retry of our own
    read_errno = errno;
    got = n;
  });

  REQUIRE(test_support::wait_for([&] { return tid.load() != 0; }));
  const bool asleep =
      test_support::wait_for([&] { return test_support::thread_state(tid.load()) == 'S'; });
  // Sent while the thread is inside read; taken (no longer pending) means the kernel has
  // interrupted the read to run the handler. (Under TSan the handler itself may run only
  // once the read returns; the kernel-level interruption is the same.)
  const bool sent = asleep && ::pthread_kill(reader.native_handle(), SIGALRM) == 0;
  const bool taken =
      sent && test_support::wait_for([&] { return !signal_pending(tid.load(), SIGALRM); });
  // Restarted, the read is still waiting: the thread is asleep again and has not returned.
  const bool waiting_again = taken && test_support::wait_for([&] {
                               return test_support::thread_state(tid.load()) == 'S';
                             });
  const bool not_returned = got.load() == -2;

  REQUIRE(::write(w.get(), "z", 1) == 1);
  const bool returned = test_support::wait_for([&] { return got.load() != -2; });
  if (!returned) w.reset();  // EOF ends the read, so the thread can be joined
  reader.join();

  REQUIRE(asleep);
  REQUIRE(taken);
  CHECK(waiting_again);
  CHECK(not_returned);
  REQUIRE(returned);
  CAPTURE(read_errno.load());
  CHECK(got == 1);
  CHECK(byte == 'z');
  CHECK(first_calls == 1);  // the handler did run
}

TEST_CASE("signal.without SA_RESTART the same read fails with EINTR as Signal avoids") {
  // The control for the test above: it shows the signal really interrupts that read.
  test_support::interrupter interrupter;
  auto [r, w] = test_support::pipe_pair();
  std::atomic<pid_t> tid{0};
  std::atomic<ssize_t> got{-2};
  std::atomic<int> read_errno{0};
  std::thread reader([&] {
    tid = test_support::this_thread_id();
    char byte = 0;
    const ssize_t n = ::read(r.get(), &byte, 1);
    read_errno = errno;
    got = n;
  });
  REQUIRE(test_support::wait_for([&] { return tid.load() != 0; }));
  const bool interrupted = interrupter.interrupt(reader.native_handle(), tid.load());
  const bool returned = test_support::wait_for([&] { return got.load() != -2; });
  if (!returned) w.reset();
  reader.join();
  REQUIRE(interrupted);
  REQUIRE(returned);
  CHECK(got == -1);
  CHECK(read_errno == EINTR);
}
