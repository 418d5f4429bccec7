// norace - race without the race: each thread gets its own copy of its id (Section 12.7.4).
//
// main Mallocs a fresh int per thread, stores the id in it, and passes that block's address.
// Nobody else ever writes it, so the thread reads the right id whenever it gets to run; the
// thread frees the block (main cannot know when the thread is done reading it).
//
// Usage: norace [N]   (N threads, default 4)
// Each thread prints its id (in whatever order they run); then the program checks it saw
// 0..N-1 exactly once: "ids 0..N-1 each exactly once" (exit 0), or "WRONG" (exit 1: a bug).
// 2: bad arguments.
#include "csapp.h"

#define MAXN 1000

void* thread(void* vargp);

int seen[MAXN]; /* seen[id]: how many threads had id `id` */
sem_t mutex;    /* protects seen and keeps lines whole */

int main(int argc, char** argv) {
  long n = 4;
  char* end = NULL;
  if (argc == 2) n = strtol(argv[1], &end, 10);
  if (argc > 2 || (argc == 2 && (*end != '\0' || n < 1 || n > MAXN))) {
    fprintf(stderr, "usage: %s [N]   (N threads, 1..%d, default 4)\n", argv[0], MAXN);
    exit(2);
  }
  pthread_t tid[MAXN];
  Sem_init(&mutex, 0, 1);
  for (int i = 0; i < n; i++) {
    int* ptr = Malloc(sizeof(int)); /* this thread's own copy */
    *ptr = i;
    Pthread_create(&tid[i], NULL, thread, ptr);
  }
  for (int i = 0; i < n; i++) Pthread_join(tid[i], NULL);

  for (int id = 0; id < n; id++)
    if (seen[id] != 1) {
      printf("WRONG: id %d seen %d times\n", id, seen[id]);
      exit(1);
    }
  printf("ids 0..%ld each exactly once\n", n - 1);
  exit(0);
}

void* thread(void* vargp) {
  int myid = *((int*)vargp);
  Free(vargp); /* our copy: read, so done with it */
  P(&mutex);
  if (myid >= 0 && myid < MAXN) seen[myid]++;
  printf("Hello from thread %d\n", myid);
  V(&mutex);
  return NULL;
}
