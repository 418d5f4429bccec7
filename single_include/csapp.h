// csapp.h - GENERATED from csapp-conc's include/ by cmake/amalgamate.cmake. Do not edit:
// change the headers under include/ and run `cmake -P cmake/amalgamate.cmake` at the top
// of the clone (the test single_include.drift fails while this copy is stale).
//
// Use: copy single_include/csapp.h (and sbuf.h, for the book's `#include "sbuf.h"`)
// beside your program, then `g++ -std=c++17 prog.c -pthread`. Nothing else is needed,
// and the book's csapp.c and sbuf.c stay out of the build (they would define it twice).
//
// Made from, in this order:
//   include/csapp.h
//   include/csapp/error.hpp
//   include/csapp/fd.hpp
//   include/csapp/rio.hpp
//   include/csapp/semaphore.hpp
//   include/csapp/signal.hpp
//   include/csapp/socket.hpp
//   include/csapp/stop.hpp
//   include/csapp/all.hpp
//   include/csapp/sbuf.hpp
#pragma once

// csapp.h - the book's support library (CS:APP 3rd ed.), as one C++ header.
//
// Use: `g++ -std=c++17 prog.c -pthread` (g++, not gcc: this is C++17). Leave the book's
// csapp.c and sbuf.c out of the build: this header and sbuf.h already define all of it.
//
// Every name of the book's csapp.h, with the book's return conventions: lowercase functions
// return -1 and set errno (open_clientfd/open_listenfd return -2 for resolver errors);
// Capitalized wrappers check the result and, on failure, print "msg: reason" and exit.
// Each function is a thin layer over the C++ face in include/csapp/, so there is one
// implementation of every algorithm. Parameters are const where the book passes literals.
//
// Deliberate differences from the book (book-notes/deviations.md says why, with tests):
//   - failures exit with status 1, not 0, and each report is one thread-safe write;
//   - nothing dies on EINTR: P, Accept, Read, Write, Wait, Waitpid and RIO restart, and an
//     interrupted Select waits again for the time that remains (a signal is not a timeout);
//   - Accept retries ECONNABORTED/EPROTO and survives running out of descriptors; after a
//     stop (csapp/stop.hpp) it returns -1/EINTR instead of waiting for the next client;
//   - a server (a process that called open_listenfd) ignores SIGPIPE, so a stdout nobody
//     reads any more costs it its log lines, not its life; Execve restores the default;
//   - a peer that resets or closes early ends that connection, not the server: Rio_* treat
//     ECONNRESET/EPIPE as end of file, and writes never raise SIGPIPE on a socket;
//   - rio_readlineb scans with memchr (same results, many times faster);
//   - open_listenfd takes IPv4 and IPv6 clients and works on a loopback-only machine;
//     Open_listenfd("0") prints the port the kernel chose ("listening on port N");
//   - Malloc, Calloc, Realloc and Mmap return a pointer that converts to any object pointer
//     type, so `int *p = Malloc(n);` compiles as C++ exactly as it does in C;
//   - where unnamed POSIX semaphores do not work (macOS), or with CSAPP_PORTABLE_SEMAPHORE
//     defined, sem_t names a semaphore built on a mutex and a condition variable (see the
//     POSIX semaphores section), so Sem_init, P, V and sbuf still work.
#ifndef CSAPP_BOOK_CSAPP_H
#define CSAPP_BOOK_CSAPP_H

// Compiled as C or as C++ older than C++17, stop with one line that names the fix. Compilers
// go on after #error; an #include of a file that cannot exist ends the compilation at once,
// so the #error stays the only message instead of the head of a cascade.
#ifndef __cplusplus
#error "csapp.h is C++, not C: compile with g++ -std=c++17 prog.c -pthread (and no csapp.c)"
#include "csapp.h stops here: see the error above"
#elif __cplusplus < 201703L
#error "csapp.h needs C++17 or later: compile with -std=c++17 (g++ -std=c++17 prog.c -pthread)"
#include "csapp.h stops here: see the error above"
#endif

// The book's csapp.c (or sbuf.c) compiled next to this header would define every function a
// second time: a page of redefinition errors. This one comes first and says what to do.
// (__BASE_FILE__ is the file named on the command line; GCC and clang define it.)
#ifdef __BASE_FILE__
namespace csapp::detail {
// Whether `path` names a file called `name`, in any directory.
constexpr bool is_file_named(const char* path, const char* name) noexcept {
  const char* base = path;
  for (const char* p = path; *p != '\0'; ++p)
    if (*p == '/') base = p + 1;
  for (; *base != '\0' && *base == *name; ++base, ++name) {
  }
  return *base == '\0' && *name == '\0';
}
}  // namespace csapp::detail
static_assert(!csapp::detail::is_file_named(__BASE_FILE__, "csapp.c"),
              "csapp.h is header-only: leave the book's csapp.c out of your build "
              "(compile only your own .c files: g++ -std=c++17 prog.c -pthread)");
static_assert(!csapp::detail::is_file_named(__BASE_FILE__, "sbuf.c"),
              "sbuf.h is header-only: leave the book's sbuf.c out of your build "
              "(compile only your own .c files: g++ -std=c++17 prog.c -pthread)");
#endif

// The book's header brings in all of these; programs written against it rely on that.
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>  // Select: std::max
#include <chrono>     // Select: the deadline of a restarted wait

// ---- include/csapp/error.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/error.hpp - how the toolkit reports failure, and the one EINTR retry loop.
//
// Two policies live side by side. The C++ face throws std::system_error (errno in
// std::generic_category()). The book face prints "msg: reason" and exits; it does so with
// status 1 (the book exits 0, which makes a failed program look successful to a shell or a
// test) and formats the whole message into one write(2), so that threads failing at the same
// time do not interleave their reports and no strerror() static buffer is shared.

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
// ---- include/csapp/fd.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/fd.hpp - unique_fd, the owner of one file descriptor.
//
// A descriptor that is never closed is the classic leak of Chapter 12 (the process server
// whose parent forgets to close the connected descriptor: its clients never see EOF). An
// owner that closes in its destructor makes that mistake impossible to write.
//
// close(2) is never retried: on Linux the descriptor is released even when close reports
// EINTR, and a retry could close a descriptor another thread has just been given.

#include <cerrno>
#include <unistd.h>


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
// ---- include/csapp/rio.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/rio.hpp - robust I/O: whole-count reads and writes, and a buffered line reader.
//
// Sockets and pipes deliver short counts: a read(2) returns whatever has arrived, a write(2)
// may accept only part of a large buffer. RIO hides that. The unbuffered pair (readn,
// writen) moves exactly n bytes unless EOF or an error intervenes; the buffered reader
// (rio_state + rio_readlineb / rio_readnb, or the csapp::reader class) pulls up to one
// buffer's worth per read(2) and hands out lines or byte runs from it.
//
// Guarantees, each covered by tests/test_rio.cpp:
//   - no call ever reports EINTR: interrupted reads and writes are restarted;
//   - writen returns n or -1, never a short count;
//   - writen on a socket never raises SIGPIPE: a vanished peer is -1 with errno EPIPE;
//   - rio_readlineb finds the newline with memchr, one call per buffer rather than per byte.

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <utility>


