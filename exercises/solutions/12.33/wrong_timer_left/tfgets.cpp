// Problem 12.33 - a typical wrong solution: a pair of threads, a reader that calls fgets and a
// detached timer that sleeps 5 s and then cancels the reader; tfgets waits for the reader only.
// When the line comes first, nobody stops the timer: it sleeps on after tfgets has returned,
// and 5 s after the call it cancels a reader that is long gone, through a request that was on
// tfgets's stack.
// verdict: 1 thread is still running a second later
#include "tfgets.h"
#include "csapp.h"

struct request {
  char* s;  // fgets's arguments
  int size;
  FILE* stream;
  char* line;        // what fgets returned
  pthread_t reader;  // the thread the timer cancels
};

static void* read_line(void* vargp) {
  struct request* r = (struct request*)vargp;
  r->line = fgets(r->s, r->size, r->stream);
  return NULL;
}

static void* timer(void* vargp) {
  struct request* r = (struct request*)vargp;
  Sleep(5);
  pthread_cancel(r->reader);
  return NULL;
}

char* tfgets(char* s, int size, FILE* stream) {
  struct request r;
  r.s = s;
  r.size = size;
  r.stream = stream;
  r.line = NULL;
  Pthread_create(&r.reader, NULL, read_line, &r);
  pthread_t timer_tid;
  Pthread_create(&timer_tid, NULL, timer, &r);
  Pthread_detach(timer_tid);
  void* how;
  Pthread_join(r.reader, &how);
  return how == PTHREAD_CANCELED ? NULL : r.line;
}
