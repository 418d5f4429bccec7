// CS:APP3e Figure 12.42 (conc/race.c): a race on the argument of each thread.
// main passes every thread &i, the address of its one loop variable, and keeps changing i:
// a thread that reads *vargp after main's next i++ takes another thread's id. norace fixes it.
// The data race is the lesson (ThreadSanitizer reports it).
/* the bug is the point: run it and watch the ids */
#include "csapp.h"
#define N 4
#define MAXN 1000

void* thread(void* vargp);

int main(int argc, char** argv) {
  pthread_t tid[MAXN];
  int i;
  long n = N;
  char* end = NULL;

  if (argc == 2) n = strtol(argv[1], &end, 10); /* differs from the book: [N] argument */
  if (argc > 2 || (argc == 2 && (*end != '\0' || n < 1 || n > MAXN))) {
    fprintf(stderr, "usage: %s [N]   (N threads, 1..%d, default %d)\n", argv[0], MAXN, N);
    exit(2);
  }
  for (i = 0; i < n; i++) Pthread_create(&tid[i], NULL, thread, &i);
  for (i = 0; i < n; i++) Pthread_join(tid[i], NULL);
  exit(0);
}

void* thread(void* vargp) {
  int myid = *((int*)vargp);
  printf("Hello from thread %d\n", myid);
  return NULL;
}
