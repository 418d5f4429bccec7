// bench/bench_sbuf.cpp - the bounded buffer of Section 12.5 under load, against the queues a
// C++ programmer would write instead.
//
// Four queues of ints, each a ring of fixed capacity that blocks producers when full and
// consumers when empty:
//   csapp::sbuf<int>     the C++ face: three POSIX semaphores (mutex, slots, items)
//   sbuf_t               the book API (sbuf.h) over the same code
//   mutex+condvar        std::mutex and two std::condition_variables (not full, not empty)
//   std::semaphore       the book's three-semaphore design with C++20 semaphores:
//                        std::binary_semaphore for the mutex, std::counting_semaphore for
//                        slots and items; it separates the design's cost from sem_t's
//   sem_t, spin first    an experiment, not the library: the book's design over sem_t
//                        whose P polls sem_trywait for a moment before it sleeps, to
//                        see how much of the gap is system calls
// One unit of work moves 50,000 ints from P producer threads to C consumer threads
// (1/1 and 4/4) through a ring of 16 or 1,024 slots; the consumers' sum checks that every
// item arrived exactly once.
#include "sbuf.h"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "csapp/sbuf.hpp"
#include "harness.hpp"

namespace {

constexpr int items_per_unit = 50000;

class book_queue {
 public:
  explicit book_queue(int n) { sbuf_init(&sb_, n); }
  book_queue(const book_queue&) = delete;
  book_queue& operator=(const book_queue&) = delete;
  ~book_queue() { sbuf_deinit(&sb_); }
  void insert(int x) { sbuf_insert(&sb_, x); }
  int remove() { return sbuf_remove(&sb_); }

 private:
  sbuf_t sb_;  // the book's struct, used only through the book's functions
};

class condvar_queue {
 public:
  explicit condvar_queue(int n) : ring_(static_cast<std::size_t>(n)) {}
  void insert(int x) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      not_full_.wait(lock, [&] { return count_ < ring_.size(); });
      ring_[(head_ + count_) % ring_.size()] = x;
      ++count_;
    }
    // Notified after unlocking, so the woken consumer does not block at once on the mutex.
    not_empty_.notify_one();
  }
  int remove() {
    int x;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      not_empty_.wait(lock, [&] { return count_ > 0; });
      x = ring_[head_];
      head_ = (head_ + 1) % ring_.size();
      --count_;
    }
    not_full_.notify_one();
    return x;
  }

 private:
  std::vector<int> ring_;              // the slots
  std::size_t head_ = 0;               // slot of the oldest item
  std::size_t count_ = 0;              // items held
  std::mutex mutex_;                   // guards the three fields above
  std::condition_variable not_full_;   // producers wait here
  std::condition_variable not_empty_;  // consumers wait here
};

class std_semaphore_queue {
 public:
  explicit std_semaphore_queue(int n) : ring_(static_cast<std::size_t>(n)), slots_(n) {}
  void insert(int x) {
    slots_.acquire();
    mutex_.acquire();
    rear_ = (rear_ + 1) % ring_.size();
    ring_[rear_] = x;
    mutex_.release();
    items_.release();
  }
  int remove() {
    items_.acquire();
    mutex_.acquire();
    front_ = (front_ + 1) % ring_.size();
    const int x = ring_[front_];
    mutex_.release();
    slots_.release();
    return x;
  }

 private:
  std::vector<int> ring_;                      // the slots
  std::size_t front_ = 0;                      // slot before the oldest item
  std::size_t rear_ = 0;                       // slot of the newest item
  std::binary_semaphore mutex_{1};             // guards the ring
  std::counting_semaphore<1 << 30> slots_;     // free slots
  std::counting_semaphore<1 << 30> items_{0};  // filled slots
};

// The experiment: the same ring and the same three sem_t, but P first polls with sem_trywait
// for a moment. The reason to try it: glibc's sem_post makes a futex system call whenever a
// waiter is registered, and a waiter stays registered from the moment it sleeps until it has
// run again; a P that catches the post while polling never registers, so what is left of
// the gap is not system calls.
class spinning_queue {
 public:
  explicit spinning_queue(int n) : ring_(static_cast<std::size_t>(n)) {
    sem_init(&mutex_, 0, 1);
    sem_init(&slots_, 0, static_cast<unsigned>(n));
    sem_init(&items_, 0, 0);
  }
  spinning_queue(const spinning_queue&) = delete;
  spinning_queue& operator=(const spinning_queue&) = delete;
  ~spinning_queue() {
    sem_destroy(&mutex_);
    sem_destroy(&slots_);
    sem_destroy(&items_);
  }
  void insert(int x) {
    wait(&slots_);
    wait(&mutex_);
    rear_ = (rear_ + 1) % ring_.size();
    ring_[rear_] = x;
    sem_post(&mutex_);
    sem_post(&items_);
  }
  int remove() {
    wait(&items_);
    wait(&mutex_);
    front_ = (front_ + 1) % ring_.size();
    const int x = ring_[front_];
    sem_post(&mutex_);
    sem_post(&slots_);
    return x;
  }

