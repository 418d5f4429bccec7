// Problem 12.17 - starter for the fix with pthread_join. As given, main
// exits right after creating its thread, and the thread never gets to print. README.md says more.
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  exit(0);
}

void* thread(void* /* vargp */) {
  Sleep(1);
  printf("Hello, world!\n");
  return NULL;
}
