// CS:APP3e Figure 12.16 (conc/badcnt.c): two threads increment a shared counter, unsynchronized.
// The count is usually short of 2 x NITERS: cnt = cnt + 1 is a load, an update and a store,
// and the two threads' steps interleave. The data race is the lesson (ThreadSanitizer reports it).
/* the bug is the point: run it and watch the count */
#include "csapp.h"

void* thread(void* vargp);

volatile long cnt = 0; /* one counter, in the data segment: every thread's */

int main(int argc, char** argv) {
  long niters;
  pthread_t tid1, tid2;
  char* end = NULL;

  if (argc != 2 || (niters = strtol(argv[1], &end, 10)) <= 0 || *end != '\0') {
    /* differs from the book: bad NITERS exits 2 (the book exits 0, atoi reads "ten" as 0) */
    fprintf(stderr, "usage: %s <niters>   (niters > 0)\n", argv[0]);
    exit(2);
  }

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

  for (i = 0; i < niters; i++)
    cnt = cnt + 1; /* differs from the book: not cnt++ (deprecated on a volatile in C++20) */

  return NULL;
}
