// Tests for csapp/semaphore.hpp and the book's Sem_init, P and V in csapp.h: counting,
// blocking, mutual exclusion, and a P that survives a signal (the book's P dies of EINTR).
// Built twice: test_semaphore on the system's semaphores, and test_semaphore_portable with
// CSAPP_PORTABLE_SEMAPHORE (the mutex-and-condition-variable fallback macOS gets).
#include <csapp/semaphore.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <semaphore.h>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "csapp.h"
#include "support/support.hpp"

namespace {

// A thread that waits on a semaphore once, for the tests that watch it block.
// `wait` is the call under test; it runs once the thread has published its id.
class waiter {
 public:
  explicit waiter(std::function<void()> wait)
      : thread_([this, wait = std::move(wait)] {
          tid_ = test_support::this_thread_id();
          try {
            wait();
          } catch (const std::exception&) {
            threw_ = true;
          }
          done_ = true;
        }) {}
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;
  ~waiter() {
    if (!finished()) {  // stuck in its wait: it cannot be joined, so end here
      std::fprintf(stderr, "a waiting thread never returned\n");
      std::_Exit(1);
    }
    thread_.join();
  }

  // Waits until the thread is asleep, which here means inside its wait.
  bool asleep() {
    return test_support::wait_for([&] { return tid_.load() != 0; }) &&
           test_support::wait_for([&] { return test_support::thread_state(tid_.load()) == 'S'; });
  }
  bool finished() {
    return test_support::wait_for([&] { return done_.load(); });
  }
  bool done() const { return done_.load(); }
  bool threw() const { return threw_.load(); }
  pthread_t handle() { return thread_.native_handle(); }
  pid_t tid() const { return tid_.load(); }

 private:
  std::atomic<pid_t> tid_{0};       // the thread's kernel id, once it runs
  std::atomic<bool> done_{false};   // the wait returned (or threw)
  std::atomic<bool> threw_{false};  // the wait threw
  std::thread thread_;              // last: it starts running at construction
};

// Joins workers that count themselves out in `finished`, for as long as `counted` (their
// progress, kept apart from the guarded counter, which only the lock's holder may read) keeps
// moving: a deadlock stops it, and is reported within the event limit and ends the program, since
// stuck threads cannot be joined.
void join_all(std::vector<std::thread>& workers, const std::atomic<int>& finished,
              const std::atomic<long>& counted) {
  const int all = static_cast<int>(workers.size());
  if (!test_support::wait_while_progressing([&] { return finished.load() == all; },
                                            [&] { return counted.load(); })) {
    std::fprintf(stderr, "only %d of %d threads finished: deadlock\n", finished.load(), all);
    std::_Exit(1);
  }
  for (auto& w : workers) w.join();
}

}  // namespace

TEST_CASE("semaphore.counts: wait and try_wait take units and post gives one back") {
  csapp::semaphore s(2);
  CHECK(s.try_wait());
  s.wait();  // the second unit: returns at once
  CHECK_FALSE(s.try_wait());
  s.post();
  CHECK(s.try_wait());
  CHECK_FALSE(s.try_wait());
  s.post();
  s.post();
  s.post();
  int value = -1;
  REQUIRE(::sem_getvalue(s.native_handle(), &value) == 0);
  CHECK(value == 3);
  s.wait();
  s.wait();
  s.wait();
  CHECK_FALSE(s.try_wait());
}

TEST_CASE("semaphore.wait blocks at zero until a post") {
  csapp::semaphore s(0);
  std::atomic<bool> posted{false};
  std::atomic<bool> saw_post{false};
  waiter w([&] {
    s.wait();
    saw_post = posted.load();
  });
  const bool asleep = w.asleep();
  CHECK_FALSE(w.done());
  posted = true;
  s.post();
  REQUIRE(w.finished());
  CHECK(asleep);
  CHECK(saw_post);  // the wait returned only after the post
  CHECK_FALSE(w.threw());
}

namespace {

// Interrupts `wait` (the call under test) once while it is asleep on an empty semaphore,
// then calls `post`: the wait must go back to sleep after the signal and return only after
// the post. The book's P would exit instead with "P error: Interrupted system call".
void check_wait_survives_a_signal(const std::function<void()>& wait,
                                  const std::function<void()>& post) {
  test_support::interrupter interrupter;
  std::atomic<bool> posted{false};
  std::atomic<bool> saw_post{false};
  waiter w([&] {
    wait();
    saw_post = posted.load();
  });
  REQUIRE(test_support::wait_for([&] { return w.tid() != 0; }));
  const bool interrupted = interrupter.interrupt(w.handle(), w.tid());
  // Interrupted, it waits again: asleep once more, and not returned.
  const bool asleep_again = w.asleep();
  CHECK_FALSE(w.done());
  posted = true;
  post();
  REQUIRE(w.finished());
  CHECK(interrupted);
  CHECK(asleep_again);
  CHECK(interrupter.count() == 1);
  CHECK_FALSE(w.threw());
  CHECK(saw_post);
}

}  // namespace

