// Problem 12.38 - the starter: Tiny's main as Figure 11.29 has it (examples/11.6-tiny/tiny.cpp),
// an iterative server: it serves one connection to its end before it accepts the next. Make it
// prethreaded: a pool of worker threads fed through an sbuf, which grows and shrinks with the
// load (README.md says exactly what the checks look at).
//
// doit, and everything it calls, is in examples/11.6-tiny/tiny.hpp: leave that file alone.
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
