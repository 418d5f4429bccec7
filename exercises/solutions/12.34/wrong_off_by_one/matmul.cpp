// Problem 12.34 - a typical wrong solution: n / threads rows per thread, rounded down, so when n
// is not a multiple of the thread count the last n % threads rows are never computed.
// verdict: computed by no thread
#include "matmul.h"
#include "csapp.h"

/* What one thread computes: rows first..last-1 of C */
struct block {
  const double *a, *b; /* A (n x m) and B (m x p) */
  double* c;           /* C (n x p) */
  int m, p;
  int first, last;
};

static void* multiply_rows(void* vargp) {
  struct block* blk = static_cast<struct block*>(vargp);
  const int m = blk->m, p = blk->p;
  for (int i = blk->first; i < blk->last; i++)
    for (int j = 0; j < p; j++) {
      double sum = 0.0;
      for (int k = 0; k < m; k++) sum += blk->a[i * m + k] * blk->b[k * p + j];
      blk->c[i * p + j] = sum;
    }
  return NULL;
}

void matmul(const double* a, const double* b, double* c, int n, int m, int p, int threads) {
  if (threads < 1) threads = 1;
  if (threads > n) threads = n; /* a thread with no row would only cost its creation */

  pthread_t* tids = Malloc(threads * sizeof(pthread_t));
  struct block* blocks = Malloc(threads * sizeof(struct block)); /* one each: see the hints */
  const int rows = n / threads; /* rounds down: n % threads rows are left to nobody */
  for (int t = 0; t < threads; t++) {
    blocks[t] = {a, b, c, m, p, t * rows, (t + 1) * rows};
    Pthread_create(&tids[t], NULL, multiply_rows, &blocks[t]);
  }
  for (int t = 0; t < threads; t++) Pthread_join(tids[t], NULL);
  Free(blocks);
  Free(tids);
}
