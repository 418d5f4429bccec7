// Problem 12.21 - reference solution: readers-writers with writers favoured.
//
// Who may go in is decided under mutex, from counts of who is inside and who is waiting. A
// thread that must wait sleeps on the semaphore of its kind (readers on r, writers on w), and
// the thread that lets it in hands it the mutex along with the wake-up ("passing the baton"):
// nobody can slip in between that decision and the entry, whatever order the semaphores wake
// threads in.
//
// The policy, in three lines: a reader waits while a writer is inside or waiting; a writer
// waits while anyone is inside; a writer who leaves lets the next waiting writer in, and the
// waiting readers only when no writer waits. Readers can starve; writers never wait for a
// reader that arrived after them.
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
  if (writers_waiting > 0) { /* writers first */
    writers_waiting--;
    V(&w);
  } else if (readers_waiting > 0) { /* then all the readers: the first one lets the others in */
    readers_waiting--;
    V(&r);
  } else {
    V(&mutex);
  }
}
