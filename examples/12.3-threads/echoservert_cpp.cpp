// echoservert_cpp - ours, not a figure: the thread-per-client echo server again (Section 12.3),
// written with the C++ face instead of the book's: owned descriptors and exceptions.
//
// What RAII changes, compared with 12.3-threads/echoservert.cpp:
//   - there is no Close to forget: a csapp::unique_fd closes its descriptor when its owner
//     is destroyed, on every path out, the exceptional ones included;
//   - the owner is explicit: the connection is moved into the thread, so no Malloc'ed int
//     is needed to hand it over without a race, and after the move main holds nothing that
//     could be closed twice or reused by mistake;
//   - a failure is an exception that ends only the connection it concerns.
//
// Usage: echoservert_cpp PORT   (PORT 0: the kernel picks one; the server prints it)
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>
#include <csapp/stop.hpp>

#include "12.3-threads/serve_cpp.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  try {
    csapp::stop_on_signals();  // SIGINT/SIGTERM: leave the loop below and exit 0
    csapp::unique_fd listener = csapp::listen_on(argv[1]);
    std::printf("listening on port %u\n", csapp::local_port(listener.get()));
    std::fflush(stdout);

    while (csapp::wait_readable(listener.get())) {
      csapp::unique_fd conn = csapp::accept_from(listener.get());
      if (!conn) continue;  // a stop came while accept waited: the loop's test sees it
      try {
        // The thread takes the descriptor with it. Detached: nobody joins it, and it gives
        // its resources back as soon as it ends.
        std::thread(serve, std::move(conn)).detach();
      } catch (const std::system_error& e) {
        // No thread could be started: the descriptor, already moved into the thread's
        // arguments, was closed with them. One client is turned away; the others go on.
        std::fprintf(stderr, "echoservert_cpp: cannot start a thread (%s); turning one away\n",
                     e.what());
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echoservert_cpp: %s\n", e.what());
    return 1;
  }
  // The listener was closed on the way out of the block above. exit ends the detached
  // threads wherever they are; the kernel closes their descriptors.
  std::exit(0);
}
