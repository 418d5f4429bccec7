// psum.hpp - what the three psum programs share (Section 12.6): reading THREADS and LOG2N,
// splitting 0..n-1 between the threads, timing, and checking the sum against n(n-1)/2.
// Only the thread routine differs from one program to the next, and that is the lesson.
#pragma once

#include <time.h>

#include "csapp.h"

#define MAXTHREADS 64

long nelems;           /* the numbers 0..nelems-1 are summed */
long nthreads;         /* how many peer threads share the work */
long myid[MAXTHREADS]; /* each thread's id, passed by address */
pthread_t tid[MAXTHREADS];

// Thread `id` sums [psum_start(id), psum_start(id + 1)): every number belongs to one thread,
// also when nthreads does not divide nelems.
static inline long psum_start(long id) {
  return nelems / nthreads * id + (id < nelems % nthreads ? id : nelems % nthreads);
}

static inline void psum_args(int argc, char** argv) {
  char *end1 = NULL, *end2 = NULL;
  long log_nelems = 0;
  if (argc == 3) {
    nthreads = strtol(argv[1], &end1, 10);
    log_nelems = strtol(argv[2], &end2, 10);
  }
  if (argc != 3 || *end1 != '\0' || *end2 != '\0' || nthreads < 1 || nthreads > MAXTHREADS ||
      log_nelems < 1 || log_nelems > 32) {
    fprintf(stderr, "usage: %s THREADS LOG2N   (THREADS 1..%d, LOG2N 1..32: sums 0..2^LOG2N-1)\n",
            argv[0], MAXTHREADS);
    exit(2);
  }
  nelems = 1L << log_nelems;
}

static inline double psum_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Starts the threads on `routine`, waits for them, and returns the elapsed seconds.
static inline double psum_run(void* (*routine)(void*)) {
  double start = psum_now();
  for (long i = 0; i < nthreads; i++) {
    myid[i] = i;
    Pthread_create(&tid[i], NULL, routine, &myid[i]);
  }
  for (long i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  return psum_now() - start;
}

// Prints the result and exits: 0 if the sum is n(n-1)/2, 1 if not.
[[noreturn]] static inline void psum_report(long sum, double secs) {
  long expected = nelems * (nelems - 1) / 2; /* fits: nelems <= 2^32 */
  printf("sum = %ld (expected %ld: %s)\n", sum, expected, sum == expected ? "OK" : "WRONG");
  printf("elapsed = %.6f s (%ld threads, n = %ld)\n", secs, nthreads, nelems);
  exit(sum == expected ? 0 : 1);
}
