// Tests of examples/12.4-sharing: what the program says about each kind of variable.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/support.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.4-sharing/";

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
    const auto result = run_program("sharing", {});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(result.out == expected);
  }
}

TEST_CASE("ex.sharing with an argument prints usage and exits 2") {
  check_usage("sharing", {"extra"});
}
