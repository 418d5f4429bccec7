// Problem 12.33's checks: tfgets with threads.
//
// The checks every tfgets gets (a line in time, long lines, end of file, the timeout, nothing
// left behind: threads still running or never joined) are in support/tfgets_checks.hpp; the one
// here is about the method.
#include "tfgets_checks.hpp"

using namespace std::chrono_literals;

TEST_CASE("[3] while tfgets waits, another thread is at work; no other process") {
  tfgets_check::caller c;
  c.start(100);
  // While tfgets waits, a thread of its own is there (reading, or keeping the time).
  const bool thread =
      c.sleeping() && exercise::wait_until([&] { return c.threads() > c.baseline_threads(); }, 3s);
  const auto children = c.children();
  c.write("a line\n");
  const auto r = tfgets_check::expect_line(c, "a line\n", "a line written while tfgets waited");
  if (!r) return;
  if (!exercise::expect(thread && r->created > 0,
                        "while tfgets waited, the calling process had no other thread (" +
                            std::to_string(r->created) +
                            " created): the problem asks for a thread "
                            "that reads the line while tfgets waits at most 5 s for it"))
    return;
  exercise::expect(children.empty(),
                   "while tfgets waited, the calling process had a child process: the "
                   "problem asks for threads, not processes");
}