namespace csapp {

inline constexpr int rio_bufsize = 8192;  // bytes one refill can bring in

// Reads exactly n bytes unless EOF comes first (then the count is short). -1 on error.
inline ssize_t readn(int fd, void* buf, std::size_t n) noexcept {
  char* at = static_cast<char*>(buf);
  std::size_t left = n;
  while (left > 0) {
    const ssize_t got = retry_on_eintr([&] { return ::read(fd, at, left); });
    if (got < 0) return -1;
    if (got == 0) break;  // EOF
    at += got;
    left -= static_cast<std::size_t>(got);
  }
  return static_cast<ssize_t>(n - left);
}

// Writes all n bytes or fails: returns n, or -1 with errno set.
//
// On a socket it sends with MSG_NOSIGNAL, so a peer that has gone away yields EPIPE instead
// of a SIGPIPE that would kill the whole server. Anything that is not a socket (a file,
// a pipe, a terminal) falls back to write(2).
inline ssize_t writen(int fd, const void* buf, std::size_t n) noexcept {
  const char* at = static_cast<const char*>(buf);
  std::size_t left = n;
  bool socket = true;  // until send(2) says otherwise
  while (left > 0) {
    ssize_t put = -1;
    if (socket) {
      put = retry_on_eintr([&] { return ::send(fd, at, left, MSG_NOSIGNAL); });
      if (put < 0 && errno == ENOTSOCK) socket = false;
    }
    if (!socket) put = retry_on_eintr([&] { return ::write(fd, at, left); });
    if (put < 0) return -1;
    at += put;
    left -= static_cast<std::size_t>(put);
  }
  return static_cast<ssize_t>(n);
}

// The buffered reader's state. Field names are the book's, so code that inspects a rio_t
// (the book's `rio_t` is this type) keeps compiling.
struct rio_state {
  int rio_fd;                 // descriptor the buffer reads from
  int rio_cnt;                // unread bytes in rio_buf
  char* rio_bufptr;           // next unread byte in rio_buf
  char rio_buf[rio_bufsize];  // the buffer itself
};

inline void rio_init(rio_state& rp, int fd) noexcept {
  rp.rio_fd = fd;
  rp.rio_cnt = 0;
  rp.rio_bufptr = rp.rio_buf;
}

namespace detail {
// The fields a buffered read works on, wherever they live: inside a rio_state (the book's
// rio_t, with its buffer of RIO_BUFSIZE bytes) or inside a csapp::reader (a larger buffer
// on the heap). The algorithms below see only this view, so both faces run the same code.
struct rio_view {
  int fd;            // descriptor the buffer reads from
  int& cnt;          // unread bytes in buf
  char*& bufptr;     // next unread byte in buf
  char* buf;         // the buffer
  std::size_t size;  // its capacity; at most INT_MAX, since cnt counts it
};

inline rio_view view_of(rio_state& rp) noexcept {
  return {rp.rio_fd, rp.rio_cnt, rp.rio_bufptr, rp.rio_buf, sizeof rp.rio_buf};
}

inline std::size_t buffered(const rio_view& v) noexcept { return static_cast<std::size_t>(v.cnt); }

// Whether the cnt unread bytes at bufptr hold a newline.
inline bool line_waiting(const char* bufptr, int cnt) noexcept {
  return cnt > 0 && std::memchr(bufptr, '\n', static_cast<std::size_t>(cnt)) != nullptr;
}

// Refills an empty buffer with one read(2). Returns the bytes now buffered, 0 at EOF, -1 on
// error. Only called when cnt is 0.
inline ssize_t refill(const rio_view& v) noexcept {
  const ssize_t got = retry_on_eintr([&] { return ::read(v.fd, v.buf, v.size); });
  if (got > 0) {
    v.cnt = static_cast<int>(got);
    v.bufptr = v.buf;
  }
  return got;
}

inline void consume(const rio_view& v, char* to, std::size_t n) noexcept {
  std::memcpy(to, v.bufptr, n);
  v.bufptr += n;
  v.cnt -= static_cast<int>(n);
}

inline ssize_t readnb(const rio_view& v, void* buf, std::size_t n) noexcept {
  char* at = static_cast<char*>(buf);
  std::size_t left = n;
  while (left > 0) {
    if (v.cnt == 0 && left >= v.size) {
      // Nothing buffered and at least a buffer's worth wanted: read(2) straight into the
      // caller's memory. Staging it through the buffer would give the same bytes with one
      // more copy and, worse, one read(2) per buffer-full instead of one per request; a
      // read(2) costs a microsecond or more before it copies anything.
      const ssize_t got = retry_on_eintr([&] { return ::read(v.fd, at, left); });
      if (got < 0) return -1;
      if (got == 0) break;  // EOF
      at += got;
      left -= static_cast<std::size_t>(got);
      continue;
    }
    if (v.cnt == 0) {
      const ssize_t got = refill(v);
      if (got < 0) return -1;
      if (got == 0) break;  // EOF
    }
    const std::size_t take = std::min(left, buffered(v));
    consume(v, at, take);
    at += take;
    left -= take;
  }
  return static_cast<ssize_t>(n - left);
}

inline ssize_t readlineb(const rio_view& v, void* buf, std::size_t maxlen) noexcept {
  if (maxlen == 0) return 0;  // no room even for the NUL
  char* out = static_cast<char*>(buf);
  const std::size_t room = maxlen - 1;
  std::size_t stored = 0;
  while (stored < room) {
    if (v.cnt == 0) {
      const ssize_t got = refill(v);
      if (got < 0) return -1;
      if (got == 0) break;  // EOF: what was read so far is the last line
    }
    std::size_t take = std::min(room - stored, buffered(v));
    const void* newline = std::memchr(v.bufptr, '\n', take);
    if (newline != nullptr)
      take = static_cast<std::size_t>(static_cast<const char*>(newline) - v.bufptr) + 1;
    consume(v, out + stored, take);
    stored += take;
    if (newline != nullptr) break;
  }
  out[stored] = '\0';
  return static_cast<ssize_t>(stored);
}
}  // namespace detail

// Bytes already read from the descriptor and not yet handed out.
inline std::size_t rio_buffered(const rio_state& rp) noexcept {
  return static_cast<std::size_t>(rp.rio_cnt);
}

// True when a whole line is waiting in the buffer. An event loop needs this: select(2)
// reports the descriptor, not the buffer, so lines that arrived in the same read(2) as the
// one just served would sit unseen until the client sends more.
inline bool rio_has_line(const rio_state& rp) noexcept {
  return detail::line_waiting(rp.rio_bufptr, rp.rio_cnt);
}

// Reads up to n bytes through the buffer; short only at EOF. -1 on error. A request of at
// least a buffer's size, arriving when nothing is buffered, is read without the buffer.
inline ssize_t rio_readnb(rio_state& rp, void* buf, std::size_t n) noexcept {
  return detail::readnb(detail::view_of(rp), buf, n);
}

// Reads one line into buf: at most maxlen-1 bytes, newline kept, NUL appended. A line
// longer than that comes back in maxlen-1 byte pieces. Returns the bytes stored (not
// counting the NUL), 0 at EOF when nothing was read, -1 on error.
//
// The book copies one byte per call; here memchr scans the buffered run and memcpy moves
// it, which gives the same results and is many times faster on long lines.
inline ssize_t rio_readlineb(rio_state& rp, void* buf, std::size_t maxlen) noexcept {
  return detail::readlineb(detail::view_of(rp), buf, maxlen);
}

// The buffered reader as a C++ object: the same algorithms as rio_readlineb/rio_readnb, with
// errors thrown instead of returned, over a buffer of its own size. Movable (the buffer
// moves with it), not copyable (two copies would hand out the same bytes twice).
//
// Why a bigger buffer than the book's 8 KiB: every refill is one read(2), and a read(2)
// costs a fixed microsecond or more (several on a virtual machine) before it copies a byte.
// With 8 KiB refills that fixed cost is most of the time spent reading a file that is
// already in memory (book-notes/performance.md has the numbers); 64 KiB refills make it
// small. rio_t cannot grow, since students' code holds it by value and reads RIO_BUFSIZE.
// A server holding many idle connections can pass a smaller size.
class reader {
 public:
  static constexpr std::size_t default_buffer = std::size_t{64} * 1024;

  // Throws std::invalid_argument for a size of 0 or above 1 GiB, std::bad_alloc if the
  // buffer cannot be had.
  explicit reader(int fd, std::size_t buffer_size = default_buffer)
      : fd_(fd), buf_(new char[checked_size(buffer_size)]), size_(buffer_size) {
    bufptr_ = buf_.get();
  }
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;
  reader(reader&& other) noexcept { take_from(other); }
  reader& operator=(reader&& other) noexcept {
    if (this != &other) take_from(other);
    return *this;
  }
  ~reader() = default;

  int fd() const noexcept { return fd_; }
  std::size_t buffered() const noexcept { return static_cast<std::size_t>(cnt_); }
  bool has_line() const noexcept { return detail::line_waiting(bufptr_, cnt_); }
  std::size_t buffer_size() const noexcept { return size_; }

