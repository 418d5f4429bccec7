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
#pragma once

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.hpp"
#include "signal.hpp"

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
