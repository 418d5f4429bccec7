// CS:APP3e Figure 12.13 (conc/hello.c): the smallest threaded program.
// The main thread creates one peer and joins it; the peer's routine takes one pointer and
// returns one. Without the join, main's exit could end the process before the peer prints.
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  Pthread_join(tid, NULL);
  exit(0);
}

void* thread(void* /* vargp */) {
  printf("Hello, world!\n");
  return NULL;
}
