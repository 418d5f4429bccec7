// tests/support/grader_fixture.cpp - checks with known outcomes, for the grader's own tests
// (test_exercises.cpp): one passes, one names a mistake, one hangs, one crashes, one has a
// name that doctest's test-case filter would split at its comma, and two are stretch checks
// ("[+N]"), one passing and one naming a mistake.
//
// With EXERCISE_PROGRAMS=full-marks (the manifest's programs field) every regular check passes,
// so the grader's tests can show that a lost stretch check leaves the exit status at 0.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "exercise.hpp"

namespace {
bool full_marks() {
  const char* mode = std::getenv("EXERCISE_PROGRAMS");
  return mode != nullptr && std::strcmp(mode, "full-marks") == 0;
}
}  // namespace

TEST_CASE("[2] passes") { CHECK(1 + 1 == 2); }

TEST_CASE("[3] names its mistake") {
  if (full_marks()) return;
  exercise::verdict("the parent never closes connfd: 3 descriptors before, 103 after");
}

TEST_CASE("[1] hangs") {
  if (full_marks()) return;
  for (;;) ::pause();
}

TEST_CASE("[1] crashes") {
  if (full_marks()) return;
  std::abort();
}

TEST_CASE("[4] passes, with a comma and a * in its name") { CHECK(true); }

TEST_CASE("[+2] a stretch check that passes") { CHECK(true); }

TEST_CASE("[+3] a stretch check that names its mistake") {
  exercise::verdict("the cache never evicts: the oldest answer was still a hit");
}

TEST_CASE("a helper without points is not a check") { CHECK(false); }
