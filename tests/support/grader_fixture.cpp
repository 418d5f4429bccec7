// tests/support/grader_fixture.cpp - checks with known outcomes, for the grader's own tests
// (test_exercises.cpp): one passes, one names a mistake, one hangs, one crashes, and one has a
// name that doctest's test-case filter would split at its comma.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>

#include "exercise.hpp"

TEST_CASE("[2] passes") { CHECK(1 + 1 == 2); }

TEST_CASE("[3] names its mistake") {
  exercise::verdict("the parent never closes connfd: 3 descriptors before, 103 after");
}

TEST_CASE("[1] hangs") {
  for (;;) ::pause();
}

TEST_CASE("[1] crashes") { std::abort(); }

TEST_CASE("[4] passes, with a comma and a * in its name") { CHECK(true); }

TEST_CASE("a helper without points is not a check") { CHECK(false); }
