// tests/support/echo_checks.hpp - what every line-echo server is tested for, written once.
//
// Each check plays clients against a running server and asserts what a user would see: the
// bytes that come back, who is served while whom is connected, and what /proc says about
// the server afterwards. The example tests start a server with test_support::spawned, read
// its port, and call the checks that apply to its approach.
#pragma once

#include <doctest/doctest.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>

#include "../../tools/echocheck/net.hpp"
#include "../../tools/echocheck/proc.hpp"
#include "spawn.hpp"
#include "support.hpp"

namespace test_support {

// How long a check waits to conclude that something did NOT happen (a client was not
// served). Not a speed assertion: the expected event is the absence of any answer at all;
// the positive outcome is then waited for with event_limit.
inline constexpr std::chrono::milliseconds absence_window = 500ms;

// A started server and its port.
struct running_server {
  spawned process;
  int port = 0;
  running_server(const std::string& path, std::vector<std::string> args)
      : process(path, with_port_zero(std::move(args))), port(process.wait_for_port()) {}
  std::string port_text() const { return std::to_string(port); }

 private:
  static std::vector<std::string> with_port_zero(std::vector<std::string> args) {
    args.insert(args.begin(), "0");
    return args;
  }
};

inline csapp::unique_fd connect_client(int port, const char* host = "127.0.0.1") {
  return csapp::connect_to(host, std::to_string(port).c_str());
}

// Waits (bounded) for exactly n bytes on fd. Returns what arrived (shorter on EOF, error
// or timeout).
inline std::string read_exactly(int fd, std::size_t n,
                                std::chrono::milliseconds limit = event_limit) {
  std::string got;
  const auto deadline = clock::now() + limit;
  while (got.size() < n) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[65536];
    const std::size_t want = std::min(sizeof buf, n - got.size());
    const ssize_t r = ::read(fd, buf, want);
    if (r <= 0) break;
    got.append(buf, static_cast<std::size_t>(r));
  }
  return got;
}

// True if any byte (or EOF) arrives on fd within `window`.
inline bool answers_within(int fd, std::chrono::milliseconds window) {
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, static_cast<int>(window.count())) == 1;
}

// True if the peer closes the connection (read returns 0) within the bound, with no
// further bytes before it.
inline bool sees_eof(int fd, std::chrono::milliseconds limit = event_limit) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(limit.count())) != 1) return false;
  char byte;
  return ::read(fd, &byte, 1) == 0;
}

// Sends `text` and expects it back byte for byte.
inline bool round_trip(int fd, const std::string& text) {
  if (csapp::writen(fd, text.data(), text.size()) < 0) return false;
  return read_exactly(fd, text.size()) == text;
}

// ---- The checks ----

// Awkward input comes back byte-exact: NUL bytes; lines of 1, 8191, 8192 and 20,000 bytes;
// two lines in one write; a last line without a newline (echoed once the client closes its
// sending side, since only then is it known to be the last).
inline void check_awkward_echo(int port) {
  const std::vector<std::string> inputs = {
      std::string("nul\0bytes\0inside\n", 17), "\n",
      std::string(8190, 'a') + "\n",           std::string(8191, 'b') + "\n",
      std::string(19999, 'c') + "\n",          "first of two\nsecond of two\n",
  };
  csapp::unique_fd conn = connect_client(port);
  for (const auto& input : inputs) {
    CAPTURE(input.size());
    CHECK(round_trip(conn.get(), input));
  }
  const std::string tail = "last line without a newline";
  REQUIRE(csapp::writen(conn.get(), tail.data(), tail.size()) >= 0);
  ::shutdown(conn.get(), SHUT_WR);
  CHECK(read_exactly(conn.get(), tail.size()) == tail);
  CHECK(sees_eof(conn.get()));  // and the server closes its side once we closed ours
}

