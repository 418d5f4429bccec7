// Problem 12.33 - reference solution: tfgets with a reader thread and a timed wait.
//
// A new thread calls fgets; tfgets waits for it on a condition variable, at most until 5 s
// after the call. If the reader has not finished by then, tfgets cancels it (fgets blocks in
// read, a cancellation point, and releases the stream's lock as it unwinds). Either way tfgets
// joins the reader before it returns, so no thread outlives the call, and the reader's result is
// read only after it was written under the lock.
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
  if (!done) Pthread_cancel(tid);  // still in fgets after 5 s
  Pthread_join(tid, NULL);         // it is over before tfgets returns, cancelled or not

  pthread_cond_destroy(&r.finished);
  pthread_mutex_destroy(&r.lock);
  return done ? r.line : NULL;
}
