// Problem 12.35 - a typical wrong solution: a process per connection, but nobody reaps the
// children: each one that has served its connection stays a zombie for as long as the server
// runs.
// verdict: the parent never reaps its children
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
    fflush(stdout);  // before fork: a child must not print the parent's buffered lines again
    if (Fork() == 0) {
      Close(listenfd); /* the child serves this connection only */
      doit(connfd);
      Close(connfd);
      fflush(stdout);
      exit(0);
    }
    Close(connfd); /* the parent's copy: the child holds the connection now */
  }
}
