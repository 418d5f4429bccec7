// tools/echocheck/net.hpp - the client side of a conversation with a line-echo server.
//
// The checker talks to servers that may be slow, stuck, dead or wrong, so nothing here
// blocks without a bound: every connect and every read carries a deadline, and "no answer
// by the deadline" is an ordinary outcome to report, not an error. The address is resolved
// once (endpoint), so thousands of connections cost no resolver calls.
#pragma once

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>

namespace echo_check {

// The duration literals (10s, 500ms) for the code in this namespace: declarations, not a
// using-directive, so including this header pulls no whole namespace into anyone's scope.
using std::chrono_literals::operator""h;
using std::chrono_literals::operator""min;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""ns;
using std::chrono_literals::operator""s;
using std::chrono_literals::operator""us;
using clock = std::chrono::steady_clock;
using millis = std::chrono::milliseconds;

inline double seconds_between(clock::time_point from, clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Milliseconds left until `deadline`, for poll(2): never negative.
inline int millis_until(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<millis>(deadline - clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Where the server listens, resolved once.
struct endpoint {
  std::string host;
  std::string port;
  sockaddr_storage addr{};  // the first address getaddrinfo gave for host:port
  socklen_t addr_len = 0;
  int family = AF_UNSPEC;

  std::string name() const {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
  }
};

// Raises this process's descriptor limit to its hard limit, so thousands of clients fit (and
// a server started from here inherits the room).
inline void raise_descriptor_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// Resolves host:port (port numeric). Throws std::system_error in gai_category on failure.
inline endpoint resolve(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0)
    throw std::system_error(csapp::gai_error_code(rc), "cannot resolve " + host);
  endpoint ep;
  ep.host = host;
  ep.port = port;
  std::memcpy(&ep.addr, list->ai_addr, list->ai_addrlen);
  ep.addr_len = list->ai_addrlen;
  ep.family = list->ai_family;
  ::freeaddrinfo(list);
  return ep;
}

// Starts a non-blocking connect: the descriptor (connected or connecting), or an empty one
// with errno set when the connect failed at once.
inline csapp::unique_fd start_connect(const endpoint& ep) {
  csapp::unique_fd fd(::socket(ep.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  // Small lines, one at a time: without this, Nagle's algorithm would hold a line back
  // while the previous one is unacknowledged, and latency would measure the delayed ACK.
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ep.addr), ep.addr_len) == 0 ||
      errno == EINPROGRESS)
    return fd;
  const int saved = errno;
  fd.reset();
  errno = saved;
  return fd;
}

// The outcome of a connect that was started non-blocking: 0, or the errno it failed with.
inline int connect_outcome(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

// A blocking-mode connection, established within `limit`. Throws std::system_error
// ("connect to HOST:PORT") when refused, failed or not established in time.
inline csapp::unique_fd connect_within(const endpoint& ep, millis limit) {
  csapp::unique_fd fd = start_connect(ep);
  if (!fd) csapp::throw_errno(("connect to " + ep.name()).c_str());
  pollfd pfd{fd.get(), POLLOUT, 0};
  const int ready =
      csapp::retry_on_eintr([&] { return ::poll(&pfd, 1, static_cast<int>(limit.count())); });
  if (ready == 0) errno = ETIMEDOUT;
  if (ready == 1) errno = connect_outcome(fd.get());
  if (ready != 1 || errno != 0) csapp::throw_errno(("connect to " + ep.name()).c_str());
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// Sends all of `text` (blocking). False if the server is gone (reset, closed).
inline bool send_all(int fd, const std::string& text) {
  return csapp::writen(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

// True if the descriptor becomes readable (data or EOF) before the deadline.
inline bool readable_by(int fd, clock::time_point deadline) {
  pollfd pfd{fd, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&pfd, 1, millis_until(deadline));
    if (ready < 0 && errno == EINTR) continue;
    return ready == 1;
  }
}

// Reads until `n` bytes arrived, the peer closed, or the deadline passed; returns what came.
inline std::string read_up_to(int fd, std::size_t n, clock::time_point deadline) {
  std::string got;
  char buf[65536];
  while (got.size() < n && readable_by(fd, deadline)) {
    const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - got.size()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got.append(buf, static_cast<std::size_t>(r));
  }
  return got;
}

// True if the server closes its side (read returns 0) before the deadline, with no bytes first.
inline bool closed_by(int fd, clock::time_point deadline) {
  char byte;
  return readable_by(fd, deadline) && ::read(fd, &byte, 1) == 0;
}

// Sends `line` and waits for it to come back byte for byte.
inline bool round_trip(int fd, const std::string& line, clock::time_point deadline) {
  return send_all(fd, line) && read_up_to(fd, line.size(), deadline) == line;
}

// Makes close(2) send a reset (RST) instead of an orderly end (FIN), as a crashed client does.
inline void reset_on_close(int fd) {
  const linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

}  // namespace echo_check
