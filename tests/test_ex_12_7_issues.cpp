// Tests of examples/12.7-issues: thread-unsafe functions and their fixes, a race and its
// fix, and a deadlock that is detected instead of hanging.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>

#include "support/programs.hpp"
#include "support/support.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.7-issues/";
const test_support::section_programs section(dir);
using test_support::lines_of;
using test_support::tolerate_intended_races;

// The ids in "Hello from thread K" lines, in order; other lines go to `rest`.
std::vector<int> hello_ids(const std::string& out, std::vector<std::string>& rest) {
  static const std::regex hello("Hello from thread (-?[0-9]+)");
  std::vector<int> ids;
  for (const auto& line : lines_of(out)) {
    std::smatch m;
    if (std::regex_match(line, m, hello))
      ids.push_back(std::stoi(m[1]));
    else
      rest.push_back(line);
  }
  return ids;
}
}  // namespace

TEST_CASE("ex.rand (Figure 12.37) prints the first three numbers of its sequence for seed 100") {
  // Computed here from the recurrence: the figure's constants, not the C library's rand.
  unsigned seed = 100;
  std::string expected;
  for (int k = 0; k < 3; ++k) {
    seed = seed * 1103515245U + 12543U;
    expected += std::to_string((seed >> 16) % 32768) + "\n";
  }
  const auto result = section.run("rand", {});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(result.out == expected);
}

TEST_CASE("ex.rand_r (Figure 12.39) prints the first three numbers of its sequence for seed 1") {
  unsigned next = 1;
  std::string expected;
  for (int k = 0; k < 3; ++k) {
    next = next * 1103515245U + 12345U;
    expected += std::to_string((next / 65536) % 32768) + "\n";
  }
  const auto result = section.run("rand_r", {});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(result.out == expected);
}

