// Problem 12.34's checks: matmul, C = A x B with its rows spread over Pthreads.
//
// These checks stand in for pthread_create, pthread_join and pthread_detach: this file defines
// them, so the submission's calls land here first (a program's own definition comes first), and
// each call is passed on to the real one. While matmul runs, they count the threads it creates,
// joins and detaches, and they hold every new thread at its start until matmul joins it; it then
// runs alone. So the threads run one after another, in the order they are joined, the same order
// every time: a thread that is never joined has not run when matmul returns, and threads that
// share one argument all read it after matmul has changed it for the last time.
//
// Which elements of C each thread wrote: C is filled with a marker (a NaN) before the call, and
// before each thread's turn what earlier threads wrote is nudged by a half (no product of whole
// numbers ends in .5), so that even a thread that writes the very same value as an earlier one
// is seen writing it. After the turn, what the thread left alone is put back, and a sum it added
// to loses the half again.
//
// The matrices hold small whole numbers, so every product is exact in a double, whatever the
// order of the additions: the result is compared bit for bit with a sequential product.
#include "exercise.hpp"
#include "matmul.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

// ---- The stand-in for pthread_create, pthread_join and pthread_detach ----

namespace watch {

// One thread that matmul created.
struct worker {
  void* (*routine)(void*);  // what it runs, and its argument
  void* arg;
  pthread_t tid{};              // set once pthread_create returned
  int index = 0;                // 0, 1, ...: in the order created
  std::atomic<bool> go{false};  // it may run now
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  bool joined = false;  // by matmul
  bool detached = false;
};

std::atomic<bool> on{false};                   // a matmul call is being watched
std::vector<std::unique_ptr<worker>> workers;  // touched by the calling thread only
double* c = nullptr;                           // the watched product, n x p
std::size_t elements = 0;
std::vector<std::uint64_t>
    writers;  // per element of C: the threads that wrote it (bit t: thread t)

// Marks the end of a thread's routine, whether it returns or calls pthread_exit.
struct end_mark {
  worker* w = nullptr;
  ~end_mark() {
    if (w) w->finished = true;
  }
};
thread_local end_mark ending;

void* gated_start(void* p) {
  auto* w = static_cast<worker*>(p);
  // Bounded: a matmul that waits for its threads some other way still ends, slowly.
  exercise::wait_until([w] { return w->go.load(); }, 5s);
  w->started = true;
  ending.w = w;
  return w->routine(w->arg);
}

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

// One thread's turn: it runs alone, and what it writes in C is recorded as its own. `wait` lets
// it run and waits for it to end (a join, or watching it finish).
template <class Wait>
void turn(worker* w, Wait wait) {
  const std::vector<double> before(c, c + elements);
  for (std::size_t e = 0; e < elements; ++e)
    if (writers[e] != 0) c[e] += 0.5;  // what earlier threads wrote: seen again if written again
  const std::vector<double> offered(c, c + elements);
  w->go = true;
  wait();
  for (std::size_t e = 0; e < elements; ++e) {
    if (same_bits(offered[e], c[e])) {
      c[e] = before[e];  // left alone: as it was
      continue;
    }
    writers[e] |= std::uint64_t{1} << (w->index % 64);
    // Added to (the half still in it), not written afresh: the sum as it would be unnudged.
    if (c[e] - std::floor(c[e]) == 0.5) c[e] -= 0.5;
  }
}

worker* find(pthread_t tid) {
  for (auto& w : workers)
    if (pthread_equal(w->tid, tid)) return w.get();
  return nullptr;
}

// The C library's functions behind ours.
exercise::real_function<int(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)>
    real_create{"pthread_create"};
exercise::real_function<int(pthread_t, void**)> real_join{"pthread_join"};
exercise::real_function<int(pthread_t)> real_detach{"pthread_detach"};

}  // namespace watch

}  // namespace

extern "C" int pthread_create(pthread_t* tid, const pthread_attr_t* attr, void* (*routine)(void*),
                              void* arg) noexcept {
  if (!watch::on.load()) return watch::real_create(tid, attr, routine, arg);
  auto w = std::make_unique<watch::worker>();
  w->routine = routine;
  w->arg = arg;
  w->index = static_cast<int>(watch::workers.size());
  const int rc = watch::real_create(tid, attr, watch::gated_start, w.get());
  if (rc == 0) {
    w->tid = *tid;
    watch::workers.push_back(std::move(w));
  }
  return rc;
}

