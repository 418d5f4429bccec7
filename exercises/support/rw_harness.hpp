// exercises/support/rw_harness.hpp - the readers-writers problems' harness (12.19, 12.20, 12.21):
// real reader and writer threads, each told when to enter and when to leave, one step at a time.
//
// A check is a scenario: "reader 1 enters; writer 1 arrives and waits; reader 2 arrives: it
// must get in (12.19) or wait (12.21)". Each actor is a thread of its own that calls the
// submission's reader_enter/writer_enter when told, notes that it is inside once that returns,
// and calls *_exit when told. After each step the harness waits until every actor has
// *settled* -- inside, or blocked in the submission's code -- and then compares who is inside
// with what the rule says.
//
// Settled, without sleeping to let things settle: a thread that was told to enter and has not
// come back is blocked once /proc says it sleeps ('S') and its count of voluntary context
// switches stays the same over three looks in a row, while no other actor is still running.
// Why that is enough: a V that wakes a thread makes it runnable ('R') before the V returns, so
// once the actor that called V has come back, everything it woke shows as running until it
// has either got in or gone back to sleep. A waiter that spins never settles, and says so.
//
// Which waiter a V wakes: Linux wakes the one that has waited longest (futex queues are first
// come, first served for ordinary threads), but does not hand it the unit: a thread that is
// already running may take it first. So the scenarios make threads wait in a known order and
// let each V meet waiters that cannot race for what it frees, and the reference solutions get
// the same answer on every run; where a reasonable solution could still leave a race to be won
// (12.20's streams), the check gives it many turns, not one.
//
// Mutual exclusion is checked by the actors themselves, as they get in: a writer with anyone
// else inside, a reader with a writer inside, or more readers than the bound is a violation,
// recorded in words. The harness shares nothing with the actors but atomics and a std::mutex,
// so a submission that lets readers and writers overlap is caught by these checks, not by a
// data race report.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exercise.hpp"

namespace rw {

using namespace std::chrono_literals;

// The submission's four functions (declared in the problem's rw.h).
struct functions {
  void (*reader_enter)();
  void (*reader_exit)();
  void (*writer_enter)();
  void (*writer_exit)();
};

// How long a step may take to settle, and how long an actor that should have got in is given
// after that. Generous: only a wrong solution ever waits this long.
inline constexpr exercise::millis settle_limit = 3s;
inline constexpr exercise::millis grace = 500ms;

// "reader 1", "reader 1 and writer 2", "reader 1, reader 2 and writer 1".
inline std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out += (i == 0 ? "" : i + 1 == list.size() ? " and " : ", ") + list[i];
  return out.empty() ? "nobody" : out;
}

// A thread's voluntary context switches: how often it has gone to sleep (-1 if it is gone).
inline long sleeps(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0) return std::atol(line.c_str() + 24);
  return -1;
}

enum phase : int {
  not_yet,   // not told anything yet
  entering,  // told to enter: in *_enter
  inside,    // *_enter returned
  leaving,   // told to leave: in *_exit
  gone,      // *_exit returned
};

// One reader or writer thread. Its fields are read by the test thread while it runs: atomics.
struct actor {
  std::string name;  // "reader 1", "writer 2": what the verdicts call it
  bool writer = false;
  std::atomic<pid_t> tid{0};          // its kernel id, for /proc
  std::atomic<int> told{0};           // 0 nothing, 1 enter, 2 leave, 3 stop (the harness is done)
  std::atomic<int> at{not_yet};       // where it is (phase)
  std::atomic<bool> returned{false};  // *_enter came back (set before it takes any lock of ours)
  std::atomic<int> arrival{
      0};  // when it was told to enter (1, 2, ...): verdicts name actors in this order
  std::thread thread;
};

// What the actors share with the harness.
struct shared {
  functions f{};
  int bound = 0;                        // at most this many readers inside at once; 0: no bound
  std::mutex lock;                      // guards the fields below and the actors' orders
  std::condition_variable orders;       // an actor was told something
  std::vector<actor*> in;               // inside now, in order of entry
  std::vector<std::string> violations;  // exclusion broken, in words
};

class harness {
 public:
  // `bound`: at most this many readers inside at once (12.20); 0 for no bound.
  explicit harness(functions f, int bound = 0) : s_(std::make_shared<shared>()) {
    s_->f = f;
    s_->bound = bound;
  }
  harness(const harness&) = delete;
  harness& operator=(const harness&) = delete;

