// speedup - times matmul (your matmul.cpp) on an N x N product with 1, 2 and 4 threads, against
// the sequential loop of the starter, checks every product, and prints a markdown table. It is
// not one of the checks: a time depends on the machine and on whatever else runs on it.
//
//   speedup [N [ROUNDS]]    N x N matrices (default 512), each time the best of ROUNDS runs (5)
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

// Seconds `work` takes.
double seconds(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int whole(const char* text, int low, int high) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && v >= low && v <= high ? static_cast<int>(v) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? whole(argv[1], 1, 4096) : 512;
  const int rounds = argc > 2 ? whole(argv[2], 1, 100) : 5;
  if (argc > 3 || n < 0 || rounds < 0) {
    std::fprintf(stderr, "usage: %s [N [ROUNDS]]   (N from 1 to 4096, ROUNDS from 1 to 100)\n",
                 argv[0]);
    return 2;
  }
  const auto size = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  std::vector<double> a(size), b(size), want(size), c(size);
  for (std::size_t e = 0; e < size; ++e) {  // small whole numbers: every sum is exact
    a[e] = static_cast<double>(e * 7 % 9 + 1);
    b[e] = static_cast<double>(e * 5 % 7 + 1);
  }
  // Rounds go over every contender in turn, so that a burst of other work on the machine
  // slows them all, not one; each keeps its best time.
  const std::vector<int> thread_counts = {1, 2, 4};
  std::vector<double> best(thread_counts.size() + 1, 0.0);  // [0]: the sequential loop
  int wrong = 0;
  for (int r = 0; r < rounds; ++r) {
    const double base = seconds([&] { sequential(a.data(), b.data(), want.data(), n); });
    best[0] = r == 0 ? base : std::min(best[0], base);
    for (std::size_t t = 0; t < thread_counts.size(); ++t) {
      std::fill(c.begin(), c.end(), -1.0);
      const double took =
          seconds([&] { matmul(a.data(), b.data(), c.data(), n, n, n, thread_counts[t]); });
      best[t + 1] = r == 0 ? took : std::min(best[t + 1], took);
      if (c != want) {
        std::fprintf(stderr, "speedup: matmul with %d threads gave a wrong product\n",
                     thread_counts[t]);
        ++wrong;
      }
    }
  }
  std::printf("%dx%d times %dx%d, best of %d %s, %ld CPUs online\n\n", n, n, n, n, rounds,
              rounds == 1 ? "run" : "runs", ::sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("| threads | time (ms) | speedup |\n|---|---:|---:|\n");
  std::printf("| sequential loop | %.1f | 1.00 |\n", best[0] * 1e3);
  for (std::size_t t = 0; t < thread_counts.size(); ++t)
    std::printf("| %d | %.1f | %.2f |\n", thread_counts[t], best[t + 1] * 1e3,
                best[0] / best[t + 1]);
  return wrong > 0 ? 1 : 0;
}
