// csapp/semaphore.hpp - counting semaphores: the P and V of Section 12.5.
//
// wait() is P, post() is V. The book's P dies when a signal handler interrupts sem_wait
// (EINTR, seen whenever a handler was installed without SA_RESTART, and sem_wait is never
// restarted by SA_RESTART on some systems); here an interrupted wait simply waits again.
//
// Two implementations sit behind one set of calls (csapp::sem::init, wait, post, ...):
//   - by default, unnamed POSIX semaphores (sem_init and friends), as in the book;
//   - with CSAPP_PORTABLE_SEMAPHORE defined, csapp::condvar_sem: a count guarded by a mutex
//     and a condition variable. macOS declares sem_init but its unnamed semaphores are a
//     stub that fails with ENOSYS, so the book's Sem_init exits there and nothing in 12.5
//     runs; the fallback is chosen automatically on __APPLE__. Define the macro (the same
//     way in every file of a program) to use it elsewhere, e.g. to test it on Linux.
// The book face (csapp.h) maps the book's sem_t onto whichever is in use; see there. Two
// things the fallback cannot do: be shared between processes (pshared != 0: ENOSYS), and be
// posted from a signal handler (sem_post is async-signal-safe, a mutex is not).
#pragma once

#include <cerrno>
#include <climits>
#include <ctime>
#include <pthread.h>
#include <semaphore.h>

#include "error.hpp"

#if defined(__APPLE__) && !defined(CSAPP_PORTABLE_SEMAPHORE)
#define CSAPP_PORTABLE_SEMAPHORE 1
#endif

namespace csapp {

#ifdef SEM_VALUE_MAX
inline constexpr unsigned sem_value_max = SEM_VALUE_MAX;
#else
inline constexpr unsigned sem_value_max = INT_MAX;  // sem_getvalue reports an int
#endif

#ifdef CSAPP_PORTABLE_SEMAPHORE

// A semaphore built from a mutex and a condition variable. Like sem_t it is a plain struct
// that sem::init sets up in place and sem::destroy tears down, so it can live wherever the
// book puts a sem_t: a global, a struct field, a malloc'd block.
struct condvar_sem {
  pthread_mutex_t lock;    // guards count
  pthread_cond_t nonzero;  // signalled by post: count may have become positive
  unsigned count;          // the semaphore's value
};
using sem_type = condvar_sem;

namespace sem {

// Process-shared semaphores (pshared != 0) are not offered: the book never asks for one,
// and macOS has no process-shared mutexes to build them from. ENOSYS is what POSIX's
// sem_init reports for that.
inline int init(sem_type* s, int pshared, unsigned value) noexcept {
  if (pshared != 0) {
    errno = ENOSYS;
    return -1;
  }
  if (value > sem_value_max) {
    errno = EINVAL;
    return -1;
  }
  if (const int rc = ::pthread_mutex_init(&s->lock, nullptr); rc != 0) {
    errno = rc;
    return -1;
  }
  if (const int rc = ::pthread_cond_init(&s->nonzero, nullptr); rc != 0) {
    ::pthread_mutex_destroy(&s->lock);
    errno = rc;
    return -1;
  }
  s->count = value;
  return 0;
}

inline int destroy(sem_type* s) noexcept {
  ::pthread_cond_destroy(&s->nonzero);
  ::pthread_mutex_destroy(&s->lock);
  return 0;
}

// pthread_cond_wait never fails with EINTR: a signal handler runs and the wait goes on (or
// wakes spuriously, which the loop absorbs). So this wait is never interrupted.
inline int wait(sem_type* s) noexcept {
  ::pthread_mutex_lock(&s->lock);
  while (s->count == 0) ::pthread_cond_wait(&s->nonzero, &s->lock);
  --s->count;
  ::pthread_mutex_unlock(&s->lock);
  return 0;
}

// sem_timedwait's contract: `deadline` is absolute, on CLOCK_REALTIME (a condition
// variable's default clock); ETIMEDOUT once it passes with the count still 0, EINVAL for a
// malformed deadline.
inline int timedwait(sem_type* s, const struct timespec* deadline) noexcept {
  ::pthread_mutex_lock(&s->lock);
  int rc = 0;
  while (s->count == 0 && rc == 0) rc = ::pthread_cond_timedwait(&s->nonzero, &s->lock, deadline);
  const bool took = s->count > 0;  // a post may have landed together with the timeout
  if (took) --s->count;
  ::pthread_mutex_unlock(&s->lock);
  if (took) return 0;
  errno = rc;
  return -1;
}

inline int trywait(sem_type* s) noexcept {
  ::pthread_mutex_lock(&s->lock);
  const bool took = s->count > 0;
  if (took) --s->count;
  ::pthread_mutex_unlock(&s->lock);
  if (took) return 0;
  errno = EAGAIN;
  return -1;
}

inline int post(sem_type* s) noexcept {
  ::pthread_mutex_lock(&s->lock);
  const bool full = s->count >= sem_value_max;
  if (!full) ++s->count;
  // Signalled before the unlock: once the unlock is done this post no longer touches *s,
  // so a thread that takes the unit may destroy the semaphore at once, as it may a sem_t.
  if (!full) ::pthread_cond_signal(&s->nonzero);  // one unit is for at most one waiter
  ::pthread_mutex_unlock(&s->lock);
  if (!full) return 0;
  errno = EOVERFLOW;  // what glibc's sem_post reports at SEM_VALUE_MAX
  return -1;
}

inline int getvalue(sem_type* s, int* value) noexcept {
  ::pthread_mutex_lock(&s->lock);
  *value = static_cast<int>(s->count);
  ::pthread_mutex_unlock(&s->lock);
  return 0;
}

}  // namespace sem

#else  // unnamed POSIX semaphores

using sem_type = ::sem_t;

namespace sem {
inline int init(sem_type* s, int pshared, unsigned value) noexcept {
  return ::sem_init(s, pshared, value);
}
inline int destroy(sem_type* s) noexcept { return ::sem_destroy(s); }
inline int wait(sem_type* s) noexcept { return ::sem_wait(s); }  // may fail with EINTR
inline int timedwait(sem_type* s, const struct timespec* deadline) noexcept {
  return ::sem_timedwait(s, deadline);
}
inline int trywait(sem_type* s) noexcept { return ::sem_trywait(s); }
inline int post(sem_type* s) noexcept { return ::sem_post(s); }
inline int getvalue(sem_type* s, int* value) noexcept { return ::sem_getvalue(s, value); }
}  // namespace sem

#endif

// P on a raw semaphore, shared by the class below, sbuf and the book's P. 0, or -1 with errno.
inline int sem_wait_uninterrupted(sem_type* s) noexcept {
  return retry_on_eintr([&] { return sem::wait(s); });
}

class semaphore {
 public:
  explicit semaphore(unsigned initial) {
    if (sem::init(&sem_, 0, initial) < 0) throw_errno("sem_init");
  }
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore() { sem::destroy(&sem_); }

  void wait() {  // P
    if (sem_wait_uninterrupted(&sem_) < 0) throw_errno("sem_wait");
  }
  void post() {  // V
    if (sem::post(&sem_) < 0) throw_errno("sem_post");
  }
  // Takes a unit if one is available now; never blocks.
  bool try_wait() noexcept {
    return retry_on_eintr([&] { return sem::trywait(&sem_); }) == 0;
  }

  sem_type* native_handle() noexcept { return &sem_; }

 private:
  sem_type sem_;  // process-private (pshared = 0): a POSIX semaphore or the fallback
};

}  // namespace csapp
