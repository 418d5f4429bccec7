// Problem 12.34 - starter: the sequential product, computed by the calling thread alone; it
// ignores `threads`. Spread the rows of C over threads; README.md says what the checks expect.
#include "matmul.h"
#include "csapp.h"

void matmul(const double* a, const double* b, double* c, int n, int m, int p, int /* threads */) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < p; j++) {
      double sum = 0.0;
      for (int k = 0; k < m; k++) sum += a[i * m + k] * b[k * p + j];
      c[i * p + j] = sum;
    }
}
