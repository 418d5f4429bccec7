// tests/support/clients.hpp - a test's side of a conversation with an example server.
//
// These are echo-check's own client helpers (tools/echocheck/net.hpp), with the tests' bound
// (event_limit) as the default deadline, plus a started server and its port. What a server
// is checked FOR lives in one place, the checker's scenarios (tools/echocheck/checker.hpp),
// which tests/test_servers.cpp runs against every example server; the helpers here serve
// the tests of what is particular to one server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <csapp/fd.hpp>
#include <echocheck/net.hpp>
#include <echocheck/proc.hpp>

#include "spawn.hpp"
#include "support.hpp"

namespace test_support {

// How long a check waits to conclude that something did NOT happen (a client was not
// served). Not a speed assertion: the expected event is the absence of any answer at all;
// the positive outcome is then waited for with event_limit.
inline constexpr std::chrono::milliseconds absence_window = 500ms;

// A server started on port 0, and the port it printed.
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
  return echo_check::connect_within(echo_check::resolve(host, std::to_string(port)), event_limit);
}

// Exactly n bytes from fd, or what came before EOF, an error or the limit.
inline std::string read_exactly(int fd, std::size_t n,
                                std::chrono::milliseconds limit = event_limit) {
  return echo_check::read_up_to(fd, n, clock::now() + limit);
}

// True if any byte (or EOF) arrives on fd within `window`.
inline bool answers_within(int fd, std::chrono::milliseconds window) {
  return echo_check::readable_by(fd, clock::now() + window);
}

// True if the peer closes the connection within the bound, with no bytes before it.
inline bool sees_eof(int fd, std::chrono::milliseconds limit = event_limit) {
  return echo_check::closed_by(fd, clock::now() + limit);
}

// Sends `text` and expects it back byte for byte.
inline bool round_trip(int fd, const std::string& text) {
  return echo_check::round_trip(fd, text, clock::now() + event_limit);
}

// One connection that ends the way a polite client ends: a round trip, then our side
// closes, then we wait until the server has closed its side too (EOF). After that the
// server holds no descriptor for this connection: an event, not a guess.
inline bool polite_connection(int port, const std::string& line) {
  csapp::unique_fd conn = connect_client(port);
  if (!round_trip(conn.get(), line)) return false;
  ::shutdown(conn.get(), SHUT_WR);
  return sees_eof(conn.get());
}

// A fixed pool of `workers` threads, shown rather than hidden: a worker serves one client
// until that client leaves, so `workers` connected clients, even idle ones, hold them all.
// One more client is accepted but no worker is free to read its line, so it gets no answer;
// as soon as one of the others leaves, the freed worker takes it and answers the line that
// was waiting all along. (CHECKs: call it inside a test case.)
inline void check_pool_limit(int port, int workers);

// Runs `server` under tests/support/without_clone (`launcher`), where every fork and thread
// creation fails with EAGAIN, as on a system out of processes or threads. A server that starts
// one per client must turn each client away (it sees its connection closed), say which call
// failed on stderr, and go on: the book's Fork and Pthread_create would end the server at the
// first client. (CHECKs: call it inside a test case.)
inline void check_turns_clients_away(const std::string& launcher, const std::string& server,
                                     const std::string& failing_call);

// What /proc says about a server, and room for many clients: echo-check's own helpers, so
// the tests and the checker agree on what a leak or a zombie is.
using echo_check::child_pids;
using echo_check::list_dir;
using echo_check::proc_reading;
using echo_check::process_state;
using echo_check::raise_descriptor_limit;  // for thousands of clients
using echo_check::read_proc;
using echo_check::slurp;

inline void check_pool_limit(int port, int workers) {
  std::vector<csapp::unique_fd> held;
  for (int i = 0; i < workers; ++i) {
    held.push_back(connect_client(port));
    CAPTURE(i);
    // Its echo proves a worker has taken it: it holds that worker from now on.
    REQUIRE(round_trip(held.back().get(), "held " + std::to_string(i) + "\n"));
  }
  csapp::unique_fd extra = connect_client(port);
  REQUIRE(csapp::writen(extra.get(), "extra\n", 6) == 6);
  CHECK_FALSE(answers_within(extra.get(), absence_window));
  held.front().reset();  // one client leaves: its worker is free again
  CHECK(read_exactly(extra.get(), 6) == "extra\n");
  for (std::size_t i = 1; i < held.size(); ++i) CHECK(round_trip(held[i].get(), "still\n"));
}

inline void check_turns_clients_away(const std::string& launcher, const std::string& server,
                                     const std::string& failing_call) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's runtime starts a thread of its own, which the filter refuses.
  MESSAGE("not checked under ThreadSanitizer");
  (void)launcher, (void)server, (void)failing_call;
#else
  const std::string log = temp_dir("without_clone") + "/stderr";
  echo_check::child_process process({launcher, server, "0"}, {false, log, {}});
  const int port = process.wait_for_port(event_limit);
  if (port == 0 && process.exited()) {
    const auto status = process.wait_exit(event_limit);
    REQUIRE(status.has_value());
    REQUIRE_MESSAGE(WEXITSTATUS(*status) == 77, read_file(log));
    MESSAGE("no seccomp filter here; not checked: " << read_file(log));
    return;
  }
  REQUIRE(port > 0);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    // Nothing sent: a socket closed with unread bytes would be reset, not closed.
    csapp::unique_fd conn = connect_client(port);
    CHECK(sees_eof(conn.get()));
  }
  CHECK_FALSE(process.exited());  // it went on
  const std::string said = read_file(log);
  CAPTURE(said);
  CHECK(said.find(failing_call) != std::string::npos);
  CHECK(said.find("Resource temporarily unavailable") != std::string::npos);
#endif
}

}  // namespace test_support
