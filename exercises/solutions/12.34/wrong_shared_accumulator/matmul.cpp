// Problem 12.34 - a typical wrong solution: the threads split the terms of each dot product, not
// the rows, and all add into C, unsynchronized: two threads updating the same element at once
// lose one of the updates.
// verdict: wrote every element of C
#include "matmul.h"
#include "csapp.h"

/* What one thread computes: its share (terms first..last-1) of every dot product */
struct block {
  const double *a, *b; /* A (n x m) and B (m x p) */
  double* c;           /* C (n x p) */
  int n, m, p;
  int first, last;
};

static void* multiply_rows(void* vargp) {
  struct block* blk = static_cast<struct block*>(vargp);
  const int n = blk->n, m = blk->m, p = blk->p;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < p; j++)
      for (int k = blk->first; k < blk->last; k++)
        blk->c[i * p + j] +=
            blk->a[i * m + k] * blk->b[k * p + j]; /* C is the shared accumulator */
  return NULL;
}

void matmul(const double* a, const double* b, double* c, int n, int m, int p, int threads) {
  if (threads < 1) threads = 1;
  if (threads > n) threads = n; /* a thread with no row would only cost its creation */

  pthread_t* tids = Malloc(threads * sizeof(pthread_t));
  struct block* blocks = Malloc(threads * sizeof(struct block)); /* one each: see the hints */
  for (int e = 0; e < n * p; e++) c[e] = 0.0;
  const int terms = m / threads, extra = m % threads;
  int first = 0;
  for (int t = 0; t < threads; t++) {
    const int count = terms + (t < extra ? 1 : 0);
    blocks[t] = {a, b, c, n, m, p, first, first + count};
    first += count;
    Pthread_create(&tids[t], NULL, multiply_rows, &blocks[t]);
  }
  for (int t = 0; t < threads; t++) Pthread_join(tids[t], NULL);
  Free(blocks);
  Free(tids);
}
