// CS:APP3e Figure 12.35 (conc/psum-local.c): a parallel sum, each thread in a local variable.
// The loop touches no shared memory (sum lives in a register); each thread stores its
// partial sum once. This one scales with the number of cores.
// The figure is the routine; main is psum-mutex's, adding up psum[] (psum.hpp).
#include "12.6-parallelism/psum.hpp"

long psum[MAXTHREADS];  /* psum[i] belongs to thread i alone: no lock */
long nelems_per_thread; /* the size of each thread's block */

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

int main(int argc, char** argv) { psum_partial_sums_main(argc, argv, sum_local); }