  // Actors that never got out are left to the end of the process (detached): they may be
  // blocked forever in a wrong solution. The rest are told to stop, and joined.
  ~harness() {
    {
      std::lock_guard<std::mutex> hold(s_->lock);
      for (auto& a : actors_)
        if (a->at == not_yet || a->at == inside) a->told = 3;
      s_->orders.notify_all();
    }
    for (auto& a : actors_) {
      const int at = a->at;
      if (a->told == 3 || at == gone)
        a->thread.join();
      else
        a->thread.detach();
    }
  }

  actor& reader(int n) { return make("reader " + std::to_string(n), false); }
  actor& writer(int n) { return make("writer " + std::to_string(n), true); }

  // Tells `a` to enter, waits until everyone has settled, and checks that exactly `now_in`
  // are inside; `rule` says why, for the verdict. False (after a verdict) if not.
  bool arrive(actor& a, const std::vector<std::reference_wrapper<actor>>& now_in,
              const std::string& rule) {
    const std::string event = describe(a, "arrived");
    return tell(a, 1) && check(event, &now_in, rule);
  }
  // The same for leaving.
  bool leave(actor& a, const std::vector<std::reference_wrapper<actor>>& now_in,
             const std::string& rule) {
    const std::string event = describe(a, "left");
    return tell(a, 2) && check(event, &now_in, rule);
  }
  // Without a rule about who is inside afterwards (exclusion and progress are still checked).
  bool arrive(actor& a) {
    const std::string event = describe(a, "arrived");
    return tell(a, 1) && check(event, nullptr, "");
  }
  bool leave(actor& a) {
    const std::string event = describe(a, "left");
    return tell(a, 2) && check(event, nullptr, "");
  }

  // Lets everyone out: whoever is inside leaves, oldest first, until nobody is inside or
  // waiting. Every step is checked for exclusion and progress.
  bool drain() {
    for (int steps = 0; steps < 200; ++steps) {
      actor* first = nullptr;
      {
        std::lock_guard<std::mutex> hold(s_->lock);
        if (!s_->in.empty()) first = s_->in.front();
      }
      if (first == nullptr) return true;  // check() has made sure nobody waits in an empty room
      if (!leave(*first)) return false;
    }
    return true;
  }

  bool is_inside(const actor& a) const { return a.at == inside; }
  // Who is inside, in the order they got in.
  std::vector<std::string> inside_now() const {
    std::lock_guard<std::mutex> hold(s_->lock);
    std::vector<std::string> out;
    for (const actor* a : s_->in) out.push_back(a->name);
    return out;
  }
  // Who waits to get in, in the order they arrived.
  std::vector<std::string> waiting_now() const {
    std::vector<std::string> out;
    for (const actor* a : by_arrival())
      if (a->told == 1 && a->at == entering) out.push_back(a->name);
    return out;
  }

 private:
  // Every actor told to enter so far, in the order they were told.
  std::vector<const actor*> by_arrival() const {
    std::vector<const actor*> list;
    for (const auto& a : actors_)
      if (a->arrival > 0) list.push_back(a.get());
    std::sort(list.begin(), list.end(),
              [](const actor* x, const actor* y) { return x->arrival < y->arrival; });
    return list;
  }

  actor& make(const std::string& name, bool writer) {
    auto a = std::make_shared<actor>();
    a->name = name;
    a->writer = writer;
    std::shared_ptr<shared> s = s_;
    a->thread = std::thread([s, a] { run(*s, *a); });
    exercise::wait_until([&] { return a->tid != 0; }, 10s);
    actors_.push_back(a);
    return *a;
  }