extern "C" int pthread_join(pthread_t tid, void** result) {
  watch::worker* w = watch::on.load() ? watch::find(tid) : nullptr;
  if (w == nullptr || w->go.load()) {
    const int rc = watch::real_join(tid, result);
    if (rc == 0 && w) w->joined = true;
    return rc;
  }
  int rc = 0;
  watch::turn(w, [&] { rc = watch::real_join(tid, result); });
  if (rc == 0) w->joined = true;
  return rc;
}

extern "C" int pthread_detach(pthread_t tid) noexcept {
  const int rc = watch::real_detach(tid);
  if (watch::worker* w = watch::on.load() ? watch::find(tid) : nullptr; w && rc == 0)
    w->detached = true;
  return rc;
}

namespace {

// ---- Matrices and one watched call ----

struct shape {
  int n, m, p, threads;
};

std::string show(const shape& s) {
  return "matmul(" + std::to_string(s.n) + "x" + std::to_string(s.m) + " times " +
         std::to_string(s.m) + "x" + std::to_string(s.p) +
         ", threads = " + std::to_string(s.threads) + ")";
}

// What C held before the call: a NaN no product of whole numbers gives.
double marker() {
  const std::uint64_t bits = 0x7ff8deadbeef0001ULL;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// What a watched call did.
struct outcome {
  std::vector<double> want;            // the sequential product
  std::vector<double> at_return;       // C when matmul returned
  std::vector<std::uint64_t> writers;  // per element: the threads that wrote it (bit t: thread t)
  int created = 0, joined = 0, detached = 0;
  int ran_at_return = 0;                  // threads that had started by the time matmul returned
  std::vector<std::vector<int>> rows_of;  // per thread: the rows it wrote all of, in order
  std::vector<bool> partial_rows;         // per thread: it wrote only part of some row
};

outcome run(const shape& s) {
  const auto n = static_cast<std::size_t>(s.n), m = static_cast<std::size_t>(s.m),
             p = static_cast<std::size_t>(s.p);
  std::vector<double> a(n * m), b(m * p), c(n * p, marker());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k) a[i * m + k] = static_cast<double>((i * 7 + k * 3) % 9 + 1);
  for (std::size_t k = 0; k < m; ++k)
    for (std::size_t j = 0; j < p; ++j) b[k * p + j] = static_cast<double>((k * 5 + j * 2) % 7 + 1);
  outcome o;
  o.want.assign(n * p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j)
      for (std::size_t k = 0; k < m; ++k) o.want[i * p + j] += a[i * m + k] * b[k * p + j];

  watch::workers.clear();
  watch::c = c.data();
  watch::elements = c.size();
  watch::writers.assign(c.size(), 0);
  watch::on = true;
  matmul(a.data(), b.data(), c.data(), s.n, s.m, s.p, s.threads);
  watch::on = false;
  o.at_return = c;

  // Threads still out there (never joined) run now, one at a time, before C goes away; those
  // not detached are reaped here.
  for (auto& w : watch::workers) {
    if (w->started.load()) o.ran_at_return++;
    if (w->joined) continue;
    watch::turn(w.get(), [&] {
      if (!w->detached)
        watch::real_join(w->tid, nullptr);
      else
        exercise::wait_until([&] { return w->finished.load(); }, 10s);
    });
  }
  o.created = static_cast<int>(watch::workers.size());
  for (auto& w : watch::workers) {
    o.joined += w->joined ? 1 : 0;
    o.detached += w->detached ? 1 : 0;
  }
  o.writers = watch::writers;
  o.rows_of.assign(watch::workers.size(), {});
  o.partial_rows.assign(watch::workers.size(), false);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < watch::workers.size(); ++t) {
      std::size_t wrote = 0;
      for (std::size_t j = 0; j < p; ++j) wrote += (o.writers[i * p + j] >> (t % 64)) & 1;
      if (wrote == p)
        o.rows_of[t].push_back(static_cast<int>(i));
      else if (wrote > 0)
        o.partial_rows[t] = true;
    }
  for (auto& w : watch::workers)
    if (w->detached) exercise::wait_until([&] { return w->finished.load(); }, 10s);
  watch::workers.clear();
  return o;
}

