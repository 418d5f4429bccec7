// CS:APP3e Figures 12.8-12.11 (conc/echoservers.c): the event-driven echo server, a pool
// of connected clients served by one select loop.
//
// Look at what the pool keeps per client (its descriptor and its rio_t) and at the one
// flaw kept on purpose: Rio_readlineb waits for a whole line, so a client that sends half a
// line stalls everyone. book-notes/12.2-io-multiplexing.md tells the story; echoserver_nb
// is the cure.
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
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }
  listenfd = Open_listenfd(argv[1]);
  // differs from the book: a non-blocking listener, so a client that leaves between select
  // and Accept makes Accept return -1 (EAGAIN) instead of stalling every client
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
      if (connfd >= 0)  // differs from the book: -1 when the client already left
        add_client(connfd, &pool);
      else
        pool.nready--;
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
  if (connfd >= FD_SETSIZE) {  // differs from the book: FD_SET would write past the set
    Close(connfd);             // so this client is turned away, and the server goes on
    return;
  }
  for (i = 0; i < FD_SETSIZE; i++) /* the first free slot */
    if (p->clientfd[i] < 0) {
      p->clientfd[i] = connfd;
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
  rio_t* rio;  // differs from the book: a pointer; a copy of the rio_t loses buffered lines

  for (i = 0; (i <= p->maxi) && (p->nready > 0); i++) {
    connfd = p->clientfd[i];
    rio = &p->clientrio[i];

    if ((connfd > 0) && (FD_ISSET(connfd, &p->ready_set))) {
      p->nready--;
      // differs from the book: every whole line already buffered, not one per select
      // round; select sees the socket, not rio's buffer, so those lines would wait
      do {
        if ((n = Rio_readlineb(rio, buf, MAXLINE)) != 0) {
          byte_cnt += n;
          // differs from the book: no "Server received" line per message on stdout (under
          // load the printing, not the server, would be what is measured)
          Rio_writen(connfd, buf, n);
        }

        /* end of file: the client is done, free its slot */
        else {
          Close(connfd);
          FD_CLR(connfd, &p->read_set);
          p->clientfd[i] = -1;
        }
      } while (n != 0 && csapp::rio_has_line(*rio));
    }
  }
}
