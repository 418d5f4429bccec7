// echo_cnt.hpp - the echo loop of the prethreaded server, with a byte counter that all the
// worker threads share (Section 12.5.5).
//
// byte_cnt and its mutex are state that outlives one call and belongs to no one thread, so
// they must be initialized exactly once, before any worker touches them. main could do it,
// but then the function would only be correct if every program that calls it remembers to.
// pthread_once lets the function take care of itself: the first worker to arrive runs
// init_echo_cnt; a worker arriving at the same time waits until it has finished; every later
// call skips it. Initializing the semaphore in each call instead would reset it while
// another thread is inside the critical section.
//
// Why not reuse 11.4-echo/echo.hpp: the counter is updated per line, inside the loop.
#pragma once

#include "csapp.h"

static long byte_cnt; /* bytes received from all clients, by all workers */
static sem_t mutex;   /* protects byte_cnt (and keeps the report lines whole) */

static void init_echo_cnt(void) {
  Sem_init(&mutex, 0, 1);
  byte_cnt = 0;
}

static void echo_cnt(int connfd) {
  size_t n;
  long mine = 0; /* bytes from this connection */
  char buf[MAXLINE];
  rio_t rio;
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  Pthread_once(&once, init_echo_cnt);
  Rio_readinitb(&rio, connfd);
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) {
    P(&mutex);
    byte_cnt += (long)n;
    V(&mutex);
    mine += (long)n;
    Rio_writen(connfd, buf, n);
  }
  // One report per connection, not per line as in the book: a line per echoed line would
  // make stdout the bottleneck, and stall every worker once nobody reads it.
  P(&mutex);
  printf("server received %ld bytes on fd %d (%ld total)\n", mine, connfd, byte_cnt);
  fflush(stdout);
  V(&mutex);
}
