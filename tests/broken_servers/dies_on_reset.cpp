// dies_on_reset - a thread-per-client echo server that one resetting client brings down.
//
// The flaw: an error on one client's connection ends the whole process, as the book's
// original wrappers did (Rio_readlineb and Rio_writen call unix_error, which exits). A client
// that resets the connection makes the next read or write on it fail with ECONNRESET or
// EPIPE, and this server treats that as fatal: every other client loses its server too. A
// reset is an ordinary event for a server; it has to end only that client (csapp.h's
// wrappers do so). echo-check must report it in the bad-clients scenario; everything that
// runs after that finds no server.
//
// SIGPIPE is ignored, as in the other servers, so that the failing write is seen as EPIPE
// and reaches the exit below: the flaw is the exit, whichever call hits the reset first.
#include <cerrno>
#include <cstdlib>

#include <csapp/error.hpp>

#include "broken_server.hpp"

namespace {

// The flaw: not "this client is done" but "the server is done". (_Exit, not exit: several
// threads can get here at once, and exit's cleanup must not run in two of them.)
[[noreturn]] void die(const char* what) {
  csapp::report(what, csapp::errno_message(errno).c_str());
  std::_Exit(1);
}

void serve(int fd) {
  csapp::rio_state in;
  csapp::rio_init(in, fd);
  char piece[csapp::rio_bufsize];
  ssize_t n;
  while ((n = csapp::rio_readlineb(in, piece, sizeof piece)) != 0) {
    if (n < 0) die("dies_on_reset: read");
    if (csapp::writen(fd, piece, static_cast<std::size_t>(n)) < 0) die("dies_on_reset: write");
  }
}

}  // namespace

int main(int argc, char** argv) { broken::serve_each_client_in_a_thread(argc, argv, serve); }
