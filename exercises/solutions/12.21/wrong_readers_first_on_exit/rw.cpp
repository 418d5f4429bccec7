// Problem 12.21 - a typical wrong solution: new readers are held back while a writer waits,
// but a writer who leaves lets the waiting readers in first, ahead of a writer that is also
// waiting: half of the priority.
// verdict: reader 1 and reader 2 got in instead of writer 2
#include "rw.h"
#include "csapp.h"

static sem_t mutex;                          /* guards the counts; passed on to whoever is let in */
static sem_t r, w;                           /* waiting readers, waiting writers sleep here */
static int readers, writers;                 /* inside now (writers: 0 or 1) */
static int readers_waiting, writers_waiting; /* asleep on r, on w, not yet let in */

void rw_init(void) {
  readers = writers = readers_waiting = writers_waiting = 0;
  Sem_init(&mutex, 0, 1);
  Sem_init(&r, 0, 0);
  Sem_init(&w, 0, 0);
}

void reader_enter(void) {
  P(&mutex);
  if (writers > 0 || writers_waiting > 0) { /* a writer inside or waiting: no new reader starts */
    readers_waiting++;
    V(&mutex);
    P(&r); /* woken holding the mutex: whoever let us in counted us out of readers_waiting */
  }
  readers++;
  if (readers_waiting > 0) { /* let the next waiting reader in too, mutex and all */
    readers_waiting--;
    V(&r);
  } else {
    V(&mutex);
  }
}

void reader_exit(void) {
  P(&mutex);
  readers--;
  if (readers == 0 && writers_waiting > 0) { /* the last reader out lets one writer in */
    writers_waiting--;
    V(&w);
  } else {
    V(&mutex);
  }
}

void writer_enter(void) {
  P(&mutex);
  if (readers > 0 || writers > 0) {
    writers_waiting++;
    V(&mutex);
    P(&w); /* woken holding the mutex */
  }
  writers++;
  V(&mutex);
}

void writer_exit(void) {
  P(&mutex);
  writers--;
  if (readers_waiting > 0) { /* the readers have waited long enough: they go first */
    readers_waiting--;
    V(&r);
  } else if (writers_waiting > 0) {
    writers_waiting--;
    V(&w);
  } else {
    V(&mutex);
  }
}
