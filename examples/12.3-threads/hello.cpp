// hello - the smallest threaded program (Section 12.3): the main thread starts one peer
// thread, waits for it, and exits.
//
// Usage: hello
#include "csapp.h"

void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  /* Wait for the peer: exit ends every thread of the process, so without this join the
   * program could end before the peer has printed anything. */
  Pthread_join(tid, NULL);
  exit(0);
}

/* The peer thread's routine: it receives one pointer and may return one. */
void* thread(void*) {
  printf("Hello, world!\n");
  return NULL;
}
