// exercises/support/exercise.hpp - what the exercises' tests share: verdicts in plain words,
// the submission's programs, running a program with a bound, waiting for a thread to block, and
// passing a call on to the library function a check stands in for.
//
// A check is a doctest test case named "[POINTS] what it checks" (the grader reads the points
// from the name). When it finds a mistake it says so with verdict(): one line that names the
// mistake and what was seen ("2 of 8 threads printed before the program ended"), which the
// grader shows the student instead of the assertion that failed.
//
// Every wait is bounded and waits for an event (output, an exit, a thread's state in /proc),
// never for time to pass.
#pragma once

#include <doctest/doctest.h>

#include <dirent.h>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <echocheck/spawn.hpp>

#include "run.hpp"

namespace exercise {

using namespace std::chrono_literals;
using millis = std::chrono::milliseconds;
using clock = std::chrono::steady_clock;

// The mistake, in words, for the grader (stderr, "verdict: ..."), and a failed check for doctest.
inline void verdict(const std::string& mistake) {
  std::fprintf(stderr, "verdict: %s\n", mistake.c_str());
  std::fflush(stderr);
  FAIL_CHECK(mistake);
}

// verdict(mistake) unless ok; returns ok, so a check can stop at its first mistake.
inline bool expect(bool ok, const std::string& mistake) {
  if (!ok) verdict(mistake);
  return ok;
}

// The submission's program `name`: the grader says where they are (EXERCISE_PROGRAMS).
inline std::string program(const std::string& name) {
  const char* dir = std::getenv("EXERCISE_PROGRAMS");
  REQUIRE_MESSAGE(dir != nullptr,
                  "EXERCISE_PROGRAMS is not set: run the checks with exercises/grade");
  return std::string(dir) + "/" + name;
}

// What support/thread_probe.cpp counted in a program linked with it (PROBE in the table).
struct probe_report {
  bool present = false;  // the program ended through exit (or main's return) and reported
  int created = 0, joined = 0, detached = 0, started = 0, finished = 0, slept = 0;
  int main_exit = 0;  // main ended itself with pthread_exit
};

// Runs a probed program like run(), and reads what the probe counted.
inline std::pair<run_result, probe_report> run_probed(const std::vector<std::string>& argv,
                                                      millis limit = 10s) {
  char path[] = "/tmp/csapp-probe-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  ::setenv("EXERCISE_PROBE_FILE", path, 1);
  run_result r = run(argv, limit);
  ::unsetenv("EXERCISE_PROBE_FILE");
  probe_report p;
  std::ifstream in(path);
  std::string line;
  if (std::getline(in, line))
    p.present =
        std::sscanf(line.c_str(),
                    "created=%d joined=%d detached=%d started=%d finished=%d slept=%d main_exit=%d",
                    &p.created, &p.joined, &p.detached, &p.started, &p.finished, &p.slept,
                    &p.main_exit) == 7;
  ::unlink(path);
  return {r, p};
}

// "1 time", "8 times": for verdicts.
inline std::string times(int n) { return std::to_string(n) + (n == 1 ? " time" : " times"); }

// Waits (at most `limit`) until `done` holds, looking again every millisecond. True if it did.
inline bool wait_until(const std::function<bool()>& done, millis limit = 10s) {
  const auto deadline = clock::now() + limit;
  while (!done()) {
    if (clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);  // polls an event, bounded by the deadline
  }
  return true;
}

// This thread's kernel id, for thread_state.
inline pid_t thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// The scheduler state of one of this process's threads: 'R' running, 'S' asleep (blocked in
// sem_wait, a mutex, a read, ...), 'Z' gone; '?' when it is not there.
inline char thread_state(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return '?';
  const auto close = stat.rfind(')');  // the name may hold spaces and parentheses
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

// How many threads this process has now.
inline int thread_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

// The C library's function behind one a test program defines itself. A program's own definition
// of a library function (gethostbyname, sem_post, pthread_create, alarm, ...) takes the
// library's place for every call the program makes, the submission's included, so a check can
// watch those calls; it passes each one on to the real function, the next definition after the
// program's own: dlsym(RTLD_NEXT). An object of this type at namespace scope,
//   exercise::real_function<int(sem_t*)> real_sem_post{"sem_post"};
// finds it at the first call (a process with none ends, saying so) and keeps it in an atomic.
//
// Not in a function-local static: the guard of a local static's first use may itself take a
// lock, and some stand-ins are the locking functions (sem_post, pthread_mutex_unlock): one could
// be entered again from inside that guard, before it knows its real function. The constructor
// is constexpr, so the object is ready before anything runs, even for calls made while the
// program starts. Two threads at the first call both look the function up, and store the same
// pointer.
template <class F>
class real_function;

template <class R, class... A>
class real_function<R(A...)> {
 public:
  using pointer = R (*)(A...);
  explicit constexpr real_function(const char* name) noexcept : name_(name) {}
  real_function(const real_function&) = delete;
  real_function& operator=(const real_function&) = delete;

  pointer get() {
    void* p = fn_.load(std::memory_order_acquire);
    if (p == nullptr) {
      p = ::dlsym(RTLD_NEXT, name_);
      if (p == nullptr) {
        std::fprintf(stderr, "exercise: no %s to pass calls on to\n", name_);
        std::abort();
      }
      fn_.store(p, std::memory_order_release);
    }
    return reinterpret_cast<pointer>(p);
  }
  R operator()(A... args) { return get()(args...); }

 private:
  const char* name_;
  std::atomic<void*> fn_{nullptr};
};

}  // namespace exercise
