// Problem 12.20 - a typical wrong solution: the writer never gives the mutex back, so the next
// writer waits for it forever, even once nobody is inside.
// verdict: nobody is inside, yet writer 2 still waits
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
  for (int i = 0; i < places; i++) P(&slots);
} /* the mutex stays taken */

void writer_exit(void) {
  for (int i = 0; i < places; i++) V(&slots);
}
