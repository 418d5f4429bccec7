// csapp/fd.hpp - unique_fd, the owner of one file descriptor.
//
// A descriptor that is never closed is the classic leak of Chapter 12 (the process server
// whose parent forgets to close the connected descriptor: its clients never see EOF). An
// owner that closes in its destructor makes that mistake impossible to write.
//
// close(2) is never retried: on Linux the descriptor is released even when close reports
// EINTR, and a retry could close a descriptor another thread has just been given.
#pragma once

#include <cerrno>
#include <unistd.h>

#include "error.hpp"

namespace csapp {

class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

  // Gives up ownership without closing; the caller now owns the descriptor.
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the owned descriptor (if any) and takes `fd`. errno is preserved, so a reset in
  // an error path does not overwrite the error being reported.
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
      const int saved = errno;
      ::close(fd_);
      errno = saved;
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;  // owned descriptor, or -1 for none
};

// Wraps the result of a call that returns a new descriptor, throwing on failure.
inline unique_fd checked_fd(int fd, const char* what) {
  if (fd < 0) throw_errno(what);
  return unique_fd(fd);
}

}  // namespace csapp
