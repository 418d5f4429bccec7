// Problem 12.22 - a typical wrong solution: a ready client is served until its rio_t is empty,
// not one line; a client that sends a batch ending in half a line keeps the server reading it,
// and every other client waits.
// verdict: got no echo within 4.0 s, while client
#include "csapp.h"

void command(void);
void add_client(int connfd);
int line_waiting(rio_t* rp);

int clientfd[FD_SETSIZE];    /* a client per slot, -1 when the slot is free */
rio_t clientrio[FD_SETSIZE]; /* its reader, kept in place: it may hold lines read ahead */
int maxi = -1;               /* highest slot ever used: the scans stop there */
int maxfd;                   /* highest descriptor in read_set, for select */
fd_set read_set;             /* stdin, the listener and every client */

int main(int argc, char** argv) {
  int i, listenfd, connfd;
  ssize_t n;
  char buf[MAXLINE];
  fd_set ready_set;
  struct timeval no_wait;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]);
  /* non-blocking: a client that leaves between select and Accept makes Accept return -1
     instead of keeping everyone waiting for the next client */
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  for (i = 0; i < FD_SETSIZE; i++) clientfd[i] = -1;

  FD_ZERO(&read_set);
  FD_SET(STDIN_FILENO, &read_set);
  FD_SET(listenfd, &read_set);
  maxfd = listenfd;

  while (1) {
    /* A whole line already in a client's rio_t is work that select cannot see (it looks at
       the socket, which is empty): then look at the descriptors without waiting. */
    int waiting = 0;
    for (i = 0; i <= maxi; i++)
      if (clientfd[i] >= 0 && line_waiting(&clientrio[i])) waiting = 1;
    no_wait.tv_sec = 0;
    no_wait.tv_usec = 0;
    ready_set = read_set;
    Select(maxfd + 1, &ready_set, NULL, NULL, waiting ? &no_wait : NULL);

    if (FD_ISSET(STDIN_FILENO, &ready_set)) command(); /* one typed line */
    if (FD_ISSET(listenfd, &ready_set)) {              /* one new client */
      connfd = Accept(listenfd, NULL, NULL);
      if (connfd >= 0) add_client(connfd); /* -1: it left already */
    }
    for (i = 0; i <= maxi; i++) { /* one line for each client that has one */
      connfd = clientfd[i];
      if (connfd < 0) continue;
      if (!FD_ISSET(connfd, &ready_set) && !line_waiting(&clientrio[i])) continue;
      do { /* everything the client sent so far: until its rio_t is empty */
        if ((n = Rio_readlineb(&clientrio[i], buf, MAXLINE)) != 0) Rio_writen(connfd, buf, n);
      } while (n != 0 && clientrio[i].rio_cnt > 0);
      if (n == 0) { /* end of file: the client is done */
        Close(connfd);
        FD_CLR(connfd, &read_set);
        clientfd[i] = -1;
      }
    }
  }
}

void add_client(int connfd) {
  int i;
  if (connfd >= FD_SETSIZE) { /* FD_SET would write past the end of the set */
    Close(connfd);
    return;
  }
  for (i = 0; i < FD_SETSIZE; i++)
    if (clientfd[i] < 0) {
      clientfd[i] = connfd;
      Rio_readinitb(&clientrio[i], connfd);
      FD_SET(connfd, &read_set);
      if (connfd > maxfd) maxfd = connfd;
      if (i > maxi) maxi = i;
      return;
    }
}

/* Is a whole line waiting in the reader's buffer? (rio_cnt unread bytes at rio_bufptr) */
int line_waiting(rio_t* rp) {
  return rp->rio_cnt > 0 && memchr(rp->rio_bufptr, '\n', rp->rio_cnt) != NULL;
}

void command(void) {
  char buf[MAXLINE];
  if (!Fgets(buf, MAXLINE, stdin)) exit(0); /* end of input ends the server */
  printf("%s", buf);                        /* "processing" a command: echo it */
  fflush(stdout);
}
