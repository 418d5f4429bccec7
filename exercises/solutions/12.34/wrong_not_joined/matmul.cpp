// Problem 12.34 - a typical wrong solution: creates the threads and returns without joining them,
// so the caller may read C before the threads have computed it.
// verdict: joined 0 of them
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

  pthread_t tid;
  struct block* blocks = Malloc(threads * sizeof(struct block)); /* never freed: who knows when */
  const int rows = n / threads, extra = n % threads;
  int first = 0;
  for (int t = 0; t < threads; t++) {
    const int count = rows + (t < extra ? 1 : 0);
    blocks[t] = {a, b, c, m, p, first, first + count};
    first += count;
    Pthread_create(&tid, NULL, multiply_rows, &blocks[t]);
  }
  /* returns at once: the threads finish "soon" */
}