TEST_CASE("ex.rand_threads rand_r gives each thread its seed's sequence, the same on every run") {
  // The rand_r lines are deterministic whatever the interleaving; the rand line is not.
  std::vector<std::string> first_run;
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    const auto result = section.run("rand_threads", {"8", "2000"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    std::vector<std::string> rand_r_lines;
    int rand_lines = 0;
    for (const auto& line : lines_of(result.out)) {
      if (line.rfind("rand_r", 0) == 0) rand_r_lines.push_back(line);
      if (line.rfind("rand (", 0) == 0) ++rand_lines;
    }
    REQUIRE(rand_r_lines.size() == 9);  // one per thread and the verdict
    for (std::size_t i = 0; i < 8; ++i) {
      CAPTURE(rand_r_lines[i]);
      CHECK(rand_r_lines[i].rfind(
                "rand_r thread " + std::to_string(i) + " (seed " + std::to_string(i + 1) + "): ",
                0) == 0);
      CHECK(rand_r_lines[i].find(": same as alone") != std::string::npos);
    }
    CHECK(rand_r_lines[8] == "rand_r: every thread got its seed's own sequence");
    CHECK(rand_lines == 1);
    if (run == 0)
      first_run = rand_r_lines;
    else
      CHECK(rand_r_lines == first_run);
  }
}

TEST_CASE("ex.ctime_ts (Figure 12.38) prints the current time as ctime does") {
  const time_t before = ::time(nullptr);
  const auto result = section.run("ctime_ts", {});
  const time_t after = ::time(nullptr);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  // The same time zone as the program (the test's environment): one of these seconds.
  bool matched = false;
  for (time_t t = before; t <= after && !matched; ++t) {
    char buf[64];
    matched = result.out == ::ctime_r(&t, buf);
  }
  CAPTURE(result.out);
  CHECK(matched);
}

TEST_CASE("ex.ctime_ts_threads every call gets its own thread's time") {
  const auto result = section.run("ctime_ts_threads", {"4", "2000"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(lines_of(result.out) == std::vector<std::string>{
                                    "thread 0: Thu Jan  1 00:00:00 1970",
                                    "thread 1: Fri Jan  2 00:00:00 1970",
                                    "thread 2: Sat Jan  3 00:00:00 1970",
                                    "thread 3: Sun Jan  4 00:00:00 1970",
                                    "every call got its own time (4 threads x 2000 calls)",
                                });
}

TEST_CASE("ex.norace every thread gets its own id, 0..N-1 exactly once") {
  for (int n : {1, 4, 50, 200}) {
    for (int run = 0; run < 3; ++run) {
      CAPTURE(n);
      CAPTURE(run);
      const auto result = section.run("norace", {std::to_string(n)});
      CHECK(result.exit_code == 0);
      CHECK(result.err.empty());  // no error, no sanitizer report
      std::vector<std::string> rest;
      std::vector<int> ids = hello_ids(result.out, rest);
      std::sort(ids.begin(), ids.end());
      std::vector<int> expected(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = i;
      CHECK(ids == expected);
      CHECK(rest.empty());  // nothing but the threads' lines
    }
  }
}

TEST_CASE("ex.race runs to completion with well-formed output") {
  // Not asserted: that an id comes out wrong. It depends on the schedule, and often every
  // id is right; that is what makes the bug dangerous, and why norace is the fix.
  tolerate_intended_races guard;
  const int n = 50;
  const auto result = section.run("race", {std::to_string(n)});
  CHECK(result.exit_code == 0);
  std::vector<std::string> rest;
  const std::vector<int> ids = hello_ids(result.out, rest);
  CHECK(ids.size() == static_cast<std::size_t>(n));  // every thread ran and printed
  for (int id : ids) {
    CHECK(id >= 0);
    CHECK(id <= n);  // whatever main's i held when the thread read it
  }
  CHECK(rest.empty());  // nothing but the threads' lines (no sanitizer output on stdout)
}

TEST_CASE("ex.deadlock opposite lock orders: the deadlock is reported and the program exits 1") {
  // The program forces the unlucky schedule, so the deadlock happens on every run; each
  // thread waits for its second lock at most 2 s. run_program's bound (10 s) would catch a
  // hang.
  const auto result = section.run("deadlock", {});
  CHECK(result.exit_code == 1);
  CHECK(result.err.empty());  // no error, no sanitizer report
  const auto lines = lines_of(result.out);
  REQUIRE(!lines.empty());
  CHECK(lines.front().rfind("opposite orders: ", 0) == 0);
  CHECK(lines.back() == "deadlock detected");
  // Between them, one line per thread that timed out holding its first lock: at least one
  // (once it gives up, the other may get through).
  const std::set<std::string> timeouts = {"thread 0 held mutex[0] and waited 2 s for mutex[1]",
                                          "thread 1 held mutex[1] and waited 2 s for mutex[0]"};
  CHECK(lines.size() >= 3);
  CHECK(lines.size() <= 4);
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    CAPTURE(lines[i]);
    CHECK(timeouts.count(lines[i]) == 1);
  }
}

TEST_CASE("ex.deadlock --ordered: the lock-ordering rule never deadlocks") {
  const auto result = section.run("deadlock", {"--ordered"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(lines_of(result.out) ==
        std::vector<std::string>{
            "ordered: thread 0 locks mutex[0] then mutex[1]; thread 1 locks mutex[0] then "
            "mutex[1]",
            "no deadlock: cnt=200000 (2 threads x 100000 rounds)"});
}

TEST_CASE("ex.12.7 programs with bad arguments print usage and exit 2") {
  section.check_usage("rand_threads", {"0"});
  section.check_usage("rand_threads", {"4", "2"});
  section.check_usage("rand_threads", {"x"});
  section.check_usage("rand_threads", {"4", "10", "extra"});
  section.check_usage("ctime_ts_threads", {"0"});
  section.check_usage("ctime_ts_threads", {"65"});
  section.check_usage("ctime_ts_threads", {"4", "0"});
  section.check_usage("ctime_ts_threads", {"4", "10", "extra"});
  section.check_usage("race", {"0"});
  section.check_usage("race", {"1001"});
  section.check_usage("race", {"4", "4"});
  section.check_usage("norace", {"0"});
  section.check_usage("norace", {"abc"});
  section.check_usage("norace", {"4", "4"});
  section.check_usage("deadlock", {"--unordered"});
  section.check_usage("deadlock", {"--ordered", "extra"});
}