  // rio_readlineb into a caller's buffer. Returns 0 at EOF.
  std::size_t read_line(char* buf, std::size_t maxlen) {
    return checked(detail::readlineb(view(), buf, maxlen), "read_line");
  }

  // One line (newline kept) of at most `limit` bytes; a longer line comes back in pieces,
  // as with rio_readlineb. Returns false at EOF with nothing read; a last line without a
  // newline is returned as it is. A server passes a limit, so that a client sending no
  // newline cannot make it allocate without bound.
  bool read_line(std::string& line, std::size_t limit = SIZE_MAX) {
    line.clear();
    char piece[rio_bufsize];
    while (line.size() < limit) {
      const std::size_t room = std::min(sizeof piece - 1, limit - line.size());
      const std::size_t got = read_line(piece, room + 1);
      line.append(piece, got);
      if (got == 0 || line.back() == '\n') break;
    }
    return !line.empty();
  }

  // rio_readnb: n bytes, fewer only at EOF.
  std::size_t read(void* buf, std::size_t n) {
    return checked(detail::readnb(view(), buf, n), "read");
  }

 private:
  static std::size_t checked(ssize_t rc, const char* what) {
    if (rc < 0) throw_errno(what);
    return static_cast<std::size_t>(rc);
  }
  static std::size_t checked_size(std::size_t size) {
    if (size == 0 || size > 1u << 30) throw std::invalid_argument("reader buffer size");
    return size;
  }
  detail::rio_view view() noexcept { return {fd_, cnt_, bufptr_, buf_.get(), size_}; }
  // The buffer is on the heap, so the cursor stays valid as it changes hands; the
  // moved-from reader keeps no descriptor and no buffer (a read on it fails with EBADF).
  void take_from(reader& other) noexcept {
    fd_ = std::exchange(other.fd_, -1);
    cnt_ = std::exchange(other.cnt_, 0);
    bufptr_ = std::exchange(other.bufptr_, nullptr);
    buf_ = std::move(other.buf_);
    size_ = std::exchange(other.size_, 0);
  }

  int fd_ = -1;                  // descriptor the buffer reads from
  int cnt_ = 0;                  // unread bytes in buf_
  char* bufptr_ = nullptr;       // next unread byte in buf_
  std::unique_ptr<char[]> buf_;  // the buffer, size_ bytes, left uninitialized
  std::size_t size_ = 0;         // buf_'s capacity
};

// Writes the whole string or throws (EPIPE included: the peer went away).
inline void write_all(int fd, const void* buf, std::size_t n) {
  if (writen(fd, buf, n) < 0) throw_errno("write_all");
}
inline void write_all(int fd, const std::string& text) { write_all(fd, text.data(), text.size()); }

}  // namespace csapp
// ---- include/csapp/semaphore.hpp (pasted here by cmake/amalgamate.cmake) ----
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

#include <cerrno>
#include <climits>
#include <ctime>
#include <pthread.h>
#include <semaphore.h>


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
// ---- include/csapp/signal.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/signal.hpp - installing signal handlers, and output that is safe inside them.
//
// A handler may run between any two instructions of the program it interrupts, so it may
// only call async-signal-safe functions: printf and malloc are out, write(2) is in. The
// sio functions build their text in a local buffer and write it with one write(2).
//
// install_handler is sigaction with the semantics the book's Signal chose: block the same
// signal while its handler runs, and restart slow system calls (SA_RESTART) where the
// kernel allows it (select, poll and sem_wait are never restarted; see error.hpp).

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <unistd.h>


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
// ---- include/csapp/socket.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/socket.hpp - connecting, listening and accepting, as the echo servers need them.
//
// The core functions report through a std::error_code and never throw, so the book face
// (open_clientfd returns -1 or -2) and the C++ face (connect_to throws) share them.
// Resolver failures get their own error category, because getaddrinfo's codes are not
// errno values.
//
// Where this differs from the book, and why:
//   - listen_on / open_listenfd bind a dual-stack IPv6 socket when the kernel has IPv6, so
//     clients reach it over 127.0.0.1 and ::1 alike, and never pass AI_ADDRCONFIG, which
//     finds no address at all on a machine whose only interface is loopback; an IPv4 client
//     of that socket still comes out of accept as an AF_INET address (detail::unmap_ipv4);
//   - accept retries EINTR and the errors that mean "that one connection died before we
//     took it" (ECONNABORTED, EPROTO), instead of ending the server;
//   - when the process is out of descriptors (EMFILE/ENFILE), the waiting client is taken
//     with a descriptor held in reserve and closed at once: that client is dropped, the
//     server lives on, and the listening socket does not stay readable forever (which
//     would turn an event loop into a busy loop);
//   - once a stop was requested (csapp/stop.hpp), accept no longer waits: a program out of
//     descriptors would otherwise sit in the wait for the next client, deaf to SIGTERM;
//   - a process that listens is a server: open_listener ignores SIGPIPE (when it is still at
//     its default), so a log line written to a stdout nobody reads any more is lost, not the
//     server.

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/types.h>
#include <system_error>
#include <unistd.h>

// ---- include/csapp/stop.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/stop.hpp - ending a server cleanly on SIGINT or SIGTERM.
//
// A server spends its life blocked: in accept, in select, in a read. To stop it cleanly
// (exit status 0, children reaped, descriptors closed) the signal has to wake whatever it
// is blocked in, and then the program, not the handler, does the cleanup. The handler here
// does the two async-signal-safe things that make that possible: it sets a flag, and it
// writes one byte into a pipe (the "self-pipe trick"). The pipe is never drained, so from
// then on every wait that includes its read end returns at once, in every thread.
//
//   csapp::stop_on_signals();                  // once, at the start of main
//   while (csapp::wait_readable(listenfd)) {   // false once SIGINT/SIGTERM arrived
//     int connfd = Accept(listenfd, ...);
//     ...
//   }
//   // clean up, exit(0)
//
// A program whose only thread sits in one client's read uses shutdown_on_stop(connfd).
//
// An event loop adds stop_fd() to its read set instead: the book face's Select waits on
// after a signal (a signal is not a timeout), and returns stop_fd() once it is readable.

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>


namespace csapp {
namespace detail {

struct stop_state {
  std::atomic<bool> requested{false};  // set by the handler, read anywhere
  std::atomic<int> connection{-1};     // shut down by the handler (see shutdown_on_stop)
  int pipe_read = -1;                  // readable once a stop was requested
  int pipe_write = -1;                 // the handler writes one byte here
};

inline stop_state& stop() noexcept {
  static stop_state instance;
  return instance;
}

inline void on_stop_signal(int) noexcept {
  const int saved = errno;  // the interrupted code may be about to read errno
  stop_state& s = stop();
  s.requested.store(true);
  const char byte = 1;
  [[maybe_unused]] const ssize_t ignored = ::write(s.pipe_write, &byte, 1);
  if (const int fd = s.connection.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  errno = saved;
}

}  // namespace detail

// Installs the SIGINT and SIGTERM handlers (once; later calls do nothing). Throws
// std::system_error if the pipe or a handler cannot be set up.
inline void stop_on_signals() {
  detail::stop_state& s = detail::stop();
  if (s.pipe_read >= 0) return;
  int fds[2];
  if (::pipe(fds) < 0) throw_errno("pipe");
  for (int fd : fds) {
    // Non-blocking: a handler must never block on a full pipe. Close-on-exec: a program
    // the server execs should not inherit it.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  s.pipe_read = fds[0];
  s.pipe_write = fds[1];
  // No SA_RESTART: a blocked select or read should see EINTR and let its loop look at
  // stop_requested().
  for (int sig : {SIGINT, SIGTERM})
    if (install_handler(sig, detail::on_stop_signal, 0) == SIG_ERR) throw_errno("sigaction");
}

// True once SIGINT or SIGTERM has arrived.
inline bool stop_requested() noexcept { return detail::stop().requested.load(); }

// The descriptor that becomes readable on stop, for select/poll/epoll sets (-1 before
// stop_on_signals).
inline int stop_fd() noexcept { return detail::stop().pipe_read; }

// A forked child that serves one client should die of SIGINT/SIGTERM like any program, not
// inherit the parent's "stop cleanly" handlers.
inline void restore_default_stop_signals() noexcept {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

// For a program whose only thread is busy with one connection (the iterative server): on
// stop, the handler shuts `connfd` down, so a read blocked on it returns end of file and the
// program gets back to its loop. (Interrupting the read would not do: RIO restarts after
// EINTR.) Pass -1 before closing the descriptor, so a reused number is never shut down.
inline void shutdown_on_stop(int connfd) noexcept {
  detail::stop().connection.store(connfd);
  if (connfd >= 0 && stop_requested()) ::shutdown(connfd, SHUT_RDWR);  // it came already
}

// Waits until fd is readable (true) or a stop was requested (false). For a listening
// socket, "readable" means a client is waiting to be accepted.
inline bool wait_readable(int fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd(), POLLIN, 0}};
  for (;;) {
    if (stop_requested()) return false;
    const int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno != EINTR) throw_errno("poll");
    if (ready > 0 && fds[0].revents != 0 && !stop_requested()) return true;
  }
}

}  // namespace csapp

