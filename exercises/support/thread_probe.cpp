// exercises/support/thread_probe.cpp - linked into a submission's program (with
// -Wl,--wrap=pthread_create,... : see exercises/CMakeLists.txt) to watch its threads, and to
// run them as late as the rules allow.
//
// Why late: "main returns before its thread has printed" is a race the student's machine
// usually wins, so a test that just runs the program passes a wrong solution most of the time.
// Here every new thread waits at its start until some thread of the program waits for another
// (pthread_join) or main ends itself with pthread_exit: the only two things that oblige the
// process to let its threads run. A program that relies on luck or on a sleep then shows its
// mistake every time, deterministically.
//
// At exit it appends one line to $EXERCISE_PROBE_FILE (if set): what it counted.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

extern "C" {
int __real_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int __real_pthread_join(pthread_t, void**);
int __real_pthread_detach(pthread_t);
[[noreturn]] void __real_pthread_exit(void*);
unsigned __real_sleep(unsigned);
}

namespace {

struct probe_state {
  std::mutex lock;
  std::condition_variable released_cv;
  bool released = false;          // someone waits for threads: they may run
  std::atomic<int> created{0};    // pthread_create calls that succeeded
  std::atomic<int> joined{0};     // pthread_join calls that succeeded
  std::atomic<int> detached{0};   // pthread_detach calls that succeeded
  std::atomic<int> started{0};    // thread routines that began
  std::atomic<int> finished{0};   // thread routines that ended (returned or pthread_exit)
  std::atomic<int> slept{0};      // sleep calls
  std::atomic<int> main_exit{0};  // main ended itself with pthread_exit
  pthread_t main_thread{};
  std::vector<pthread_t> unclaimed;  // threads not (yet) joined or detached
};

probe_state& state();

void forget(pthread_t tid) {
  std::lock_guard<std::mutex> hold(state().lock);
  auto& list = state().unclaimed;
  for (auto it = list.begin(); it != list.end(); ++it)
    if (pthread_equal(*it, tid)) {
      list.erase(it);
      return;
    }
}

probe_state& state() {
  static probe_state* s = new probe_state;  // never destroyed: threads may outlive exit's cleanup
  return *s;
}

void release() {
  std::lock_guard<std::mutex> hold(state().lock);
  state().released = true;
  state().released_cv.notify_all();
}

// Counts a thread's end however it ends (return or pthread_exit): thread_local destructors run
// in both cases.
struct end_counter {
  bool armed = false;
  ~end_counter() {
    if (armed) ++state().finished;
  }
};
thread_local end_counter thread_end;

struct start_info {
  void* (*routine)(void*);
  void* arg;
};

void* gated_start(void* p) {
  const start_info info = *static_cast<start_info*>(p);
  delete static_cast<start_info*>(p);
  {
    std::unique_lock<std::mutex> hold(state().lock);
    // Bounded: a program that never waits still ends, by its own exit or the grader's limit.
    state().released_cv.wait_for(hold, std::chrono::seconds(60), [] { return state().released; });
  }
  ++state().started;
  thread_end.armed = true;
  return info.routine(info.arg);
}

void report() {
  const char* path = std::getenv("EXERCISE_PROBE_FILE");
  if (!path) return;
  if (std::FILE* f = std::fopen(path, "a")) {
    std::fprintf(f,
                 "created=%d joined=%d detached=%d started=%d finished=%d slept=%d main_exit=%d\n",
                 state().created.load(), state().joined.load(), state().detached.load(),
                 state().started.load(), state().finished.load(), state().slept.load(),
                 state().main_exit.load());
    std::fclose(f);
  }
}

__attribute__((constructor)) void install() {
  state().main_thread = pthread_self();
  std::atexit(report);
}

}  // namespace

extern "C" {

int __wrap_pthread_create(pthread_t* tid, const pthread_attr_t* attr, void* (*routine)(void*),
                          void* arg) {
  auto* info = new start_info{routine, arg};
  const int rc = __real_pthread_create(tid, attr, gated_start, info);
  if (rc == 0) {
    ++state().created;
    std::lock_guard<std::mutex> hold(state().lock);
    state().unclaimed.push_back(*tid);
  } else {
    delete info;
  }
  return rc;
}

int __wrap_pthread_join(pthread_t tid, void** result) {
  release();
  forget(tid);
  const int rc = __real_pthread_join(tid, result);
  if (rc == 0) ++state().joined;
  return rc;
}

int __wrap_pthread_detach(pthread_t tid) {
  forget(tid);
  const int rc = __real_pthread_detach(tid);
  if (rc == 0) ++state().detached;
  return rc;
}

void __wrap_pthread_exit(void* result) {
  if (pthread_equal(pthread_self(), state().main_thread)) {
    ++state().main_exit;
    release();
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer keeps a thread of its own running, so a process whose main ended this way
    // never sees its "last thread" end and never exits. Do here what the end of the last thread
    // would do: wait for every thread nobody has joined or detached, then exit with status 0.
    for (;;) {
      pthread_t next{};
      {
        std::lock_guard<std::mutex> hold(state().lock);
        if (state().unclaimed.empty()) break;
        next = state().unclaimed.back();
        state().unclaimed.pop_back();
      }
      __real_pthread_join(next, nullptr);
    }
    std::exit(0);
#endif
  }
  __real_pthread_exit(result);
}

unsigned __wrap_sleep(unsigned seconds) {
  ++state().slept;
  return __real_sleep(seconds);
}

}  // extern "C"
