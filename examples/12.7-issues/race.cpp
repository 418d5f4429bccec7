// race - each thread is given its id through a pointer to main's loop variable: a race
// (Section 12.7.4).
//
// main passes &i, the address of ONE variable, to every thread, and goes on incrementing it.
// A thread that dereferences the pointer after main's next i++ reads the id of a later thread
// (or N, once the loop is over). Whether that happens depends on whether the new thread runs
// before main's next increment: nothing in the program makes it so. Often every id comes out
// right, which is what makes such bugs hard to find.
//
// This program has a data race ON PURPOSE. A race detector (ThreadSanitizer) reports it.
// norace is the fix.
//
// Usage: race [N]   (N threads, default 4)
// Each thread prints its id; then the program says whether it got 0..N-1 exactly once.
// Exit status 0 either way: wrong ids are the lesson, not a failure. 2: bad arguments.
#include "csapp.h"

#define MAXN 1000

void* thread(void* vargp);

int seen[MAXN + 1]; /* seen[id]: how many threads believed they were `id` (id N: too late) */
sem_t mutex;        /* protects seen and keeps lines whole */

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
  int i;
  for (i = 0; i < n; i++) Pthread_create(&tid[i], NULL, thread, &i); /* the race: &i */
  for (i = 0; i < n; i++) Pthread_join(tid[i], NULL);

  int wrong = 0;
  for (int id = 0; id <= n; id++)
    if (seen[id] != (id < n ? 1 : 0)) wrong = 1;
  if (wrong)
    printf("RACE: the ids were not 0..%ld exactly once this time\n", n - 1);
  else
    printf("ids 0..%ld each exactly once (this time)\n", n - 1);
  exit(0);
}

void* thread(void* vargp) {
  int myid = *((int*)vargp); /* reads main's i: whatever it holds by now */
  P(&mutex);
  if (myid >= 0 && myid <= MAXN) seen[myid]++;
  printf("Hello from thread %d\n", myid);
  V(&mutex);
  return NULL;
}
