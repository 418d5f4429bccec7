// Problem 12.17 - a typical wrong fix: main sleeps "long enough" before exit(0). On an idle
// machine the thread usually prints in time; nothing guarantees it.
// verdict: main slept instead of waiting
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  Sleep(2);
  exit(0);
}

void* thread(void* /* vargp */) {
  Sleep(1);
  printf("Hello, world!\n");
  return NULL;
}
