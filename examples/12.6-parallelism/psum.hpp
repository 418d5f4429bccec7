// psum.hpp - ours, not a figure: what the three psum programs add around the book's code,
// written once. The book checks nothing and times nothing; these programs take their
// arguments with a check, time the threads, add the numbers that nelems / nthreads leaves
// over, and print the sum and the time (exit 1 if the sum is wrong), so that a test and a
// reader can see both the answer and the speed (book-notes/12.6-parallelism.md).
#pragma once

#include "csapp.h"

#define MAXTHREADS 64

// NTHREADS and LOG_NELEMS from the command line; a usage line and exit 2 if they are bad
// (the book reads them with atoi: "ten" threads is 0, and 0 threads divides by zero).
inline void psum_arguments(int argc, char** argv, long* nthreads, long* log_nelems) {
  char *end1 = NULL, *end2 = NULL;
  if (argc != 3 || (*nthreads = strtol(argv[1], &end1, 10)) < 1 || *nthreads > MAXTHREADS ||
      *end1 != '\0' || (*log_nelems = strtol(argv[2], &end2, 10)) < 1 || *log_nelems > 32 ||
      *end2 != '\0') {
    fprintf(stderr, "usage: %s <nthreads> <log_nelems>   (nthreads 1..%d, log_nelems 1..32)\n",
            argv[0], MAXTHREADS);
    exit(2);
  }
}

// Seconds on a clock that only goes forward.
inline double psum_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Adds the numbers that nelems_per_thread leaves over (with 3 threads, 2^n is not divisible;
// the book then drops them and reports an error), prints the sum and the time, and exits 1
// if the sum is wrong.
[[noreturn]] inline void psum_report(long sum, long nelems, long nthreads, long nelems_per_thread,
                                     double elapsed) {
  for (long i = nthreads * nelems_per_thread; i < nelems; i++) sum += i;
  long expected = (nelems * (nelems - 1)) / 2;
  printf("sum = %ld (expected %ld: %s)\n", sum, expected, sum == expected ? "OK" : "WRONG");
  printf("elapsed = %.6f s (%ld threads, n = %ld)\n", elapsed, nthreads, nelems);
  exit(sum == expected ? 0 : 1);
}

// psum-array and psum-local: the book shows only their thread routines; their main is
// psum-mutex's, adding up psum[] after the join instead of reading gsum.
extern long psum[MAXTHREADS];
extern long nelems_per_thread;

[[noreturn]] inline void psum_partial_sums_main(int argc, char** argv, void* (*routine)(void*)) {
  long i, nelems, log_nelems, nthreads, myid[MAXTHREADS], result = 0;
  pthread_t tid[MAXTHREADS];

  psum_arguments(argc, argv, &nthreads, &log_nelems);
  nelems = (1L << log_nelems);
  nelems_per_thread = nelems / nthreads;

  double start = psum_now();
  for (i = 0; i < nthreads; i++) {
    myid[i] = i;
    Pthread_create(&tid[i], NULL, routine, &myid[i]);
  }
  for (i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  double elapsed = psum_now() - start;

  for (i = 0; i < nthreads; i++) result += psum[i]; /* joined: no lock needed to read them */
  psum_report(result, nelems, nthreads, nelems_per_thread, elapsed);
}
