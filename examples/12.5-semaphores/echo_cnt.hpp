// CS:APP3e Figure 12.29 (conc/echo_cnt.c): the prethreaded server's echo loop, with a byte
// counter shared by every worker.
//
// Look at Pthread_once: the counter and its mutex are initialized exactly once, by the
// first worker to get here, however many arrive together. book-notes/12.5-semaphores.md
// tells the story.
#pragma once

#include "csapp.h"

static long byte_cnt; /* bytes from every client, counted by every worker */
static sem_t mutex;   /* one worker at a time updates byte_cnt */

static void init_echo_cnt(void) {
  Sem_init(&mutex, 0, 1);
  byte_cnt = 0;
}

static void echo_cnt(int connfd) {  // differs from the book: static, so a header can hold it
  size_t n;
  long mine = 0;  // differs from the book: this connection's bytes, for the report below
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
  // differs from the book: one report per connection, not per line; a line per message
  // makes stdout the bottleneck under load, and stalls every worker once nobody reads it
  P(&mutex);
  printf("server received %ld bytes on fd %d (%ld total)\n", mine, connfd, byte_cnt);
  fflush(stdout);
  V(&mutex);
}
