// readers_writers_check - ours, not a figure: the readers-writers problem (Section 12.5.4) in
// both of its classic flavours, the book's (Figure 12.26, conc/rw1.c: readers favoured, the
// same code as readers_writers.cpp) and writers favoured, with the program checking its own
// invariant.
//
// Readers may share the object with other readers; a writer must have it to itself.
//   readers favoured (the book's solution): a reader waits only if a writer is inside now.
//     The first reader in locks writers out (P(&w)), the last reader out lets them in
//     (V(&w)). As long as readers keep overlapping, a writer can wait forever.
//   writers favoured: once a writer is waiting, no new reader may start. The first writer
//     to arrive locks readers out (P(&r)) and the last writer to leave lets them in. Now
//     it is the readers who can wait forever, if writers keep coming.
// Either way, starvation is possible: the two solutions only choose who may starve.
//
// The invariant "a writer never overlaps anyone" is checked, not assumed: every thread
// counts itself in and out of the critical section (under a separate semaphore that only
// guards the counters) and records a violation if it ever finds a writer together with
// anyone else. Writers also fill the whole shared array with one value; a reader that sees
// two different values read while a write was half done.
//
// Usage: readers_writers_check readers|writers [READERS WRITERS ITERS]   (default 4 2 2000)
// Prints the counts of reads and writes and "no overlap" (exit 0), or the violations
// (exit 1). 2: bad arguments.
#include "csapp.h"

#define NSLOTS 64 /* the shared object: an array a writer fills with one value */

/* The shared object and the semaphores of the solutions */
int object[NSLOTS];
int readcnt, writecnt; /* readers (writers) inside or waiting to get in */
sem_t mutex;           /* readers favoured: protects readcnt */
sem_t w;               /* held by a writer, or by the group of readers inside */
sem_t rmutex, wmutex;  /* writers favoured: protect readcnt, writecnt */
sem_t r;               /* writers favoured: held while any writer waits or writes */
sem_t rgate;           /* writers favoured: lets readers queue on r one at a time */

/* The self-check: who is inside the critical section right now */
sem_t check;                    /* protects the counters below */
int readers_in, writers_in;     /* threads inside the critical section */
long reads, writes, violations; /* totals */
int max_readers_in;             /* most readers inside at once (readers do share) */

int iters;
int writers_favoured;

static void enter(int is_writer) {
  P(&check);
  if (is_writer) {
    writers_in = writers_in + 1;
    if (writers_in != 1 || readers_in != 0) violations++;
    writes++;
  } else {
    readers_in = readers_in + 1;
    if (writers_in != 0) violations++;
    if (readers_in > max_readers_in) max_readers_in = readers_in;
    reads++;
  }
  V(&check);
}

static void leave(int is_writer) {
  P(&check);
  if (is_writer)
    writers_in = writers_in - 1;
  else
    readers_in = readers_in - 1;
  V(&check);
}

static void read_object(void) {
  enter(0);
  int first = object[0];
  for (int i = 1; i < NSLOTS; i++)
    if (object[i] != first) { /* a torn read: a writer was inside with us */
      P(&check);
      violations++;
      V(&check);
      break;
    }
  leave(0);
}

static void write_object(int value) {
  enter(1);
  for (int i = 0; i < NSLOTS; i++) object[i] = value;
  leave(1);
}

/* Readers favoured: the book's solution */
void* reader_rf(void* vargp) {
  (void)vargp;
  for (int k = 0; k < iters; k++) {
    P(&mutex);
    readcnt++;
    if (readcnt == 1) P(&w); /* first in: lock writers out */
    V(&mutex);

    read_object(); /* other readers may be here too */

    P(&mutex);
    readcnt--;
    if (readcnt == 0) V(&w); /* last out: let writers in */
    V(&mutex);
  }
  return NULL;
}

void* writer_rf(void* vargp) {
  long myid = (long)vargp;
  for (int k = 0; k < iters; k++) {
    P(&w);
    write_object((int)(myid * iters + k));
    V(&w);
  }
  return NULL;
}

/* Writers favoured */
void* reader_wf(void* vargp) {
  (void)vargp;
  for (int k = 0; k < iters; k++) {
    P(&rgate); /* at most one reader waits on r, so a writer's P(&r) gets in next */
    P(&r);     /* blocked while any writer waits or writes */
    P(&rmutex);
    readcnt++;
    if (readcnt == 1) P(&w); /* first reader in: lock writers out of the object */
    V(&rmutex);
    V(&r);
    V(&rgate);

    read_object();

    P(&rmutex);
    readcnt--;
    if (readcnt == 0) V(&w);
    V(&rmutex);
  }
  return NULL;
}

void* writer_wf(void* vargp) {
  long myid = (long)vargp;
  for (int k = 0; k < iters; k++) {
    P(&wmutex);
    writecnt++;
    if (writecnt == 1) P(&r); /* first writer waiting: no new reader may start */
    V(&wmutex);

    P(&w); /* one writer at a time, and none while readers are inside */
    write_object((int)(myid * iters + k));
    V(&w);

    P(&wmutex);
    writecnt--;
    if (writecnt == 0) V(&r); /* last writer gone: readers may start again */
    V(&wmutex);
  }
  return NULL;
}

static int count_arg(const char* s, int lo, int* out) {
  char* end = NULL;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > 100000000) return 0;
  *out = (int)v;
  return 1;
}

int main(int argc, char** argv) {
  int nreaders = 4, nwriters = 2;
  iters = 2000;
  int ok = (argc == 2 || argc == 5);
  if (ok) {
    writers_favoured = strcmp(argv[1], "writers") == 0;
    ok = writers_favoured || strcmp(argv[1], "readers") == 0;
  }
  if (ok && argc == 5)
    ok = count_arg(argv[2], 0, &nreaders) && count_arg(argv[3], 0, &nwriters) &&
         count_arg(argv[4], 1, &iters) && nreaders <= 1000 && nwriters <= 1000;
  if (!ok) {
    fprintf(stderr, "usage: %s readers|writers [READERS WRITERS ITERS]   (default 4 2 2000)\n",
            argv[0]);
    exit(2);
  }

  Sem_init(&mutex, 0, 1);
  Sem_init(&w, 0, 1);
  Sem_init(&rmutex, 0, 1);
  Sem_init(&wmutex, 0, 1);
  Sem_init(&r, 0, 1);
  Sem_init(&rgate, 0, 1);
  Sem_init(&check, 0, 1);

  int n = nreaders + nwriters;
  pthread_t* tid = Malloc((size_t)(n > 0 ? n : 1) * sizeof(pthread_t));
  for (long i = 0; i < n; i++) {
    void* (*routine)(void*);
    if (i < nreaders)
      routine = writers_favoured ? reader_wf : reader_rf;
    else
      routine = writers_favoured ? writer_wf : writer_rf;
    Pthread_create(&tid[i], NULL, routine, (void*)(i - nreaders));
  }
  for (int i = 0; i < n; i++) Pthread_join(tid[i], NULL);
  Free(tid);

  printf("%s favoured: %d readers, %d writers: %ld reads, %ld writes\n",
         writers_favoured ? "writers" : "readers", nreaders, nwriters, reads, writes);
  printf("most readers inside at once: %d\n", max_readers_in);
  if (violations != 0) {
    printf("OVERLAP: %ld violations\n", violations);
    exit(1);
  }
  printf("no overlap: a writer was never inside with anyone else\n");
  exit(0);
}
