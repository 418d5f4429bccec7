// Problem 12.31's checks: tfgets with a timer process, a signal and a nonlocal jump.
//
// The checks every tfgets gets (a line in time, long lines, end of file, the timeout, nothing
// left behind) are in support/tfgets_checks.hpp; the one here is about the method.
#include "tfgets_checks.hpp"

using namespace std::chrono_literals;

TEST_CASE("[3] the timer is a child process that signals tfgets; alarm is never called") {
  tfgets_check::caller c;
  c.start(100);
  // While tfgets waits, its timer is there: a child of the calling process.
  const bool timer =
      c.sleeping() && exercise::wait_until([&] { return !c.children().empty(); }, 3s);
  c.write("a line\n");
  const auto r = tfgets_check::expect_line(c, "a line\n", "a line written while tfgets waited");
  if (!r) return;
  if (!exercise::expect(r->alarms == 0,
                        "tfgets called alarm (" + exercise::times(r->alarms) +
                            "), which the problem rules out: the signal must come from a "
                            "child process that sleeps 5 s"))
    return;
  exercise::expect(
      timer,
      "while tfgets waited, the calling process had no child process: the timer must be a "
      "child that sleeps 5 s and then signals its parent");
}