// Concurrent servers: while client 1 stays connected (idle), client 2 is served.
inline void check_second_client_served(int port) {
  csapp::unique_fd first = connect_client(port);
  REQUIRE(round_trip(first.get(), "first\n"));
  csapp::unique_fd second = connect_client(port, "::1");
  CHECK(round_trip(second.get(), "second\n"));
  CHECK(round_trip(first.get(), "first again\n"));
}

// The iterative server: while client 1 stays connected, client 2 gets no answer; once
// client 1 leaves, client 2 is served (its line was waiting in the socket all along).
inline void check_second_client_waits(int port) {
  csapp::unique_fd first = connect_client(port);
  REQUIRE(round_trip(first.get(), "first\n"));
  csapp::unique_fd second = connect_client(port);
  REQUIRE(csapp::writen(second.get(), "second\n", 7) == 7);
  CHECK_FALSE(answers_within(second.get(), absence_window));
  first.reset();
  CHECK(read_exactly(second.get(), 7) == "second\n");
}

// A client that sends half a line and stops. `stalls`: the server's approach blocks on it
// (documented for the book's select pool: rio_readlineb waits for the rest of the line)
// and other clients wait until the line is finished; otherwise they are served at once.
inline void check_half_line(int port, bool stalls) {
  csapp::unique_fd slow = connect_client(port);
  REQUIRE(round_trip(slow.get(), "hello\n"));  // connected and registered by the server
  REQUIRE(csapp::writen(slow.get(), "half a li", 9) == 9);
  csapp::unique_fd other = connect_client(port);
  REQUIRE(csapp::writen(other.get(), "other\n", 6) == 6);
  if (stalls) {
    CHECK_FALSE(answers_within(other.get(), absence_window));
    REQUIRE(csapp::writen(slow.get(), "ne\n", 3) == 3);
    CHECK(read_exactly(other.get(), 6) == "other\n");
    CHECK(read_exactly(slow.get(), 12) == "half a line\n");
  } else {
    CHECK(read_exactly(other.get(), 6) == "other\n");
    REQUIRE(csapp::writen(slow.get(), "ne\n", 3) == 3);
    CHECK(read_exactly(slow.get(), 12) == "half a line\n");
  }
}

