// CS:APP3e Figure 12.5 (conc/echoserverp.c): a concurrent echo server with a child
// process per client.
//
// Look at the two Close calls: the child closes the listening descriptor, the parent the
// connected one (leave the parent's out and the client never sees end of file: the
// experiment in the note), and at the SIGCHLD handler that reaps every finished child.
// book-notes/12.1-processes.md tells the story.
#include "11.4-echo/echo.hpp"
#include "csapp.h"

void sigchld_handler(int sig) {
  (void)sig;             /* unused, as in the book; this keeps -Wextra quiet */
  int olderrno = errno;  // differs from the book: waitpid must not clobber main's errno
  while (waitpid(-1, 0, WNOHANG) > 0)
    ;
  errno = olderrno;
  return;
}

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }

  Signal(SIGCHLD, sigchld_handler);
  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(struct sockaddr_storage);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    // differs from the book: fork, not Fork: out of processes, this one client is turned
    // away (the parent closes connfd below) instead of the whole server exiting
    pid_t pid = fork();
    if (pid < 0) perror("echoserverp: fork");
    if (pid == 0) {
      Close(listenfd); /* the child never accepts: drop its copy */
      echo(connfd);    /* this process serves this one client */
      Close(connfd);
      exit(0); /* the parent learns of it through SIGCHLD */
    }
    Close(connfd); /* else the connection outlives the child: no EOF, one fd leaked */
  }
}
