// tests/support/delivery.hpp - bytes delivered the hard way: in random pieces, each its own
// write(2) and, on the other side, its own read(2), over pipes and socket pairs taking
// turns; pipes preloaded with a whole input; a peer that vanishes with a reset. What a
// reader's tests need to prove that a result does not depend on how the bytes arrive.
#pragma once

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <csapp/fd.hpp>

#include "support.hpp"
#include "threads.hpp"

namespace test_support {

// Bytes queued in the kernel for the reading end of a pipe or stream socket.
inline int queued(int fd) {
  int n = 0;
  if (::ioctl(fd, FIONREAD, &n) < 0) return -1;
  return n;
}

// The read end of a pipe that holds exactly `data` and then end of file.
inline csapp::unique_fd preloaded(const std::string& data) {
  auto r_w = pipe_pair();
  csapp::unique_fd& r = r_w.first;
  csapp::unique_fd& w = r_w.second;
  REQUIRE(data.size() < 65536);  // fits the pipe's buffer, so nothing blocks
  REQUIRE(::write(w.get(), data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  return std::move(r);
}

// Where two byte strings first differ, or npos when they are equal. Used instead of
// comparing megabytes with CHECK, which would print them all on failure.
inline std::size_t first_difference(const std::string& a, const std::string& b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i)
    if (a[i] != b[i]) return i;
  return a.size() == b.size() ? std::string::npos : common;
}

// `n` bytes of every value, NUL and newline included, the same for the same seed.
inline std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Waits until the reader has taken everything queued on `fd` and is asleep again (in the
// kernel, waiting for more). That is the event "the next bytes arrive in a new read".
inline bool reader_waits_again(int fd, const guarded_thread& reader) {
  return wait_for(
      [&] { return reader.done() || (queued(fd) == 0 && thread_state(reader.tid()) == 'S'); });
}

// Random piece sizes from 1 byte to 64 KiB covering `total` bytes. The size's order of
// magnitude is uniform, so 1-byte pieces are as common as 32 KiB ones.
inline std::vector<std::size_t> random_pieces(std::size_t total, std::mt19937& rng) {
  std::uniform_int_distribution<int> magnitude(0, 16);
  std::vector<std::size_t> pieces;
  for (std::size_t at = 0; at < total;) {
    const std::size_t lo = std::size_t{1} << magnitude(rng);
    const std::size_t hi = std::min<std::size_t>(2 * lo - 1, 65536);
    std::size_t size = std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
    size = std::min(size, total - at);
    pieces.push_back(size);
    at += size;
  }
  return pieces;
}

// Writes `stream` to `out` in the given pieces, each in its own write(2), and waits for
// the reader to drain the kernel queue (as seen on `in`) before the next one, so every
// piece boundary is also a boundary between two of the reader's read(2) calls. Each piece
// goes into an empty buffer, so no write blocks. Returns "" or what went wrong; `stop`
// ends it early (the reader gave up).
inline std::string deliver(int out, int in, const std::string& stream,
                           const std::vector<std::size_t>& pieces, const std::atomic<bool>& stop) {
  std::size_t at = 0;
  for (const std::size_t size : pieces) {
    if (::write(out, stream.data() + at, size) != static_cast<ssize_t>(size))
      return "write failed at byte " + std::to_string(at);
    at += size;
    // The reader is active, so this is a short spin; the limit only stops a broken build.
    const auto deadline = clock::now() + event_limit;
    while (queued(in) > 0 && !stop.load()) {
      if (clock::now() > deadline) return "the reader stopped draining";
      std::this_thread::yield();
    }
    if (stop.load()) return "stopped: the reader returned before the end";
  }
  return "";
}

// A stream transport for one seed: pipes and socket pairs take turns.
inline std::pair<csapp::unique_fd, csapp::unique_fd> transport(unsigned seed) {  // {read, write}
  if (seed % 2 == 0) return pipe_pair();
  return socket_pair();
}

// Delivers `stream` in `pieces` from a writer thread (see deliver) while `read_all` reads
// the other end on this thread until it sees end of file. Returns "" or the writer's
// trouble.
inline std::string deliver_and_read(unsigned seed, const std::string& stream,
                                    const std::vector<std::size_t>& pieces,
                                    const std::function<void(int)>& read_all) {
  auto fds = transport(seed);
  std::atomic<bool> stop{false};
  std::string outcome;
  guarded_thread writer(
      [&] {
        outcome = deliver(fds.second.get(), fds.first.get(), stream, pieces, stop);
        fds.second.reset();  // end of file for the reader
      },
      [&] { stop.store(true); });
  read_all(fds.first.get());
  stop.store(true);  // a reader that returned early must not keep the writer waiting
  const std::string ended = writer.finish();
  return ended.empty() ? outcome : ended;
}

// Makes the peer of `victim` vanish with a reset: it waits until the bytes `victim` sent
// have arrived, then closes with SO_LINGER {on, 0 seconds}, which sends RST. Afterwards
// waits until the reset has reached `victim` (it polls readable/error).
inline void reset_by_peer(int victim, csapp::unique_fd peer) {
  REQUIRE(wait_for([&] { return queued(peer.get()) > 0; }));  // unread data makes it a reset
  const linger abort_on_close{1, 0};
  REQUIRE(::setsockopt(peer.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) ==
          0);
  peer.reset();
  pollfd pfd{victim, POLLIN, 0};
  REQUIRE(::poll(&pfd, 1, static_cast<int>(event_limit.count())) == 1);
}

}  // namespace test_support
