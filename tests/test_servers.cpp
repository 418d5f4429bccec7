// Every example echo server, judged against what its design promises.
//
// The promises are the rows of tools/echocheck/servers.hpp (the tour reads the same table);
// the judging is echo-check's own scenarios (tools/echocheck/checker.hpp). So a student who
// runs echo-check on a server and this test on ours see the same checks, and a fact about a
// server is written once. What is particular to one server (FD_SETSIZE, running out of
// descriptors, stdin) is tested in test_ex_<section>.cpp.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <echocheck/checker.hpp>
#include <echocheck/servers.hpp>

#include "support/clients.hpp"

namespace {

using echo_check::check_options;
using echo_check::example_server;
using echo_check::finding;

// The servers that have test cases below; compared with the table at the end.
std::set<std::string>& covered() {
  static std::set<std::string> names;
  return names;
}
bool cover(const char* name) { return covered().insert(name).second; }
std::set<std::string>& covered_pools() {
  static std::set<std::string> names;
  return names;
}

struct started {
  const example_server& server;
  test_support::running_server process;
  explicit started(const example_server& s)
      : server(s), process(std::string(EXAMPLES_DIR) + "/" + s.program, {}) {}
};

const example_server& lookup(const char* name) {
  const example_server* s = echo_check::find_example_server(name);
  REQUIRE_MESSAGE(s != nullptr, name, " is not in tools/echocheck/servers.hpp");
  return *s;
}

// Runs the named scenarios of the checker against the server, with its pid (for /proc).
std::vector<finding> run(started& s, const std::vector<std::string>& scenarios,
                         check_options opt = {}) {
  REQUIRE(s.process.port > 0);
  opt.pid = s.process.process.pid();
  // Patience: how long a client waits before "not served" is concluded. A concurrent server
  // answers long before this even under a sanitizer; a design that makes clients wait makes
  // them wait however long we are patient.
  opt.patience = std::chrono::seconds(3);
  const auto ep = echo_check::resolve("127.0.0.1", std::to_string(s.process.port));
  return echo_check::checker(ep, opt).run(scenarios);
}

// ThreadSanitizer runs a signal handler only when the thread next enters a call it
// intercepts. The process server's main thread sleeps in accept (restarted after SIGCHLD, as
// Signal asks), so under TSan its children are reaped only when the next client comes: the
// zombies the checker finds are TSan's. Everywhere else they are judged.
bool sigchld_waits_for_next_client(const example_server& server) {
#if defined(__SANITIZE_THREAD__)
  return server.kind == echo_check::design::process;
#else
  (void)server;
  return false;
#endif
}

// The behaviour every example server owes, and the two its design decides.
void check_promises(const char* name) {
  started s(lookup(name));
  check_options opt;
  opt.churn = 300;  // 300 short connections: none may leave a descriptor or a zombie behind
  opt.churn_at_once = 4;
  const auto findings = run(
      s, {"echo", "pipelined", "second-client", "half-line", "bad-clients", "churn", "resources"},
      opt);
  REQUIRE(findings.size() == 7);
  for (const finding& f : findings) {
    CAPTURE(f.scenario);
    CAPTURE(f.verdict);  // the checker's own words: what a student would read
    if (f.scenario == "second-client")
      CHECK(f.passed == s.server.concurrent);
    else if (f.scenario == "half-line")
      CHECK(f.passed == !s.server.half_line_stalls);
    else if (f.scenario == "resources" && sigchld_waits_for_next_client(s.server))
      MESSAGE("zombies not judged under ThreadSanitizer: " << f.verdict);
    else
      CHECK(f.passed);
  }
}

// 200 clients at once, 100 round trips each, every byte their own. A client leaves once
// done, so a design that serves few at a time (one, or a pool) still serves them all.
void check_load(const char* name) {
  started s(lookup(name));
  echo_check::raise_descriptor_limit();
  check_options opt;
  opt.load.clients = 200;
  opt.load.rounds = 100;
  opt.load.limit = std::chrono::seconds(90);
  const finding f = run(s, {"load"}, opt).front();
  CAPTURE(f.verdict);
  CHECK(f.passed);
  CHECK(f.get("corrupted", -1) == 0);
}

// Twenty clients that send 16 MiB each and never read: whether another client is held up is
// the design's (the table's slow_readers_stall), and no server may keep their echoes without
// a bound. The event loops keep at most nb_out_limit (64 KiB) of unsent echo per client; with
// as much already sent in front of it and a string's spare capacity, four times that is the
// most one client may cost them. Memory is judged without sanitizers only: their shadow
// memory and ASan's quarantine of freed blocks are counted as the server's own.
void check_slow_readers(const char* name) {
  started s(lookup(name));
  check_options opt;
  opt.slow_readers = 20;
  opt.slow_reader_bytes = 16 << 20;
  const finding f = run(s, {"slow-readers"}, opt).front();
  CAPTURE(f.verdict);
  CHECK(f.get("stalled", -1) == (s.server.slow_readers_stall ? 1 : 0));
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  MESSAGE("memory not judged under a sanitizer: " << f.verdict);
#else
  CHECK(f.passed == !s.server.slow_readers_stall);  // stalls, or bounded
  const double per_client = f.get("memory_per_slow_reader_bytes", -1);
  CHECK(per_client >= 0);
  if (s.server.kind == echo_check::design::event_loop || s.server.kind == echo_check::design::epoll)
    CHECK(per_client <= 4 * 64 * 1024);
#endif
}

// A fixed pool of N workers (N from the table): client N+1 waits while N are held.
void check_pool_limit(const char* name) {
  started s(lookup(name));
  REQUIRE(s.server.workers > 0);
  REQUIRE(s.process.port > 0);
  test_support::check_pool_limit(s.process.port, s.server.workers);
}

// Stopped the way the tools stop it (SIGTERM to its process group) while a client is
// connected: it ends the way its table row says, nothing of it is left (a process server's
// children included), and the client sees its connection closed.
void check_stop(const char* name) {
  started s(lookup(name));
  REQUIRE(s.process.port > 0);
  csapp::unique_fd idle = test_support::connect_client(s.process.port);
  REQUIRE(test_support::round_trip(idle.get(), "about to stop\n"));
  const echo_check::stop_outcome out = s.process.process.stop();
  CAPTURE(out.how);
  CHECK(out.clean);
  CHECK(out.how == (s.server.catches_sigterm ? "exited with status 0" : "ended by SIGTERM"));
  CHECK(test_support::answers_within(idle.get(), test_support::event_limit));
}

}  // namespace

