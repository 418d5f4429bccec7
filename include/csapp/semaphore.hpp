// csapp/semaphore.hpp - counting semaphores: the P and V of Section 12.5.
//
// wait() is P, post() is V. The book's P dies when a signal handler interrupts sem_wait
// (EINTR, seen whenever a handler was installed without SA_RESTART, and sem_wait is never
// restarted by SA_RESTART on some systems); here an interrupted wait simply waits again.
#pragma once

#include <cerrno>
#include <semaphore.h>

#include "error.hpp"

namespace csapp {

// P on a raw sem_t, shared by the class below, sbuf and the book's P. 0, or -1 with errno.
inline int sem_wait_uninterrupted(sem_t* sem) noexcept {
  return retry_on_eintr([&] { return ::sem_wait(sem); });
}

class semaphore {
 public:
  explicit semaphore(unsigned initial) {
    if (::sem_init(&sem_, 0, initial) < 0) throw_errno("sem_init");
  }
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore() { ::sem_destroy(&sem_); }

  void wait() {  // P
    if (sem_wait_uninterrupted(&sem_) < 0) throw_errno("sem_wait");
  }
  void post() {  // V
    if (::sem_post(&sem_) < 0) throw_errno("sem_post");
  }
  // Takes a unit if one is available now; never blocks.
  bool try_wait() noexcept {
    return retry_on_eintr([&] { return ::sem_trywait(&sem_); }) == 0;
  }

  sem_t* native_handle() noexcept { return &sem_; }

 private:
  sem_t sem_;  // the POSIX semaphore, process-private (pshared = 0)
};

}  // namespace csapp
