// Problem 12.17 - a typical wrong answer to the second part: the same fix twice (Pthread_join),
// where the problem asks for a second, different Pthreads call.
// verdict: does not end main with pthread_exit
#include "csapp.h"
void* thread(void* vargp);

int main() {
  pthread_t tid;
  Pthread_create(&tid, NULL, thread, NULL);
  Pthread_join(tid, NULL);
  exit(0);
}

void* thread(void* /* vargp */) {
  Sleep(1);
  printf("Hello, world!\n");
  return NULL;
}
