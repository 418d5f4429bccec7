// csapp/error.hpp - how the toolkit reports failure, and the one EINTR retry loop.
//
// Two policies live side by side. The C++ face throws std::system_error (errno in
// std::generic_category()). The book face prints "msg: reason" and exits; it does so with
// status 1 (the book exits 0, which makes a failed program look successful to a shell or a
// test) and formats the whole message into one write(2), so that threads failing at the same
// time do not interleave their reports and no strerror() static buffer is shared.
#pragma once

// Every header of the C++ face includes this one before it uses anything of C++17: older
// than that, stop with one line that names the fix (a missing file ends the compilation at
// once, where an #error alone would be followed by a cascade).
#if defined(__cplusplus) && __cplusplus < 201703L
#error "csapp-conc needs C++17 or later: compile with -std=c++17 (g++ -std=c++17 prog.cpp -pthread)"
#include "csapp-conc stops here: see the error above"
#endif

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <unistd.h>

namespace csapp {

namespace detail {
// strerror_r has two signatures: GNU returns a pointer, XSI an int. Overloading on the
// return type picks the right interpretation without preprocessor guesses.
inline const char* strerror_result(const char* text, const char*) noexcept { return text; }
inline const char* strerror_result(int rc, const char* buf) noexcept {
  return rc == 0 ? buf : "Unknown error";
}
// The text for err, using buf (256 bytes) if the system needs room for it.
inline const char* errno_text(int err, char (&buf)[256]) noexcept {
  buf[0] = '\0';
  return strerror_result(::strerror_r(err, buf, sizeof buf), buf);
}
}  // namespace detail

// The text for an errno value, safe to call from any thread.
inline std::string errno_message(int err) {
  char buf[256];
  return detail::errno_text(err, buf);
}

[[noreturn]] inline void throw_errno(const char* what, int err = errno) {
  throw std::system_error(err, std::generic_category(), what);
}

// Calls `call` until it does not fail with EINTR. Every retrying wrapper goes through here,
// so "restart after a signal" is decided in one place.
template <class Call>
auto retry_on_eintr(Call&& call) noexcept(noexcept(call())) {
  auto rc = call();
  while (rc == -1 && errno == EINTR) rc = call();
  return rc;
}

// Writes "msg: reason\n" (or "msg\n" when reason is null) to stderr in a single write(2).
// Keeps errno unchanged.
inline void report(const char* msg, const char* reason) noexcept {
  const int saved = errno;
  char line[1024];
  std::size_t used = 0;
  for (const char* part :
       {msg, reason != nullptr ? ": " : "", reason != nullptr ? reason : "", "\n"}) {
    const std::size_t len = std::strlen(part);
    const std::size_t room = sizeof line - 1 - used;  // keep room for the final newline
    const std::size_t take = len < room ? len : room;
    std::memcpy(line + used, part, take);
    used += take;
  }
  if (line[used - 1] != '\n') line[used++] = '\n';  // a truncated report still ends its line
  retry_on_eintr([&] { return ::write(STDERR_FILENO, line, used); });
  errno = saved;
}

// Reports and ends the process with status 1: the book face's response to any failure.
[[noreturn]] inline void fail(const char* msg, const char* reason) noexcept {
  report(msg, reason);
  std::exit(1);
}

[[noreturn]] inline void fail_errno(const char* msg, int err) noexcept {
  char buf[256];  // no std::string here: this must not throw
  fail(msg, detail::errno_text(err, buf));
}

}  // namespace csapp
