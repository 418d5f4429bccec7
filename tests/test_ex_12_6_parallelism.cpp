// Tests of examples/12.6-parallelism: the three ways to sum 0..n-1 in parallel agree.
//
// Only the sums are asserted. The times they print are the point of the section, but a
// test cannot assert speed (two shared cores, sanitizers, other jobs): compare them by hand,
// or in bench/.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/support.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.6-parallelism/";

// Runs one of this section's programs to completion (bounded by run_in_child's limit) and
// captures its stdout, stderr and exit status. A local helper: spawned (support/spawn.hpp)
// leaves stderr to the test log, and these checks read the usage message.
test_support::child_result run_program(const std::string& name,
                                       const std::vector<std::string>& args) {
  const std::string path = dir + name;
  return test_support::run_in_child([&] {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);  // nothing of the test's leaks into it
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  });
}

// Bad arguments: a usage line on stderr, nothing on stdout, exit status 2.
void check_usage(const std::string& name, const std::vector<std::string>& args) {
  CAPTURE(name);
  CAPTURE(args.size());
  const auto result = run_program(name, args);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("usage: ") != std::string::npos);
  CHECK(result.out.empty());
}

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
        const auto result = run_program(program, {std::to_string(threads), std::to_string(log2n)});
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
    const auto result = run_program(program, {"4", std::to_string(log2n)});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(printed_sum(result.out, 4, n) == n * (n - 1) / 2);
  }
}

TEST_CASE("ex.psum programs with bad arguments print usage and exit 2") {
  for (const char* program : {"psum-mutex", "psum-array", "psum-local"}) {
    check_usage(program, {});
    check_usage(program, {"4"});
    check_usage(program, {"0", "10"});
    check_usage(program, {"65", "10"});
    check_usage(program, {"4", "0"});
    check_usage(program, {"4", "33"});
    check_usage(program, {"four", "10"});
    check_usage(program, {"4", "10", "extra"});
  }
}
