// Problem 12.33 - a typical wrong solution: after 5 s it cancels the reader and returns at once,
// without joining it. The thread ends, but an ended joinable thread is not gone until it is
// joined (like a zombie process): its stack and descriptor stay, one more with every timeout.
// And the request it shares with the thread is gone while the thread may still be unwinding.
// verdict: 1 thread was never joined nor detached
#include <time.h>

#include "csapp.h"
#include "tfgets.h"

struct request {
  char* s;  // fgets's arguments
  int size;
  FILE* stream;
  char* line;               // what fgets returned (once done is 1)
  int done;                 // 1 once fgets has returned
  pthread_mutex_t lock;     // guards line and done
  pthread_cond_t finished;  // signalled when done becomes 1
};

static void* reader(void* vargp) {
  struct request* r = (struct request*)vargp;
  char* line = fgets(r->s, r->size, r->stream);  // the only place it may be cancelled
  pthread_mutex_lock(&r->lock);
  r->line = line;
  r->done = 1;
  pthread_cond_signal(&r->finished);
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

char* tfgets(char* s, int size, FILE* stream) {
  struct request r;
  r.s = s;
  r.size = size;
  r.stream = stream;
  r.line = NULL;
  r.done = 0;
  pthread_mutex_init(&r.lock, NULL);
  pthread_condattr_t attr;  // a deadline on the monotonic clock: setting the date changes nothing
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&r.finished, &attr);
  pthread_condattr_destroy(&attr);

  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += 5;

  pthread_t tid;
  Pthread_create(&tid, NULL, reader, &r);
  pthread_mutex_lock(&r.lock);
  while (!r.done && pthread_cond_timedwait(&r.finished, &r.lock, &deadline) != ETIMEDOUT) {
  }
  const int done = r.done;
  pthread_mutex_unlock(&r.lock);
  if (!done) {
    Pthread_cancel(tid);  // and no join: the cancelled thread is never reaped
    return NULL;
  }
  Pthread_join(tid, NULL);

  pthread_cond_destroy(&r.finished);
  pthread_mutex_destroy(&r.lock);
  return done ? r.line : NULL;
}
