// Problem 12.36 - starter. This is Tiny's main (Figure 11.29; our figure file is
// examples/11.6-tiny/tiny.cpp): an iterative server. doit (examples/11.6-tiny/tiny.hpp) reads the
// whole request with blocking reads and writes the whole response with blocking writes, so one
// client that sends its request slowly, or does not read its response, holds every other client
// waiting. Change it into an event-driven server with select: README.md says what the checks
// expect.
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

int main(int argc, char** argv) {
  int listenfd, connfd;
  char hostname[MAXLINE], port[MAXLINE];
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }

  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, hostname, MAXLINE, port, MAXLINE, 0);
    printf("Accepted connection from (%s, %s)\n", hostname, port);
    doit(connfd);
    Close(connfd);
    fflush(stdout);
  }
}
