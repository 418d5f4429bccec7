// echoservert_pre - the prethreaded echo server (Section 12.5.5): a fixed pool of worker
// threads fed with connected descriptors through the book's bounded buffer, sbuf.
//
// Creating a thread per client (12.3-threads/echoservert) costs a thread creation per
// connection and puts no bound on how many threads run. Here the threads are created once.
// The main thread is the producer: it accepts connections and inserts their descriptors into
// sbuf. The workers are the consumers: each removes a descriptor, serves that client to the
// end, closes it, and comes back for the next. sbuf's semaphores do the coordination: a
// worker with nothing to do sleeps in sbuf_remove; main sleeps in sbuf_insert if SBUFSIZE
// clients are already waiting.
//
// The limit that comes with it: a worker serves one client at a time, until that client
// leaves. With WORKERS clients connected, even idle ones, client WORKERS+1 is accepted and
// queued in sbuf, but nobody reads from it until one of the others leaves.
//
// SIGINT/SIGTERM: the process exits with status 0; exit closes every descriptor, so
// connected clients see end of file. A small "stopper" thread does the exit, because main
// is not always where it could notice: with SBUFSIZE clients already queued it sleeps in
// sbuf_insert, and P goes back to sleep after a signal.
//
// Usage: echoservert_pre PORT [WORKERS]   (PORT 0: the kernel picks one; WORKERS default 4)
#include "12.5-semaphores/echo_cnt.hpp"
#include "csapp.h"
#include "csapp/stop.hpp"
#include "sbuf.h"

#define NTHREADS 4  /* default number of workers */
#define SBUFSIZE 16 /* connected descriptors waiting for a worker */

void* thread(void* vargp);
void* stopper(void* vargp);

sbuf_t sbuf; /* connected descriptors: main inserts, workers remove */

int main(int argc, char** argv) {
  long nthreads = NTHREADS;
  char* end = NULL;
  if (argc == 3) nthreads = strtol(argv[2], &end, 10);
  if (argc < 2 || argc > 3 || (argc == 3 && (*end != '\0' || nthreads < 1 || nthreads > 1024))) {
    fprintf(stderr, "usage: %s PORT [WORKERS]   (WORKERS 1..1024, default %d)\n", argv[0],
            NTHREADS);
    exit(2);
  }
  csapp::stop_on_signals();  // SIGINT/SIGTERM: the stopper thread exits with status 0

  int listenfd = Open_listenfd(argv[1]);
  sbuf_init(&sbuf, SBUFSIZE);
  for (long i = 0; i < nthreads; i++) { /* the pool, created once */
    pthread_t tid;
    Pthread_create(&tid, NULL, thread, NULL);
  }
  pthread_t stopper_tid;
  Pthread_create(&stopper_tid, NULL, stopper, NULL);
  printf("listening on port %u\n", csapp::local_port(listenfd));
  fflush(stdout);

  while (csapp::wait_readable(listenfd)) {
    struct sockaddr_storage clientaddr;
    socklen_t clientlen = sizeof(struct sockaddr_storage);
    int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    sbuf_insert(&sbuf, connfd); /* hand it to the pool; waits if SBUFSIZE are queued */
  }
  // A stop was requested: the stopper is about to exit the process (one exit, not two
  // threads calling exit at once).
  Pthread_join(stopper_tid, NULL);
  exit(0); /* not reached */
}

void* stopper(void* vargp) {
  (void)vargp;
  csapp::wait_readable(csapp::stop_fd()); /* returns once SIGINT/SIGTERM has arrived */
  // The workers are detached and may be blocked reading from a client; main may be blocked
  // in Accept or sbuf_insert: exit ends them all.
  exit(0);
}

void* thread(void* vargp) {
  (void)vargp;
  Pthread_detach(pthread_self()); /* nobody joins a worker: it runs until the process ends */
  while (1) {
    int connfd = sbuf_remove(&sbuf); /* sleeps while no client is waiting */
    echo_cnt(connfd);
    Close(connfd);
  }
}
