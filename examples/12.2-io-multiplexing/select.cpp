// CS:APP3e Figure 12.6 (conc/select.c): an iterative echo server that also answers
// commands typed on its standard input, with select waiting on both.
//
// Look at what select buys and what it does not: the server no longer blocks in Accept
// while someone types, but once a client connects, echo() keeps it until that client
// leaves, and typed commands wait. book-notes/12.2-io-multiplexing.md tells the story;
// select_stepwise is ours, the version that answers both at once.
#include "11.4-echo/echo.hpp"
#include "csapp.h"

void command(void);

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  fd_set read_set, ready_set;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }
  listenfd = Open_listenfd(argv[1]);

  FD_ZERO(&read_set); /* watch two things: the keyboard and the listener */
  FD_SET(STDIN_FILENO, &read_set);
  FD_SET(listenfd, &read_set);

  while (1) {
    ready_set = read_set;
    Select(listenfd + 1, &ready_set, NULL, NULL, NULL);
    if (FD_ISSET(STDIN_FILENO, &ready_set)) command(); /* a line was typed */
    if (FD_ISSET(listenfd, &ready_set)) {
      clientlen = sizeof(struct sockaddr_storage);
      connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
      echo(connfd); /* until this client leaves, stdin waits */
      Close(connfd);
    }
  }
}

void command(void) {
  char buf[MAXLINE];
  if (!Fgets(buf, MAXLINE, stdin)) exit(0); /* end of input ends the server */
  printf("%s", buf);                        /* "processing" a command: echo it */
  fflush(stdout);  // differs from the book: the answer shows at once when stdout is a pipe
}