// 20 clients that reset the connection mid-echo and 20 that close before reading their
// echo: afterwards the server still serves a new client.
inline void check_survives_bad_clients(int port) {
  const std::string big(256 * 1024, 'x');
  for (int i = 0; i < 20; ++i) {
    csapp::unique_fd conn = connect_client(port);
    const std::string lines = big + "\n" + big + "\n";
    // The server is busy echoing into a socket nobody reads: then the client resets.
    csapp::writen(conn.get(), lines.data(), lines.size() / 4);
    const linger hard{1, 0};
    ::setsockopt(conn.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  for (int i = 0; i < 20; ++i) {
    csapp::unique_fd conn = connect_client(port);
    csapp::writen(conn.get(), "never read\n", 11);
  }
  csapp::unique_fd after = connect_client(port);
  CHECK(round_trip(after.get(), "still serving\n"));
}

// What /proc says about a server, and room for many clients: echo-check's own helpers
// (tools/echocheck/), so the tests and the checker agree on what a leak or a zombie is.
using echo_check::child_pids;
using echo_check::list_dir;
using echo_check::proc_reading;
using echo_check::process_state;
using echo_check::raise_descriptor_limit;  // for thousands of clients
using echo_check::read_proc;
using echo_check::slurp;

// One connection that ends the way a polite client ends: a round trip, then our side
// closes, then we wait until the server has closed its side too (EOF). After that the
// server holds no descriptor for this connection: an event, not a guess.
inline bool polite_connection(int port, const std::string& line) {
  csapp::unique_fd conn = connect_client(port);
  if (!round_trip(conn.get(), line)) return false;
  ::shutdown(conn.get(), SHUT_WR);
  return sees_eof(conn.get());
}

// 300 connections one after another: afterwards the server holds exactly as many
// descriptors as before (none leaked) and has no children left, zombie or alive.
inline void check_no_leaks(int port, pid_t server) {
  REQUIRE(polite_connection(port, "warm up\n"));  // any lazy set-up happens here
  // A process server's child may still be exiting; then it is reaped.
  REQUIRE(wait_for([&] { return read_proc(server).children == 0; }));
  const int baseline = read_proc(server).fds;
  for (int i = 0; i < 300; ++i)
    REQUIRE(polite_connection(port, "connection " + std::to_string(i) + "\n"));
  const bool reaped = wait_for([&] { return read_proc(server).children == 0; });
  const proc_reading last = read_proc(server);
  CAPTURE(baseline);
  CAPTURE(last.fds);
  CAPTURE(last.zombies);
  CAPTURE(last.children);
  CHECK(reaped);
  CHECK(last.fds == baseline);
}

// `clients` connections at once, each doing `rounds` round trips of its own distinct line,
// driven by one poll loop; a client closes once its rounds are done. Returns how many
// clients finished with every byte exact (bounded: 60 s in all).
inline int run_load(int port, int clients, int rounds) {
  raise_descriptor_limit();
  struct client {
    csapp::unique_fd fd;
    std::string line;      // what this client sends each round
    std::string received;  // echo of the current round so far
    int done = 0;          // rounds completed
    bool failed = false;
  };
  std::vector<client> all(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i) {
    client& c = all[static_cast<std::size_t>(i)];
    c.fd = connect_client(port);
    c.line = "client " + std::to_string(i) + " says hello " +
             std::string(static_cast<std::size_t>(i % 40), '.') + "\n";
    if (csapp::writen(c.fd.get(), c.line.data(), c.line.size()) < 0) c.failed = true;
  }
  const auto deadline = clock::now() + std::chrono::seconds(60);
  int active = clients;
  std::vector<pollfd> fds(all.size());
  while (active > 0 && clock::now() < deadline) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      const bool waiting = !all[i].failed && all[i].done < rounds;
      fds[i] = {waiting ? all[i].fd.get() : -1, POLLIN, 0};
    }
    const int ready = ::poll(fds.data(), fds.size(), 1000);
    if (ready < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      client& c = all[i];
      char buf[4096];
      const ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
      if (n <= 0) {
        c.failed = true;
        --active;
        continue;
      }
      c.received.append(buf, static_cast<std::size_t>(n));
      if (c.received.size() < c.line.size()) continue;
      if (c.received != c.line) {
        c.failed = true;
        --active;
        continue;
      }
      c.received.clear();
      if (++c.done == rounds) {
        c.fd.reset();  // done: leave, as a real client would (a fixed pool needs it)
        --active;
      } else if (csapp::writen(c.fd.get(), c.line.data(), c.line.size()) < 0) {
        c.failed = true;
        --active;
      }
    }
  }
  int exact = 0;
  for (const auto& c : all)
    if (!c.failed && c.done == rounds) ++exact;
  return exact;
}

// SIGTERM, while a client is connected and idle, ends the server with status 0, and the
// children it had (a process server's) are gone, not left running or as zombies.
inline void check_sigterm_exits_cleanly(running_server& server) {
  const pid_t pid = server.process.pid();
  csapp::unique_fd idle = connect_client(server.port);
  REQUIRE(round_trip(idle.get(), "about to stop\n"));
  const std::vector<pid_t> children = child_pids(pid);
  REQUIRE(::kill(pid, SIGTERM) == 0);
  const auto status = server.process.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  for (pid_t child : children) {
    CAPTURE(child);
    CHECK(wait_for([&] { return ::kill(child, 0) == -1 && errno == ESRCH; }));
  }
  // The idle client sees its connection closed, not left hanging.
  CHECK(answers_within(idle.get(), event_limit));
}

}  // namespace test_support
