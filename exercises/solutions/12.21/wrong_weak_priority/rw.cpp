// Problem 12.21 - a typical wrong solution: Figure 12.26 as it is. It favours the readers: a
// reader that arrives while readers are inside walks in even though a writer is waiting, so a
// steady stream of readers keeps the writers out.
// verdict: and reader 2 got in: once a writer is waiting, no new reader may start
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
