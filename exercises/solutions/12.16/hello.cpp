// Problem 12.16 - reference solution: n joinable threads, all created, then all reaped.
#include <climits>

#include "csapp.h"
void* thread(void* vargp);

static const long max_threads = 1000;

// n as a whole number from 1 to max_threads, or -1: strtol alone takes "5x", "" and overflow.
static long parse_count(const char* text) {
  char* end = NULL;
  errno = 0;
  const long n = strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno == ERANGE || n < 1 || n > max_threads) return -1;
  return n;
}

int main(int argc, char** argv) {
  const long n = argc == 2 ? parse_count(argv[1]) : -1;
  if (n < 0) {
    fprintf(stderr, "usage: %s n   (n threads, 1 to %ld)\n", argv[0], max_threads);
    exit(2);
  }
  pthread_t* tids = static_cast<pthread_t*>(Malloc(n * sizeof(pthread_t)));
  for (long i = 0; i < n; i++) Pthread_create(&tids[i], NULL, thread, NULL);
  for (long i = 0; i < n; i++) Pthread_join(tids[i], NULL);
  Free(tids);
  exit(0);
}

void* thread(void* /* vargp */) {
  printf("Hello, world!\n");
  return NULL;
}
