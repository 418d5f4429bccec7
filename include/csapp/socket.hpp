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
#pragma once

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

#include "error.hpp"
#include "fd.hpp"
#include "stop.hpp"

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
