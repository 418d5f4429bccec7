// ctime_ts_threads - ours, not a figure: the lock-and-copy wrapper of Figure 12.38
// (conc/ctime_ts.c, the same code as ctime_ts.cpp) called from several threads at once,
// each checking that every call gave it its own time.
//
// ctime returns a pointer to one static buffer that every call overwrites. Two threads
// calling it can each end up reading the other's result, or a half-written one. When the
// function cannot be changed (and its reentrant twin, ctime_r, is not there), a wrapper can:
// it takes a mutex, calls ctime, copies the shared result into the caller's own buffer, and
// only then releases the mutex. The cost is the copy, and that callers now wait for each
// other; and it does not help callers that use ctime directly.
//
// Each thread formats its own time (thread i: the epoch plus i days) ITERS times and checks
// every result. Times are shown in UTC so the output is the same everywhere.
//
// Usage: ctime_ts_threads [THREADS [ITERS]]   (default 4 threads, 1000 calls each)
// Prints each thread's time and "every call got its own time" (exit 0), or the number of
// wrong results (exit 1: a bug). 2: bad arguments.
#include <time.h>

#include "csapp.h"

#define MAXTHREADS 64

sem_t mutex; /* protects ctime's static buffer */

/* The lock-and-copy wrapper: a thread-safe ctime for callers that bring their own buffer */
char* ctime_ts(const time_t* timep, char* privatep) {
  char* sharedp;

  P(&mutex);
  sharedp = ctime(timep);
  strcpy(privatep, sharedp); /* copy out before anyone else can overwrite it */
  V(&mutex);
  return privatep;
}

long nthreads, iters;
char expected[MAXTHREADS][64]; /* what each thread's time must read as */
long wrong[MAXTHREADS];        /* calls that returned something else */

void* thread(void* vargp) {
  long id = (long)vargp;
  time_t t = (time_t)(id * 24 * 60 * 60);
  char buf[64]; /* this thread's private copy */
  for (long i = 0; i < iters; i++)
    if (strcmp(ctime_ts(&t, buf), expected[id]) != 0) wrong[id]++;
  return NULL;
}

int main(int argc, char** argv) {
  char *end1 = NULL, *end2 = NULL;
  nthreads = 4;
  iters = 1000;
  if (argc >= 2) nthreads = strtol(argv[1], &end1, 10);
  if (argc >= 3) iters = strtol(argv[2], &end2, 10);
  if (argc > 3 || (argc >= 2 && (*end1 != '\0' || nthreads < 1 || nthreads > MAXTHREADS)) ||
      (argc >= 3 && (*end2 != '\0' || iters < 1))) {
    fprintf(stderr,
            "usage: %s [THREADS [ITERS]]   (THREADS 1..%d, default 4; ITERS default 1000)\n",
            argv[0], MAXTHREADS);
    exit(2);
  }
  setenv("TZ", "UTC", 1); /* before any thread: setenv is not thread-safe either */
  tzset();
  Sem_init(&mutex, 0, 1);
  for (long i = 0; i < nthreads; i++) { /* one thread: ctime is safe to call here */
    time_t t = (time_t)(i * 24 * 60 * 60);
    strcpy(expected[i], ctime(&t));
  }

  pthread_t tid[MAXTHREADS];
  for (long i = 0; i < nthreads; i++) Pthread_create(&tid[i], NULL, thread, (void*)i);
  for (long i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);

  long total_wrong = 0;
  for (long i = 0; i < nthreads; i++) {
    printf("thread %ld: %s", i, expected[i]); /* ctime's string ends in a newline */
    total_wrong += wrong[i];
  }
  if (total_wrong != 0) {
    printf("WRONG: %ld calls returned another thread's time\n", total_wrong);
    exit(1);
  }
  printf("every call got its own time (%ld threads x %ld calls)\n", nthreads, iters);
  exit(0);
}
