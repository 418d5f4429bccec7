// Problem 12.35 - a typical wrong solution: a process per connection, but the parent never
// closes its copy of connfd: every connection stays open in the parent, so a client never sees
// the close that ends its answer, and the descriptors pile up.
// verdict: never closes connfd
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

// Reaps every ended child; several may end while one SIGCHLD is pending, hence the loop.
// errno is saved: the handler may interrupt the main loop between a call and its errno test.
void sigchld_handler(int) {
  const int olderrno = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  errno = olderrno;
}

int main(int argc, char** argv) {
  int listenfd, connfd;
  char hostname[MAXLINE], port[MAXLINE];
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }

  Signal(SIGCHLD, sigchld_handler);
  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, hostname, MAXLINE, port, MAXLINE, 0);
    printf("Accepted connection from (%s, %s)\n", hostname, port);
    fflush(stdout);  // before fork: a child must not print the parent's buffered lines again
    if (Fork() == 0) {
      Close(listenfd); /* the child serves this connection only */
      doit(connfd);
      Close(connfd);
      fflush(stdout);
      exit(0);
    }
    /* the parent keeps its copy of connfd */
  }
}
