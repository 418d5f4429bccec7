// CS:APP3e Figure 11.21 (netp/echoserveri.c): the iterative echo server.
//
// Look at the loop: while echo() serves one client, main is not back in Accept, so a second
// client waits in the listen queue however little it wants. Chapter 12 is three ways out.
// The story is in book-notes/11.4-echo.md; each marked difference is in deviations.md there.
#include "11.4-echo/echo.hpp"
#include "csapp.h"

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr; /* room for an IPv4 or an IPv6 peer */
  char client_hostname[MAXLINE], client_port[MAXLINE];

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }

  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(struct sockaddr_storage);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, client_hostname, MAXLINE, client_port, MAXLINE, 0);
    printf("Connected to (%s, %s)\n", client_hostname, client_port);
    fflush(stdout);  // differs from the book: the line shows at once when stdout is a pipe
    echo(connfd);
    Close(connfd);
  }
  exit(0);
}