// One block per server of the table; the last test case checks that none is missing.
#define SERVER_CASES(name)                                                                 \
  static const bool DOCTEST_ANONYMOUS(covered_) = cover(name);                             \
  TEST_CASE("servers." name " keeps its design's promises") { check_promises(name); }      \
  TEST_CASE("servers." name " serves 200 clients x 100 round trips") { check_load(name); } \
  TEST_CASE("servers." name " stops cleanly with its process group") { check_stop(name); } \
  TEST_CASE("servers." name " with clients that never read") { check_slow_readers(name); }

SERVER_CASES("echoserveri")
SERVER_CASES("echoserverp")
SERVER_CASES("echoservers")
SERVER_CASES("echoserver_nb")
SERVER_CASES("echoserver_epoll")
SERVER_CASES("echoservert")
SERVER_CASES("echoservert_pre")
SERVER_CASES("echoservert_cpp")
SERVER_CASES("echoservert_pre_cpp")

#define POOL_CASE(name)                                                              \
  static const bool DOCTEST_ANONYMOUS(pool_) = covered_pools().insert(name).second;  \
  TEST_CASE("servers." name " makes client N+1 wait while its N workers are held") { \
    check_pool_limit(name);                                                          \
  }

POOL_CASE("echoservert_pre")
POOL_CASE("echoservert_pre_cpp")

TEST_CASE("servers.every server of the table has its test cases") {
  std::set<std::string> in_table, pools;
  for (const example_server& s : echo_check::example_servers()) {
    in_table.insert(s.file_name());
    if (s.workers > 0) pools.insert(s.file_name());
  }
  CHECK(covered() == in_table);
  CHECK(covered_pools() == pools);
}
