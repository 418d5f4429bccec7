// tests/support/threads.hpp - a test's helper thread that can never outlive the test, and
// a way to interrupt it while it sleeps inside a system call.
//
// Every way of ending a guarded_thread is bounded (see support.hpp): a failed REQUIRE or a
// body stuck in read(2) ends in an `unblock` and a join, never a hang or std::terminate.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "support.hpp"

namespace test_support {

// A test's helper thread. Every way of ending it is bounded: finish() waits a limited time
// for the body to return and otherwise runs `unblock` (which must make the body return,
// e.g. by closing its descriptor) before joining; the destructor does the same, so a failed
// REQUIRE cannot leave a thread blocked forever. An exception thrown by the body is caught
// and reported by finish(), instead of terminating the program.
class guarded_thread {
 public:
  guarded_thread(std::function<void()> body, std::function<void()> unblock)
      : unblock_(std::move(unblock)), thread_([this, body = std::move(body)] {
          tid_.store(this_thread_id());
          try {
            body();
          } catch (const std::exception& e) {
            failure_ = std::string("threw: ") + e.what();
          } catch (...) {
            failure_ = "threw a non-standard exception";
          }
          done_.store(true);
        }) {}
  guarded_thread(const guarded_thread&) = delete;
  guarded_thread& operator=(const guarded_thread&) = delete;
  ~guarded_thread() {
    if (!thread_.joinable()) return;
    if (!done_.load()) unblock_();
    thread_.join();
  }

  // Joins the thread. Returns "" when the body returned normally within the limit,
  // otherwise what went wrong.
  std::string finish() {
    const bool on_time = wait_for([&] { return done_.load(); });
    if (!on_time) unblock_();
    thread_.join();
    if (!on_time) return "the thread was still blocked at the limit";
    return failure_;  // written by the thread before done_, read after join
  }
  bool done() const { return done_.load(); }
  pthread_t handle() { return thread_.native_handle(); }
  // The kernel's id for the thread, once it has started (0 before).
  pid_t tid() const { return tid_.load(); }
  bool started() {
    return wait_for([&] { return tid_.load() != 0; });
  }

 private:
  std::function<void()> unblock_;  // makes a blocked body return
  std::atomic<pid_t> tid_{0};      // set by the thread itself
  std::atomic<bool> done_{false};  // body has returned
  std::string failure_;            // what the body threw, if it did
  std::thread thread_;             // last: starts once the members above exist
};

// Interrupts `thread` once it is asleep inside its call. False if the call returned
// instead (or the interrupt could not be delivered): then there is nothing to interrupt.
inline bool interrupt_blocked(interrupter& interrupter, guarded_thread& thread) {
  if (!wait_for([&] { return thread.done() || thread_state(thread.tid()) == 'S'; })) return false;
  return !thread.done() && interrupter.interrupt(thread.handle(), thread.tid());
}

}  // namespace test_support