 private:
  static void wait(sem_t* s) {
    for (int i = 0; i < 100; ++i) {
      if (sem_trywait(s) == 0) return;
      __builtin_ia32_pause();
    }
    csapp::sem_wait_uninterrupted(s);
  }
  std::vector<int> ring_;  // the slots
  std::size_t front_ = 0;  // slot before the oldest item
  std::size_t rear_ = 0;   // slot of the newest item
  sem_t mutex_;            // guards the ring
  sem_t slots_;            // free slots
  sem_t items_;            // filled slots
};

// One unit: `producers` threads insert 1..items_per_unit between them, `consumers` threads
// remove as many; returns false if the consumers' sum is wrong.
template <class Queue>
bool move_items(int capacity, int producers, int consumers) {
  Queue q(capacity);
  std::atomic<long long> sum{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = p + 1; i <= items_per_unit; i += producers) q.insert(i);
    });
  }
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      long long mine = 0;
      const int share = items_per_unit / consumers + (c < items_per_unit % consumers ? 1 : 0);
      for (int i = 0; i < share; ++i) mine += q.remove();
      sum += mine;
    });
  }
  for (std::thread& t : threads) t.join();
  const long long n = items_per_unit;
  return sum == n * (n + 1) / 2;
}

struct queue_kind {
  const char* name;
  bool (*run)(int capacity, int producers, int consumers);
};

const queue_kind queues[] = {
    {"csapp::sbuf<int>", move_items<csapp::sbuf<int>>},
    {"sbuf_t", move_items<book_queue>},
    {"mutex+condvar", move_items<condvar_queue>},
    {"std::semaphore", move_items<std_semaphore_queue>},
    {"sem_t, spin first", move_items<spinning_queue>},
};

struct shape {
  int producers, consumers, capacity;
  std::string label() const {
    return std::to_string(producers) + "p" + std::to_string(consumers) + "c/cap " +
           std::to_string(capacity);
  }
};

const shape shapes[] = {{1, 1, 16}, {1, 1, 1024}, {4, 4, 16}, {4, 4, 1024}};

void run_checked(const queue_kind& k, const shape& s) {
  if (k.run(s.capacity, s.producers, s.consumers)) return;
  std::fprintf(stderr, "%s lost or repeated items\n", k.name);
  std::exit(1);
}

// Context switches of the whole process so far, voluntary (a thread blocked) and not.
double context_switches() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_nvcsw + u.ru_nivcsw);
}

const bench::result* find_result(const std::vector<bench::result>& results,
                                 const std::string& name) {
  for (const bench::result& r : results)
    if (r.name == name + "/real_time") return &r;
  return nullptr;
}

const bench::ratio* find_ratio(const std::vector<bench::ratio>& ratios, const std::string& what,
                               const std::string& candidate) {
  for (const bench::ratio& r : ratios)
    if (r.p->what == what && r.p->candidate_name == candidate) return &r;
  return nullptr;
}