namespace csapp {

// getaddrinfo/getnameinfo error codes (EAI_*), with gai_strerror's messages.
inline const std::error_category& gai_category() noexcept {
  struct category final : std::error_category {
    const char* name() const noexcept override { return "getaddrinfo"; }
    std::string message(int code) const override { return ::gai_strerror(code); }
  };
  static const category instance;
  return instance;
}

// A resolver result as an error_code: EAI_SYSTEM means "look at errno".
inline std::error_code gai_error_code(int rc) noexcept {
  if (rc == EAI_SYSTEM) return {errno, std::generic_category()};
  return {rc, gai_category()};
}

// connect(2) that survives a signal. An interrupted connect goes on in the background, and
// calling connect again would fail with EALREADY; so wait for it to finish and read its
// outcome instead. 0, or -1 with errno.
inline int connect_uninterrupted(int fd, const sockaddr* addr, socklen_t len) noexcept {
  if (::connect(fd, addr, len) == 0) return 0;
  if (errno != EINTR) return -1;
  pollfd pfd{fd, POLLOUT, 0};
  if (retry_on_eintr([&] { return ::poll(&pfd, 1, -1); }) < 0) return -1;
  int err = 0;
  socklen_t errlen = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0) return -1;
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}

// Opens a connection to host:port (port is numeric). Returns the descriptor, or -1 with
// `ec` set: a generic errno (the last address's failure) or a gai_category code.
inline int open_client(const char* host, const char* port, std::error_code& ec) noexcept {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(host, port, &hints, &list); rc != 0) {
    ec = gai_error_code(rc);
    return -1;
  }
  int err = ECONNREFUSED;
  int fd = -1;
  for (addrinfo* p = list; p != nullptr && fd < 0; p = p->ai_next) {
    unique_fd sock(::socket(p->ai_family, p->ai_socktype, p->ai_protocol));
    if (sock && connect_uninterrupted(sock.get(), p->ai_addr, p->ai_addrlen) == 0)
      fd = sock.release();
    else
      err = errno;
  }
  ::freeaddrinfo(list);
  if (fd < 0) ec = {err, std::generic_category()};
  return fd;
}

namespace detail {

// One descriptor kept open for the moment the process runs out of them (see the top of
// this file). Shared by every thread, so it has a lock.
struct reserve_fd {
  std::mutex lock;  // guards fd
  int fd = -1;      // an open /dev/null, or -1 while lent out or unavailable
};

inline reserve_fd& reserve() noexcept {
  static reserve_fd instance;
  return instance;
}

inline void keep_reserve_fd() noexcept {
  reserve_fd& r = reserve();
  std::lock_guard<std::mutex> guard(r.lock);
  if (r.fd < 0) r.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// Takes one waiting connection with the reserve descriptor and closes it. False when there
// was no reserve to spend.
inline bool drop_one_connection(int listenfd) noexcept {
  reserve_fd& r = reserve();
  std::lock_guard<std::mutex> guard(r.lock);
  if (r.fd < 0) return false;
  // The caller saw a client waiting; if another thread took it since, do not sleep in
  // accept holding the lock.
  pollfd waiting{listenfd, POLLIN, 0};
  if (::poll(&waiting, 1, 0) != 1) return true;
  ::close(r.fd);
  const int conn = ::accept(listenfd, nullptr, nullptr);
  if (conn >= 0) ::close(conn);
  r.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return true;
}

// Waits until a client is waiting on listenfd. Out of descriptors, accept fails at once
// whether or not anyone waits, so this is what keeps the retry loop from spinning. A
// non-blocking listener does not wait: false with EAGAIN when nobody is there. A stop
// (csapp/stop.hpp) ends the wait: false with EINTR. Without that, a server that catches
// SIGTERM and is out of descriptors would wait here for a client, retrying each EINTR, and
// the signal that should end it would only be remembered.
inline bool wait_for_client(int listenfd) noexcept {
  const bool nonblocking = (::fcntl(listenfd, F_GETFL) & O_NONBLOCK) != 0;
  pollfd waiting[2] = {{listenfd, POLLIN, 0}, {stop_fd(), POLLIN, 0}};  // stop_fd: -1, ignored
  for (;;) {
    if (stop_requested()) {
      errno = EINTR;
      return false;
    }
    const int ready = ::poll(waiting, 2, nonblocking ? 0 : -1);
    if (ready < 0 && errno == EINTR) continue;  // the loop's test looks at the stop
    if (ready < 0) return false;
    if (ready == 0) {
      errno = EAGAIN;
      return false;
    }
    if (waiting[0].revents != 0) return true;
  }
}

// A process that listens is a server, and a server's stdout (or stderr) may be a pipe whose
// reader goes away: `echoserveri 0 | head -1`. SIGPIPE's default action would then end the
// server at its next log line; ignored, that write fails with EPIPE and only the line is lost.
// (Sockets never raise it here: rio sends with MSG_NOSIGNAL.) A program that chose its own
// disposition keeps it, and one that never listens (a client piped into head) still ends
// as a Unix filter should. Remembered, so Execve can give a program it starts the default back.
inline std::atomic<bool>& sigpipe_ignored_here() noexcept {
  static std::atomic<bool> ignored{false};
  return ignored;
}

inline void ignore_sigpipe_if_default() noexcept {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) < 0 || current.sa_handler != SIG_DFL ||
      (current.sa_flags & SA_SIGINFO) != 0)
    return;
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGPIPE, &ignore, nullptr) == 0) sigpipe_ignored_here().store(true);
}

}  // namespace detail

// Opens a socket listening on every local address at `port` ("0": the kernel picks one;
// see local_port). Returns the descriptor, or -1 with `ec` set as for open_client.
inline int open_listener(const char* port, int backlog, std::error_code& ec) noexcept {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(nullptr, port, &hints, &list); rc != 0) {
    ec = gai_error_code(rc);
    return -1;
  }
  int err = EADDRNOTAVAIL;
  int fd = -1;
  // IPv6 first: with IPV6_V6ONLY off, one socket takes IPv4 clients too.
  for (const int family : {AF_INET6, AF_INET}) {
    for (addrinfo* p = list; p != nullptr && fd < 0; p = p->ai_next) {
      if (p->ai_family != family) continue;
      unique_fd sock(::socket(p->ai_family, p->ai_socktype, p->ai_protocol));
      const int on = 1;
      const int off = 0;
      // SO_REUSEADDR: a restarted server can bind while old connections sit in TIME_WAIT.
      if (sock && ::setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
          (family != AF_INET6 ||
           ::setsockopt(sock.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0) &&
          ::bind(sock.get(), p->ai_addr, p->ai_addrlen) == 0 && ::listen(sock.get(), backlog) == 0)
        fd = sock.release();
      else
        err = errno;
    }
  }
  ::freeaddrinfo(list);
  if (fd < 0) {
    ec = {err, std::generic_category()};
    return fd;
  }
  detail::keep_reserve_fd();  // now, while descriptors are still available
  detail::ignore_sigpipe_if_default();
  return fd;
}