int expected_threads(const shape& s) { return std::min(std::max(s.threads, 1), s.n); }

std::string threads_word(int k) { return std::to_string(k) + (k == 1 ? " thread" : " threads"); }

// "rows 3 to 5", "row 4", "rows 0, 2, 4 and 6"
std::string rows_text(const std::vector<int>& rows) {
  if (rows.empty()) return "no row";
  if (rows.size() == 1) return "row " + std::to_string(rows[0]);
  if (rows.back() - rows.front() + 1 == static_cast<int>(rows.size()))
    return "rows " + std::to_string(rows.front()) + " to " + std::to_string(rows.back());
  std::string out = "rows ";
  for (std::size_t i = 0; i < rows.size() && i < 6; ++i)
    out += (i == 0 ? "" : i + 1 == rows.size() ? " and " : ", ") + std::to_string(rows[i]);
  return out + (rows.size() > 6 ? ", ..." : "");
}

// The first mistake in C at return ("" when it is the product).
std::string wrong_elements(const shape& s, const outcome& o) {
  int wrong = 0, unwritten = 0;
  std::size_t first = 0;
  for (std::size_t e = 0; e < o.want.size(); ++e) {
    if (watch::same_bits(o.at_return[e], o.want[e])) continue;
    if (wrong++ == 0) first = e;
    if (std::isnan(o.at_return[e])) ++unwritten;
  }
  if (wrong == 0) return "";
  const std::size_t p = static_cast<std::size_t>(s.p);
  const std::string where =
      "c[" + std::to_string(first / p) + "][" + std::to_string(first % p) + "]";
  std::string text = show(s) + ": " + std::to_string(wrong) + " of " +
                     std::to_string(o.want.size()) + " elements of C are wrong when it returns";
  if (unwritten == wrong)
    text += ", all never written (the first, " + where + ", should be " +
            std::to_string(static_cast<long long>(o.want[first])) + ")";
  else
    text += "; the first, " + where + ", is " +
            (std::isnan(o.at_return[first]) ? std::string("never written")
                                            : std::to_string(o.at_return[first])) +
            ", not " + std::to_string(static_cast<long long>(o.want[first]));
  if (o.created > 0 && o.ran_at_return < o.created)
    text += " (" + std::to_string(o.created - o.ran_at_return) + " of its " +
            threads_word(o.created) + " had not even started)";
  return text;
}

}  // namespace

TEST_CASE("[3] C = A x B exactly, for every shape and thread count") {
  for (const shape& s :
       {shape{1, 1, 1, 1}, shape{7, 3, 5, 3}, shape{64, 64, 64, 4}, shape{5, 4, 6, 8},
        shape{13, 5, 9, 4}, shape{10, 7, 3, 1}, shape{3, 8, 2, 2}}) {
    const outcome o = run(s);
    if (!exercise::expect(wrong_elements(s, o).empty(), wrong_elements(s, o))) return;
  }
}

TEST_CASE("[3] creates min(threads, n) threads and joins every one before it returns") {
  for (const shape& s :
       {shape{64, 64, 64, 4}, shape{7, 3, 5, 3}, shape{5, 4, 6, 8}, shape{10, 7, 3, 1}}) {
    const outcome o = run(s);
    const int k = expected_threads(s);
    if (!exercise::expect(o.created > 0,
                          show(s) +
                              " created no threads: the calling thread computed all of C "
                              "itself; create " +
                              threads_word(k) + ", each for a block of rows"))
      return;
    if (!exercise::expect(
            o.created == k,
            show(s) + " created " + threads_word(o.created) + ", not " + std::to_string(k) +
                (s.threads > s.n
                     ? " (with more threads than rows, one thread per row: min(threads, n))"
                     : "")))
      return;
    if (!exercise::expect(
            o.joined == o.created,
            show(s) + " created " + threads_word(o.created) + " and joined " +
                std::to_string(o.joined) + " of them before it returned" +
                (o.detached > 0 ? " (it detached " + std::to_string(o.detached) + ")" : "") + "; " +
                std::to_string(o.created - o.ran_at_return) +
                " of them had not even started, so C "
                "was not computed yet when the caller got it back: join every thread before "
                "returning"))
      return;
  }
}