  // An actor's life: wait to be told to enter, enter, note it, wait to be told to leave, leave.
  static void run(shared& s, actor& a) {
    a.tid = exercise::thread_id();
    if (!await(s, a, 1)) return;
    a.at = entering;
    (a.writer ? s.f.writer_enter : s.f.reader_enter)();
    a.returned = true;
    {
      std::lock_guard<std::mutex> hold(s.lock);
      // Named in the order they arrived (who got in first among those woken together is up to
      // the scheduler).
      std::vector<const actor*> in(s.in.begin(), s.in.end());
      std::sort(in.begin(), in.end(),
                [](const actor* x, const actor* y) { return x->arrival < y->arrival; });
      std::vector<std::string> readers, writers, all;
      for (const actor* b : in) {
        (b->writer ? writers : readers).push_back(b->name);
        all.push_back(b->name);
      }
      if (a.writer && !all.empty())
        s.violations.push_back(a.name + " got in while " + names(all) +
                               (all.size() == 1 ? " was" : " were") +
                               " inside: a writer must be alone");
      else if (!a.writer && !writers.empty())
        s.violations.push_back(a.name + " got in while " + names(writers) +
                               " was inside: readers may not share with a writer");
      else if (!a.writer && s.bound > 0 && static_cast<int>(readers.size()) >= s.bound)
        s.violations.push_back(a.name + " got in while " + names(readers) +
                               " were inside: at most " + std::to_string(s.bound) +
                               " readers at a time (rw_init(" + std::to_string(s.bound) + "))");
      s.in.push_back(&a);
      a.at = inside;
    }
    if (!await(s, a, 2)) return;
    {
      std::lock_guard<std::mutex> hold(s.lock);
      s.in.erase(std::find(s.in.begin(), s.in.end(), &a));
      a.at = leaving;
    }
    (a.writer ? s.f.writer_exit : s.f.reader_exit)();
    a.at = gone;
  }

  // Waits until told `what`; false if told to stop instead.
  static bool await(shared& s, actor& a, int what) {
    std::unique_lock<std::mutex> hold(s.lock);
    s.orders.wait(hold, [&] { return a.told == what || a.told == 3; });
    return a.told == what;
  }

  bool tell(actor& a, int what) {
    if (what == 1) a.arrival = ++arrivals_;
    {
      std::lock_guard<std::mutex> hold(s_->lock);
      a.told = what;
      s_->orders.notify_all();
    }
    return settle();
  }

  // "reader 2 arrived while reader 1 was inside and writer 1 was waiting"
  std::string describe(const actor& a, const std::string& did) const {
    std::vector<std::string> in;
    for (const actor* b : by_arrival())
      if (b != &a && b->at == inside) in.push_back(b->name);
    const auto waiting = waiting_now();
    std::string text = a.name + " " + did;
    if (in.empty() && waiting.empty()) return text + " with nobody else inside or waiting";
    text += " while ";
    if (!in.empty()) text += names(in) + (in.size() == 1 ? " was" : " were") + " inside";
    if (!in.empty() && !waiting.empty()) text += " and ";
    if (!waiting.empty())
      text += names(waiting) + (waiting.size() == 1 ? " was" : " were") + " waiting";
    if (in.empty() && did == "arrived") text += " and nobody was inside";
    return text;
  }

