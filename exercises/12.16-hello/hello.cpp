// Problem 12.16 - starter. This is Figure 12.13's hello (one peer thread). Change it so that it
// takes n from the command line, creates n joinable threads that each print the greeting, and
// reaps them all. README.md says what the checks expect.
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
