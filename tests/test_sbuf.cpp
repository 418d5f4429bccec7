// Tests for csapp/sbuf.hpp and the book's sbuf.h: a bounded FIFO shared by threads, that
// delivers every item exactly once, blocks producers when full (backpressure) and consumers
// when empty, and carries move-only items such as descriptors without keeping copies.
#include <csapp/sbuf.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <csapp/fd.hpp>

#include "sbuf.h"
#include "support/support.hpp"

namespace {

using namespace std::chrono_literals;

// Threads that count themselves out in `finished`; joined only once all have. A hang (an
// item lost, a wakeup missed) is reported and ends the program: the blocked threads cannot
// be joined, and waiting on would only hit the outer timeout. A bulk run is given as long as
// its `moved` counter keeps rising (a million items take minutes under TSan); anything else
// the event limit.
class crew {
 public:
  crew() = default;
  crew(const crew&) = delete;
  crew& operator=(const crew&) = delete;
  ~crew() { join(); }

  void spawn(std::function<void()> work) {
    threads_.emplace_back([this, work = std::move(work)] {
      work();
      finished_.fetch_add(1);
    });
  }

  void join(const std::atomic<long>* moved = nullptr) {
    const int all = static_cast<int>(threads_.size());
    const auto everyone_done = [&] { return finished_.load() == all; };
    if (moved != nullptr
            ? !test_support::wait_while_progressing(everyone_done, [&] { return moved->load(); })
            : !test_support::wait_for(everyone_done)) {
      std::fprintf(stderr, "only %d of %d threads finished: a thread is stuck in the buffer\n",
                   finished_.load(), all);
      std::_Exit(1);
    }
    for (auto& t : threads_) t.join();
    threads_.clear();
    finished_ = 0;
  }

 private:
  std::vector<std::thread> threads_;  // the crew
  std::atomic<int> finished_{0};      // how many have returned from their work
};

// One thread making one call that is expected to block, watched through /proc.
class blocked_call {
 public:
  explicit blocked_call(std::function<void()> call)
      : thread_([this, call = std::move(call)] {
          tid_ = test_support::this_thread_id();
          call();
          done_ = true;
        }) {}
  blocked_call(const blocked_call&) = delete;
  blocked_call& operator=(const blocked_call&) = delete;
  ~blocked_call() {
    if (!finished()) {
      std::fprintf(stderr, "a blocked call never returned\n");
      std::_Exit(1);
    }
    thread_.join();
  }

  bool asleep() {
    return test_support::wait_for([&] { return tid_.load() != 0; }) &&
           test_support::wait_for([&] { return test_support::thread_state(tid_.load()) == 'S'; });
  }
  bool done() const { return done_.load(); }
  bool finished() {
    return test_support::wait_for([&] { return done_.load(); });
  }

