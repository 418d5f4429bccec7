// CS:APP3e Figure 12.33 (conc/psum-array.c): a parallel sum, each thread into its own element.
// No mutex: no two threads write the same psum[myid], and main reads them after joining.
// Unoptimized, every iteration still stores to memory next to the other threads' elements.
// The figure is the routine; main is psum-mutex's, adding up psum[] (psum.hpp).
#include "12.6-parallelism/psum.hpp"

long psum[MAXTHREADS];  /* psum[i] belongs to thread i alone: no lock */
long nelems_per_thread; /* the size of each thread's block */

void* sum_array(void* vargp) {
  long myid = *((long*)vargp); /* 0..nthreads-1: which block is ours */
  long start = myid * nelems_per_thread;
  long end = start + nelems_per_thread;
  long i;

  for (i = start; i < end; i++) {
    psum[myid] += i;
  }
  return NULL;
}

int main(int argc, char** argv) { psum_partial_sums_main(argc, argv, sum_array); }
