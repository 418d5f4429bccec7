// CS:APP3e Figures 12.31-12.32 (conc/psum-mutex.c): a parallel sum into one global under a mutex.
// Each thread adds its block of 0..n-1 into gsum with a P and a V around every addition:
// correct, and slower with every thread added. Compare the routine with psum-array, psum-local.
#include "12.6-parallelism/psum.hpp"

void* sum_mutex(void* vargp);

long gsum = 0;          /* every thread adds into this one variable... */
sem_t mutex;            /* ...so every addition takes this lock */
long nelems_per_thread; /* the size of each thread's block */

int main(int argc, char** argv) {
  long i, nelems, log_nelems, nthreads, myid[MAXTHREADS];
  pthread_t tid[MAXTHREADS];

  psum_arguments(argc, argv, &nthreads, &log_nelems); /* differs from the book: checked */
  nelems = (1L << log_nelems);
  nelems_per_thread = nelems / nthreads;
  Sem_init(&mutex, 0, 1);

  double start = psum_now(); /* differs from the book: timed */
  for (i = 0; i < nthreads; i++) {
    myid[i] = i;
    Pthread_create(&tid[i], NULL, sum_mutex, &myid[i]);
  }
  for (i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  double elapsed = psum_now() - start;
  /* differs from the book: the leftover numbers added, the sum and the time printed */
  psum_report(gsum, nelems, nthreads, nelems_per_thread, elapsed);
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
