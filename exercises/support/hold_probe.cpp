// exercises/support/hold_probe.cpp - linked into the programs of problem 12.37 (with
// -Wl,--wrap=pthread_create: see exercises/CMakeLists.txt) to make one race come out the same
// way on every run.
//
// The race: a thread-per-connection server that hands each thread the address of main's connfd
// works as long as the thread reads it before main accepts the next connection and overwrites
// it. On an idle machine the thread nearly always wins, so a test that just connects twice
// passes the mistake. With EXERCISE_HOLD_THREADS set in its environment (the one check that
// looks for the mistake sets it), every new thread waits at its start until the program has
// created the next thread -- which main does only after its next Accept has returned and its
// result is stored -- or until 2 s have passed (the last thread has no next one). A thread that
// reads main's connfd then always reads the next connection's descriptor. A program that gives
// each thread its own copy is not affected: its threads only start a little later.
//
// Without the variable, pthread_create is passed straight on.
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

extern "C" int __real_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);

namespace {

struct hold_state {
  std::mutex lock;
  std::condition_variable created_cv;
  long created = 0;  // pthread_create calls so far
};

hold_state& state() {
  static hold_state* s = new hold_state;  // never destroyed: threads may outlive exit's cleanup
  return *s;
}

// What a held thread runs: waits for the next creation (bounded), then the student's routine.
struct held_start {
  void* (*routine)(void*);  // the student's thread routine
  void* arg;                // and its argument
  long index;               // this thread's creation number (1, 2, ...)
};

void* run_held(void* p) {
  const held_start start = *static_cast<held_start*>(p);
  delete static_cast<held_start*>(p);
  {
    std::unique_lock<std::mutex> hold(state().lock);
    state().created_cv.wait_for(hold, std::chrono::seconds(2),
                                [&] { return state().created > start.index; });
  }
  return start.routine(start.arg);
}

}  // namespace

extern "C" int __wrap_pthread_create(pthread_t* tid, const pthread_attr_t* attr,
                                     void* (*routine)(void*), void* arg) {
  static const bool hold = std::getenv("EXERCISE_HOLD_THREADS") != nullptr;
  if (!hold) return __real_pthread_create(tid, attr, routine, arg);
  long index;
  {
    std::lock_guard<std::mutex> guard(state().lock);
    index = ++state().created;
    state().created_cv.notify_all();  // the threads made before this one may go
  }
  auto* start = new held_start{routine, arg, index};
  const int rc = __real_pthread_create(tid, attr, run_held, start);
  if (rc != 0) delete start;
  return rc;
}
