// CS:APP3e Figure 12.43 (conc/norace.c): race.c without the race.
// main Mallocs a separate int for each thread and passes its address; nobody else writes it,
// so each thread reads its own id, and frees the block (only the thread knows when it is done).
#include "csapp.h"
#define N 4
#define MAXN 1000

void* thread(void* vargp);

int main(int argc, char** argv) {
  pthread_t tid[MAXN];
  int i, *ptr;
  long n = N;
  char* end = NULL;

  if (argc == 2) n = strtol(argv[1], &end, 10); /* differs from the book: [N] argument */
  if (argc > 2 || (argc == 2 && (*end != '\0' || n < 1 || n > MAXN))) {
    fprintf(stderr, "usage: %s [N]   (N threads, 1..%d, default %d)\n", argv[0], MAXN, N);
    exit(2);
  }
  for (i = 0; i < n; i++) {
    ptr = Malloc(sizeof(int));
    *ptr = i;
    Pthread_create(&tid[i], NULL, thread, ptr);
  }
  for (i = 0; i < n; i++) Pthread_join(tid[i], NULL);
  exit(0);
}

void* thread(void* vargp) {
  int myid = *((int*)vargp);
  Free(vargp);
  printf("Hello from thread %d\n", myid);
  return NULL;
}
