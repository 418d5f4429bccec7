// prodcons - ours, not a figure: producers and consumers through the book's bounded buffer,
// the sbuf package of Figures 12.24-12.25 (conc/sbuf.c). The buffer has 4 slots, so both sides
// block often; main stops each consumer with a marker and checks every item arrived once.
//
// Usage: prodcons PRODUCERS CONSUMERS ITEMS
// Prints the count and checksum and "each item consumed exactly once" (exit 0), or what
// went wrong (exit 1). 2: bad arguments.
#include "csapp.h"
#include "sbuf.h"

#define SBUFSIZE 4 /* small on purpose: producers and consumers block often */
#define DONE (-1)  /* the marker that tells a consumer to stop */

sbuf_t sbuf;      /* the shared bounded buffer */
int nproducers;   /* how many producer threads */
int nitems;       /* items 0..nitems-1 in all */
int* seen;        /* seen[i]: how many times item i was removed */
sem_t seen_mutex; /* protects seen */

void* producer(void* vargp) {
  long myid = (long)vargp;
  // Producer k inserts items k, k+P, k+2P, ...: together they insert each item once.
  for (int item = (int)myid; item < nitems; item += nproducers) sbuf_insert(&sbuf, item);
  return NULL;
}

void* consumer(void* vargp) {
  (void)vargp;
  int item;
  while ((item = sbuf_remove(&sbuf)) != DONE) {
    P(&seen_mutex);
    seen[item] = seen[item] + 1;
    V(&seen_mutex);
  }
  return NULL;
}

static int positive(const char* s, int* out) {
  char* end = NULL;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v <= 0 || v > 1000000000) return 0;
  *out = (int)v;
  return 1;
}

int main(int argc, char** argv) {
  int nconsumers = 0;
  if (argc != 4 || !positive(argv[1], &nproducers) || !positive(argv[2], &nconsumers) ||
      !positive(argv[3], &nitems) || nproducers > 1000 || nconsumers > 1000) {
    fprintf(stderr, "usage: %s PRODUCERS CONSUMERS ITEMS   (1..1000 threads each, ITEMS > 0)\n",
            argv[0]);
    exit(2);
  }
  sbuf_init(&sbuf, SBUFSIZE);
  seen = Calloc((size_t)nitems, sizeof(int));
  Sem_init(&seen_mutex, 0, 1);

  pthread_t* producers = Malloc((size_t)nproducers * sizeof(pthread_t));
  pthread_t* consumers = Malloc((size_t)nconsumers * sizeof(pthread_t));
  for (long i = 0; i < nconsumers; i++) Pthread_create(&consumers[i], NULL, consumer, (void*)i);
  for (long i = 0; i < nproducers; i++) Pthread_create(&producers[i], NULL, producer, (void*)i);
  for (int i = 0; i < nproducers; i++) Pthread_join(producers[i], NULL);
  for (int i = 0; i < nconsumers; i++) sbuf_insert(&sbuf, DONE); /* after every real item */
  for (int i = 0; i < nconsumers; i++) Pthread_join(consumers[i], NULL);

  // Every thread is gone: seen[] can be read without the mutex.
  long count = 0, lost = 0, duplicated = 0;
  unsigned long checksum = 0;
  for (int i = 0; i < nitems; i++) {
    count += seen[i];
    checksum += (unsigned long)seen[i] * (unsigned long)i;
    if (seen[i] == 0) lost++;
    if (seen[i] > 1) duplicated++;
  }
  unsigned long expected = (unsigned long)nitems * (unsigned long)(nitems - 1) / 2;
  printf("%d producers, %d consumers: consumed %ld of %d items, checksum %lu (expected %lu)\n",
         nproducers, nconsumers, count, nitems, checksum, expected);
  Free(producers);
  Free(consumers);
  Free(seen);
  sbuf_deinit(&sbuf);
  if (lost != 0 || duplicated != 0) {
    printf("WRONG: %ld items lost, %ld consumed more than once\n", lost, duplicated);
    exit(1);
  }
  printf("each item consumed exactly once\n");
  exit(0);
}
