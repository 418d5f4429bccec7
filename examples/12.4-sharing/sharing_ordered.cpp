// sharing_ordered - ours, not a figure: Figure 12.15's sharing (conc/sharing.c) with the peers
// taking turns through a baton of semaphores (Section 12.5), so the output is the same on
// every run, and main checking from the addresses which variables were shared.
//
// Usage: sharing_ordered   (no arguments)
#include "csapp.h"

#define N 2

char** ptr; /* global: one instance, seen by every thread */

static sem_t turn[N + 1]; /* turn[i]: thread i may print; turn[N]: everyone has printed */
static int* myid_at[N];   /* where each thread's local myid lives, for main to compare */
static int* cnt_at[N];    /* where each thread sees the static cnt */

void* thread(void* vargp) {
  int myid = (int)(long)vargp; /* local: one instance per thread, on that thread's stack */
  static int cnt = 0;          /* static local: one instance, shared by all peers */

  P(&turn[myid]); /* our turn: the baton also makes the update of cnt race-free */
  cnt = cnt + 1;
  // ptr points into main's stack: a peer reads main's local msgs[] through it.
  printf("[%d]: %s (cnt=%d)\n", myid, ptr[myid], cnt);
  myid_at[myid] = &myid;
  cnt_at[myid] = &cnt;
  V(&turn[myid + 1]); /* pass the baton */

  // Stay alive until every peer has printed: were this thread gone, its stack could be
  // reused for the next one and two myids could show the same address.
  P(&turn[N]);
  V(&turn[N]);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 1) {
    fprintf(stderr, "usage: %s   (no arguments)\n", argv[0]);
    exit(2);
  }
  pthread_t tid[N];
  char* msgs[N] = {/* local to main, on main's stack */
                   (char*)"Hello from foo", (char*)"Hello from bar"};

  ptr = msgs;
  for (int i = 0; i <= N; i++) Sem_init(&turn[i], 0, i == 0 ? 1 : 0);
  for (long i = 0; i < N; i++) Pthread_create(&tid[i], NULL, thread, (void*)i);
  for (int i = 0; i < N; i++) Pthread_join(tid[i], NULL);

  // What the addresses say (the addresses themselves change from run to run).
  int distinct_myids = 1;
  for (int i = 1; i < N; i++)
    if (myid_at[i] == myid_at[0]) distinct_myids = 0;
  int one_cnt = 1;
  for (int i = 1; i < N; i++)
    if (cnt_at[i] != cnt_at[0]) one_cnt = 0;
  printf("global ptr: one instance, it points into main's stack (msgs)\n");
  printf("local myid: %s\n",
         distinct_myids ? "one instance per thread (different addresses)" : "SHARED (unexpected)");
  printf("static cnt: %s\n",
         one_cnt ? "one instance for all threads (same address)" : "NOT SHARED (unexpected)");
  exit(distinct_myids && one_cnt ? 0 : 1);
}