 private:
  std::atomic<pid_t> tid_{0};      // the thread's kernel id, once it runs
  std::atomic<bool> done_{false};  // the call returned
  std::thread thread_;             // last: it starts running at construction
};

// The exactly-once test, for either face: `insert` and `remove` are the buffer's.
// producers x consumers threads move `total` distinct items (0..total-1); each consumer
// records what it got in its own table, and the tables are merged after the join.
void check_exactly_once(int producers, int consumers, int total,
                        const std::function<void(int)>& insert,
                        const std::function<int()>& remove) {
  REQUIRE(total % producers == 0);
  REQUIRE(total % consumers == 0);
  std::vector<std::vector<std::uint32_t>> seen(static_cast<std::size_t>(consumers),
                                               std::vector<std::uint32_t>(total, 0));
  std::vector<long> out_of_range(static_cast<std::size_t>(consumers), 0);
  std::atomic<long> moved{0};  // items removed, counted in steps of 256: the run's progress
  {
    crew threads;
    for (int p = 0; p < producers; ++p)
      threads.spawn([&, p] {
        const int share = total / producers;
        for (int i = p * share; i < (p + 1) * share; ++i) insert(i);
      });
    for (int c = 0; c < consumers; ++c)
      threads.spawn([&, c] {
        auto& mine = seen[static_cast<std::size_t>(c)];
        for (int k = 0; k < total / consumers; ++k) {
          const int item = remove();
          if (k % 256 == 0) moved.fetch_add(1, std::memory_order_relaxed);
          if (item >= 0 && item < total)
            ++mine[static_cast<std::size_t>(item)];
          else
            ++out_of_range[static_cast<std::size_t>(c)];
        }
      });
    threads.join(&moved);
  }
  long missing = 0;
  long duplicated = 0;
  int first_bad = -1;
  for (int item = 0; item < total; ++item) {
    std::uint32_t count = 0;
    for (const auto& table : seen) count += table[static_cast<std::size_t>(item)];
    if (count == 0) ++missing;
    if (count > 1) ++duplicated;
    if (count != 1 && first_bad < 0) first_bad = item;
  }
  long strays = 0;
  for (long n : out_of_range) strays += n;
  CAPTURE(first_bad);
  CHECK(missing == 0);
  CHECK(duplicated == 0);
  CHECK(strays == 0);
}

bool descriptor_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("sbuf.items come out in the order they went in also across the ring's wrap") {
  // This thread's own buffer calls would block forever on a deadlocked buffer.
  const test_support::hang_guard guard("a call on the buffer never returned");
  csapp::sbuf<int> buf(4);
  CHECK(buf.capacity() == 4);
  for (int i = 1; i <= 4; ++i) buf.insert(i);
  for (int i = 1; i <= 4; ++i) CHECK(buf.remove() == i);
  // Keep two or three items inside while the indices go round the ring several times.
  int next_in = 100;
  int next_out = 100;
  buf.insert(next_in++);
  buf.insert(next_in++);
  for (int round = 0; round < 20; ++round) {
    buf.insert(next_in++);
    CHECK(buf.remove() == next_out++);
  }
  CHECK(buf.remove() == next_out++);
  CHECK(buf.remove() == next_out++);
  CHECK(next_out == next_in);
}

TEST_CASE("sbuf.a move-only descriptor passes through and the slot keeps no copy") {
  // This thread's own buffer calls would block forever on a deadlocked buffer.
  const test_support::hang_guard guard("a call on the buffer never returned");
  auto [r, w] = test_support::pipe_pair();
  const int wfd = w.get();
  {
    csapp::sbuf<csapp::unique_fd> buf(2);
    buf.insert(std::move(w));
    CHECK_FALSE(w);  // moved into the buffer
    csapp::unique_fd out = buf.remove();
    REQUIRE(out.get() == wfd);
    REQUIRE(::write(out.get(), "k", 1) == 1);
    out.reset();  // the remover was the only owner: this closes the write end
    CHECK_FALSE(descriptor_open(wfd));
    char c = 0;
    CHECK(::read(r.get(), &c, 1) == 1);
    CHECK(c == 'k');
    CHECK(::read(r.get(), &c, 1) == 0);  // EOF: no other owner holds the write end open

    // A new descriptor takes the freed number. If the slot had kept the old value, the
    // buffer's destruction would close this one.
    csapp::unique_fd reuse(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(reuse);
    if (reuse.get() != wfd) {
      REQUIRE(::dup2(reuse.get(), wfd) == wfd);
      reuse.reset(wfd);
    }
    w = std::move(reuse);  // keep it alive past the buffer
  }
  CHECK(descriptor_open(wfd));
}

TEST_CASE("sbuf.4 producers and 4 consumers move 1000000 items and each arrives exactly once") {
  csapp::sbuf<int> buf(64);
  check_exactly_once(
      4, 4, 1000000, [&](int item) { buf.insert(item); }, [&] { return buf.remove(); });
}

TEST_CASE("sbuf.a producer blocks while the buffer is full until a consumer removes one") {
  // This thread's own buffer calls would block forever on a deadlocked buffer.
  const test_support::hang_guard guard("a call on the buffer never returned");
  csapp::sbuf<int> buf(2);
  buf.insert(1);
  buf.insert(2);
  std::atomic<bool> removed{false};
  std::atomic<bool> saw_remove{false};
  blocked_call producer([&] {
    buf.insert(3);
    saw_remove = removed.load();
  });
  CHECK(producer.asleep());
  CHECK_FALSE(producer.done());
  removed = true;
  CHECK(buf.remove() == 1);
  REQUIRE(producer.finished());
  CHECK(saw_remove);  // the insert completed only after the remove
  CHECK(buf.remove() == 2);
  CHECK(buf.remove() == 3);
}

TEST_CASE("sbuf.a consumer blocks while the buffer is empty until a producer inserts") {
  // This thread's own buffer calls would block forever on a deadlocked buffer.
  const test_support::hang_guard guard("a call on the buffer never returned");
  csapp::sbuf<int> buf(2);
  std::atomic<bool> inserted{false};
  std::atomic<bool> saw_insert{false};
  std::atomic<int> got{-1};
  blocked_call consumer([&] {
    got = buf.remove();
    saw_insert = inserted.load();
  });
  CHECK(consumer.asleep());
  CHECK_FALSE(consumer.done());
  inserted = true;
  buf.insert(7);
  REQUIRE(consumer.finished());
  CHECK(got == 7);
  CHECK(saw_insert);
}

TEST_CASE("sbuf.capacity 0 throws invalid_argument") {
  CHECK_THROWS_AS(csapp::sbuf<int>(0), std::invalid_argument);
  CHECK_THROWS_AS(csapp::sbuf<csapp::unique_fd>(0), std::invalid_argument);
}

// ---- The book's sbuf.h ----

TEST_CASE("sbuf.the book's sbuf_t: 4 producers and 4 consumers deliver each item exactly once") {
  // The same ring code as csapp::sbuf (tested with a million items above); a fifth of the
  // load keeps the sanitizer runs short.
  sbuf_t sp;
  sbuf_init(&sp, 64);
  check_exactly_once(
      4, 4, 200000, [&](int item) { sbuf_insert(&sp, item); }, [&] { return sbuf_remove(&sp); });
  sbuf_deinit(&sp);
}

TEST_CASE("sbuf.the book's sbuf_t keeps FIFO order and blocks producers and consumers") {
  // This thread's own buffer calls would block forever on a deadlocked buffer.
  const test_support::hang_guard guard("a call on the buffer never returned");
  sbuf_t sp;
  sbuf_init(&sp, 2);

  SUBCASE("FIFO") {
    for (int round = 0; round < 5; ++round) {
      sbuf_insert(&sp, 2 * round);
      sbuf_insert(&sp, 2 * round + 1);
      CHECK(sbuf_remove(&sp) == 2 * round);
      CHECK(sbuf_remove(&sp) == 2 * round + 1);
    }
  }

  SUBCASE("a full buffer blocks the producer") {
    sbuf_insert(&sp, 1);
    sbuf_insert(&sp, 2);
    std::atomic<bool> removed{false};
    std::atomic<bool> saw_remove{false};
    {
      blocked_call producer([&] {
        sbuf_insert(&sp, 3);
        saw_remove = removed.load();
      });
      CHECK(producer.asleep());
      CHECK_FALSE(producer.done());
      removed = true;
      CHECK(sbuf_remove(&sp) == 1);
      REQUIRE(producer.finished());
    }
    CHECK(saw_remove);
    CHECK(sbuf_remove(&sp) == 2);
    CHECK(sbuf_remove(&sp) == 3);
  }

  SUBCASE("an empty buffer blocks the consumer") {
    std::atomic<bool> inserted{false};
    std::atomic<bool> saw_insert{false};
    std::atomic<int> got{-1};
    {
      blocked_call consumer([&] {
        got = sbuf_remove(&sp);
        saw_insert = inserted.load();
      });
      CHECK(consumer.asleep());
      CHECK_FALSE(consumer.done());
      inserted = true;
      sbuf_insert(&sp, 9);
      REQUIRE(consumer.finished());
    }
    CHECK(got == 9);
    CHECK(saw_insert);
  }

  sbuf_deinit(&sp);
}

TEST_CASE("sbuf.the book's sbuf_init with no room exits with status 1") {
  const auto result = test_support::run_in_child([] {
    sbuf_t sp;
    sbuf_init(&sp, 0);
    ::_exit(10);
  });
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("sbuf_init error") != std::string::npos);
}