#ifndef CSAPP_PORTABLE_SEMAPHORE
TEST_CASE("semaphore.raw sem_wait does fail with EINTR under a handler without SA_RESTART") {
  // The trap the retry exists for, shown on this machine: the tests below are not trivial.
  sem_t sem;
  REQUIRE(::sem_init(&sem, 0, 0) == 0);
  test_support::interrupter interrupter;
  std::atomic<int> rc{-2};
  std::atomic<int> err{0};
  waiter w([&] {
    const int r = ::sem_wait(&sem);
    err = errno;
    rc = r;
  });
  REQUIRE(test_support::wait_for([&] { return w.tid() != 0; }));
  const bool interrupted = interrupter.interrupt(w.handle(), w.tid());
  const bool returned = w.finished();
  if (!returned) ::sem_post(&sem);
  REQUIRE(w.finished());
  ::sem_destroy(&sem);
  REQUIRE(interrupted);
  CHECK(rc == -1);
  CHECK(err == EINTR);
}
#else
TEST_CASE("semaphore.the fallback's raw sem_wait is not ended by a signal") {
  // A condition variable wait is never interrupted: the fallback has no EINTR to retry, and
  // even the book's raw sem_wait (here the fallback's overload) waits on after a handler.
  sem_t sem;
  REQUIRE(::sem_init(&sem, 0, 0) == 0);
  std::atomic<int> wait_rc{-2};
  std::atomic<int> post_rc{-2};
  check_wait_survives_a_signal([&] { wait_rc = ::sem_wait(&sem); },
                               [&] { post_rc = ::sem_post(&sem); });
  ::sem_destroy(&sem);
  CHECK(wait_rc == 0);
  CHECK(post_rc == 0);
}

TEST_CASE("semaphore.the fallback refuses a process-shared semaphore with ENOSYS") {
  // Its mutex lives in this process's memory only; saying so beats a silent half-working one.
  sem_t sem;
  errno = 0;
  CHECK(::sem_init(&sem, 1, 0) == -1);
  CHECK(errno == ENOSYS);
}
#endif

TEST_CASE("semaphore.sem timedwait past its deadline times out at 0 and takes a unit otherwise") {
  // A deadline already in the past: the outcome depends on the count alone, not on timing.
  csapp::semaphore s(0);
  struct timespec past {};
  REQUIRE(::clock_gettime(CLOCK_REALTIME, &past) == 0);
  past.tv_sec -= 1;
  std::atomic<int> rc{0};
  std::atomic<int> err{0};
  {
    // In a thread of its own: a timedwait that ignores its deadline would wait forever, and
    // the waiter reports that within the event limit instead of hanging the test.
    waiter timing_out([&] {
      errno = 0;
      rc = csapp::sem::timedwait(s.native_handle(), &past);
      err = errno;
    });
  }
  CHECK(rc.load() == -1);
  CHECK(err.load() == ETIMEDOUT);
  s.post();
  CHECK(csapp::sem::timedwait(s.native_handle(), &past) == 0);
  CHECK_FALSE(s.try_wait());  // the unit was taken
}

TEST_CASE("semaphore.wait goes on waiting after a signal interrupts it") {
  csapp::semaphore s(0);
  check_wait_survives_a_signal([&] { s.wait(); }, [&] { s.post(); });
}

TEST_CASE("semaphore.the book's P waits on after a signal and V releases it") {
  sem_t sem;
  Sem_init(&sem, 0, 0);
  check_wait_survives_a_signal([&] { P(&sem); }, [&] { V(&sem); });
  int value = -1;
  REQUIRE(::sem_getvalue(&sem, &value) == 0);
  CHECK(value == 0);  // V's unit went to P
  ::sem_destroy(&sem);
}

TEST_CASE("semaphore.Sem_init with a bad value exits with status 1 and says why") {
  const auto result = test_support::run_in_child([] {
    sem_t sem;
    Sem_init(&sem, 0, static_cast<unsigned>(SEM_VALUE_MAX) + 1u);
    ::_exit(10);
  });
  CHECK(result.exit_code == 1);
  CHECK(result.err == std::string("Sem_init error: ") + std::strerror(EINVAL) + "\n");
}

TEST_CASE("semaphore.a semaphore with a bad initial value throws system_error") {
  try {
    csapp::semaphore s(static_cast<unsigned>(SEM_VALUE_MAX) + 1u);
    FAIL("a semaphore above SEM_VALUE_MAX was created");
  } catch (const std::system_error& e) {
    CHECK(e.code() == std::errc::invalid_argument);
  }
}

TEST_CASE("semaphore.P and V make 4 threads' 100000 increments each add up to 400000") {
  // goodcnt from Section 12.5.2: the shared counter is a plain long, guarded by P/V.
  constexpr int threads = 4;
  constexpr long iterations = 100000;
  long cnt = 0;
  std::atomic<int> finished{0};
  std::atomic<long> progress{0};  // increments done, in steps of 1000

  SUBCASE("the book's P and V") {
    sem_t mutex;
    Sem_init(&mutex, 0, 1);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        for (long i = 0; i < iterations; ++i) {
          P(&mutex);
          ++cnt;
          V(&mutex);
          if (i % 1000 == 0) progress.fetch_add(1, std::memory_order_relaxed);
        }
        finished.fetch_add(1);
      });
    join_all(workers, finished, progress);
    ::sem_destroy(&mutex);
  }

  SUBCASE("csapp::semaphore") {
    csapp::semaphore mutex(1);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        for (long i = 0; i < iterations; ++i) {
          mutex.wait();
          ++cnt;
          mutex.post();
          if (i % 1000 == 0) progress.fetch_add(1, std::memory_order_relaxed);
        }
        finished.fetch_add(1);
      });
    join_all(workers, finished, progress);
  }

  CHECK(cnt == threads * iterations);
}
