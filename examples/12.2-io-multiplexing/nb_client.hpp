// nb_client.hpp - ours, not a figure: one client of a non-blocking event-driven echo server: the
// state the server keeps so that it never has to wait for any single client (the book's homework
// 12.23). Shared by echoserver_nb (select) and echoserver_epoll (epoll).
//
// This is the heart of an answer to problem 12.23 and gives it away: if you are doing 12.23,
// write your own server before you read this file.
//
// The book's pool server blocks inside Rio_readlineb until a whole line has arrived, and
// inside Rio_writen until the client has taken the whole echo. Either wait stops every
// other client. Here the sockets are non-blocking, and each call does only what can be
// done now:
//   - nb_read takes whatever bytes have arrived (one read(2)); whole lines move to the
//     output buffer, an incomplete line stays in the input buffer until its end arrives;
//   - nb_flush gives the socket as much of the output buffer as it will take; the rest
//     waits until the event loop reports the socket writable.
// A line longer than MAXLINE-1 bytes is echoed in MAXLINE-1 byte pieces as it arrives (as
// Rio_readlineb hands it out), so memory per client stays bounded and the echo is exact.
#pragma once

#include <cerrno>
#include <cstddef>
#include <string>
#include <sys/socket.h>

#include "csapp.h"

struct nb_client {
  int fd = -1;            // the connected, non-blocking socket; -1 for a free slot
  std::string in;         // bytes of the current, still incomplete line
  std::string out;        // echo bytes the socket has not taken yet
  std::size_t sent = 0;   // how much of `out` has already been sent
  bool eof = false;       // the client has finished sending; close once `out` is sent
  unsigned watching = 0;  // events the loop currently waits for (epoll's interest set)
};

// A client that sends and never reads its echo would make `out` grow without end. Past
// this much unsent echo the server stops reading from that client (so TCP makes it wait),
// and resumes once the client has read enough: flow control, one client at a time. The
// kernel's socket buffers already hold megabytes per connection; 64 KiB here keeps a crowd
// of such clients from costing the server more than that each.
inline constexpr std::size_t nb_out_limit = 64 * 1024;

inline std::size_t nb_unsent(const nb_client& c) { return c.out.size() - c.sent; }

// What the event loop should wait for on behalf of this client.
inline bool nb_wants_read(const nb_client& c) { return !c.eof && nb_unsent(c) < nb_out_limit; }
inline bool nb_wants_write(const nb_client& c) { return nb_unsent(c) > 0; }
// Everything echoed and the client done sending: time to close.
inline bool nb_finished(const nb_client& c) { return c.eof && nb_unsent(c) == 0; }

inline void nb_open(nb_client& c, int fd) {
  c.fd = fd;
  c.in.clear();
  c.out.clear();
  c.sent = 0;
  c.eof = false;
  c.watching = 0;
  // Non-blocking: a read with nothing there and a write the socket cannot take both return
  // EAGAIN at once instead of holding up the whole server.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

inline void nb_close(nb_client& c) {
  Close(c.fd);
  c.fd = -1;
  std::string().swap(c.in);  // give the memory back: thousands of idle slots add up
  std::string().swap(c.out);
  c.sent = 0;
}

// Sends as much unsent echo as the socket takes now. Returns false if the client has gone
// (reset, or closed before reading its echo): the caller drops it.
inline bool nb_flush(nb_client& c) {
  while (nb_unsent(c) > 0) {
    // MSG_NOSIGNAL: a vanished client is EPIPE for this connection, not a SIGPIPE that
    // would kill the server.
    const ssize_t n = send(c.fd, c.out.data() + c.sent, nb_unsent(c), MSG_NOSIGNAL);
    if (n > 0) {
      c.sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // full: wait to be told
    return false;  // EPIPE, ECONNRESET, ...: the client is gone
  }
  if (c.sent == c.out.size()) {  // all sent: reuse the buffer from its start
    c.out.clear();
    c.sent = 0;
  } else if (c.sent >= c.out.size() / 2) {  // drop the sent prefix once it is half the buffer:
    c.out.erase(0, c.sent);                 // rare enough to cost little, and `out` never
    c.sent = 0;                             // holds more than twice the unsent bytes
  }
  return true;
}

// Takes what has arrived from the client (one read(2), never waits) and queues the echo of
// every finished line. Returns false if the client reset the connection.
inline bool nb_read(nb_client& c) {
  char buf[MAXBUF];
  const ssize_t n = read(c.fd, buf, sizeof buf);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;  // else reset
  if (n == 0) {  // end of file: a last line without a newline is still a line
    c.out += c.in;
    c.in.clear();
    c.eof = true;
    return true;
  }
  c.in.append(buf, static_cast<std::size_t>(n));
  // Whole lines go out; only the tail after the last newline waits for its end.
  const std::size_t last_newline = c.in.rfind('\n');
  if (last_newline != std::string::npos) {
    c.out.append(c.in, 0, last_newline + 1);
    c.in.erase(0, last_newline + 1);
  }
  // An over-long line goes out in pieces, as Rio_readlineb would hand it out.
  while (c.in.size() >= MAXLINE - 1) {
    c.out.append(c.in, 0, MAXLINE - 1);
    c.in.erase(0, MAXLINE - 1);
  }
  return true;
}
