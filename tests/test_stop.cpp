// Tests for csapp/stop.hpp: a SIGTERM reaches whatever a server is blocked in. Each test runs
// in a forked child, because the handlers and the stop are for the whole process and
// stop_on_signals works once: a stop requested in one test would stay requested in the next.
//
// The signal is aimed at one thread on purpose (pthread_kill, or SIGTERM blocked in the
// others): which thread runs a handler decides which mechanism has to carry the stop (EINTR
// in the thread that ran it, the self-pipe for every other), and each test proves one.
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>
#include <csapp/stop.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "support/support.hpp"

namespace {

using namespace std::chrono_literals;

// Inside the child every wait is shorter than run_in_child's own limit, so a child that
// fails says why before the parent gives up on it.
constexpr std::chrono::milliseconds child_limit = 3s;

// Writes a line on the child's stderr and ends it with `status`.
[[noreturn]] void fail_child(const char* why, int status) {
  csapp::report(why, nullptr);
  ::_exit(status);
}

void block_sigterm_here() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// A thread that runs `body` once, blocked in it until the stop arrives; `tid` is its kernel id.
struct stoppable {
  std::atomic<pid_t> tid{0};
  std::atomic<bool> returned{false};
  std::thread thread;

  // Waits until the thread sleeps inside its call, which is where the stop must reach it.
  void wait_asleep() {
    if (!test_support::wait_for([&] { return tid.load() != 0; }, child_limit) ||
        !test_support::wait_for([&] { return test_support::thread_state(tid.load()) == 'S'; },
                                child_limit))
      fail_child("the thread never went to sleep in its call", 2);
  }
  void wait_returned(const char* otherwise) {
    if (!test_support::wait_for([&] { return returned.load(); }, child_limit))
      fail_child(otherwise, 3);  // the thread is still blocked; _exit ends it
    thread.join();
  }
};

void check_child(const test_support::child_result& r) {
  CAPTURE(r.err);
  CHECK(r.term_signal == 0);
  CHECK(r.exit_code == 0);
}

}  // namespace

TEST_CASE(
    "stop.a stop wakes a thread waiting on the stop pipe when another thread ran the handler") {
  // The waiting thread blocks SIGTERM, so the handler runs in the main thread: nothing
  // interrupts the waiter's poll, and only the byte in the pipe can end its wait.
  check_child(test_support::run_in_child([] {
    csapp::stop_on_signals();
    csapp::unique_fd listener = csapp::listen_on("0");
    stoppable waiter;
    std::atomic<bool> result{true};
    waiter.thread = std::thread([&] {
      block_sigterm_here();
      waiter.tid = test_support::this_thread_id();
      result = csapp::wait_readable(listener.get());  // nobody connects: only a stop ends it
      waiter.returned = true;
    });
    waiter.wait_asleep();
    ::pthread_kill(::pthread_self(), SIGTERM);
    if (!csapp::stop_requested()) fail_child("the handler did not record the stop", 4);
    waiter.wait_returned("wait_readable in another thread slept on after the stop");
    if (result.load()) fail_child("wait_readable returned true: it reported a client", 5);
    pollfd pipe{csapp::stop_fd(), POLLIN, 0};
    if (::poll(&pipe, 1, 0) != 1) fail_child("the stop pipe is not readable after the stop", 6);
  }));
}

TEST_CASE("stop.a stop that interrupts accept_client ends it with -1 and EINTR") {
  // The signal goes to the thread inside accept(2), whose handler runs there: the accept
  // fails with EINTR (the handler has no SA_RESTART), and accept_client must not retry it.
  check_child(test_support::run_in_child([] {
    csapp::stop_on_signals();
    csapp::unique_fd listener = csapp::listen_on("0");
    stoppable server;
    std::atomic<int> fd{-2};
    std::atomic<int> err{0};
    server.thread = std::thread([&] {
      server.tid = test_support::this_thread_id();
      fd = csapp::accept_client(listener.get(), nullptr, nullptr);
      err = errno;
      server.returned = true;
    });
    server.wait_asleep();
    ::pthread_kill(server.thread.native_handle(), SIGTERM);
    server.wait_returned("accept_client went back to waiting for a client after the stop");
    if (fd.load() != -1 || err.load() != EINTR)
      fail_child("accept_client did not return -1 with EINTR", 4);
  }));
}

TEST_CASE("stop.shutdown_on_stop after the stop came shuts the connection down at once") {
  // A server whose stop arrived between accept and shutdown_on_stop: nobody will send the
  // signal again, so shutdown_on_stop itself must end the connection.
  check_child(test_support::run_in_child([] {
    csapp::stop_on_signals();
    ::raise(SIGTERM);
    if (!csapp::stop_requested()) fail_child("raise(SIGTERM) did not request a stop", 2);
    auto [conn, peer] = test_support::socket_pair();
    csapp::shutdown_on_stop(conn.get());
    pollfd in{conn.get(), POLLIN, 0};
    char byte = 0;
    if (::poll(&in, 1, static_cast<int>(child_limit.count())) != 1 ||
        ::read(conn.get(), &byte, 1) != 0)
      fail_child("the connection was not shut down: a read on it would wait for its client", 3);
    csapp::shutdown_on_stop(-1);
  }));
}

TEST_CASE("stop.shutdown_on_stop ends a read blocked on the connection with end of file") {
  check_child(test_support::run_in_child([] {
    csapp::stop_on_signals();
    auto [conn, peer] = test_support::socket_pair();
    csapp::shutdown_on_stop(conn.get());
    stoppable reader;
    std::atomic<ssize_t> got{-2};
    reader.thread = std::thread([&, fd = conn.get()] {
      reader.tid = test_support::this_thread_id();
      char byte = 0;
      got = csapp::readn(fd, &byte, 1);  // retries EINTR: only the shutdown can end it
      reader.returned = true;
    });
    reader.wait_asleep();
    ::pthread_kill(reader.thread.native_handle(), SIGTERM);
    reader.wait_returned("the read went on waiting for its client after the stop");
    if (got.load() != 0) fail_child("the read did not end with end of file", 4);
    csapp::shutdown_on_stop(-1);
  }));
}
