// Problem 12.20 - a typical wrong solution: the bound added to Figure 12.26 (a reader takes a
// place first), which still favours the readers: while readers overlap, w stays with them, so
// a steady stream of readers keeps a writer out for good.
// verdict: writer 1 was still waiting after
#include "rw.h"
#include "csapp.h"

static int readcnt;    /* readers inside */
static sem_t mutex, w; /* Figure 12.26's, both initially 1 */
static sem_t slots;    /* free places for readers, initially n */

void rw_init(int n) {
  readcnt = 0;
  Sem_init(&mutex, 0, 1);
  Sem_init(&w, 0, 1);
  Sem_init(&slots, 0, n);
}

void reader_enter(void) {
  P(&slots);
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
  V(&slots);
}

void writer_enter(void) { P(&w); }

void writer_exit(void) { V(&w); }
