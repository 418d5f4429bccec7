// CS:APP3e Figure 12.35 (conc/psum-local.c): a parallel sum, each thread in a local variable.
// The loop touches no shared memory (sum lives in a register); each thread stores its
// partial sum once. This one scales with the number of cores.
#include "csapp.h"
#define MAXTHREADS 64

void* sum_local(void* vargp);

long psum[MAXTHREADS];  /* psum[i] belongs to thread i alone: no lock */
long nelems_per_thread; /* the size of each thread's block */

static double now(void) { /* differs from the book: main times the threads */
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long i, nelems, log_nelems, nthreads, myid[MAXTHREADS], result = 0;
  pthread_t tid[MAXTHREADS];
  char *end1 = NULL, *end2 = NULL;

  if (argc != 3 || (nthreads = strtol(argv[1], &end1, 10)) < 1 || nthreads > MAXTHREADS ||
      *end1 != '\0' || (log_nelems = strtol(argv[2], &end2, 10)) < 1 || log_nelems > 32 ||
      *end2 != '\0') { /* differs from the book: bad arguments exit 2 (the book exits 0) */
    fprintf(stderr, "usage: %s <nthreads> <log_nelems>   (nthreads 1..%d, log_nelems 1..32)\n",
            argv[0], MAXTHREADS);
    exit(2);
  }
  nelems = (1L << log_nelems);
  nelems_per_thread = nelems / nthreads;

  double start = now(); /* differs from the book: timed */
  for (i = 0; i < nthreads; i++) {
    myid[i] = i;
    Pthread_create(&tid[i], NULL, sum_local, &myid[i]);
  }
  for (i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  double elapsed = now() - start;

  /* the threads are done: their slots can be read without a lock */
  for (i = 0; i < nthreads; i++) result += psum[i];

  /* differs from the book: main adds the numbers that nelems_per_thread leaves over */
  for (i = nthreads * nelems_per_thread; i < nelems; i++) result += i;

  /* check final answer; differs from the book: prints the sum and the time, and exits 1
   * if it is wrong (the book prints only an error) */
  long expected = (nelems * (nelems - 1)) / 2;
  printf("sum = %ld (expected %ld: %s)\n", result, expected, result == expected ? "OK" : "WRONG");
  printf("elapsed = %.6f s (%ld threads, n = %ld)\n", elapsed, nthreads, nelems);
  exit(result == expected ? 0 : 1);
}

void* sum_local(void* vargp) {
  long myid = *((long*)vargp); /* 0..nthreads-1: which block is ours */
  long start = myid * nelems_per_thread;
  long end = start + nelems_per_thread;
  long i, sum = 0;

  for (i = start; i < end; i++) {
    sum += i;
  }
  psum[myid] = sum;
  return NULL;
}
