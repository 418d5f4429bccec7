// deadlock - ours, not a figure: two threads, two locks, taken in opposite orders (Section 12.7.5);
// and the same program obeying the lock-ordering rule, which cannot deadlock.
//
// Thread 0 takes mutex[0] then mutex[1]; thread 1 takes mutex[1] then mutex[0]. If each gets
// its first lock before the other gets its second, each waits for a lock the other holds and
// will never release: a deadlock. In the book's progress graph this is the point from which
// every path leads into the "deadlock region". Unlucky timing is all it takes, so the program
// here makes the timing unlucky on purpose: each thread, once it holds its first lock, waits
// until the other holds its own. The deadlock then happens on every run, not once in a while.
//
// Instead of hanging forever, each thread waits for its second lock with sem_timedwait. A wait
// that lasts TIMEOUT seconds is reported as "deadlock detected" (a timeout is how a deadlock
// looks from inside; with the forced schedule it is a certain one), and the threads give up.
//
// --ordered: both threads take mutex[0] before mutex[1] (the lock-ordering rule: give the
// locks a total order and have every thread acquire them in that order). Now the second
// thread waits for mutex[0] while holding nothing, so no cycle of waits can form. The
// forced schedule is impossible here for the same reason (the second thread cannot hold its
// first lock while the first thread holds it), so the threads just run NITERS rounds each
// under the same timed waits, which never fire.
//
// Usage: deadlock [--ordered]
// Exit status: 1 and "deadlock detected" when the threads deadlocked; 0 and "no deadlock"
// when they all finished; 2: bad arguments.
#include <time.h>

#include "csapp.h"

#define NITERS 100000 /* rounds per thread with --ordered */
#define TIMEOUT 2     /* seconds a thread waits for a lock before calling it a deadlock */

sem_t mutex[2];   /* the two locks, binary semaphores */
sem_t holding[2]; /* holding[i]: thread i holds its first lock (forces the deadlock) */
int ordered;      /* --ordered: both threads lock mutex[0] first */
long cnt;         /* updated under both locks */
int timed_out[2]; /* timed_out[i]: thread i gave up waiting for its second lock */

/* P with a deadline: 1 if the semaphore was taken, 0 if TIMEOUT seconds went by first */
static int P_timed(sem_t* s) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline); /* sem_timedwait's deadline is on this clock */
  deadline.tv_sec += TIMEOUT;
  while (sem_timedwait(s, &deadline) < 0) {
    if (errno == ETIMEDOUT) return 0;
    if (errno != EINTR) unix_error("sem_timedwait error");
  }
  return 1;
}

void* count(void* vargp) {
  int id = (int)(long)vargp;
  int first = ordered ? 0 : id; /* the lock this thread takes first */
  int second = 1 - first;
  int rounds = ordered ? NITERS : 1;
  for (int i = 0; i < rounds; i++) {
    P(&mutex[first]);
    if (!ordered) {
      V(&holding[id]);     /* "I hold my first lock" */
      P(&holding[1 - id]); /* wait until the other holds its first: the unlucky schedule */
    }
    if (!P_timed(&mutex[second])) {
      timed_out[id] = 1; /* the other thread holds it and is waiting for ours */
      V(&mutex[first]);  /* give up: this is what lets the program end */
      return NULL;
    }
    cnt++;
    V(&mutex[second]);
    V(&mutex[first]);
  }
  return NULL;
}

int main(int argc, char** argv) {
  ordered = argc == 2 && strcmp(argv[1], "--ordered") == 0;
  if (argc > 2 || (argc == 2 && !ordered)) {
    fprintf(stderr, "usage: %s [--ordered]\n", argv[0]);
    exit(2);
  }
  for (int i = 0; i < 2; i++) {
    Sem_init(&mutex[i], 0, 1);
    Sem_init(&holding[i], 0, 0);
  }
  printf("%s: thread 0 locks mutex[0] then mutex[1]; thread 1 locks mutex[%d] then mutex[%d]\n",
         ordered ? "ordered" : "opposite orders", ordered ? 0 : 1, ordered ? 1 : 0);
  fflush(stdout);

  pthread_t tid[2];
  for (long i = 0; i < 2; i++) Pthread_create(&tid[i], NULL, count, (void*)i);
  for (int i = 0; i < 2; i++) Pthread_join(tid[i], NULL);

  if (timed_out[0] || timed_out[1]) {
    for (int i = 0; i < 2; i++)
      if (timed_out[i])
        printf("thread %d held mutex[%d] and waited %d s for mutex[%d]\n", i, ordered ? 0 : i,
               TIMEOUT, ordered ? 1 : 1 - i);
    printf("deadlock detected\n");
    exit(1);
  }
  printf("no deadlock: cnt=%ld (2 threads x %d rounds)\n", cnt, ordered ? NITERS : 1);
  exit(0);
}
