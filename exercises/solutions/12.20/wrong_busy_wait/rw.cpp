// Problem 12.20 - a typical wrong solution: the bound is kept, but a reader that finds no free
// place spins, asking the semaphore again and again, instead of blocking in P: it burns a CPU
// for as long as it waits.
// verdict: reader 4 kept running in reader_enter
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

void reader_enter(void) {
  int free_places = 0;
  sem_getvalue(&slots, &free_places);
  while (free_places == 0) /* wait for a free place */
    sem_getvalue(&slots, &free_places);
  P(&slots);
}

void reader_exit(void) { V(&slots); }

void writer_enter(void) {
  P(&mutex);
  for (int i = 0; i < places; i++) P(&slots);
  V(&mutex);
}

void writer_exit(void) {
  for (int i = 0; i < places; i++) V(&slots);
}
