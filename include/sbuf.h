// sbuf.h - the book's bounded buffer of ints (Section 12.5.4), for `#include "sbuf.h"`.
//
// Leave the book's sbuf.c out of the build: the functions are all here (csapp.h's first
// lines stop a build that compiles it, with a message that says so).
//
// Kept apart from csapp.h, as in the book, so a student who writes their own sbuf.c is not
// clashing with this one. The algorithm is csapp::detail::ring_insert / ring_remove, the
// same code csapp::sbuf<T> runs; these functions add the book's names and its policy of
// exiting on failure.
#ifndef CSAPP_BOOK_SBUF_H
#define CSAPP_BOOK_SBUF_H

#include "csapp.h"
#include "csapp/sbuf.hpp"

typedef struct {
  int* buf;    /* n slots */
  int n;       /* capacity */
  int front;   /* slot before the oldest item */
  int rear;    /* slot of the newest item */
  sem_t mutex; /* 1 while nobody touches the ring */
  sem_t slots; /* free slots */
  sem_t items; /* filled slots */
} sbuf_t;

namespace csapp {
namespace book {
inline detail::ring<int> ring_of(sbuf_t* sp) noexcept {
  return {sp->buf, sp->n, sp->front, sp->rear, &sp->mutex, &sp->slots, &sp->items};
}
}  // namespace book
}  // namespace csapp

// An empty buffer with room for n items.
inline void sbuf_init(sbuf_t* sp, int n) {
  if (n <= 0) app_error("sbuf_init error: capacity must be positive");
  sp->buf = Calloc(static_cast<size_t>(n), sizeof(int));
  sp->n = n;
  sp->front = sp->rear = 0;
  Sem_init(&sp->mutex, 0, 1);
  Sem_init(&sp->slots, 0, static_cast<unsigned>(n));
  Sem_init(&sp->items, 0, 0);
}

inline void sbuf_deinit(sbuf_t* sp) {
  Free(sp->buf);
  sp->buf = nullptr;
  sem_destroy(&sp->mutex);
  sem_destroy(&sp->slots);
  sem_destroy(&sp->items);
}

// Adds item at the rear, waiting while the buffer is full.
inline void sbuf_insert(sbuf_t* sp, int item) {
  if (csapp::detail::ring_insert(csapp::book::ring_of(sp), item) < 0)
    unix_error("sbuf_insert error");
}

// Removes and returns the item at the front, waiting while the buffer is empty.
inline int sbuf_remove(sbuf_t* sp) {
  int item = 0;
  if (csapp::detail::ring_remove(csapp::book::ring_of(sp), item) < 0)
    unix_error("sbuf_remove error");
  return item;
}

#endif /* CSAPP_BOOK_SBUF_H */
