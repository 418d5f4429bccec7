// Problem 12.20's checks: readers-writers with at most n readers inside, readers and writers
// with equal chances.
//
// Real reader and writer threads, told one at a time when to enter and when to leave
// (support/rw_harness.hpp); after each step, once every thread is inside or blocked, who is
// inside is compared with the rule. Equal chances are judged the way they can be seen from
// outside: neither kind is kept out for good by a steady stream of the other.
//
// Which waiter a V wakes is the semaphore's business. On Linux it is the one that has waited
// longest, but a thread already running may take the unit first; so each scenario lets one
// V at a time meet the waiters, and the streams give every solution many turns, not one.
#include "rw.h"
#include "rw_harness.hpp"

namespace {

rw::functions submission() { return {reader_enter, reader_exit, writer_enter, writer_exit}; }

// Of the actors inside, the one that got in first.
rw::actor* oldest_inside(rw::harness& h, const std::vector<rw::actor*>& actors) {
  const auto in = h.inside_now();
  if (in.empty()) return nullptr;
  for (rw::actor* a : actors)
    if (a->name == in.front()) return a;
  return nullptr;
}

}  // namespace

TEST_CASE("[3] at most n readers inside at once; one more waits, and gets in when one leaves") {
  rw_init(3);
  rw::harness h(submission(), 3);
  rw::actor& r1 = h.reader(1);
  rw::actor& r2 = h.reader(2);
  rw::actor& r3 = h.reader(3);
  rw::actor& r4 = h.reader(4);
  if (!h.arrive(r1, {r1}, "with nobody inside, a reader gets in")) return;
  if (!h.arrive(r2, {r1, r2}, "readers share the object: with rw_init(3), up to 3 at once")) return;
  if (!h.arrive(r3, {r1, r2, r3}, "readers share the object: with rw_init(3), up to 3 at once"))
    return;
  if (!h.arrive(r4, {r1, r2, r3},
                "with rw_init(3) at most 3 readers may be inside at once: the 4th waits"))
    return;
  if (!h.leave(r1, {r2, r3, r4},
               "when one of the 3 readers leaves, the waiting reader takes its place"))
    return;
  h.drain();
}

TEST_CASE("[3] readers share; a writer is alone, and waits for whoever is inside") {
  rw_init(3);
  rw::harness h(submission(), 3);
  rw::readers_share_writers_alone(h);
}

TEST_CASE("[2] a writer waiting behind a steady stream of readers gets in") {
  // rw_init(2): two readers inside, a writer waits; then again and again a new reader arrives
  // before the oldest one inside leaves, so there is always a reader inside or waiting.
  const int turns = 40;
  rw_init(2);
  rw::harness h(submission(), 2);
  std::vector<rw::actor*> readers;
  for (int i = 1; i <= 2; ++i) readers.push_back(&h.reader(i));
  rw::actor& w1 = h.writer(1);
  if (!h.arrive(*readers[0], {*readers[0]}, "with nobody inside, a reader gets in")) return;
  if (!h.arrive(*readers[1], {*readers[0], *readers[1]},
                "readers share the object: with rw_init(2), up to 2 at once"))
    return;
  if (!h.arrive(w1, {*readers[0], *readers[1]}, "a writer must wait while readers are inside"))
    return;
  int came_and_went = 0;
  while (came_and_went < turns && !h.is_inside(w1)) {
    readers.push_back(&h.reader(static_cast<int>(readers.size()) + 1));
    if (!h.arrive(*readers.back())) return;
    if (h.is_inside(w1)) break;
    rw::actor* oldest = oldest_inside(h, readers);
    if (oldest == nullptr) break;  // the harness has checked that nobody waits in an empty room
    if (!h.leave(*oldest)) return;
    ++came_and_went;
  }
  if (!exercise::expect(
          h.is_inside(w1),
          "writer 1 was still waiting after " + std::to_string(came_and_went) +
              " readers had left while it waited (each new reader arrived before the "
              "oldest one inside left): the readers kept getting in ahead of it; with "
              "equal chances a waiting writer gets in after a bounded number of readers"))
    return;
  h.drain();
}

TEST_CASE("[2] a reader waiting behind a steady stream of writers gets in") {
  // rw_init(1): a writer inside, a reader waits; then again and again a new writer arrives
  // before the one inside leaves, so there is always a writer inside or waiting. Many turns:
  // a solution in which the writer leaving wakes both the reader and the next writer leaves
  // the reader a race to win, which it does about half the time (measured).
  const int turns = 40;
  rw_init(1);
  rw::harness h(submission(), 1);
  std::vector<rw::actor*> writers;
  writers.push_back(&h.writer(1));
  rw::actor& r1 = h.reader(1);
  if (!h.arrive(*writers[0], {*writers[0]}, "with nobody inside, a writer gets in")) return;
  if (!h.arrive(r1, {*writers[0]}, "a reader must wait while a writer is inside")) return;
  int came_and_went = 0;
  while (came_and_went < turns && !h.is_inside(r1)) {
    writers.push_back(&h.writer(static_cast<int>(writers.size()) + 1));
    if (!h.arrive(*writers.back())) return;
    if (h.is_inside(r1)) break;
    rw::actor* in = oldest_inside(h, writers);
    if (in == nullptr) break;
    if (!h.leave(*in)) return;
    ++came_and_went;
  }
  if (!exercise::expect(h.is_inside(r1),
                        "reader 1 was still waiting after " + std::to_string(came_and_went) +
                            " writers had left while it waited (each new writer arrived before the "
                            "one inside left): the writers kept getting in ahead of it; with equal "
                            "chances a waiting reader gets in after a bounded number of writers"))
    return;
  h.drain();
}

TEST_CASE(
    "[2] many readers and writers at once: at most n readers, nobody overlaps a writer, and all "
    "finish") {
  rw_init(2);
  rw::free_run(submission(), 4, 2, 200, 2);
}
