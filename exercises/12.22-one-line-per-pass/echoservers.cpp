// Problem 12.22 - starter. This is Figure 12.6's select server (our figure file is
// examples/12.2-io-multiplexing/select.cpp), with Figure 11.22's echo in the same file: it waits
// on the keyboard (stdin) and the listening socket, but once a client connects, echo() serves
// that client until it leaves, and the keyboard and every other client wait. Change it so that
// each pass of the main loop echoes at most one line per client. README.md says what the checks
// expect.
#include "csapp.h"

void echo(int connfd);
void command(void);

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  fd_set read_set, ready_set;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]); /* port 0: prints "listening on port N" */

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
      echo(connfd); /* until this client leaves, everything else waits */
      Close(connfd);
    }
  }
}

void command(void) {
  char buf[MAXLINE];
  if (!Fgets(buf, MAXLINE, stdin)) exit(0); /* end of input ends the server */
  printf("%s", buf);                        /* "processing" a command: echo it */
  fflush(stdout);
}

/* Figure 11.22: echo lines back to the client until it closes the connection */
void echo(int connfd) {
  size_t n;
  char buf[MAXLINE];
  rio_t rio;

  Rio_readinitb(&rio, connfd);
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) Rio_writen(connfd, buf, n);
}
