// Problem 12.19 - a typical wrong solution: Figure 12.26 as it is. Its readers have only weak
// priority: a reader waits for the first reader in, who waits on w like any writer, so when a
// writer leaves, the semaphore (not the policy) picks who goes next, and a writer that has
// waited longer goes first.
// verdict: writer 2 got in instead of reader 1 and reader 2
#include "rw.h"
#include "csapp.h"

static int readcnt;    /* Initially = 0 */
static sem_t mutex, w; /* Both initially = 1 */

void rw_init(void) {
  readcnt = 0;
  Sem_init(&mutex, 0, 1);
  Sem_init(&w, 0, 1);
}

void reader_enter(void) {
  P(&mutex);
  readcnt++;
  if (readcnt == 1) /* First in */
    P(&w);
  V(&mutex);
}

void reader_exit(void) {
  P(&mutex);
  readcnt--;
  if (readcnt == 0) /* Last out */
    V(&w);
  V(&mutex);
}

void writer_enter(void) { P(&w); }

void writer_exit(void) { V(&w); }
