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
#pragma once

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

#include "error.hpp"

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
