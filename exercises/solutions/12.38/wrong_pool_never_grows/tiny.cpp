// Problem 12.38 - a typical wrong solution: the pool halves when the buffer empties, but it never
// grows: a full buffer only makes main wait, and NTHREADS workers serve NTHREADS clients at a
// time, however many wait.
// verdict: the pool never grows
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"
#include "sbuf.h"

#define NTHREADS 4      /* the pool's first and smallest size */
#define SBUFSIZE 16     /* connections waiting for a worker */
#define MAXTHREADS 1024 /* no more workers than this, whatever the load */
#define RETIRE (-1)     /* a token that tells the worker who takes it to end */

static sbuf_t sbuf;
static sem_t pool_mutex; /* guards the two counts below */
static int nworkers;     /* workers that are to stay (those with a token to come excluded) */
static int tokens;       /* retire tokens put in the buffer and not yet taken out */

static int buffered(sem_t* s) {
  int value;
  sem_getvalue(s, &value);
  return value;
}

void* thread(void* vargp);

// Starts n more workers. Called with pool_mutex held.
static void add_workers(int n) {
  pthread_t tid;
  for (int i = 0; i < n; i++) Pthread_create(&tid, NULL, thread, NULL);
  nworkers += n;
}

void* thread(void* vargp) {
  (void)vargp;
  Pthread_detach(pthread_self());
  while (1) {
    int connfd = sbuf_remove(&sbuf);
    if (connfd == RETIRE) {
      P(&pool_mutex);
      tokens--;
      V(&pool_mutex);
      return NULL;
    }
    // The buffer is empty now: halve the pool (tokens go in after the lock is let go, since
    // putting them in may wait for room).
    int retire = 0;
    P(&pool_mutex);
    if (buffered(&sbuf.items) == 0 && nworkers > NTHREADS) {
      retire = nworkers - (nworkers / 2 > NTHREADS ? nworkers / 2 : NTHREADS);
      nworkers -= retire;
      tokens += retire;
    }
    V(&pool_mutex);
    for (int i = 0; i < retire; i++) sbuf_insert(&sbuf, RETIRE);
    doit(connfd);
    Close(connfd);
  }
}

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]);
  sbuf_init(&sbuf, SBUFSIZE);
  Sem_init(&pool_mutex, 0, 1);
  P(&pool_mutex);
  add_workers(NTHREADS);
  V(&pool_mutex);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    /* the pool stays as it is, however full the buffer */
    sbuf_insert(&sbuf, connfd);
  }
}
