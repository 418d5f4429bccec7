// Problem 12.23 - a typical wrong solution: non-blocking client sockets, read with rio_readlineb
// until it returns -1 with EAGAIN. But rio_readlineb has already taken the unfinished line's
// bytes out of the rio_t when the read after them fails: they are lost.
// verdict: the first part of the line was lost
#include "csapp.h"

typedef struct {               /* every connected client, and what select watches */
  int maxfd;                   /* highest descriptor in read_set, for select */
  fd_set read_set;             /* the listener and every client */
  fd_set ready_set;            /* what select said can be read now */
  int nready;                  /* ready descriptors not yet handled this round */
  int maxi;                    /* highest slot ever used: the scans stop there */
  int clientfd[FD_SETSIZE];    /* a client per slot, -1 when the slot is free */
  rio_t clientrio[FD_SETSIZE]; /* its read buffer: lines it sent, not yet echoed */
} pool;

void init_pool(int listenfd, pool* p);
void add_client(int connfd, pool* p);
void check_clients(pool* p);

long byte_cnt = 0; /* bytes echoed, all clients together */

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  static pool pool;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]); /* port 0: prints "listening on port N" */
  /* non-blocking listener: a client that leaves between select and Accept makes Accept
     return -1 instead of waiting for the next client */
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  init_pool(listenfd, &pool);

  while (1) {
    /* sleep until a client connects or sends */
    pool.ready_set = pool.read_set;
    pool.nready = Select(pool.maxfd + 1, &pool.ready_set, NULL, NULL, NULL);

    /* a new client: give it a slot */
    if (FD_ISSET(listenfd, &pool.ready_set)) {
      clientlen = sizeof(struct sockaddr_storage);
      connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
      if (connfd >= 0)
        add_client(connfd, &pool);
      else
        pool.nready--; /* it left already */
    }

    /* a line for every client that sent one */
    check_clients(&pool);
  }
}

void init_pool(int listenfd, pool* p) {
  /* no clients yet: every slot free */
  int i;
  p->maxi = -1;
  for (i = 0; i < FD_SETSIZE; i++) p->clientfd[i] = -1;

  /* and select watches only the listener */
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
  for (i = 0; i < FD_SETSIZE; i++) /* the first free slot */
    if (p->clientfd[i] < 0) {
      p->clientfd[i] = connfd;
      /* non-blocking, so that a read never waits for the rest of a line */
      fcntl(connfd, F_SETFL, fcntl(connfd, F_GETFL) | O_NONBLOCK);
      Rio_readinitb(&p->clientrio[i], connfd);

      /* from now on select watches it */
      FD_SET(connfd, &p->read_set);

      /* keep the bounds the loops use up to date */
      if (connfd > p->maxfd) p->maxfd = connfd;
      if (i > p->maxi) p->maxi = i;
      break;
    }
  if (i == FD_SETSIZE) /* every slot taken */
    app_error("add_client error: Too many clients");
}

void check_clients(pool* p) {
  int i, connfd, n;
  char buf[MAXLINE];
  rio_t* rio; /* a pointer: a copy of the rio_t would lose the lines it read ahead */

  for (i = 0; (i <= p->maxi) && (p->nready > 0); i++) {
    connfd = p->clientfd[i];
    rio = &p->clientrio[i];

    /* if the descriptor is ready, echo the lines it sent */
    if ((connfd > 0) && (FD_ISSET(connfd, &p->ready_set))) {
      p->nready--;
      /* every whole line already buffered, not just one: select sees the socket, not the
         rio_t, so lines left there would wait until the client sends again */
      /* every line there is, until the socket has nothing more (EAGAIN) */
      while ((n = rio_readlineb(rio, buf, MAXLINE)) > 0) {
        byte_cnt += n;
        Rio_writen(connfd, buf, n);
      }
      /* end of file or a reset: the client is done, free its slot; EAGAIN: nothing more now
         (but the bytes of an unfinished line, taken out of the rio_t, go with the -1) */
      if (n == 0 || errno != EAGAIN) {
        Close(connfd);
        FD_CLR(connfd, &p->read_set);
        p->clientfd[i] = -1;
      }
    }
  }
}
