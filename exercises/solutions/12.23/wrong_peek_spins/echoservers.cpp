// Problem 12.23 - a typical wrong solution: looks into the socket (recv with MSG_PEEK) and reads
// only a whole line, leaving half a line in the socket. select then reports that socket as
// readable in every pass, and the server spins at full speed for as long as the line is
// unfinished (and for ever if the client closes without ending it).
// verdict: it is spinning
#include "csapp.h"

typedef struct {                /* every connected client, and what select watches */
  int maxfd;                    /* highest descriptor in read_set, for select */
  fd_set read_set;              /* the listener and every client */
  fd_set ready_set;             /* what select said can be read now */
  int nready;                   /* ready descriptors not yet handled this round */
  int maxi;                     /* highest slot ever used: the scans stop there */
  int clientfd[FD_SETSIZE];     /* a client per slot, -1 when the slot is free */
  char* clientbuf[FD_SETSIZE];  /* its unfinished line (MAXLINE bytes, from Malloc) */
  size_t clientcnt[FD_SETSIZE]; /* how many bytes of it have arrived */
} pool;

void init_pool(int listenfd, pool* p);
void add_client(int connfd, pool* p);
void check_clients(pool* p);
void remove_client(pool* p, int i);

long byte_cnt = 0; /* bytes echoed, all clients together */

int main(int argc, char** argv) {
  int listenfd, connfd;
  static pool pool;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]);
  /* non-blocking listener: a client that leaves between select and Accept makes Accept
     return -1 instead of waiting for the next client */
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  init_pool(listenfd, &pool);

  while (1) {
    pool.ready_set = pool.read_set;
    pool.nready = Select(pool.maxfd + 1, &pool.ready_set, NULL, NULL, NULL);

    if (FD_ISSET(listenfd, &pool.ready_set)) {
      connfd = Accept(listenfd, NULL, NULL);
      if (connfd >= 0)
        add_client(connfd, &pool);
      else
        pool.nready--; /* it left already */
    }
    check_clients(&pool);
  }
}

void init_pool(int listenfd, pool* p) {
  int i;
  p->maxi = -1;
  for (i = 0; i < FD_SETSIZE; i++) p->clientfd[i] = -1;
  p->maxfd = listenfd;
  FD_ZERO(&p->read_set);
  FD_SET(listenfd, &p->read_set);
}

void add_client(int connfd, pool* p) {
  int i;
  p->nready--;
  if (connfd >= FD_SETSIZE) { /* FD_SET would write past the end of the set */
    Close(connfd);
    return;
  }
  for (i = 0; i < FD_SETSIZE; i++)
    if (p->clientfd[i] < 0) {
      p->clientfd[i] = connfd;
      p->clientbuf[i] = (char*)Malloc(MAXLINE);
      p->clientcnt[i] = 0;
      FD_SET(connfd, &p->read_set);
      if (connfd > p->maxfd) p->maxfd = connfd;
      if (i > p->maxi) p->maxi = i;
      return;
    }
  Close(connfd); /* every slot taken (cannot happen below FD_SETSIZE) */
}

void check_clients(pool* p) {
  int i, connfd;
  ssize_t n;
  char *buf, *newline;
  size_t cnt;

  for (i = 0; (i <= p->maxi) && (p->nready > 0); i++) {
    connfd = p->clientfd[i];
    if (connfd < 0 || !FD_ISSET(connfd, &p->ready_set)) continue;
    p->nready--;
    buf = p->clientbuf[i];

    /* look (without taking) for a whole line in the socket */
    n = recv(connfd, buf, MAXLINE - 1, MSG_PEEK);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue; /* try again next pass */
    if (n <= 0) { /* end of file, or the client reset: it is done */
      remove_client(p, i);
      continue;
    }
    newline = (char*)memchr(buf, '\n', n);
    if (newline == NULL && n < MAXLINE - 1) continue; /* half a line: leave it there for now */
    cnt = newline != NULL ? (size_t)(newline - buf + 1) : (size_t)n;
    n = read(connfd, buf, cnt); /* exactly that line: it is there */
    if (n > 0) {
      Rio_writen(connfd, buf, n);
      byte_cnt += n;
    }
  }
}

void remove_client(pool* p, int i) {
  Close(p->clientfd[i]);
  FD_CLR(p->clientfd[i], &p->read_set);
  Free(p->clientbuf[i]);
  p->clientfd[i] = -1;
}