  // One look at every actor: where it is and, if it is in the submission's code, whether it
  // sleeps there and how often it has slept.
  struct look {
    int told, at;
    bool returned;
    char state;
    long slept;
  };
  std::vector<look> snapshot() const {
    std::vector<look> all;
    for (const auto& a : actors_) {
      look l{a->told, a->at, a->returned, ' ', 0};
      if (l.at == entering || l.at == leaving) {
        l.state = exercise::thread_state(a->tid);
        l.slept = sleeps(a->tid);
      }
      all.push_back(l);
    }
    return all;
  }
  static bool settled(const look& l) {
    switch (l.told) {
      case 0:
        return l.at == not_yet;
      case 1:
        return l.at == inside || (l.at == entering && !l.returned && l.state == 'S');
      case 2:
        return l.at == gone || (l.at == leaving && l.state == 'S');
      default:
        return true;
    }
  }
  static bool same(const std::vector<look>& a, const std::vector<look>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].at != b[i].at || a[i].state != b[i].state || a[i].slept != b[i].slept) return false;
    return true;
  }

  // Waits until every actor has settled and stayed so over three looks in a row.
  bool settle() {
    const auto deadline = exercise::clock::now() + settle_limit;
    std::vector<look> previous;
    int calm = 0;
    for (;;) {
      auto now = snapshot();
      const bool all = std::all_of(now.begin(), now.end(), settled);
      calm = all && same(now, previous) ? calm + 1 : 0;
      if (calm >= 2) return true;
      if (exercise::clock::now() > deadline) break;
      previous = std::move(now);
      std::this_thread::sleep_for(1ms);  // polls an event (see the top of this file)
    }
    const auto now = snapshot();
    for (std::size_t i = 0; i < now.size(); ++i) {
      if (settled(now[i])) continue;
      const actor& a = *actors_[i];
      const char* fn = now[i].at == leaving ? (a.writer ? "writer_exit" : "reader_exit")
                                            : (a.writer ? "writer_enter" : "reader_enter");
      if ((now[i].at == entering || now[i].at == leaving) && now[i].state == 'R') {
        exercise::verdict(a.name + " kept running in " + fn + " for " +
                          std::to_string(settle_limit.count() / 1000) +
                          " s without getting through: a thread that must wait should block (P), "
                          "not spin in a loop that burns a CPU");
      } else {
        exercise::verdict(a.name + " did not settle in " + fn + " within " +
                          std::to_string(settle_limit.count() / 1000) + " s (thread state '" +
                          std::string(1, now[i].state) + "')");
      }
      return false;
    }
    exercise::verdict("the threads did not settle within " +
                      std::to_string(settle_limit.count() / 1000) + " s");
    return false;
  }

  // After a settled step: exclusion, nobody stuck in *_exit, nobody waiting in an empty room,
  // and (with `expected`) exactly the expected actors inside.
  bool check(const std::string& event, const std::vector<std::reference_wrapper<actor>>* expected,
             const std::string& rule) {
    if (!violations_ok()) return false;
    for (const auto& a : actors_)
      if (a->told == 2 && a->at == leaving)
        return exercise::expect(false, a->name + " never came back from " +
                                           (a->writer ? "writer_exit" : "reader_exit") + " (" +
                                           event +
                                           "): it waits for something nobody will release; is a "
                                           "semaphore left taken on some path?");
    auto mismatch = [&] {
      if (expected == nullptr) return false;
      for (const auto& e : *expected)
        if (e.get().at != inside) return true;
      return inside_now().size() != expected->size();
    };
    auto empty_room = [&] { return inside_now().empty() && !waiting_now().empty(); };
    // Settled means blocked; an actor that should be inside gets a moment more all the same.
    if (mismatch() || empty_room())
      exercise::wait_until([&] { return !mismatch() && !empty_room(); }, grace);
    if (!violations_ok()) return false;
    if (empty_room()) {
      const auto waiting = waiting_now();
      return exercise::expect(
          false, "nobody is inside, yet " + names(waiting) + " still wait" +
                     (waiting.size() == 1 ? "s" : "") + " to get in (" + event +
                     "): nobody will ever wake " + (waiting.size() == 1 ? "it" : "them") +
                     "; is a semaphore left taken on some path, or a V missing?");
    }
    if (mismatch()) {
      // Named in the order they arrived: who got in first among those woken together is up to
      // the scheduler.
      std::vector<std::string> extra, missing;
      for (const actor* a : by_arrival()) {
        const bool wanted = std::any_of(expected->begin(), expected->end(),
                                        [&](const actor& e) { return &e == a; });
        if (a->at == inside && !wanted) extra.push_back(a->name);
        if (a->at != inside && wanted) missing.push_back(a->name);
      }
      std::string seen;
      if (!extra.empty() && !missing.empty())
        seen = names(extra) + " got in instead of " + names(missing);
      else if (!extra.empty())
        seen = names(extra) + " got in";
      else
        seen = names(missing) + (missing.size() == 1 ? " was" : " were") + " kept waiting";
      return exercise::expect(false, event + ", and " + seen + ": " + rule);
    }
    return true;
  }

  bool violations_ok() {
    std::lock_guard<std::mutex> hold(s_->lock);
    if (s_->violations.empty()) return true;
    exercise::verdict(s_->violations.front());
    return false;
  }

  std::shared_ptr<shared> s_;
  std::vector<std::shared_ptr<actor>> actors_;
  int arrivals_ = 0;  // actors told to enter so far
};

