// speedup - times matmul (your matmul.cpp) on an N x N product with 1, 2 and 4 threads, against
// the sequential loop of the starter, checks every product, and prints a markdown table. It is
// not one of the checks: a time depends on the machine and on whatever else runs on it.
//
//   speedup [N [ROUNDS]]    N x N matrices (default 512), each time the best of ROUNDS runs (3)
//
// Build it optimized (the grader's build is a debug build, whose times say little), from this
// folder; in the handout, the library is ../include instead of ../../include:
//   c++ -O2 -std=c++17 -pthread -I../../include -I. speedup.cpp matmul.cpp -o /tmp/speedup
//   /tmp/speedup
// Exit status: 0, 1 when a product was wrong, 2 on bad arguments.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "matmul.h"

namespace {

// The starter's loop: C = A x B, n x n, in the calling thread.
void sequential(const double* a, const double* b, double* c, int n) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double sum = 0.0;
      for (int k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
}

// The best of `rounds` runs of `work`, in seconds.
double best_of(int rounds, const std::function<void()>& work) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = r == 0 ? took : std::min(best, took);
  }
  return best;
}

int whole(const char* text, int low, int high) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && v >= low && v <= high ? static_cast<int>(v) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? whole(argv[1], 1, 4096) : 512;
  const int rounds = argc > 2 ? whole(argv[2], 1, 100) : 3;
  if (argc > 3 || n < 0 || rounds < 0) {
    std::fprintf(stderr, "usage: %s [N [ROUNDS]]   (N from 1 to 4096, ROUNDS from 1 to 100)\n", argv[0]);
    return 2;
  }
  const auto size = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  std::vector<double> a(size), b(size), want(size), c(size);
  for (std::size_t e = 0; e < size; ++e) {  // small whole numbers: every sum is exact
    a[e] = static_cast<double>(e * 7 % 9 + 1);
    b[e] = static_cast<double>(e * 5 % 7 + 1);
  }
  const double base = best_of(rounds, [&] { sequential(a.data(), b.data(), want.data(), n); });
  std::printf("%dx%d times %dx%d, best of %d %s, %ld CPUs online\n\n", n, n, n, n, rounds,
              rounds == 1 ? "run" : "runs", ::sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("| threads | time (ms) | speedup |\n|---|---:|---:|\n");
  std::printf("| sequential loop | %.1f | 1.00 |\n", base * 1e3);
  int wrong = 0;
  for (int threads : {1, 2, 4}) {
    std::fill(c.begin(), c.end(), -1.0);
    const double took = best_of(rounds, [&] { matmul(a.data(), b.data(), c.data(), n, n, n, threads); });
    const bool right = c == want;
    wrong += right ? 0 : 1;
    std::printf("| %d | %.1f | %.2f |%s\n", threads, took * 1e3, base / took, right ? "" : " WRONG PRODUCT");
  }
  if (wrong > 0) std::fprintf(stderr, "speedup: matmul gave a wrong product %d %s\n", wrong, wrong == 1 ? "time" : "times");
  return wrong > 0 ? 1 : 0;
}
