// Tests of examples/12.6-parallelism: the three ways to sum 0..n-1 in parallel agree.
//
// Only the sums are asserted. The times they print are the point of the section, but a
// test cannot assert speed (two shared cores, sanitizers, other jobs): compare them by hand,
// or in bench/.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/programs.hpp"
#include "support/support.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.6-parallelism/";
const test_support::section_programs section(dir);
using test_support::lines_of;
using test_support::tolerate_intended_races;

// The sum a psum program printed (-1 if its output is not the documented two lines).
long printed_sum(const std::string& out, int threads, long n) {
  static const std::regex format(
      "sum = ([0-9]+) \\(expected ([0-9]+): OK\\)\n"
      "elapsed = [0-9]+\\.[0-9]{6} s \\(([0-9]+) threads, n = ([0-9]+)\\)\n");
  std::smatch m;
  if (!std::regex_match(out, m, format)) return -1;
  if (std::stol(m[3]) != threads || std::stol(m[4]) != n) return -1;
  return std::stol(m[1]);
}
}  // namespace

TEST_CASE("ex.psum the three programs agree on the sum and it is n(n-1)/2") {
  // 3 and 5 threads do not divide n: the remainder must not be lost; with n = 2 most threads
  // get nothing to do. 64 is the maximum.
  for (int log2n : {1, 10, 16}) {
    const long n = 1L << log2n;
    for (int threads : {1, 2, 3, 4, 5, 8, 64}) {
      for (const char* program : {"psum-mutex", "psum-array", "psum-local"}) {
        CAPTURE(program);
        CAPTURE(threads);
        CAPTURE(log2n);
        const auto result = section.run(program, {std::to_string(threads), std::to_string(log2n)});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());  // no error, no sanitizer report
        CHECK(printed_sum(result.out, threads, n) == n * (n - 1) / 2);
      }
    }
  }
}

TEST_CASE("ex.psum the lock-free versions agree on a larger n") {
  // psum-mutex pays a P and a V per number: it stays at the smaller sizes above.
  const int log2n = 20;
  const long n = 1L << log2n;
  for (const char* program : {"psum-array", "psum-local"}) {
    CAPTURE(program);
    const auto result = section.run(program, {"4", std::to_string(log2n)});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(printed_sum(result.out, 4, n) == n * (n - 1) / 2);
  }
}

TEST_CASE("ex.psum programs with bad arguments print usage and exit 2") {
  for (const char* program : {"psum-mutex", "psum-array", "psum-local"}) {
    section.check_usage(program, {});
    section.check_usage(program, {"4"});
    section.check_usage(program, {"0", "10"});
    section.check_usage(program, {"65", "10"});
    section.check_usage(program, {"4", "0"});
    section.check_usage(program, {"4", "33"});
    section.check_usage(program, {"four", "10"});
    section.check_usage(program, {"4", "10", "extra"});
  }
}