namespace detail {

// The dual-stack listener (open_listener) hands an IPv4 client over as an IPv4-mapped IPv6
// address, ::ffff:a.b.c.d. Programs written for the book expect an IPv4 client to look like
// one: printed as a.b.c.d, and looked up by getnameinfo in /etc/hosts. For the mapped form
// the resolver skips /etc/hosts and asks DNS, so every connection could wait for a DNS
// timeout. When the caller's buffer can hold a sockaddr_in, the address is rewritten in
// place as the sockaddr_in it stands for (read back with getpeername when the buffer was too
// small for the whole IPv6 form).
inline void unmap_ipv4(int fd, sockaddr* addr, socklen_t* addrlen, socklen_t room) noexcept {
  if (addr == nullptr || addrlen == nullptr || room < sizeof(sockaddr_in) ||
      addr->sa_family != AF_INET6)
    return;
  sockaddr_in6 v6{};
  if (room >= sizeof v6 && *addrlen >= sizeof v6) {
    std::memcpy(&v6, addr, sizeof v6);
  } else {
    socklen_t len = sizeof v6;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&v6), &len) < 0 || len < sizeof v6) return;
  }
  if (!IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) return;
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = v6.sin6_port;
  std::memcpy(&v4.sin_addr, &v6.sin6_addr.s6_addr[12], sizeof v4.sin_addr);
  std::memcpy(addr, &v4, sizeof v4);
  *addrlen = sizeof v4;
}

}  // namespace detail

// accept(2) for servers: returns a connected descriptor, or -1 with errno. Retries what
// only concerns one client (see the top of this file). A non-blocking listening socket
// with nobody waiting returns -1 with EAGAIN, so an event loop gets control back. Once a
// stop was requested (csapp/stop.hpp) it returns -1 with EINTR instead of waiting on, so
// the server's loop sees the stop; a program that never calls stop_on_signals never gets it.
inline int accept_client(int listenfd, sockaddr* addr, socklen_t* addrlen) noexcept {
  if (stop_requested()) {
    errno = EINTR;
    return -1;
  }
  detail::keep_reserve_fd();
  const socklen_t room = addrlen != nullptr ? *addrlen : 0;
  for (;;) {
    if (addrlen != nullptr) *addrlen = room;  // a failed try may have changed it
    const int fd = ::accept(listenfd, addr, addrlen);
    if (fd >= 0) {
      detail::unmap_ipv4(fd, addr, addrlen, room);
      return fd;
    }
    switch (errno) {
      case EINTR:
        if (stop_requested()) return -1;
        continue;
      case ECONNABORTED:
      case EPROTO:
        continue;
      case EMFILE:
      case ENFILE:
        if (!detail::wait_for_client(listenfd)) return -1;
        if (addrlen != nullptr) *addrlen = room;
        if (const int late = ::accept(listenfd, addr, addrlen); late >= 0) {
          detail::unmap_ipv4(late, addr, addrlen, room);
          return late;  // freed meanwhile
        }
        if ((errno == EMFILE || errno == ENFILE) && !detail::drop_one_connection(listenfd))
          ::poll(nullptr, 0, 10);  // no reserve (another thread holds the freed slot): back off
        continue;
      default:
        return -1;
    }
  }
}

// The port a socket is bound to (how a server started on port 0 learns its port).
inline std::uint16_t local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) throw_errno("getsockname");
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// ---- The C++ face: owned descriptors, exceptions on failure ----

inline unique_fd connect_to(const char* host, const char* port) {
  std::error_code ec;
  unique_fd fd(open_client(host, port, ec));
  if (!fd) throw std::system_error(ec, std::string("connect to ") + host + ":" + port);
  return fd;
}

inline unique_fd listen_on(const char* port, int backlog = 1024) {
  std::error_code ec;
  unique_fd fd(open_listener(port, backlog, ec));
  if (!fd) throw std::system_error(ec, std::string("listen on port ") + port);
  return fd;
}

// Empty (no descriptor) when a stop was requested while it waited (see accept_client): the
// caller's loop will see the stop. Every other failure throws.
inline unique_fd accept_from(int listenfd, sockaddr_storage* peer = nullptr) {
  socklen_t len = sizeof(sockaddr_storage);
  const int fd =
      accept_client(listenfd, reinterpret_cast<sockaddr*>(peer), peer != nullptr ? &len : nullptr);
  if (fd < 0 && errno == EINTR && stop_requested()) return unique_fd();
  return checked_fd(fd, "accept");
}

}  // namespace csapp

/* ---------------------------------------------------------------------------------------
 * Constants and types
 * ------------------------------------------------------------------------------------- */

#define DEF_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)
#define DEF_UMASK (S_IWGRP | S_IWOTH)
#define RIO_BUFSIZE 8192
#define MAXLINE 8192 /* max text line length */
#define MAXBUF 8192  /* max I/O buffer size */
#define LISTENQ 1024 /* second argument to listen() */

static_assert(RIO_BUFSIZE == csapp::rio_bufsize, "the book's RIO_BUFSIZE is the C++ face's");

typedef struct sockaddr SA;
typedef csapp::rio_state rio_t;
typedef void handler_t(int);

// The book declares it; <unistd.h> does too, but only under _GNU_SOURCE (g++ sets it, a C++
// compiler on macOS does not), so the book's programs need this line to build everywhere.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace csapp {
namespace book {

// What Malloc and friends return: C converts void* to any object pointer silently, C++ does
// not, so this converts on assignment instead (`int *p = Malloc(n);`, `Free(p)`).
class any_ptr {
 public:
  explicit any_ptr(void* p) noexcept : p_(p) {}
  template <class T>
  operator T*() const noexcept {
    return static_cast<T*>(p_);
  }

 private:
  void* p_;  // the untyped result
};

// "The peer went away": for one connection an end, not an error worth ending a server for.
inline bool peer_gone(int err) noexcept { return err == ECONNRESET || err == EPIPE; }

}  // namespace book
}  // namespace csapp

/* ---------------------------------------------------------------------------------------
 * Error handlers
 * ------------------------------------------------------------------------------------- */

[[noreturn]] inline void unix_error(const char* msg) { csapp::fail_errno(msg, errno); }
[[noreturn]] inline void posix_error(int code, const char* msg) { csapp::fail_errno(msg, code); }
// glibc has its own gai_error(struct gaicb *); this overload is the book's.
[[noreturn]] inline void gai_error(int code, const char* msg) {
  csapp::fail(msg, gai_strerror(code));
}
// These two carry no errno: the message is the whole report.
[[noreturn]] inline void app_error(const char* msg) { csapp::fail(msg, nullptr); }
[[noreturn]] inline void dns_error(const char* msg) { csapp::fail(msg, nullptr); }

/* ---------------------------------------------------------------------------------------
 * Process control
 * ------------------------------------------------------------------------------------- */

inline pid_t Fork(void) {
  const pid_t pid = fork();
  if (pid < 0) unix_error("Fork error");
  return pid;
}

// A server ignores SIGPIPE from its first listening socket on (csapp/socket.hpp); an ignored
// signal stays ignored across exec, so the program it starts (Tiny's CGI programs) gets the
// default back: one that writes to a client that left should end, not loop on EPIPE.
inline void Execve(const char* filename, char* const argv[], char* const envp[]) {
  if (csapp::detail::sigpipe_ignored_here().load()) signal(SIGPIPE, SIG_DFL);
  if (execve(filename, argv, envp) < 0) unix_error("Execve error");
}

inline pid_t Wait(int* status) {
  const pid_t pid = csapp::retry_on_eintr([&] { return wait(status); });
  if (pid < 0) unix_error("Wait error");
  return pid;
}

inline pid_t Waitpid(pid_t pid, int* iptr, int options) {
  const pid_t done = csapp::retry_on_eintr([&] { return waitpid(pid, iptr, options); });
  if (done < 0) unix_error("Waitpid error");
  return done;
}

inline void Kill(pid_t pid, int signum) {
  if (kill(pid, signum) < 0) unix_error("Kill error");
}

inline void Pause(void) { (void)pause(); }

inline unsigned int Sleep(unsigned int secs) { return sleep(secs); }

inline unsigned int Alarm(unsigned int seconds) { return alarm(seconds); }

inline void Setpgid(pid_t pid, pid_t pgid) {
  if (setpgid(pid, pgid) < 0) unix_error("Setpgid error");
}

inline pid_t Getpgrp(void) { return getpgrp(); }

