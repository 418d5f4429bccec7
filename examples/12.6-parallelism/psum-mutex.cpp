// CS:APP3e Figures 12.31-12.32 (conc/psum-mutex.c): a parallel sum into one global under a mutex.
// Each thread adds its block of 0..n-1 into gsum with a P and a V around every addition:
// correct, and slower with every thread added. Compare the routine with psum-array, psum-local.
#include "csapp.h"
#define MAXTHREADS 64

void* sum_mutex(void* vargp);

long gsum = 0;          /* every thread adds into this one variable... */
sem_t mutex;            /* ...so every addition takes this lock */
long nelems_per_thread; /* the size of each thread's block */

static double now(void) { /* differs from the book: main times the threads */
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long i, nelems, log_nelems, nthreads, myid[MAXTHREADS];
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
  Sem_init(&mutex, 0, 1);

  double start = now(); /* differs from the book: timed */
  for (i = 0; i < nthreads; i++) {
    myid[i] = i;
    Pthread_create(&tid[i], NULL, sum_mutex, &myid[i]);
  }
  for (i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  double elapsed = now() - start;
  /* differs from the book: main adds the numbers that nelems_per_thread leaves over */
  for (i = nthreads * nelems_per_thread; i < nelems; i++) gsum += i;

  /* check final answer; differs from the book: prints the sum and the time, and exits 1
   * if it is wrong (the book prints only an error) */
  long expected = (nelems * (nelems - 1)) / 2;
  printf("sum = %ld (expected %ld: %s)\n", gsum, expected, gsum == expected ? "OK" : "WRONG");
  printf("elapsed = %.6f s (%ld threads, n = %ld)\n", elapsed, nthreads, nelems);
  exit(gsum == expected ? 0 : 1);
}

void* sum_mutex(void* vargp) {
  long myid = *((long*)vargp); /* 0..nthreads-1: which block is ours */
  long start = myid * nelems_per_thread;
  long end = start + nelems_per_thread;
  long i;

  for (i = start; i < end; i++) {
    P(&mutex);
    gsum += i;
    V(&mutex);
  }
  return NULL;
}
