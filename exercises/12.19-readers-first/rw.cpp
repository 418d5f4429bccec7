// Problem 12.19 - starter. This is Figure 12.26's first readers-writers solution (readers favoured,
// weakly), cut into the four functions of rw.h: the reader's and the writer's loops become
// enter and exit calls around the critical section, and main's Sem_init calls become rw_init.
// Change it so that readers get STRONG priority: README.md says what that means and what the
// checks expect.
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
