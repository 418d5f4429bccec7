// one_at_a_time - an iterative echo server: it serves one client until that client leaves.
//
// The flaw: while it is inside echo_lines() for one client it is not in accept, so a second
// client's connection waits in the listen queue, however little it wants. This is the book's
// starting point (Section 11.4) and the reason for Chapter 12. echo-check must report it in
// the second-client scenario. It inherently also fails half-line: a client that sent half
// a line is still being served, so nobody else is.
#include "broken_server.hpp"

int main(int argc, char** argv) {
  csapp::unique_fd listener = broken::listen_and_announce(argc, argv);
  broken::ignore_sigpipe();
  for (;;) {
    csapp::unique_fd conn = csapp::accept_from(listener.get());
    broken::echo_lines(conn.get());  // the flaw: nobody else is accepted meanwhile
  }
}
