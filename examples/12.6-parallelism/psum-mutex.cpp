// psum-mutex - sum 0..n-1 with threads that add every number into one global sum, under a
// mutex (Section 12.6).
//
// Correct, and the slowest way there is. Each addition costs one add and a P and a V around
// it; the synchronization is many times the work. Worse, adding threads makes it slower, not
// faster: all of them contend for the same semaphore and the same sum, so they take turns
// rather than run in parallel. Every handover moves the cache line holding the semaphore and
// gsum from one core to another, and a thread that finds the semaphore taken sleeps in the
// kernel (a futex system call) and must be woken by the one that releases it. One thread
// pays only for the P and V; two or more pay for that traffic on every number as well.
// The lesson: synchronization is expensive; avoid it in the inner loop (see psum-local).
//
// Usage: psum-mutex THREADS LOG2N   (e.g. psum-mutex 4 24 sums 0..2^24-1)
// Prints the sum and the time; exit 0 if the sum is n(n-1)/2, else 1. 2: bad arguments.
#include "12.6-parallelism/psum.hpp"

long gsum = 0; /* the global sum */
sem_t mutex;   /* protects gsum */

void* sum_mutex(void* vargp) {
  long id = *((long*)vargp);
  long start = psum_start(id), end = psum_start(id + 1);
  for (long i = start; i < end; i++) {
    P(&mutex);
    gsum += i;
    V(&mutex);
  }
  return NULL;
}

int main(int argc, char** argv) {
  psum_args(argc, argv);
  Sem_init(&mutex, 0, 1);
  double secs = psum_run(sum_mutex);
  psum_report(gsum, secs);
}
