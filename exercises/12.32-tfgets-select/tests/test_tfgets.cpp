// Problem 12.32's checks: tfgets with select.
//
// The checks every tfgets gets (a line in time, long lines, end of file, the timeout, nothing
// left behind) are in support/tfgets_checks.hpp; the one here is about the method.
#include "tfgets_checks.hpp"

using namespace std::chrono_literals;

TEST_CASE("[3] tfgets waits in select itself: no other thread or process") {
  tfgets_check::caller c;
  c.start(100);
  c.sleeping();
  const int threads = c.threads();
  const auto children = c.children();
  c.write("a line\n");
  const auto r = tfgets_check::expect_line(c, "a line\n", "a line written while tfgets waited");
  if (!r) return;
  if (!exercise::expect(r->selects > 0,
                        "tfgets never called select: the problem asks it to wait for the "
                        "stream's descriptor with select, with a 5 s timeout"))
    return;
  if (!exercise::expect(children.empty(),
                        "while tfgets waited, the calling process had a child process: "
                        "with select, tfgets does the waiting itself"))
    return;
  exercise::expect(threads <= c.baseline_threads(),
                   "while tfgets waited, the calling process had " +
                       std::to_string(threads - c.baseline_threads()) +
                       " more thread(s): with select, tfgets does the waiting itself");
}
