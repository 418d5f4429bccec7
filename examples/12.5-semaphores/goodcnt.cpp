// goodcnt - badcnt with the update guarded by a semaphore (Section 12.5.3): always right.
//
// A binary semaphore (a mutex) initialized to 1 makes the load-update-store of the counter a
// critical section: P waits until no other thread is inside, V lets the next one in. The
// interleavings that lose an update (both threads loaded before either stored) can no
// longer happen. The price is a P and a V per increment: far slower than badcnt.
//
// Usage: goodcnt NITERS
// Prints "OK cnt=N" (exit 0) or "BOOM! cnt=N" (exit 1: that would be a bug). 2: bad arguments.
#include "csapp.h"

void* thread(void* vargp);

volatile long cnt = 0; /* the shared counter */
sem_t mutex;           /* protects cnt */

int main(int argc, char** argv) {
  char* end = NULL;
  long niters = argc == 2 ? strtol(argv[1], &end, 10) : 0;
  if (argc != 2 || *end != '\0' || niters <= 0) {
    fprintf(stderr, "usage: %s NITERS   (NITERS > 0: increments per thread)\n", argv[0]);
    exit(2);
  }
  Sem_init(&mutex, 0, 1); /* binary semaphore: 1 means nobody is inside */

  pthread_t tid1, tid2;
  Pthread_create(&tid1, NULL, thread, &niters);
  Pthread_create(&tid2, NULL, thread, &niters);
  Pthread_join(tid1, NULL);
  Pthread_join(tid2, NULL);

  if (cnt != 2 * niters) {
    printf("BOOM! cnt=%ld\n", cnt);
    exit(1);
  }
  printf("OK cnt=%ld\n", cnt);
  exit(0);
}

void* thread(void* vargp) {
  long niters = *((long*)vargp);
  for (long i = 0; i < niters; i++) {
    P(&mutex);
    cnt = cnt + 1; /* only one thread at a time runs this line */
    V(&mutex);
  }
  return NULL;
}
