// Problem 12.17 - reference fix two: main ends only itself, with pthread_exit; the process
// lives on until its last thread ends.
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  pthread_exit(NULL);  // the fix: not exit(0), which would end every thread
}

void* thread(void* /* vargp */) {
  Sleep(1);
  printf("Hello, world!\n");
  return NULL;
}
