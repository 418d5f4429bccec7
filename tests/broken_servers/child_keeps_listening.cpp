// child_keeps_listening - a process server whose child forgets both Close(listenfd) and
// exit(0).
//
// The flaw: after serving its client the child runs on into the accept loop with the
// listening socket still open, and becomes one more server: children never end, and they
// outlive the parent. Clients are all served. echo-check --spawn must report the children
// that stay, finish in bounded time (stopping the whole process group), and print its
// report whether stdout is a terminal, a pipe or a file.
#include "csapp.h"

static void echo(int connfd) {
  rio_t rio;
  char buf[MAXLINE];
  ssize_t n;
  Rio_readinitb(&rio, connfd);
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) Rio_writen(connfd, buf, (size_t)n);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  const int listenfd = Open_listenfd(argv[1]);
  while (1) {
    struct sockaddr_storage clientaddr;
    socklen_t clientlen = sizeof clientaddr;
    const int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    if (Fork() == 0) echo(connfd);  // the flaw: no Close(listenfd), no exit(0)
    Close(connfd);
  }
}