TEST_CASE(
    "[3] each thread computes one block of consecutive rows, every row by exactly one thread") {
  for (const shape& s :
       {shape{13, 5, 9, 4}, shape{7, 3, 5, 3}, shape{64, 64, 64, 4}, shape{5, 4, 6, 8}}) {
    const outcome o = run(s);
    if (!exercise::expect(o.created > 0,
                          show(s) + " created no threads: the calling thread computed every row"))
      return;
    const auto p = static_cast<std::size_t>(s.p);
    bool same_rows = o.rows_of.size() > 1;
    for (const auto& rows : o.rows_of)
      same_rows = same_rows && !rows.empty() && rows == o.rows_of[0];
    if (same_rows && static_cast<int>(o.rows_of[0].size()) < s.n) {
      exercise::verdict(show(s) + ": all " + threads_word(o.created) + " computed the same rows, " +
                        rows_text(o.rows_of[0]) +
                        ", and no other: they all read one argument that the caller "
                        "changed after creating them; give each thread an argument of its own");
      return;
    }
    if (same_rows) {
      exercise::verdict(
          show(s) + ": every one of the " + threads_word(o.created) +
          " wrote every element of C: "
          "each element is for one thread to compute whole, the one whose block of rows holds it "
          "(threads that add into the same element race)");
      return;
    }
    for (std::size_t e = 0; e < o.writers.size(); ++e) {
      const std::uint64_t bits = o.writers[e];
      if ((bits & (bits - 1)) == 0) continue;  // none, or one thread
      std::vector<int> who;
      for (int t = 0; t < 64; ++t)
        if ((bits >> t) & 1) who.push_back(t);
      std::string names;
      for (std::size_t i = 0; i < who.size(); ++i)
        names += (i == 0 ? "" : i + 1 == who.size() ? " and " : ", ") + std::to_string(who[i]);
      exercise::verdict(show(s) + ": threads " + names + " all wrote c[" + std::to_string(e / p) +
                        "][" + std::to_string(e % p) + "]: each row of C belongs to one thread");
      return;
    }
    for (std::size_t t = 0; t < o.partial_rows.size(); ++t)
      if (!exercise::expect(!o.partial_rows[t],
                            show(s) + ": thread " + std::to_string(t) +
                                " wrote only part of a row; each thread computes whole rows"))
        return;
    std::vector<int> missing;
    for (int i = 0; i < s.n; ++i) {
      bool owned = false;
      for (const auto& rows : o.rows_of)
        owned = owned || std::find(rows.begin(), rows.end(), i) != rows.end();
      if (!owned) missing.push_back(i);
    }
    const int k = expected_threads(s);
    if (!exercise::expect(
            missing.empty(),
            show(s) + ": " + rows_text(missing) + " of C " +
                (missing.size() == 1 ? "was" : "were") + " computed by no thread" +
                (s.n % k != 0 ? " (" + std::to_string(s.n) + " rows on " + threads_word(k) +
                                    " do not split evenly: the " + std::to_string(s.n % k) +
                                    " left over by n / threads need a thread too)"
                              : "")))
      return;
    const int most = (s.n + k - 1) / k;
    for (std::size_t t = 0; t < o.rows_of.size(); ++t) {
      const auto& rows = o.rows_of[t];
      if (!exercise::expect(
              rows.empty() || rows.back() - rows.front() + 1 == static_cast<int>(rows.size()),
              show(s) + ": thread " + std::to_string(t) + " computed " + rows_text(rows) +
                  ", not one block of consecutive rows"))
        return;
      if (!exercise::expect(static_cast<int>(rows.size()) <= most,
                            show(s) + ": thread " + std::to_string(t) + " computed " +
                                rows_text(rows) + " (" + std::to_string(rows.size()) +
                                " rows) while no thread needs more than " + std::to_string(most) +
                                ": the work is not spread"))
        return;
    }
  }
}

TEST_CASE("[1] a thread count below 1 counts as 1") {
  for (int threads : {0, -3}) {
    const shape s{7, 3, 5, threads};
    const outcome o = run(s);
    if (!exercise::expect(wrong_elements(s, o).empty(), wrong_elements(s, o))) return;
    if (!exercise::expect(o.created == 1 && o.joined == 1,
                          show(s) + " created " + threads_word(o.created) + " and joined " +
                              std::to_string(o.joined) +
                              "; a count below 1 counts as 1: one thread, joined"))
      return;
  }
}
