// Problem 12.19's checks: readers-writers with strong reader priority.
//
// Real reader and writer threads, told one at a time when to enter and when to leave
// (support/rw_harness.hpp); after each step, once every thread is inside or blocked, who is
// inside is compared with the rule. Writers may starve under this policy, so no check asks
// for a writer to get in while readers keep coming.
#include "rw.h"
#include "rw_harness.hpp"

namespace {

rw::functions submission() { return {reader_enter, reader_exit, writer_enter, writer_exit}; }

}  // namespace

TEST_CASE("[3] readers share; a writer is alone, and waits for whoever is inside") {
  rw_init();
  rw::harness h(submission());
  rw::readers_share_writers_alone(h);
}

TEST_CASE("[3] a reader never waits for a writer that is only waiting") {
  rw_init();
  rw::harness h(submission());
  rw::actor& r1 = h.reader(1);
  rw::actor& r2 = h.reader(2);
  rw::actor& r3 = h.reader(3);
  rw::actor& w1 = h.writer(1);
  rw::actor& w2 = h.writer(2);
  const std::string rule =
      "with strong reader priority a reader waits only for a writer that is inside, never for one "
      "that is waiting";
  if (!h.arrive(r1, {r1}, "with nobody inside, a reader gets in")) return;
  if (!h.arrive(w1, {r1}, "a writer must wait while a reader is inside")) return;
  if (!h.arrive(r2, {r1, r2}, rule)) return;
  if (!h.arrive(w2, {r1, r2}, "a writer must wait while readers are inside")) return;
  if (!h.arrive(r3, {r1, r2, r3}, rule)) return;
  if (!h.leave(r1, {r2, r3}, "writers must wait until the last reader has left")) return;
  if (!h.leave(r2, {r3}, "writers must wait until the last reader has left")) return;
  if (!h.leave(r3)) return;
  exercise::expect(
      h.is_inside(w1) || h.is_inside(w2),
      "the last reader left while writer 1 and writer 2 were waiting, and neither got in");
  h.drain();
}

TEST_CASE("[4] when a writer leaves, waiting readers go before waiting writers") {
  rw_init();
  rw::harness h(submission());
  rw::actor& r1 = h.reader(1);
  rw::actor& r2 = h.reader(2);
  rw::actor& r3 = h.reader(3);
  rw::actor& w1 = h.writer(1);
  rw::actor& w2 = h.writer(2);
  if (!h.arrive(w1, {w1}, "with nobody inside, a writer gets in")) return;
  // Writer 2 waits first: it is next in line, and still the readers must go ahead of it.
  if (!h.arrive(w2, {w1}, "a writer must wait while another writer is inside")) return;
  if (!h.arrive(r1, {w1}, "a reader must wait while a writer is inside")) return;
  if (!h.arrive(r2, {w1}, "a reader must wait while a writer is inside")) return;
  if (!h.leave(w1, {r1, r2},
               "with strong reader priority, waiting readers go before a waiting writer, even one "
               "that has waited longer"))
    return;
  if (!h.arrive(
          r3, {r1, r2, r3},
          "with strong reader priority a reader waits only for a writer that is inside, never "
          "for one that is waiting"))
    return;
  if (!h.leave(r1, {r2, r3}, "writers must wait until the last reader has left")) return;
  if (!h.leave(r2, {r3}, "writers must wait until the last reader has left")) return;
  if (!h.leave(r3, {w2}, "once the last reader has left, the waiting writer gets in")) return;
  h.leave(w2, {}, "the last one out leaves nobody inside");
}

TEST_CASE("[2] many readers and writers at once: nobody overlaps a writer, and all finish") {
  rw_init();
  rw::free_run(submission(), 4, 2, 200);
}
