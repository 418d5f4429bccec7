// Problem 12.16 - a typical wrong solution: reads n with atoi, which turns "abc" and "5x" into
// 0 and 5 without a word, so bad input is not refused.
// verdict: hello 'abc' exited with status 0
#include "csapp.h"
void* thread(void* vargp);

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s n\n", argv[0]);
    exit(2);
  }
  const int n = atoi(argv[1]);
  pthread_t* tids = static_cast<pthread_t*>(Malloc((n > 0 ? n : 1) * sizeof(pthread_t)));
  for (int i = 0; i < n; i++) Pthread_create(&tids[i], NULL, thread, NULL);
  for (int i = 0; i < n; i++) Pthread_join(tids[i], NULL);
  Free(tids);
  exit(0);
}

void* thread(void* /* vargp */) {
  printf("Hello, world!\n");
  return NULL;
}
