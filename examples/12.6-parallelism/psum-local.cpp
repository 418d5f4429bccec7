// psum-local - sum 0..n-1 with threads that each accumulate in a local variable and store
// it once, at the end, in their element of a global array (Section 12.6).
//
// The local sum lives in a register: the inner loop touches no shared memory at all, so the
// threads really run in parallel and, up to the number of cores, more threads means less
// time. Beyond the number of cores the time stops improving: the threads just take turns.
//
// Usage: psum-local THREADS LOG2N
// Prints the sum and the time; exit 0 if the sum is n(n-1)/2, else 1. 2: bad arguments.
#include "12.6-parallelism/psum.hpp"

long psum[MAXTHREADS]; /* psum[i]: thread i's partial sum, stored once */

void* sum_local(void* vargp) {
  long id = *((long*)vargp);
  long start = psum_start(id), end = psum_start(id + 1);
  long sum = 0; /* local: a register, private to this thread */
  for (long i = start; i < end; i++) sum += i;
  psum[id] = sum;
  return NULL;
}

int main(int argc, char** argv) {
  psum_args(argc, argv);
  double secs = psum_run(sum_local);
  long sum = 0;
  for (long i = 0; i < nthreads; i++) sum += psum[i];
  psum_report(sum, secs);
}
