// rand_threads - ours, not a figure: the C library's rand and rand_r (Section 12.7.1-2,
// Figures 12.37 and 12.39: rand.cpp, rand_r.cpp) called from several threads at once.
//
// rand's next number is computed from a seed it keeps in a static variable from one call to
// the next, shared by every thread in the process. The sequence that srand(1) promises is
// one sequence for the whole process, so when threads call rand at the same time
// each gets a part of it that depends on how they happened to interleave; no thread can
// reproduce its numbers. (The book's rand has no lock at all, and racing threads can also
// corrupt the seed; glibc puts a lock around it, which prevents that but not the
// interleaving.) Making rand thread-safe needs a change of interface: rand_r takes the seed
// as an argument, so each caller keeps its own. A function that uses no shared data at all is
// reentrant: it gives the same results however many threads call it and however they
// interleave.
//
// Usage: rand_threads [THREADS [COUNT]]   (default 4 threads, 1000 numbers each)
// The rand_r lines are the same on every run; the rand line may change. Exit 0 when every
// thread's rand_r numbers matched the sequence of its seed computed alone, else 1.
// 2: bad arguments.
#include "csapp.h"

#define MAXTHREADS 64

long nthreads, count;
unsigned long checksum_r[MAXTHREADS]; /* what each thread got from rand_r */
int first_r[MAXTHREADS][3];           /* its first three numbers */
int* got_rand[MAXTHREADS];            /* what each thread got from rand */

/* The sequence a seed gives, computed by one thread alone */
static unsigned long sequence(unsigned int seed, int* first3) {
  unsigned long sum = 0;
  for (long k = 0; k < count; k++) {
    int v = rand_r(&seed);
    if (k < 3 && first3 != NULL) first3[k] = v;
    sum = sum * 31 + (unsigned long)v;
  }
  return sum;
}

void* thread_r(void* vargp) {
  long id = (long)vargp;
  unsigned int seed = (unsigned int)id + 1; /* this thread's own state: a local */
  unsigned long sum = 0;
  for (long k = 0; k < count; k++) {
    int v = rand_r(&seed);
    if (k < 3) first_r[id][k] = v;
    sum = sum * 31 + (unsigned long)v;
  }
  checksum_r[id] = sum;
  return NULL;
}

void* thread_rand(void* vargp) {
  long id = (long)vargp;
  for (long k = 0; k < count; k++) got_rand[id][k] = rand(); /* the shared hidden seed */
  return NULL;
}

int main(int argc, char** argv) {
  char *end1 = NULL, *end2 = NULL;
  nthreads = 4;
  count = 1000;
  if (argc >= 2) nthreads = strtol(argv[1], &end1, 10);
  if (argc >= 3) count = strtol(argv[2], &end2, 10);
  if (argc > 3 || (argc >= 2 && (*end1 != '\0' || nthreads < 1 || nthreads > MAXTHREADS)) ||
      (argc >= 3 && (*end2 != '\0' || count < 3 || count > 10000000))) {
    fprintf(stderr,
            "usage: %s [THREADS [COUNT]]   (THREADS 1..%d, default 4; COUNT >= 3, default 1000)\n",
            argv[0], MAXTHREADS);
    exit(2);
  }
  pthread_t tid[MAXTHREADS];

  // rand_r: each thread its own seed, all running at once.
  for (long i = 0; i < nthreads; i++) Pthread_create(&tid[i], NULL, thread_r, (void*)i);
  for (long i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  int all_same = 1;
  for (long i = 0; i < nthreads; i++) {
    int alone[3];
    int same = sequence((unsigned int)i + 1, alone) == checksum_r[i] &&
               memcmp(alone, first_r[i], sizeof alone) == 0;
    all_same = all_same && same;
    printf("rand_r thread %ld (seed %ld): %d %d %d ... checksum %lu: %s\n", i, i + 1, first_r[i][0],
           first_r[i][1], first_r[i][2], checksum_r[i],
           same ? "same as alone" : "DIFFERENT from alone");
  }

  // rand: one hidden seed for everybody. Alone after srand(1), a thread would get the first
  // COUNT numbers of the sequence; how many threads still do?
  int* alone = Malloc((size_t)count * sizeof(int));
  srand(1);
  for (long k = 0; k < count; k++) alone[k] = rand();
  srand(1);
  for (long i = 0; i < nthreads; i++) got_rand[i] = Malloc((size_t)count * sizeof(int));
  for (long i = 0; i < nthreads; i++) Pthread_create(&tid[i], NULL, thread_rand, (void*)i);
  for (long i = 0; i < nthreads; i++) Pthread_join(tid[i], NULL);
  int reproduced = 0;
  for (long i = 0; i < nthreads; i++) {
    if (memcmp(got_rand[i], alone, (size_t)count * sizeof(int)) == 0) reproduced++;
    Free(got_rand[i]);
  }
  Free(alone);
  printf(
      "rand (one seed shared by %ld threads): %d of them got the numbers srand(1) gives "
      "a thread alone\n",
      nthreads, reproduced);
  printf("rand_r: %s\n", all_same ? "every thread got its seed's own sequence"
                                  : "WRONG: a thread's sequence changed");
  exit(all_same ? 0 : 1);
}
