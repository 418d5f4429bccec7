// echoserverp - a concurrent echo server built on processes (Section 12.1): one child
// process per client.
//
// Each child has an address space of its own, so one client cannot disturb another and
// nothing is shared that would need a lock. The cost shows up in the two places commented
// below: parent and child each hold a copy of every descriptor and must close the ones they
// do not use, and every child that ends must be reaped by the parent.
//
// Usage: echoserverp PORT   (PORT 0: the kernel picks one; the server prints it)
#include "11.4-echo/echo.hpp"
#include "csapp.h"
#include "csapp/stop.hpp"

#define MAXCHILDREN 1024 /* clients served at once; one more is turned away */

/* The pids of the children still running, 0 marking a free slot. They are kept so that a
 * stopping server can end its children instead of leaving them behind. The SIGCHLD handler
 * clears a slot when it reaps a child; the main program fills one after Fork, with SIGCHLD
 * blocked, so the handler never runs in the middle of that update. */
static pid_t children[MAXCHILDREN];

static void forget_child(pid_t pid) {
  for (int i = 0; i < MAXCHILDREN; i++)
    if (children[i] == pid) {
      children[i] = 0;
      return;
    }
}

static int free_slot(void) {
  for (int i = 0; i < MAXCHILDREN; i++)
    if (children[i] == 0) return i;
  return -1;
}

/* Reaps every child that has finished. One call per child would not do: a signal that
 * arrives while the same signal is pending is merged with it, not queued, so when three
 * children end close together this handler may run once for all three. Hence the loop, until
 * waitpid finds no finished child (WNOHANG: return at once rather than wait for children
 * that are still serving). */
static void sigchld_handler(int) {
  /* waitpid sets errno (ECHILD when no child is left). The handler can run just after a
   * call in the main program failed and just before the program reads errno; without this
   * the program would report the handler's errno instead of its own. */
  int olderrno = errno;
  pid_t pid;
  while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) forget_child(pid);
  errno = olderrno;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  csapp::stop_on_signals();  // SIGINT/SIGTERM: leave the loop below, end the children, exit 0
  Signal(SIGCHLD, sigchld_handler);

  /* Blocked around Fork until the child's pid is in the table. SIGCHLD: otherwise a child
   * that ends at once could be reaped before its pid is recorded, and the table would keep
   * a pid that the system may later give to an unrelated process. SIGINT/SIGTERM: the child
   * starts with the parent's "stop cleanly" handlers; blocked, a stop signal sent to it
   * before it restores the defaults waits, then kills it, instead of being caught. */
  sigset_t mask, prev;
  Sigemptyset(&mask);
  Sigaddset(&mask, SIGCHLD);
  Sigaddset(&mask, SIGINT);
  Sigaddset(&mask, SIGTERM);

  int listenfd = Open_listenfd(argv[1]);
  printf("listening on port %u\n", csapp::local_port(listenfd));
  fflush(stdout);

  while (csapp::wait_readable(listenfd)) {
    struct sockaddr_storage clientaddr; /* big enough for IPv4 and IPv6 peers */
    socklen_t clientlen = sizeof(clientaddr);
    int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);

    Sigprocmask(SIG_BLOCK, &mask, &prev);
    int slot = free_slot();
    /* fork, not Fork: out of processes (EAGAIN), one client is turned away; the server
     * and the clients it already serves go on. */
    pid_t pid = slot < 0 ? -1 : fork();
    if (pid == 0) {
      /* The child serves this one client and exits. A stop signal should simply end it. */
      csapp::restore_default_stop_signals();
      Sigprocmask(SIG_SETMASK, &prev, NULL);
      /* The child never accepts: its copy of the listening descriptor is not needed. */
      Close(listenfd);
      echo(connfd);
      Close(connfd);
      exit(0);
    }
    if (pid > 0)
      children[slot] = pid;
    else if (slot < 0)
      fprintf(stderr, "echoserverp: already %d clients; turning one away\n", MAXCHILDREN);
    else
      csapp::report("echoserverp: fork failed; turning one client away",
                    csapp::errno_message(errno).c_str());
    Sigprocmask(SIG_SETMASK, &prev, NULL);

    /* The parent is done with this connection: the child has its own copy. A socket is
     * closed only when the last descriptor that refers to it is closed, so if the parent
     * kept its copy the connection would stay open after the child exits: the client would
     * never see end of file, and the parent would leak one descriptor per client until
     * Accept fails for want of descriptors. (echoserverp_noclose is this program built with
     * FORGET_CLOSE_CONNFD, to watch exactly that happen: book-notes/12.1-processes.md.) */
#ifndef FORGET_CLOSE_CONNFD
    Close(connfd);
#endif
  }

  /* Stopping: end every child still serving a client, then wait for them all. SIGCHLD
   * stays blocked, so the handler does not reap them behind our back and every pid in the
   * table is still a child of ours (running, or a zombie that kill ignores). */
  Sigemptyset(&mask);
  Sigaddset(&mask, SIGCHLD);
  Sigprocmask(SIG_BLOCK, &mask, NULL);
  for (int i = 0; i < MAXCHILDREN; i++)
    if (children[i] != 0) kill(children[i], SIGTERM);
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) continue;  // until ECHILD: none left
  Close(listenfd);
  exit(0);
}
