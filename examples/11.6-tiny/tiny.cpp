// CS:APP3e Figure 11.29 (netp/tiny/tiny.c): Tiny's main, an iterative web server that
// serves static files and runs CGI programs, one connection at a time.
//
// Run it from its document root: cd build/dev/examples/11.6-tiny/www && ../tiny 8000, then
// open http://localhost:8000/ . The work on each connection is doit, in tiny.hpp, which the
// concurrent Tinys of problems 12.35-12.38 reuse with a main of their own.
// book-notes/11.6-tiny.md tells the story.
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

int main(int argc, char** argv) {
  int listenfd, connfd;
  char hostname[MAXLINE], port[MAXLINE];
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;

  /* Check command line args */
  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, as in every program here
  }

  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, hostname, MAXLINE, port, MAXLINE, 0);
    printf("Accepted connection from (%s, %s)\n", hostname, port);
    doit(connfd);
    Close(connfd);
    fflush(stdout);  // differs from the book: each connection's lines show at once in a pipe
  }
}
