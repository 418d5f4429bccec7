// badcnt - two threads increment one shared counter without synchronizing (Section 12.5.1).
//
// `cnt = cnt + 1` is three instructions: load cnt into a register, add one, store it back.
// When thread 1 loads, then thread 2 loads the same value before thread 1 stores, both store
// the same result and one increment is lost. Whether that happens depends on how the
// scheduler interleaves the two instruction streams, so the result changes from run to run;
// with a large NITERS on more than one core it is almost always wrong. `volatile` does not
// help: it makes every access go to memory, which is exactly what lets the loads and stores
// of the two threads interleave; it does not make the three steps one.
//
// This program has a data race ON PURPOSE. A race detector (ThreadSanitizer) reports it.
//
// Usage: badcnt NITERS
// Prints "OK cnt=N" or "BOOM! cnt=N". Exit status 0 either way: a wrong count is the
// lesson, not a failure of the program. 2: bad arguments.
#include "csapp.h"

void* thread(void* vargp);

volatile long cnt = 0; /* the shared counter */

int main(int argc, char** argv) {
  char* end = NULL;
  long niters = argc == 2 ? strtol(argv[1], &end, 10) : 0;
  if (argc != 2 || *end != '\0' || niters <= 0) {
    fprintf(stderr, "usage: %s NITERS   (NITERS > 0: increments per thread)\n", argv[0]);
    exit(2);
  }
  pthread_t tid1, tid2;
  Pthread_create(&tid1, NULL, thread, &niters);
  Pthread_create(&tid2, NULL, thread, &niters);
  Pthread_join(tid1, NULL);
  Pthread_join(tid2, NULL);

  if (cnt != 2 * niters)
    printf("BOOM! cnt=%ld\n", cnt);
  else
    printf("OK cnt=%ld\n", cnt);
  exit(0);
}

void* thread(void* vargp) {
  long niters = *((long*)vargp);
  for (long i = 0; i < niters; i++) cnt = cnt + 1; /* load, update, store: not atomic */
  return NULL;
}
