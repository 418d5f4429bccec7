// Problem 12.20 - reference solution: at most n readers at a time, readers and writers with
// equal chances, with one counting semaphore and one mutex.
//
// The object has n places. A reader takes one place and gives it back; a writer takes all n,
// one at a time, so it is alone once it has them. Readers and writers queue on the same
// semaphore for the places, so neither kind can overtake the other for good: each place that
// comes free goes to whoever has waited for it longest (Linux semaphores wake the longest
// waiter), and a writer that is waiting for places holds the ones it already has. The mutex
// lets only one writer at a time gather places: two writers with half the places each would
// wait for each other forever. It is released once the writer has all n, so a second writer
// can queue for places like any reader instead of waiting behind the first one's whole write.
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
  V(&mutex);
}

void writer_exit(void) {
  for (int i = 0; i < places; i++) V(&slots);
}
