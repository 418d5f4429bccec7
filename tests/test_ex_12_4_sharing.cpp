// Tests of examples/12.4-sharing: what the program says about each kind of variable.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/programs.hpp"
#include "support/support.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.4-sharing/";
const test_support::section_programs section(dir);
using test_support::lines_of;
using test_support::tolerate_intended_races;

}  // namespace

TEST_CASE("ex.sharing prints the documented output on every run") {
  // The peers take turns (a baton of semaphores), so the output does not depend on the
  // schedule; run it a few times to see that it really does not.
  const std::string expected =
      "[0]: Hello from foo (cnt=1)\n"
      "[1]: Hello from bar (cnt=2)\n"
      "global ptr: one instance, it points into main's stack (msgs)\n"
      "local myid: one instance per thread (different addresses)\n"
      "static cnt: one instance for all threads (same address)\n";
  for (int run = 0; run < 5; ++run) {
    CAPTURE(run);
    const auto result = section.run("sharing", {});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(result.out == expected);
  }
}

TEST_CASE("ex.sharing with an argument prints usage and exits 2") {
  section.check_usage("sharing", {"extra"});
}
