// echoservert_pre_cpp - ours, not a figure: the prethreaded echo server again (Section 12.5.5),
// written with the C++ face: a fixed pool of worker threads fed owned descriptors through
// csapp::sbuf.
//
// What RAII changes, compared with the book's version:
//   - the buffer holds csapp::unique_fd, not int: inserting moves the descriptor in, which
//     hands its ownership to the buffer, and the worker that removes it becomes its only
//     owner; nobody else can close it or forget to;
//   - a worker closes each connection by letting it go out of scope, whatever ended it.
//
// The pool's limit, which this program shows rather than hides: WORKERS threads serve
// WORKERS clients at once. Client WORKERS+1 is accepted and waits in the buffer, unanswered,
// until one of the served clients leaves.
//
// Usage: echoservert_pre_cpp PORT [WORKERS]   (WORKERS: 1 to 1024, default 4)
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include <unistd.h>

#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/sbuf.hpp>
#include <csapp/socket.hpp>
#include <csapp/stop.hpp>

#include "12.3-threads/serve_cpp.hpp"

namespace {

constexpr int default_workers = 4;
constexpr int max_workers = 1024;
constexpr std::size_t buffer_slots = 16;  // accepted clients waiting for a worker

// A worker: takes the next connection from the buffer (waiting while it is empty), serves
// it, and goes back for another. While it serves one client, it serves nobody else.
void work(csapp::sbuf<csapp::unique_fd>& clients) noexcept {
  try {
    for (;;) serve(clients.remove());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echoservert_pre_cpp: %s\n", e.what());
    std::_Exit(1);  // a broken semaphore: nothing can be served any more
  }
}

// The accepting thread: accepts clients and moves each into the buffer. insert waits while
// the buffer is full (every worker busy, every slot taken): that is the backpressure that
// keeps further clients in the kernel's listen queue.
void accept_forever(int listenfd, csapp::sbuf<csapp::unique_fd>& clients) noexcept {
  try {
    // Until a stop: then accept_from comes back empty, and main is on its way to exit(0).
    while (csapp::unique_fd conn = csapp::accept_from(listenfd)) clients.insert(std::move(conn));
    // This thread waits for that exit instead of ending: a thread that ends needs descriptors
    // under UBSan (its vptr check), and a server stopped while out of them has none.
    for (;;) ::pause();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echoservert_pre_cpp: %s\n", e.what());
    std::_Exit(1);
  }
}

// Starts a detached thread running f(args...). Should no thread start, the program ends at
// once: an exception leaving main would destroy the buffer under the threads already using it.
template <class F, class... Args>
void start_detached(F f, Args&&... args) noexcept {
  try {
    std::thread(f, std::forward<Args>(args)...).detach();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echoservert_pre_cpp: cannot start a thread: %s\n", e.what());
    std::_Exit(1);
  }
}

// Returns once SIGINT or SIGTERM has arrived (stop_fd becomes readable only then).
// noexcept, for the same reason as start_detached: should the wait fail, the program ends
// here.
void wait_for_stop() noexcept {
  while (csapp::wait_readable(csapp::stop_fd())) continue;
}

// WORKERS from its argument: a whole number in 1..max_workers, or 0 if it is not one.
int parse_workers(const char* text) {
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1 || n > max_workers) return 0;
  return static_cast<int>(n);
}

}  // namespace

int main(int argc, char** argv) {
  const int workers = argc == 3 ? parse_workers(argv[2]) : default_workers;
  if (argc < 2 || argc > 3 || workers == 0) {
    std::fprintf(stderr, "usage: %s PORT [WORKERS]   (WORKERS: 1 to %d, default %d)\n", argv[0],
                 max_workers, default_workers);
    return 2;
  }
  csapp::unique_fd listener;
  try {
    csapp::stop_on_signals();  // SIGINT/SIGTERM: the wait at the end returns, exit 0
    listener = csapp::listen_on(argv[1]);
    // Clients that connect before the threads run wait in the kernel's listen queue.
    std::printf("listening on port %u\n", csapp::local_port(listener.get()));
    std::fflush(stdout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echoservert_pre_cpp: %s\n", e.what());
    return 1;
  }

  csapp::sbuf<csapp::unique_fd> clients(buffer_slots);
  for (int i = 0; i < workers; ++i) start_detached(work, std::ref(clients));
  // Accepting happens in a thread of its own, because insert may wait a long time for a
  // free slot, and a thread waiting there would not notice SIGTERM. This thread only
  // waits for the stop.
  start_detached(accept_forever, listener.get(), std::ref(clients));
  wait_for_stop();

  // main never returns once the threads run: std::exit does not destroy main's locals, so
  // the buffer and the listener the threads are using stay valid until the process is
  // gone. exit ends the threads wherever they are; the kernel closes every descriptor,
  // those still waiting in the buffer included.
  std::exit(0);
}