/* ---------------------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------------------- */

inline handler_t* Signal(int signum, handler_t* handler) {
  const csapp::signal_handler previous = csapp::install_handler(signum, handler);
  if (previous == SIG_ERR) unix_error("Signal error");
  return previous;
}

inline void Sigprocmask(int how, const sigset_t* set, sigset_t* oldset) {
  if (sigprocmask(how, set, oldset) < 0) unix_error("Sigprocmask error");
}

inline void Sigemptyset(sigset_t* set) {
  if (sigemptyset(set) < 0) unix_error("Sigemptyset error");
}

inline void Sigfillset(sigset_t* set) {
  if (sigfillset(set) < 0) unix_error("Sigfillset error");
}

inline void Sigaddset(sigset_t* set, int signum) {
  if (sigaddset(set, signum) < 0) unix_error("Sigaddset error");
}

inline void Sigdelset(sigset_t* set, int signum) {
  if (sigdelset(set, signum) < 0) unix_error("Sigdelset error");
}

inline int Sigismember(const sigset_t* set, int signum) {
  const int rc = sigismember(set, signum);
  if (rc < 0) unix_error("Sigismember error");
  return rc;
}

// sigsuspend always returns -1; EINTR is its normal outcome (a handler ran).
inline int Sigsuspend(const sigset_t* set) {
  const int rc = sigsuspend(set);
  if (errno != EINTR) unix_error("Sigsuspend error");
  return rc;
}

/* ---------------------------------------------------------------------------------------
 * Async-signal-safe output (the Sio package)
 * ------------------------------------------------------------------------------------- */

inline ssize_t sio_puts(const char s[]) { return csapp::sio::puts(s); }
inline ssize_t sio_putl(long v) { return csapp::sio::putl(v); }
[[noreturn]] inline void sio_error(const char s[]) { csapp::sio::error(s); }

inline ssize_t Sio_puts(const char s[]) {
  const ssize_t n = sio_puts(s);
  if (n < 0) sio_error("Sio_puts error");
  return n;
}

inline ssize_t Sio_putl(long v) {
  const ssize_t n = sio_putl(v);
  if (n < 0) sio_error("Sio_putl error");
  return n;
}

[[noreturn]] inline void Sio_error(const char s[]) { sio_error(s); }

/* ---------------------------------------------------------------------------------------
 * Unix I/O
 * ------------------------------------------------------------------------------------- */

inline int Open(const char* pathname, int flags, mode_t mode) {
  const int fd = csapp::retry_on_eintr([&] { return open(pathname, flags, mode); });
  if (fd < 0) unix_error("Open error");
  return fd;
}

inline ssize_t Read(int fd, void* buf, size_t count) {
  const ssize_t n = csapp::retry_on_eintr([&] { return read(fd, buf, count); });
  if (n < 0) unix_error("Read error");
  return n;
}

inline ssize_t Write(int fd, const void* buf, size_t count) {
  const ssize_t n = csapp::retry_on_eintr([&] { return write(fd, buf, count); });
  if (n < 0) unix_error("Write error");
  return n;
}

inline off_t Lseek(int fildes, off_t offset, int whence) {
  const off_t pos = lseek(fildes, offset, whence);
  if (pos < 0) unix_error("Lseek error");
  return pos;
}

// EINTR from close still releases the descriptor on Linux, so it is not a failure here.
inline void Close(int fd) {
  if (close(fd) < 0 && errno != EINTR) unix_error("Close error");
}

// A handler that returns makes select fail with EINTR, whatever SA_RESTART says (the kernel
// never restarts it). That is neither an error nor a timeout: Select waits again, on the same
// sets, for the time that remains (computed here: POSIX leaves the timeout undefined after an
// error). It returns 0 only when the time is really up. A program that must notice a signal
// in its loop puts the read end of a self-pipe in the set (csapp/stop.hpp's stop_fd()), which
// the handler makes readable.
inline int Select(int n, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                  struct timeval* timeout) {
  fd_set* const sets[3] = {readfds, writefds, exceptfds};
  fd_set asked[3];
  for (int i = 0; i < 3; i++)
    if (sets[i] != nullptr) asked[i] = *sets[i];
  using clock = std::chrono::steady_clock;
  const auto deadline = timeout == nullptr ? clock::time_point::max()
                                           : clock::now() + std::chrono::seconds(timeout->tv_sec) +
                                                 std::chrono::microseconds(timeout->tv_usec);
  for (;;) {
    const int rc = select(n, readfds, writefds, exceptfds, timeout);
    if (rc >= 0) return rc;
    if (errno != EINTR) unix_error("Select error");
    for (int i = 0; i < 3; i++)
      if (sets[i] != nullptr) *sets[i] = asked[i];
    if (timeout != nullptr) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          std::max(deadline - clock::now(), clock::duration::zero()));
      timeout->tv_sec = static_cast<time_t>(left.count() / 1000000);
      timeout->tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
    }
  }
}

inline int Dup2(int fd1, int fd2) {
  const int fd = csapp::retry_on_eintr([&] { return dup2(fd1, fd2); });
  if (fd < 0) unix_error("Dup2 error");
  return fd;
}

inline void Stat(const char* filename, struct stat* buf) {
  if (stat(filename, buf) < 0) unix_error("Stat error");
}

inline void Fstat(int fd, struct stat* buf) {
  if (fstat(fd, buf) < 0) unix_error("Fstat error");
}

/* ---------------------------------------------------------------------------------------
 * Directories
 * ------------------------------------------------------------------------------------- */

inline DIR* Opendir(const char* name) {
  DIR* dirp = opendir(name);
  if (dirp == nullptr) unix_error("opendir error");
  return dirp;
}

// NULL with errno unchanged is the end of the directory; NULL with errno set is a failure.
inline struct dirent* Readdir(DIR* dirp) {
  errno = 0;
  struct dirent* dep = readdir(dirp);
  if (dep == nullptr && errno != 0) unix_error("readdir error");
  return dep;
}

inline int Closedir(DIR* dirp) {
  const int rc = closedir(dirp);
  if (rc < 0) unix_error("closedir error");
  return rc;
}

/* ---------------------------------------------------------------------------------------
 * Memory mapping
 * ------------------------------------------------------------------------------------- */

inline csapp::book::any_ptr Mmap(void* addr, size_t len, int prot, int flags, int fd,
                                 off_t offset) {
  void* p = mmap(addr, len, prot, flags, fd, offset);
  if (p == MAP_FAILED) unix_error("mmap error");
  return csapp::book::any_ptr(p);
}

inline void Munmap(void* start, size_t length) {
  if (munmap(start, length) < 0) unix_error("munmap error");
}

/* ---------------------------------------------------------------------------------------
 * Standard I/O
 * ------------------------------------------------------------------------------------- */

inline void Fclose(FILE* fp) {
  if (fclose(fp) != 0) unix_error("Fclose error");
}

inline FILE* Fdopen(int fd, const char* type) {
  FILE* fp = fdopen(fd, type);
  if (fp == nullptr) unix_error("Fdopen error");
  return fp;
}

// NULL at end of file is not an error; NULL with the stream's error flag set is.
inline char* Fgets(char* ptr, int n, FILE* stream) {
  char* line = fgets(ptr, n, stream);
  if (line == nullptr && ferror(stream)) app_error("Fgets error");
  return line;
}

inline FILE* Fopen(const char* filename, const char* mode) {
  FILE* fp = fopen(filename, mode);
  if (fp == nullptr) unix_error("Fopen error");
  return fp;
}

inline void Fputs(const char* ptr, FILE* stream) {
  if (fputs(ptr, stream) == EOF) unix_error("Fputs error");
}

inline size_t Fread(void* ptr, size_t size, size_t nmemb, FILE* stream) {
  const size_t n = fread(ptr, size, nmemb, stream);
  if (n < nmemb && ferror(stream)) unix_error("Fread error");
  return n;
}

inline void Fwrite(const void* ptr, size_t size, size_t nmemb, FILE* stream) {
  if (fwrite(ptr, size, nmemb, stream) < nmemb) unix_error("Fwrite error");
}

/* ---------------------------------------------------------------------------------------
 * Dynamic storage
 * ------------------------------------------------------------------------------------- */

