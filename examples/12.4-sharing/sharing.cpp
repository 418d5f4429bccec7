// CS:APP3e Figure 12.15 (conc/sharing.c): which variables the threads share.
// Look at the storage of each name: the global ptr, main's local msgs (reached by the peers
// through ptr), each peer's local myid, and the static cnt that all peers update.
// The peers print in whatever order they run; sharing_ordered is the same program in turns.
#include "csapp.h"
#define N 2
void* thread(void* vargp);

char** ptr; /* global: one instance, every thread sees it */

int main() {
  int i;
  pthread_t tid[N];  // differs from the book: one per peer, to join them below
  char* msgs[N] = {(char*)"Hello from foo",  /* differs from the book: (char *) casts, as */
                   (char*)"Hello from bar"}; /* C++ string literals are const */

  ptr = msgs;
  for (i = 0; i < N; i++)
    Pthread_create(&tid[i], NULL, thread, (void*)(long)i); /* differs from the book: via long */
  // differs from the book: main waits for its peers instead of ending with Pthread_exit(NULL);
  // the peers read main's msgs, and a local of a thread that has ended is undefined (POSIX)
  for (i = 0; i < N; i++) Pthread_join(tid[i], NULL);
  exit(0);
}

void* thread(void* vargp) {
  int myid = (int)(long)vargp; /* differs from the book: via long (C++ refuses a narrowing cast) */
  static int cnt = 0;
  printf("[%d]: %s (cnt=%d)\n", myid, ptr[myid], ++cnt);
  return NULL;
}
