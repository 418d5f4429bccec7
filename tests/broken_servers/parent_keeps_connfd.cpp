// parent_keeps_connfd - a process-per-client echo server whose parent forgets to close its
// copy of the connected descriptor (the experiment of book-notes/12.1-processes.md).
//
// The flaw: after fork, parent and child each hold the connection; the child serves the
// client, closes and exits, but the parent's copy keeps the connection open. A client that
// waits for the server to close never sees end of file, and the parent gains one
// descriptor per client until Accept runs out. Everything else is right: children are
// reaped, and a client that closes first is served correctly.
#include <sys/wait.h>
#include <unistd.h>

#include "broken_server.hpp"

int main(int argc, char** argv) {
  csapp::unique_fd listener = broken::listen_and_announce(argc, argv);
  broken::ignore_sigpipe();
  std::signal(SIGCHLD, SIG_IGN);  // the kernel reaps the children: no zombies
  for (;;) {
    csapp::unique_fd conn = csapp::accept_from(listener.get());
    if (::fork() == 0) {
      listener.reset();
      broken::echo_lines(conn.get());
      std::_Exit(0);
    }
    (void)conn.release();  // the flaw: the parent's copy is never closed
  }
}
