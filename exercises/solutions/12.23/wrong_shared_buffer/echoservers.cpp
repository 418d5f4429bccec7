// Problem 12.23 - a typical wrong solution: reads whatever is there and keeps the unfinished
// line for the next pass, but in one buffer for everybody: two clients in the middle of a line
// at the same time mix their bytes.
// verdict: bytes of the other client's line
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

long byte_cnt = 0;     /* bytes echoed, all clients together */
char linebuf[MAXLINE]; /* the unfinished line */
size_t linecnt = 0;    /* its length */

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
  char *buf, *start, *newline;
  size_t cnt;

  for (i = 0; (i <= p->maxi) && (p->nready > 0); i++) {
    connfd = p->clientfd[i];
    if (connfd < 0 || !FD_ISSET(connfd, &p->ready_set)) continue;
    p->nready--;
    buf = linebuf; /* one buffer for the unfinished line, whoever sent it */
    cnt = linecnt;

    /* one read: select said it returns at once, with bytes, end of file or an error */
    n = read(connfd, buf + cnt, MAXLINE - 1 - cnt);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue; /* try again next pass */
    if (n <= 0) {                                /* end of file, or the client reset: it is done */
      if (cnt > 0) Rio_writen(connfd, buf, cnt); /* its last line had no newline */
      remove_client(p, i);
      continue;
    }
    cnt += n;

    /* echo every line that is now whole */
    start = buf;
    while ((newline = (char*)memchr(start, '\n', cnt - (start - buf))) != NULL) {
      Rio_writen(connfd, start, newline - start + 1);
      byte_cnt += newline - start + 1;
      start = newline + 1;
    }
    /* keep the unfinished rest for the next pass */
    cnt -= start - buf;
    memmove(buf, start, cnt);
    if (cnt == MAXLINE - 1) { /* a line longer than the buffer: echo this piece of it */
      Rio_writen(connfd, buf, cnt);
      byte_cnt += cnt;
      cnt = 0;
    }
    linecnt = cnt;
  }
}

void remove_client(pool* p, int i) {
  Close(p->clientfd[i]);
  FD_CLR(p->clientfd[i], &p->read_set);
  Free(p->clientbuf[i]);
  p->clientfd[i] = -1;
}
