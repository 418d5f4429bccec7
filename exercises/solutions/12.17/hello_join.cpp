// Problem 12.17 - reference fix one: main waits for its thread with Pthread_join.
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  Pthread_join(tid, NULL);  // the fix: exit only once the thread has finished
  exit(0);
}

void* thread(void* /* vargp */) {
  Sleep(1);
  printf("Hello, world!\n");
  return NULL;
}
