// child_forgets_exit - the book's process server (Figure 12.5) whose child forgets exit(0).
//
// The flaw: after serving its client and closing connfd, the child runs on into the
// parent's code and closes connfd a second time: Close fails with EBADF, prints "Close
// error: Bad file descriptor" and ends the child with status 1. Every client is served
// correctly; the only sign is the error line, one per client, on the server's stderr.
// echo-check --spawn must report it even though every scenario passes.
#include "csapp.h"

static void echo(int connfd) {
  rio_t rio;
  char buf[MAXLINE];
  ssize_t n;
  Rio_readinitb(&rio, connfd);
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) Rio_writen(connfd, buf, (size_t)n);
}

static void sigchld_handler(int) {
  const int olderrno = errno;
  while (waitpid(-1, 0, WNOHANG) > 0)
    ;
  errno = olderrno;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  Signal(SIGCHLD, sigchld_handler);
  const int listenfd = Open_listenfd(argv[1]);
  while (1) {
    struct sockaddr_storage clientaddr;
    socklen_t clientlen = sizeof clientaddr;
    const int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    if (Fork() == 0) {
      Close(listenfd);
      echo(connfd);
      Close(connfd);
      // the flaw: no exit(0) here
    }
    Close(connfd);
  }
}