inline csapp::book::any_ptr Malloc(size_t size) {
  void* p = malloc(size);
  if (p == nullptr) unix_error("Malloc error");
  return csapp::book::any_ptr(p);
}

inline csapp::book::any_ptr Realloc(void* ptr, size_t size) {
  void* p = realloc(ptr, size);
  if (p == nullptr) unix_error("Realloc error");
  return csapp::book::any_ptr(p);
}

inline csapp::book::any_ptr Calloc(size_t nmemb, size_t size) {
  void* p = calloc(nmemb, size);
  if (p == nullptr) unix_error("Calloc error");
  return csapp::book::any_ptr(p);
}

inline void Free(void* ptr) { free(ptr); }

/* ---------------------------------------------------------------------------------------
 * Sockets
 * ------------------------------------------------------------------------------------- */

inline int Socket(int domain, int type, int protocol) {
  const int fd = socket(domain, type, protocol);
  if (fd < 0) unix_error("Socket error");
  return fd;
}

inline void Setsockopt(int s, int level, int optname, const void* optval, int optlen) {
  if (setsockopt(s, level, optname, optval, static_cast<socklen_t>(optlen)) < 0)
    unix_error("Setsockopt error");
}

inline void Bind(int sockfd, const struct sockaddr* my_addr, int addrlen) {
  if (bind(sockfd, my_addr, static_cast<socklen_t>(addrlen)) < 0) unix_error("Bind error");
}

inline void Listen(int s, int backlog) {
  if (listen(s, backlog) < 0) unix_error("Listen error");
}

// Returns a connected descriptor. Clients that vanish before being accepted, signals, and
// running out of descriptors (that client is dropped) do not end the server. The non-fatal
// -1s: EAGAIN, from a non-blocking listening socket with nobody waiting, and EINTR once a
// stop was requested (csapp/stop.hpp), so the program's loop sees the stop.
inline int Accept(int s, struct sockaddr* addr, socklen_t* addrlen) {
  const int fd = csapp::accept_client(s, addr, addrlen);
  if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
      !(errno == EINTR && csapp::stop_requested()))
    unix_error("Accept error");
  return fd;
}

inline void Connect(int sockfd, const struct sockaddr* serv_addr, int addrlen) {
  if (csapp::connect_uninterrupted(sockfd, serv_addr, static_cast<socklen_t>(addrlen)) < 0)
    unix_error("Connect error");
}

/* ---------------------------------------------------------------------------------------
 * Protocol-independent wrappers
 * ------------------------------------------------------------------------------------- */

inline void Getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                        struct addrinfo** res) {
  const int rc = getaddrinfo(node, service, hints, res);
  if (rc != 0) gai_error(rc, "Getaddrinfo error");
}

inline void Getnameinfo(const struct sockaddr* sa, socklen_t salen, char* host, size_t hostlen,
                        char* serv, size_t servlen, int flags) {
  const int rc = getnameinfo(sa, salen, host, static_cast<socklen_t>(hostlen), serv,
                             static_cast<socklen_t>(servlen), flags);
  if (rc != 0) gai_error(rc, "Getnameinfo error");
}

inline void Freeaddrinfo(struct addrinfo* res) { freeaddrinfo(res); }

inline void Inet_ntop(int af, const void* src, char* dst, socklen_t size) {
  if (inet_ntop(af, src, dst, size) == nullptr) unix_error("Inet_ntop error");
}

inline void Inet_pton(int af, const char* src, void* dst) {
  const int rc = inet_pton(af, src, dst);
  if (rc == 0) app_error("Inet_pton error: invalid dotted-decimal address");
  if (rc < 0) unix_error("Inet_pton error");
}

/* ---------------------------------------------------------------------------------------
 * DNS (obsolete, kept because older programs call them)
 * ------------------------------------------------------------------------------------- */

inline struct hostent* Gethostbyname(const char* name) {
  struct hostent* p = gethostbyname(name);
  if (p == nullptr) dns_error("Gethostbyname error");
  return p;
}

inline struct hostent* Gethostbyaddr(const char* addr, int len, int type) {
  struct hostent* p = gethostbyaddr(addr, static_cast<socklen_t>(len), type);
  if (p == nullptr) dns_error("Gethostbyaddr error");
  return p;
}

/* ---------------------------------------------------------------------------------------
 * Pthreads (these return an error code instead of setting errno: posix_error)
 * ------------------------------------------------------------------------------------- */

inline void Pthread_create(pthread_t* tidp, const pthread_attr_t* attrp, void* (*routine)(void*),
                           void* argp) {
  const int rc = pthread_create(tidp, attrp, routine, argp);
  if (rc != 0) posix_error(rc, "Pthread_create error");
}

inline void Pthread_cancel(pthread_t tid) {
  const int rc = pthread_cancel(tid);
  if (rc != 0) posix_error(rc, "Pthread_cancel error");
}

inline void Pthread_join(pthread_t tid, void** thread_return) {
  const int rc = pthread_join(tid, thread_return);
  if (rc != 0) posix_error(rc, "Pthread_join error");
}

inline void Pthread_detach(pthread_t tid) {
  const int rc = pthread_detach(tid);
  if (rc != 0) posix_error(rc, "Pthread_detach error");
}

[[noreturn]] inline void Pthread_exit(void* retval) { pthread_exit(retval); }

inline pthread_t Pthread_self(void) { return pthread_self(); }

inline void Pthread_once(pthread_once_t* once_control, void (*init_function)()) {
  const int rc = pthread_once(once_control, init_function);
  if (rc != 0) posix_error(rc, "Pthread_once error");
}

/* ---------------------------------------------------------------------------------------
 * POSIX semaphores
 * ------------------------------------------------------------------------------------- */

// Where unnamed POSIX semaphores are missing (macOS) or CSAPP_PORTABLE_SEMAPHORE is defined,
// the book's code still declares `sem_t` and calls sem_init/sem_wait/sem_post on it. The
// system's sem_t cannot hold the fallback (on macOS it is a plain int), so from here on the
// name sem_t means csapp_sem_t, the fallback struct, and the sem_* calls get overloads for
// it: `sem_t s; Sem_init(&s, 0, 1); P(&s);`, sbuf_t's fields and raw sem_wait(&s) all
// compile unchanged. It is a macro, not a typedef, because <semaphore.h> already declared
// sem_t. Standard headers that use sem_t themselves are included first, so that they keep
// the system's type whatever a program includes after this header.
#ifdef CSAPP_PORTABLE_SEMAPHORE
#if __cplusplus >= 202002L && __has_include(<semaphore>)
#include <semaphore>
#endif
typedef csapp::condvar_sem csapp_sem_t;
#define sem_t csapp_sem_t
inline int sem_init(csapp_sem_t* sem, int pshared, unsigned int value) noexcept {
  return csapp::sem::init(sem, pshared, value);
}
inline int sem_destroy(csapp_sem_t* sem) noexcept { return csapp::sem::destroy(sem); }
inline int sem_wait(csapp_sem_t* sem) noexcept { return csapp::sem::wait(sem); }
inline int sem_timedwait(csapp_sem_t* sem, const struct timespec* abstime) noexcept {
  return csapp::sem::timedwait(sem, abstime);
}
inline int sem_trywait(csapp_sem_t* sem) noexcept { return csapp::sem::trywait(sem); }
inline int sem_post(csapp_sem_t* sem) noexcept { return csapp::sem::post(sem); }
inline int sem_getvalue(csapp_sem_t* sem, int* sval) noexcept {
  return csapp::sem::getvalue(sem, sval);
}
#endif

inline void Sem_init(sem_t* sem, int pshared, unsigned int value) {
  if (csapp::sem::init(sem, pshared, value) < 0) unix_error("Sem_init error");
}

// A signal that interrupts the wait does not end the program: P waits again.
inline void P(sem_t* s) {
  if (csapp::sem_wait_uninterrupted(s) < 0) unix_error("P error");
}

inline void V(sem_t* s) {
  if (csapp::sem::post(s) < 0) unix_error("V error");
}

/* ---------------------------------------------------------------------------------------
 * The RIO package
 * ------------------------------------------------------------------------------------- */

