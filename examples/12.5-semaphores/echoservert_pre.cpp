// CS:APP3e Figure 12.28 (conc/echoservert_pre.c): the prethreaded echo server, a fixed
// pool of worker threads fed with connected descriptors through sbuf.
//
// Look at the roles: main is the producer (Accept, then sbuf_insert), each worker a
// consumer (sbuf_remove, then serve that client to the end). The limit comes with it: with
// NTHREADS clients connected, the next one waits in sbuf until a worker is free.
// book-notes/12.5-semaphores.md tells the story.
#include "12.5-semaphores/echo_cnt.hpp"
#include "csapp.h"
#include "sbuf.h"

#define NTHREADS 4
#define SBUFSIZE 16

void echo_cnt(int connfd);
void* thread(void* vargp);

sbuf_t sbuf; /* connected descriptors waiting for a worker */

int main(int argc, char** argv) {
  int i, listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  pthread_t tid;
  int nthreads = NTHREADS;

  // differs from the book: an optional worker count (the book's is fixed at NTHREADS), so
  // the pool's limit can be shown with 1 or 2 workers
  if (argc < 2 || argc > 3 || (argc == 3 && ((nthreads = atoi(argv[2])) < 1 || nthreads > 1024))) {
    fprintf(stderr, "usage: %s <port> [workers]\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }
  listenfd = Open_listenfd(argv[1]);

  sbuf_init(&sbuf, SBUFSIZE);
  for (i = 0; i < nthreads; i++) /* the pool: created once, never per client */
    Pthread_create(&tid, NULL, thread, NULL);

  while (1) {
    clientlen = sizeof(struct sockaddr_storage);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    sbuf_insert(&sbuf, connfd); /* sleeps while SBUFSIZE clients wait already */
  }
}

void* thread(void* vargp) {
  (void)vargp; /* unused, as in the book; this keeps -Wextra quiet */
  Pthread_detach(pthread_self());
  while (1) {
    int connfd = sbuf_remove(&sbuf); /* sleeps while no client waits */
    echo_cnt(connfd);                /* this worker is busy until the client leaves */
    Close(connfd);
  }
}
