// Problem 12.21's checks: readers-writers with writers favoured.
//
// Real reader and writer threads, told one at a time when to enter and when to leave
// (support/rw_harness.hpp); after each step, once every thread is inside or blocked, who is
// inside is compared with the rule. Readers may starve under this policy, so no check asks for
// a reader to get in while writers keep coming.
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

TEST_CASE("[3] once a writer is waiting, no new reader starts") {
  rw_init();
  rw::harness h(submission());
  rw::actor& r1 = h.reader(1);
  rw::actor& r2 = h.reader(2);
  rw::actor& r3 = h.reader(3);
  rw::actor& w1 = h.writer(1);
  const std::string rule = "once a writer is waiting, no new reader may start (writers favoured)";
  if (!h.arrive(r1, {r1}, "with nobody inside, a reader gets in")) return;
  if (!h.arrive(w1, {r1}, "a writer must wait while a reader is inside")) return;
  if (!h.arrive(r2, {r1}, rule)) return;
  if (!h.arrive(r3, {r1}, rule)) return;
  if (!h.leave(r1, {w1},
               "when the last reader leaves, the waiting writer goes before the readers waiting "
               "behind it"))
    return;
  if (!h.leave(w1, {r2, r3},
               "when a writer leaves and no other writer waits, all the waiting readers get in"))
    return;
  h.drain();
}

TEST_CASE("[3] when a writer leaves, a waiting writer goes before waiting readers") {
  rw_init();
  rw::harness h(submission());
  rw::actor& r1 = h.reader(1);
  rw::actor& r2 = h.reader(2);
  rw::actor& w1 = h.writer(1);
  rw::actor& w2 = h.writer(2);
  if (!h.arrive(w1, {w1}, "with nobody inside, a writer gets in")) return;
  // Reader 1 waits first: it is next in line, and still writer 2 must go ahead of it.
  if (!h.arrive(r1, {w1}, "a reader must wait while a writer is inside")) return;
  if (!h.arrive(w2, {w1}, "a writer must wait while another writer is inside")) return;
  if (!h.arrive(r2, {w1}, "a reader must wait while a writer is inside")) return;
  if (!h.leave(
          w1, {w2},
          "with writers favoured, a waiting writer goes before waiting readers, even ones that "
          "have waited longer"))
    return;
  if (!h.leave(w2, {r1, r2},
               "when a writer leaves and no other writer waits, all the waiting readers get in"))
    return;
  h.drain();
}

TEST_CASE("[2] many readers and writers at once: nobody overlaps a writer, and all finish") {
  rw_init();
  rw::free_run(submission(), 4, 2, 200);
}