inline ssize_t rio_readn(int fd, void* usrbuf, size_t n) { return csapp::readn(fd, usrbuf, n); }

inline ssize_t rio_writen(int fd, const void* usrbuf, size_t n) {
  return csapp::writen(fd, usrbuf, n);
}

inline void rio_readinitb(rio_t* rp, int fd) { csapp::rio_init(*rp, fd); }

inline ssize_t rio_readnb(rio_t* rp, void* usrbuf, size_t n) {
  return csapp::rio_readnb(*rp, usrbuf, n);
}

inline ssize_t rio_readlineb(rio_t* rp, void* usrbuf, size_t maxlen) {
  return csapp::rio_readlineb(*rp, usrbuf, maxlen);
}

// The checked reads: a peer that reset the connection reads as end of file (0), so the
// book's echo loop ends that connection and the server goes on.
inline ssize_t Rio_readn(int fd, void* usrbuf, size_t n) {
  const ssize_t got = rio_readn(fd, usrbuf, n);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readn error");
}

// A peer that has gone away (EPIPE, ECONNRESET) loses the bytes, and only that connection
// is affected: the next read on it returns end of file.
inline void Rio_writen(int fd, const void* usrbuf, size_t n) {
  if (rio_writen(fd, usrbuf, n) < 0 && !csapp::book::peer_gone(errno))
    unix_error("Rio_writen error");
}

inline void Rio_readinitb(rio_t* rp, int fd) { rio_readinitb(rp, fd); }

inline ssize_t Rio_readnb(rio_t* rp, void* usrbuf, size_t n) {
  const ssize_t got = rio_readnb(rp, usrbuf, n);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readnb error");
}

inline ssize_t Rio_readlineb(rio_t* rp, void* usrbuf, size_t maxlen) {
  const ssize_t got = rio_readlineb(rp, usrbuf, maxlen);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readlineb error");
}

/* ---------------------------------------------------------------------------------------
 * Client/server helpers
 * ------------------------------------------------------------------------------------- */

// -1 with errno on a system error; -2 on a resolver error, reported on stderr as the book
// does (its errno would say nothing).
inline int open_clientfd(const char* hostname, const char* port) {
  std::error_code ec;
  const int fd = csapp::open_client(hostname, port, ec);
  if (fd >= 0) return fd;
  if (ec.category() == csapp::gai_category()) {
    char what[512];
    snprintf(what, sizeof what, "open_clientfd: getaddrinfo failed (%s:%s)", hostname, port);
    csapp::report(what, ec.message().c_str());
    return -2;
  }
  errno = ec.value();
  return -1;
}

inline int open_listenfd(const char* port) {
  std::error_code ec;
  const int fd = csapp::open_listener(port, LISTENQ, ec);
  if (fd >= 0) return fd;
  if (ec.category() == csapp::gai_category()) {
    char what[512];
    snprintf(what, sizeof what, "open_listenfd: getaddrinfo failed (port %s)", port);
    csapp::report(what, ec.message().c_str());
    return -2;
  }
  errno = ec.value();
  return -1;
}

inline int Open_clientfd(const char* hostname, const char* port) {
  const int fd = open_clientfd(hostname, port);
  if (fd == -2) app_error("Open_clientfd error: cannot resolve the address (see above)");
  if (fd < 0) unix_error("Open_clientfd error");
  return fd;
}

// Asked for port 0, the kernel picks a free port; nobody could connect without knowing it,
// so Open_listenfd says which, on stdout, flushed: "listening on port N". A server run by a
// test or a tool then needs no port of its own choosing, and a figure no extra line.
inline int Open_listenfd(const char* port) {
  const int fd = open_listenfd(port);
  if (fd == -2) app_error("Open_listenfd error: cannot resolve the address (see above)");
  if (fd < 0) unix_error("Open_listenfd error");
  if (strcmp(port, "0") == 0) {
    printf("listening on port %u\n", static_cast<unsigned>(csapp::local_port(fd)));
    fflush(stdout);
  }
  return fd;
}

#endif /* CSAPP_BOOK_CSAPP_H */

// csapp/all.hpp - the whole C++ face in one include, for programs that use most of it.
// Each header below stands alone; include just the ones you need when you prefer.

// ---- include/csapp/sbuf.hpp (pasted here by cmake/amalgamate.cmake) ----
// csapp/sbuf.hpp - the bounded buffer of Section 12.5: producer-consumer with semaphores.
//
// Three semaphores carry the whole protocol: `mutex` (1) guards the ring, `slots` counts
// free places, `items` counts filled ones. A producer waits on slots, so a full buffer
// blocks it: that is the backpressure a prethreaded server relies on when clients arrive
// faster than workers free up. A consumer waits on items, so an empty buffer blocks it.
//
// The algorithm is written once, in detail::ring_insert / ring_remove, over the fields of
// the book's sbuf_t; the book's sbuf_t (sbuf.h) and csapp::sbuf<T> both call it.

#include <cerrno>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>


namespace csapp {
namespace detail {

// A view of a ring's fields. `rear` is the slot of the newest item, `front` the slot just
// before the oldest; both advance modulo n, so they never overflow.
template <class Slot>
struct ring {
  Slot* buf;        // n slots
  int n;            // capacity
  int& front;       // slot before the oldest item
  int& rear;        // slot of the newest item
  sem_type* mutex;  // 1 while nobody touches the ring
  sem_type* slots;  // free slots
  sem_type* items;  // filled slots
};

// Both return 0, or -1 with errno from the failing semaphore call.
template <class Slot, class Item>
int ring_insert(ring<Slot> r, Item&& item) {
  if (sem_wait_uninterrupted(r.slots) < 0 || sem_wait_uninterrupted(r.mutex) < 0) return -1;
  r.rear = (r.rear + 1) % r.n;
  r.buf[r.rear] = std::forward<Item>(item);
  if (sem::post(r.mutex) < 0 || sem::post(r.items) < 0) return -1;
  return 0;
}

template <class Slot>
int ring_remove(ring<Slot> r, Slot& out) {
  if (sem_wait_uninterrupted(r.items) < 0 || sem_wait_uninterrupted(r.mutex) < 0) return -1;
  r.front = (r.front + 1) % r.n;
  out = std::exchange(r.buf[r.front], Slot{});  // the slot keeps no copy (a descriptor, say)
  if (sem::post(r.mutex) < 0 || sem::post(r.slots) < 0) return -1;
  return 0;
}

}  // namespace detail

// A bounded FIFO shared by threads. T may be move-only (csapp::unique_fd, std::unique_ptr).
template <class T>
class sbuf {
 public:
  explicit sbuf(std::size_t capacity)
      : n_(checked_capacity(capacity)),
        buf_(std::make_unique<std::optional<T>[]>(capacity)),
        slots_(static_cast<unsigned>(capacity)) {}
  sbuf(const sbuf&) = delete;
  sbuf& operator=(const sbuf&) = delete;

  // Adds an item at the rear, waiting while the buffer is full.
  void insert(T item) {
    if (detail::ring_insert(view(), std::move(item)) < 0) throw_errno("sbuf insert");
  }

  // Takes the item at the front, waiting while the buffer is empty.
  T remove() {
    std::optional<T> item;
    if (detail::ring_remove(view(), item) < 0) throw_errno("sbuf remove");
    return std::move(*item);
  }

  std::size_t capacity() const noexcept { return static_cast<std::size_t>(n_); }

 private:
  static int checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > 1u << 30) throw std::invalid_argument("sbuf capacity");
    return static_cast<int>(capacity);
  }
  detail::ring<std::optional<T>> view() noexcept {
    return {buf_.get(),
            n_,
            front_,
            rear_,
            mutex_.native_handle(),
            slots_.native_handle(),
            items_.native_handle()};
  }

  int n_;                                    // capacity
  std::unique_ptr<std::optional<T>[]> buf_;  // the ring's slots; empty ones hold nothing
  int front_ = 0;                            // slot before the oldest item
  int rear_ = 0;                             // slot of the newest item
  semaphore mutex_{1};                       // guards the ring
  semaphore slots_;                          // free slots, starts at capacity
  semaphore items_{0};                       // filled slots, starts empty
};

}  // namespace csapp
