// psum-array - sum 0..n-1 with threads that each add into their own element of a global
// array; main adds the elements after joining (Section 12.6).
//
// No mutex is needed: no two threads write the same element, and main reads them only after
// Pthread_join, which guarantees it sees every write. That removes the P and V from the
// inner loop and makes this orders of magnitude faster than psum-mutex. Yet, as written,
// every iteration updates psum[myid] in memory (an optimizing compiler may keep it in a
// register for the length of the loop; psum-local does that explicitly, whatever the
// compiler), and the elements of neighbouring threads share a cache line, which bounces
// between the cores that write it ("false sharing"). psum-local removes both costs.
//
// Usage: psum-array THREADS LOG2N
// Prints the sum and the time; exit 0 if the sum is n(n-1)/2, else 1. 2: bad arguments.
#include "12.6-parallelism/psum.hpp"

long psum[MAXTHREADS]; /* psum[i]: thread i's partial sum */

void* sum_array(void* vargp) {
  long id = *((long*)vargp);
  long start = psum_start(id), end = psum_start(id + 1);
  for (long i = start; i < end; i++) psum[id] += i;
  return NULL;
}

int main(int argc, char** argv) {
  psum_args(argc, argv);
  double secs = psum_run(sum_array);
  long sum = 0;
  for (long i = 0; i < nthreads; i++) sum += psum[i]; /* the threads are joined: safe */
  psum_report(sum, secs);
}