// The scenario every variant shares: readers share the object; a writer waits for the readers
// inside, for a writer inside, and a reader waits for a writer inside. Each step has one waiter
// at most, so every policy (and every fair semaphore) gives the same answer.
inline bool readers_share_writers_alone(harness& h) {
  actor& r1 = h.reader(1);
  actor& r2 = h.reader(2);
  actor& r3 = h.reader(3);
  actor& w1 = h.writer(1);
  actor& w2 = h.writer(2);
  return h.arrive(r1, {r1}, "with nobody inside, a reader gets in") &&
         h.arrive(r2, {r1, r2},
                  "readers share the object: a reader gets in while only readers are inside") &&
         h.arrive(w1, {r1, r2}, "a writer must wait while readers are inside") &&
         h.leave(r1, {r2}, "a writer must wait until the last reader has left") &&
         h.leave(r2, {w1}, "once the last reader has left, the waiting writer gets in") &&
         h.arrive(w2, {w1}, "a writer must wait while another writer is inside") &&
         h.leave(w1, {w2}, "when a writer leaves, the one writer waiting gets in") &&
         h.arrive(r3, {w2}, "a reader must wait while a writer is inside") &&
         h.leave(w2, {r3}, "when a writer leaves, the one reader waiting gets in") &&
         h.leave(r3, {}, "the last one out leaves nobody inside");
}

// Free-running readers and writers, each entering and leaving `rounds` times, with the same
// exclusion check as the actors. For what a scenario cannot show: no deadlock and no lost
// wake-up when everyone runs at once. True if all finished within `limit` with no violation;
// otherwise gives the verdict and leaves the stuck threads to the end of the process.
inline bool free_run(functions f, int readers, int writers, int rounds, int bound = 0,
                     exercise::millis limit = 5s) {
  struct state {
    std::atomic<int> readers_in{0}, writers_in{0};  // inside now
    std::atomic<int> readers_done{0}, writers_done{0};
    std::mutex lock;
    std::string violation;  // the first one, in words
    void note(const std::string& what) {
      std::lock_guard<std::mutex> hold(lock);
      if (violation.empty()) violation = what;
    }
  };
  auto st = std::make_shared<state>();
  std::vector<std::thread> threads;
  for (int i = 0; i < readers + writers; ++i) {
    const bool writer = i >= readers;
    threads.emplace_back([st, f, writer, rounds, bound] {
      for (int r = 0; r < rounds; ++r) {
        if (writer) {
          f.writer_enter();
          const int w = ++st->writers_in;
          const int n = st->readers_in;
          if (w != 1 || n != 0)
            st->note(
                "with everyone running at once, a writer got in while " +
                (w > 1 ? "another writer" + std::string(n > 0 ? " and " : "") : std::string()) +
                (n > 0 ? std::to_string(n) + (n == 1 ? " reader" : " readers") : std::string()) +
                (w - 1 + n == 1 ? " was" : " were") + " inside: a writer must be alone");
          std::this_thread::yield();
          --st->writers_in;
          f.writer_exit();
        } else {
          f.reader_enter();
          const int n = ++st->readers_in;
          const int w = st->writers_in;
          if (w != 0)
            st->note(
                "with everyone running at once, a reader got in while a writer was inside: readers "
                "may not share with a writer");
          if (bound > 0 && n > bound)
            st->note("with everyone running at once, " + std::to_string(n) +
                     " readers were inside at once: at most " + std::to_string(bound) +
                     " readers at a time (rw_init(" + std::to_string(bound) + "))");
          std::this_thread::yield();
          --st->readers_in;
          f.reader_exit();
        }
      }
      ++(writer ? st->writers_done : st->readers_done);
    });
  }
  const bool finished = exercise::wait_until(
      [&] { return st->readers_done + st->writers_done == readers + writers; }, limit);
  for (auto& t : threads) {
    if (finished)
      t.join();
    else
      t.detach();
  }
  {
    std::lock_guard<std::mutex> hold(st->lock);
    if (!st->violation.empty()) {
      exercise::verdict(st->violation);
      return false;
    }
  }
  auto count = [](int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  return exercise::expect(finished,
                          count(readers, "reader") + " and " + count(writers, "writer") + ", " +
                              std::to_string(rounds) + " rounds each, all at once: after " +
                              std::to_string(limit.count() / 1000) + " s, " +
                              count(st->readers_done, "reader") + " and " +
                              count(st->writers_done, "writer") +
                              " had finished and the rest were stuck (a deadlock, a wake-up "
                              "that was lost, or a waiter spinning)");
}

}  // namespace rw
