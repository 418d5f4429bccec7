// csapp/sbuf.hpp - the bounded buffer of Section 12.5: producer-consumer with semaphores.
//
// Three semaphores carry the whole protocol: `mutex` (1) guards the ring, `slots` counts
// free places, `items` counts filled ones. A producer waits on slots, so a full buffer
// blocks it: that is the backpressure a prethreaded server relies on when clients arrive
// faster than workers free up. A consumer waits on items, so an empty buffer blocks it.
//
// The algorithm is written once, in detail::ring_insert / ring_remove, over the fields of
// the book's sbuf_t; the book's sbuf_t (sbuf.h) and csapp::sbuf<T> both call it.
#pragma once

#include <cerrno>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "error.hpp"
#include "semaphore.hpp"

namespace csapp {
namespace detail {

// A view of a ring's fields. `rear` is the slot of the newest item, `front` the slot just
// before the oldest; both advance modulo n, so they never overflow.
template <class Slot>
struct ring {
  Slot* buf;        // n slots
  int n;            // capacity
  int& front;       // slot before the oldest item
  int& rear;        // slot of the newest item
  sem_type* mutex;  // 1 while nobody touches the ring
  sem_type* slots;  // free slots
  sem_type* items;  // filled slots
};

// Both return 0, or -1 with errno from the failing semaphore call.
template <class Slot, class Item>
int ring_insert(ring<Slot> r, Item&& item) {
  if (sem_wait_uninterrupted(r.slots) < 0 || sem_wait_uninterrupted(r.mutex) < 0) return -1;
  r.rear = (r.rear + 1) % r.n;
  r.buf[r.rear] = std::forward<Item>(item);
  if (sem::post(r.mutex) < 0 || sem::post(r.items) < 0) return -1;
  return 0;
}

template <class Slot>
int ring_remove(ring<Slot> r, Slot& out) {
  if (sem_wait_uninterrupted(r.items) < 0 || sem_wait_uninterrupted(r.mutex) < 0) return -1;
  r.front = (r.front + 1) % r.n;
  out = std::exchange(r.buf[r.front], Slot{});  // the slot keeps no copy (a descriptor, say)
  if (sem::post(r.mutex) < 0 || sem::post(r.slots) < 0) return -1;
  return 0;
}

}  // namespace detail

// A bounded FIFO shared by threads. T may be move-only (csapp::unique_fd, std::unique_ptr).
template <class T>
class sbuf {
 public:
  explicit sbuf(std::size_t capacity)
      : n_(checked_capacity(capacity)),
        buf_(std::make_unique<std::optional<T>[]>(capacity)),
        slots_(static_cast<unsigned>(capacity)) {}
  sbuf(const sbuf&) = delete;
  sbuf& operator=(const sbuf&) = delete;

  // Adds an item at the rear, waiting while the buffer is full.
  void insert(T item) {
    if (detail::ring_insert(view(), std::move(item)) < 0) throw_errno("sbuf insert");
  }

  // Takes the item at the front, waiting while the buffer is empty.
  T remove() {
    std::optional<T> item;
    if (detail::ring_remove(view(), item) < 0) throw_errno("sbuf remove");
    return std::move(*item);
  }

  std::size_t capacity() const noexcept { return static_cast<std::size_t>(n_); }

 private:
  static int checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > 1u << 30) throw std::invalid_argument("sbuf capacity");
    return static_cast<int>(capacity);
  }
  detail::ring<std::optional<T>> view() noexcept {
    return {buf_.get(),
            n_,
            front_,
            rear_,
            mutex_.native_handle(),
            slots_.native_handle(),
            items_.native_handle()};
  }

  int n_;                                    // capacity
  std::unique_ptr<std::optional<T>[]> buf_;  // the ring's slots; empty ones hold nothing
  int front_ = 0;                            // slot before the oldest item
  int rear_ = 0;                             // slot of the newest item
  semaphore mutex_{1};                       // guards the ring
  semaphore slots_;                          // free slots, starts at capacity
  semaphore items_{0};                       // filled slots, starts empty
};

}  // namespace csapp
