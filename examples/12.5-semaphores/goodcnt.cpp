// CS:APP3e Section 12.5.3 (conc/goodcnt.c): badcnt with the counter guarded by a mutex.
// The binary semaphore mutex starts at 1; P and V around the update keep the two threads
// out of each other's load-update-store, so the count is always 2 x NITERS (and slow).
#include "csapp.h"

void* thread(void* vargp);

volatile long cnt = 0; /* one counter, in the data segment: every thread's */
sem_t mutex;           /* held around each update of cnt: a binary semaphore */

int main(int argc, char** argv) {
  long niters;
  pthread_t tid1, tid2;
  char* end = NULL;

  if (argc != 2 || (niters = strtol(argv[1], &end, 10)) <= 0 || *end != '\0') {
    /* differs from the book: bad NITERS exits 2 (the book exits 0, atoi reads "ten" as 0) */
    fprintf(stderr, "usage: %s <niters>   (niters > 0)\n", argv[0]);
    exit(2);
  }
  Sem_init(&mutex, 0, 1);

  /* two peers, same routine, same counter */
  Pthread_create(&tid1, NULL, thread, &niters);
  Pthread_create(&tid2, NULL, thread, &niters);
  Pthread_join(tid1, NULL);
  Pthread_join(tid2, NULL);

  if (cnt != (2 * niters))
    printf("BOOM! cnt=%ld\n", cnt);
  else
    printf("OK cnt=%ld\n", cnt);
  exit(0);
}

void* thread(void* vargp) {
  long i, niters = *((long*)vargp);

  for (i = 0; i < niters; i++) {
    P(&mutex);
    cnt = cnt + 1; /* differs from the book: not cnt++ (deprecated on a volatile in C++20) */
    V(&mutex);
  }
  return NULL;
}