// What limits each queue, from this run's numbers.
std::string notes(const std::vector<bench::ratio>& ratios,
                  const std::vector<bench::result>& results) {
  using bench::format;
  std::string t = "### What limits each approach (computed from the runs above)\n\n";
  for (const shape& s : shapes) {
    const std::string what = s.label();
    const bench::ratio* sb = find_ratio(ratios, what, "csapp::sbuf<int>");
    const bench::ratio* book = find_ratio(ratios, what, "sbuf_t");
    const bench::ratio* stdsem = find_ratio(ratios, what, "std::semaphore");
    const bench::ratio* spin = find_ratio(ratios, what, "sem_t, spin first");
    if (sb == nullptr || book == nullptr || stdsem == nullptr || spin == nullptr) continue;
    t += "- **" + what + "**: `csapp::sbuf<int>` " +
         format("%.2f×, `sbuf_t` %.2f×", sb->median, book->median) +
         format(", C++20 semaphores %.2f×, sem_t with a spinning P %.2f× the mutex+condvar queue",
                stdsem->median, spin->median);
    const bench::result* a = find_result(results, what + "/csapp::sbuf<int>");
    const bench::result* b = find_result(results, what + "/mutex+condvar");
    if (a != nullptr && b != nullptr && a->extra.count("switches/item") &&
        b->extra.count("switches/item"))
      t += format("; context switches per item: %.3f for sbuf, %.3f for mutex+condvar",
                  a->extra.at("switches/item"), b->extra.at("switches/item"));
    t += ".";
    if (sb->median < 0.9) {
      t += " MISS.";
      if (stdsem->median < 0.9)
        t += " The same three-semaphore design over C++20 semaphores misses too, so the cost "
             "is the design's, not sem_t's alone.";
      t += spin->median >= 0.9 ? " Polling before sleeping meets it (see below)."
                               : " Polling before sleeping does not meet it either (see below).";
    }
    t += "\n";
  }
  t += R"(
Where the time goes, measured once by hand on this machine (not by this program):
`perf stat -e syscalls:sys_enter_futex,context-switches` around one unit of 50,000 items,
1 producer/1 consumer, 1,024 slots:

| queue | time | futex calls | per item | context switches |
|---|--:|--:|--:|--:|
| `csapp::sbuf<int>` | 147 ms | 88,076 | 1.76 | 8,496 |
| `std::semaphore` | 267 ms | 100,096 | 2.00 | 142 |
| `sem_t, spin first` | 122 ms | 8,486 | 0.17 | 32 |
| `mutex+condvar` | 11 ms | 1,392 | 0.03 | 647 |

Part of the gap is system calls. glibc's `sem_post` makes a `futex_wake` call whenever a waiter
is registered on the semaphore, and a thread that went to sleep in `sem_wait` stays registered
until it has run again; the three-semaphore protocol gives every item two posts (`items` or
`slots`, and `mutex`) that can land in that window. `pthread_cond_signal` wakes a sleeper once
and then does nothing more until it has woken, and the condvar queue takes one lock per
operation. A system call costs microseconds on this virtual machine (see the `read 8KiB` rows
of the RIO section), which magnifies every extra one.

System calls are not the whole story, though: the experiment whose P polls `sem_trywait`
before sleeping removes 90% of the futex calls and nearly all context switches, and is still
many times slower than the condvar queue (the `sem_t, spin first` rows). Two more one-off
experiments (a scratch program, not kept; 1 producer/1 consumer, 1,024 slots, 50,000 items,
five runs each) rule out the two obvious suspects: with each semaphore on its own 64-byte
cache line the queue took 111–130 ms (115–125 ms unpadded), and with a `std::mutex` guarding
the ring instead of the `mutex` semaphore 115–121 ms, while the condvar queue took 4–14 ms in
four of the same five runs. So the cost sits in the handoff through the two counting
semaphores, `slots` and `items`. Our reading, not proven here: the consumer keeps catching up
with the producer, finds `items` at zero and registers as a waiter on nearly every item, which
makes nearly every `sem_post(items)` a system call and slows the producer enough that the
consumer catches up again; the condvar queue escapes that loop because its producer, after one
wake-up, signals for free and runs ahead (647 context switches for 50,000 items in the perf
run). The polling experiment does not fit this reading completely (it rarely registers, yet
stays slow), so the explanation is incomplete.

With 16 slots the ring is full or empty nearly all the time and every design puts a thread to
sleep on most handoffs; there the gap is small or reversed (see the ratios above). We found no
change that keeps the book's three-semaphore protocol and `sbuf_t`'s fields and meets the goal
at 1,024 slots; a queue that does is the mutex+condvar design itself.
)";
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  for (const shape& s : shapes) {
    for (const queue_kind& k : queues) {
      const std::string name = s.label() + "/" + k.name;
      benchmark::RegisterBenchmark(
          name.c_str(),
          [&k, &s](benchmark::State& state) {
            const double before = context_switches();
            for (auto _ : state) run_checked(k, s);
            const double items = static_cast<double>(state.iterations() * items_per_unit);
            state.SetItemsProcessed(static_cast<std::int64_t>(items));
            state.counters["switches/item"] = (context_switches() - before) / items;
          })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }

  std::vector<bench::pair> pairs;
  const queue_kind& condvar = queues[2];  // the baseline of every pair
  for (const shape& s : shapes) {
    for (const queue_kind* k : {&queues[0], &queues[1], &queues[3], &queues[4]}) {
      const double goal = k == &queues[0] || k == &queues[1] ? 0.9 : 0;
      pairs.push_back({s.label(), k->name, condvar.name, goal, [k, &s] { run_checked(*k, s); },
                       [&s] { run_checked(queues[2], s); }, items_per_unit / 1e6, "M items"});
    }
  }

  const std::string intro =
      "Each unit of work moves 50,000 ints through one bounded buffer, from P producer "
      "threads to C consumer threads (`1p1c`, `4p4c`), with 16 or 1,024 slots; the "
      "consumers' sum checks every item. `std::semaphore` is the book's three-semaphore "
      "design built from C++20 `std::binary_semaphore`/`std::counting_semaphore` instead "
      "of POSIX `sem_t`. `switches/item` counts the process's context switches per item.";
  return bench::run(argc, argv, "Bounded buffers (bench_sbuf)", intro, pairs, notes);
}
