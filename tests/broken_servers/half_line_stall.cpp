// half_line_stall - a select()-based echo server that blocks inside one client's line.
//
// The flaw: when select says a client is readable, this server reads that client's whole
// line before going back to select, with blocking reads. A client that sends half a line
// and pauses leaves the server blocked in its read, and every other client waits with it.
// An event loop must never block on one client; it has to keep partial lines per client
// and return to select (as echoservers and echoserver_nb do). echo-check must report it in
// the half-line scenario, and nowhere else.
//
// It reads no further than the newline (it peeks, then consumes exactly the line), so
// pipelined lines stay in the socket, select reports the client again, and none is lost:
// the stall is the only flaw.
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "broken_server.hpp"

namespace {

constexpr std::size_t piece_limit = 8192;  // a longer line goes back in pieces of this size

// One line (or a piece of a long one) from fd, blocking until it is complete: the flaw.
// Returns false on end of file or error, after `line` received what there was.
bool read_line_blocking(int fd, std::string& line) {
  line.clear();
  char buf[piece_limit];
  while (line.size() < piece_limit) {
    // Peek first, so that bytes after the newline stay in the socket for the next line.
    const ssize_t n = ::recv(fd, buf, piece_limit - line.size(), MSG_PEEK);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    const auto* newline =
        static_cast<const char*>(std::memchr(buf, '\n', static_cast<std::size_t>(n)));
    const std::size_t take = newline != nullptr ? static_cast<std::size_t>(newline - buf) + 1
                                                : static_cast<std::size_t>(n);
    if (csapp::readn(fd, buf, take) != static_cast<ssize_t>(take)) return false;
    line.append(buf, take);
    if (newline != nullptr) break;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  csapp::unique_fd listener = broken::listen_and_announce(argc, argv);
  broken::ignore_sigpipe();
  std::vector<csapp::unique_fd> clients;
  std::string line;
  for (;;) {
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(listener.get(), &ready);
    int top = listener.get();
    for (const auto& c : clients) {
      FD_SET(c.get(), &ready);
      top = std::max(top, c.get());
    }
    if (::select(top + 1, &ready, nullptr, nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      csapp::throw_errno("select");
    }
    if (FD_ISSET(listener.get(), &ready)) {
      csapp::unique_fd conn = csapp::accept_from(listener.get());
      if (conn.get() < FD_SETSIZE) clients.push_back(std::move(conn));  // else: turned away
    }
    for (auto& c : clients) {
      if (!FD_ISSET(c.get(), &ready)) continue;
      const bool more = read_line_blocking(c.get(), line);
      // A last line without a newline still goes back; then the client is done.
      if (csapp::writen(c.get(), line.data(), line.size()) < 0 || !more) c.reset();
    }
    clients.erase(std::remove_if(clients.begin(), clients.end(), [](const auto& c) { return !c; }),
                  clients.end());
  }
}
