// csapp/signal.hpp - installing signal handlers, and output that is safe inside them.
//
// A handler may run between any two instructions of the program it interrupts, so it may
// only call async-signal-safe functions: printf and malloc are out, write(2) is in. The
// sio functions build their text in a local buffer and write it with one write(2).
//
// install_handler is sigaction with the semantics the book's Signal chose: block the same
// signal while its handler runs, and restart slow system calls (SA_RESTART) where the
// kernel allows it (select, poll and sem_wait are never restarted; see error.hpp).
#pragma once

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <unistd.h>

#include "error.hpp"

namespace csapp {

using signal_handler = void (*)(int);

// Installs `handler` for `signum` and returns the previous one, or SIG_ERR with errno.
inline signal_handler install_handler(int signum, signal_handler handler,
                                      int flags = SA_RESTART) noexcept {
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = flags;
  if (::sigaction(signum, &action, &previous) < 0) return SIG_ERR;
  return previous.sa_handler;
}

namespace sio {

// Formats v in decimal into out (room for 21 bytes: sign, 19 digits, NUL); returns the
// length. Works for LONG_MIN, whose magnitude does not fit in a long: the digits are taken
// from the unsigned magnitude instead of negating v.
inline std::size_t format_long(long v, char* out) noexcept {
  unsigned long magnitude =
      v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  char digits[20];
  std::size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  std::size_t len = 0;
  if (v < 0) out[len++] = '-';
  while (count > 0) out[len++] = digits[--count];
  out[len] = '\0';
  return len;
}

// Writes s to stdout. Returns the bytes written or -1.
inline ssize_t puts(const char* s) noexcept {
  const std::size_t len = std::strlen(s);
  return retry_on_eintr([&] { return ::write(STDOUT_FILENO, s, len); });
}

inline ssize_t putl(long v) noexcept {
  char text[24];
  const std::size_t len = format_long(v, text);
  return retry_on_eintr([&] { return ::write(STDOUT_FILENO, text, len); });
}

// Reports s on stderr and ends the process at once with status 1. _exit, not exit: atexit
// handlers and stdio flushing are not async-signal-safe.
[[noreturn]] inline void error(const char* s) noexcept {
  const int saved = errno;
  const std::size_t len = std::strlen(s);
  retry_on_eintr([&] { return ::write(STDERR_FILENO, s, len); });
  retry_on_eintr([&] { return ::write(STDERR_FILENO, "\n", 1); });
  errno = saved;
  ::_exit(1);
}

}  // namespace sio
}  // namespace csapp
