// Problem 12.20 - a typical wrong solution: the writer takes one place, like a reader, so it
// writes while other readers are reading.
// verdict: writer 1 got in while reader 1 and reader 2 were inside
#include "rw.h"
#include "csapp.h"

static int places;  /* n: at most this many readers inside at once */
static sem_t slots; /* free places; initially n */
static sem_t mutex; /* held by the writer gathering places; initially 1 */

void rw_init(int n) {
  places = n;
  Sem_init(&slots, 0, n);
  Sem_init(&mutex, 0, 1);
}

void reader_enter(void) { P(&slots); }

void reader_exit(void) { V(&slots); }

void writer_enter(void) {
  P(&mutex);
  P(&slots); /* one place, as a reader takes */
  V(&mutex);
}

void writer_exit(void) { V(&slots); }
