// Tests of examples/12.2-io-multiplexing, what is particular to each program: the book's
// stdin-and-socket select server and ours that answers both at once (select_stepwise); the
// book's event-driven pool (echoservers), the non-blocking select server (echoserver_nb) and
// the epoll server (echoserver_epoll) at FD_SETSIZE, out of descriptors, and with a client
// that reads nothing. What every server owes is tested for all of them in test_servers.cpp.
#include <doctest/doctest.h>

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>

#include <echocheck/checker.hpp>

#include "support/clients.hpp"
#include "support/programs.hpp"

namespace {

using namespace test_support;

const std::string dir = std::string(EXAMPLES_DIR) + "/12.2-io-multiplexing/";
const std::string echoservers = dir + "echoservers";
const std::string echoserver_nb = dir + "echoserver_nb";
const std::string echoserver_epoll = dir + "echoserver_epoll";

// Many lines in one write(2): they reach the server in one read, so all but the first sit
// in its buffer where select cannot see them. A server that copies the book's rio_t, or
// serves one buffered line per select round, never echoes the rest.
void check_pipelined_lines(int port) {
  csapp::unique_fd conn = connect_client(port);
  std::string few;  // well inside one 8 KiB read
  for (int i = 0; i < 100; ++i) few += "line " + std::to_string(i) + "\n";
  CHECK(round_trip(conn.get(), few));
  std::string many;  // spans several reads
  for (int i = 0; i < 5000; ++i) many += "pipelined line number " + std::to_string(i) + "\n";
  CHECK(round_trip(conn.get(), many));
}

// Bad arguments: a usage line on stderr, exit status 2.
void check_bad_args(const std::string& path) {
  const section_programs section(dir);
  const std::string name = path.substr(path.rfind('/') + 1);
  section.check_usage(name, {});
  section.check_usage(name, {"0", "extra"});
}

// What one client saw when it sent a line: its echo, or the connection closed on it.
enum class outcome { echoed, closed };

outcome try_line(int fd, const std::string& line) {
  if (csapp::writen(fd, line.data(), line.size()) < 0) return outcome::closed;  // reset
  return read_exactly(fd, line.size()) == line ? outcome::echoed : outcome::closed;
}

// More clients than FD_SETSIZE: select cannot watch a descriptor >= FD_SETSIZE, so the
// server must refuse those clients (they read end of file) and go on serving the others,
// and new clients once descriptors below the limit are free again.
void check_refuses_past_fd_setsize(const std::string& path) {
  raise_descriptor_limit();  // the server inherits this limit: it can reach FD_SETSIZE
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  const int total = FD_SETSIZE + 64;
  if (lim.rlim_cur < static_cast<rlim_t>(total + 64)) {
    MESSAGE("descriptor limit too low to pass FD_SETSIZE; not checked");
    return;
  }
  running_server server(path, {});
  REQUIRE(server.port > 0);
  std::vector<csapp::unique_fd> conns;
  std::vector<std::size_t> served;
  int refused = 0;
  for (int i = 0; i < total; ++i) {
    conns.push_back(connect_client(server.port));
    // One at a time: the server has accepted this client (or refused it) before the next
    // connects, so descriptors are handed out in order.
    if (try_line(conns.back().get(), "client " + std::to_string(i) + "\n") == outcome::echoed) {
      served.push_back(conns.size() - 1);
    } else {
      ++refused;
      conns.back().reset();
    }
  }
  CAPTURE(served.size());
  CAPTURE(refused);
  CHECK(refused >= total - FD_SETSIZE);     // at least those past the limit
  CHECK(served.size() >= FD_SETSIZE - 16);  // all but the server's own few descriptors
  REQUIRE(!served.empty());
  // The clients it kept are all still served.
  int still = 0;
  for (std::size_t i : served)
    if (try_line(conns[i].get(), "again\n") == outcome::echoed) ++still;
  CHECK(still == static_cast<int>(served.size()));
  // Ten leave; once the server has closed their descriptors, a newcomer is served.
  const int before = read_proc(server.process.pid()).fds;
  for (int k = 0; k < 10; ++k) conns[served[static_cast<std::size_t>(k)]].reset();
  REQUIRE(wait_for([&] { return read_proc(server.process.pid()).fds <= before - 10; }));
  csapp::unique_fd newcomer = connect_client(server.port);
  CHECK(round_trip(newcomer.get(), "newcomer\n"));
}

// A client that sends a great deal and reads none of its echo: the server must keep
// serving others meanwhile (it buffers the echo and watches for writability, and stops
// reading from that client once too much echo is owed), then deliver every byte once the
// client reads.
void check_slow_reader(int port) {
  csapp::unique_fd slow = connect_client(port);
  std::string data;
  const std::string line = std::string(99, 's') + "\n";
  while (data.size() < (32u << 20)) data += line;  // more than the kernel buffers hold
  // Push without reading until the socket takes no more (everything between us and the
  // server is full) or all is sent.
  std::size_t sent = 0;
  while (sent < data.size()) {
    pollfd pfd{slow.get(), POLLOUT, 0};
    if (::poll(&pfd, 1, static_cast<int>(absence_window.count())) != 1) break;
    const ssize_t n =
        ::send(slow.get(), data.data() + sent, data.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  CAPTURE(sent);
  csapp::unique_fd other = connect_client(port);
  CHECK(round_trip(other.get(), "served while another client reads nothing\n"));
  // Now read the whole echo, sending the rest as the socket takes it.
  std::string got;
  const auto deadline = clock::now() + std::chrono::seconds(60);
  while (got.size() < data.size() && clock::now() < deadline) {
    pollfd pfd{slow.get(), static_cast<short>(POLLIN | (sent < data.size() ? POLLOUT : 0)), 0};
    if (::poll(&pfd, 1, 1000) < 0 && errno != EINTR) break;
    if (pfd.revents & POLLOUT) {
      const ssize_t n =
          ::send(slow.get(), data.data() + sent, data.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      const ssize_t n = ::read(slow.get(), buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }
  CHECK(got.size() == data.size());
  CHECK(got == data);
}

// Descriptors run out (EMFILE): the server's limit is lowered, while it runs, to just
// above what it holds. Clients it cannot take are dropped (they read end of file) and the
// server goes on: it serves the clients it has, sleeps rather than spins, and takes new
// clients once descriptors are free again.
void check_emfile(running_server& server) {
  const pid_t pid = server.process.pid();
  // Any lazy set-up happens during this connection; once we see the server close it (EOF),
  // the server holds its idle set of descriptors.
  REQUIRE(polite_connection(server.port, "warm up\n"));
  const int idle = read_proc(pid).fds;
  const rlimit low{static_cast<rlim_t>(idle + 3), static_cast<rlim_t>(idle + 3)};
  rlimit old{};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &low, &old) == 0);
  std::vector<csapp::unique_fd> served;
  int dropped = 0;
  for (int i = 0; i < 8; ++i) {
    csapp::unique_fd conn = connect_client(server.port);
    if (try_line(conn.get(), "client " + std::to_string(i) + "\n") == outcome::echoed)
      served.push_back(std::move(conn));
    else
      ++dropped;
  }
  CAPTURE(idle);
  CHECK(served.size() == 3);
  CHECK(dropped == 5);
  for (auto& conn : served) CHECK(round_trip(conn.get(), "still here\n"));
  // Out of descriptors and idle, it sleeps in its wait like any idle server.
  CHECK(wait_for([&] { return process_state(pid) == 'S'; }));
  served.clear();
  REQUIRE(wait_for([&] { return read_proc(pid).fds == idle; }));
  csapp::unique_fd newcomer = connect_client(server.port);
  CHECK(round_trip(newcomer.get(), "newcomer\n"));
}

}  // namespace

// ---- select (Figure 12.6): stdin and the network in one select, one client at a time ----

TEST_CASE("ex.select answers a command typed on stdin while no client is connected") {
  spawned server(dir + "select", {"0"}, /*with_stdin=*/true);
  REQUIRE(server.wait_for_port() > 0);
  REQUIRE(csapp::writen(server.stdin_fd(), "hello\n", 6) == 6);
  CHECK(server.read_line() == std::optional<std::string>("hello"));
}

// The lesson of the figure: once a client is connected, echo() keeps the server until the
// client leaves, and a typed command waits that long.
TEST_CASE("ex.select leaves a typed command waiting while it echoes a client") {
  spawned server(dir + "select", {"0"}, /*with_stdin=*/true);
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  csapp::unique_fd client = connect_client(port);
  REQUIRE(round_trip(client.get(), "from the network\n"));
  REQUIRE(csapp::writen(server.stdin_fd(), "typed\n", 6) == 6);
  CHECK_FALSE(server.read_line(absence_window).has_value());
  client.reset();  // the client leaves: select sees stdin again
  CHECK(server.read_line() == std::optional<std::string>("typed"));
}

TEST_CASE("ex.select exits 0 at end of file on stdin") {
  spawned server(dir + "select", {"0"}, /*with_stdin=*/true);
  REQUIRE(server.wait_for_port() > 0);
  server.close_stdin();
  const auto status = server.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("ex.select with bad arguments prints usage and exits 2") {
  check_bad_args(dir + "select");
}

// ---- select_stepwise (ours): one step for whoever is ready, stdin and client alike ----

TEST_CASE("ex.select_stepwise answers stdin while a client is being echoed") {
  spawned server(dir + "select_stepwise", {"0"}, /*with_stdin=*/true);
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  csapp::unique_fd client = connect_client(port);
  REQUIRE(round_trip(client.get(), "from the network\n"));
  // The client stays connected, halfway through a line: stdin is still answered.
  REQUIRE(csapp::writen(client.get(), "half", 4) == 4);
  CHECK(read_exactly(client.get(), 4) == "half");
  const std::string typed = "hello from the keyboard\n";
  REQUIRE(csapp::writen(server.stdin_fd(), typed.data(), typed.size()) >= 0);
  CHECK(server.read_line() == std::optional<std::string>("stdin: hello from the keyboard"));
  const std::string two = "status\nsecond\n";  // two commands in one write: both answered
  REQUIRE(csapp::writen(server.stdin_fd(), two.data(), two.size()) >= 0);
  const auto status = server.read_line();
  REQUIRE(status.has_value());
  CHECK(status->find("1 clients served") != std::string::npos);
  CHECK(status->find("a client is connected") != std::string::npos);
  CHECK(server.read_line() == std::optional<std::string>("stdin: second"));
  CHECK(round_trip(client.get(), " line\n"));
}

TEST_CASE("ex.select_stepwise keeps serving clients after stdin reaches end of file") {
  spawned server(dir + "select_stepwise", {"0"}, /*with_stdin=*/true);
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  REQUIRE(csapp::writen(server.stdin_fd(), "last words", 10) == 10);
  server.close_stdin();
  CHECK(server.read_line() == std::optional<std::string>("stdin: last words"));
  for (int i = 0; i < 3; ++i) {  // one after another: it serves one client at a time
    csapp::unique_fd client = connect_client(port);
    CHECK(round_trip(client.get(), "client " + std::to_string(i) + "\n"));
  }
  // Not spinning on the stdin at end of file: it sleeps in select like any idle server.
  CHECK(wait_for([&] { return process_state(server.pid()) == 'S'; }));
}

TEST_CASE("ex.select_stepwise with bad arguments prints usage and exits 2") {
  check_bad_args(dir + "select_stepwise");
}

// ---- echoservers: the book's pool, with its known stall ----

TEST_CASE("ex.echoservers echoes every pipelined line") {
  running_server server(echoservers, {});
  REQUIRE(server.port > 0);
  check_pipelined_lines(server.port);
}

TEST_CASE("ex.echoservers refuses clients past FD_SETSIZE and serves the rest") {
  check_refuses_past_fd_setsize(echoservers);
}

TEST_CASE("ex.echoservers drops clients when out of descriptors and goes on") {
  running_server server(echoservers, {});
  REQUIRE(server.port > 0);
  check_emfile(server);
}

TEST_CASE("ex.echoservers with bad arguments prints usage and exits 2") {
  check_bad_args(echoservers);
}

// ---- echoserver_nb: non-blocking sockets, buffers per client, select ----

TEST_CASE("ex.echoserver_nb echoes every pipelined line") {
  running_server server(echoserver_nb, {});
  REQUIRE(server.port > 0);
  check_pipelined_lines(server.port);
}

TEST_CASE("ex.echoserver_nb serves others while a client reads none of its echo") {
  running_server server(echoserver_nb, {});
  REQUIRE(server.port > 0);
  check_slow_reader(server.port);
}

TEST_CASE("ex.echoserver_nb refuses clients past FD_SETSIZE and serves the rest") {
  check_refuses_past_fd_setsize(echoserver_nb);
}

TEST_CASE("ex.echoserver_nb drops clients when out of descriptors and goes on") {
  running_server server(echoserver_nb, {});
  REQUIRE(server.port > 0);
  check_emfile(server);
}

TEST_CASE("ex.echoserver_nb with bad arguments prints usage and exits 2") {
  check_bad_args(echoserver_nb);
}

// ---- echoserver_epoll: the same design past FD_SETSIZE ----

TEST_CASE("ex.echoserver_epoll echoes every pipelined line") {
  running_server server(echoserver_epoll, {});
  REQUIRE(server.port > 0);
  check_pipelined_lines(server.port);
}

TEST_CASE("ex.echoserver_epoll serves others while a client reads none of its echo") {
  running_server server(echoserver_epoll, {});
  REQUIRE(server.port > 0);
  check_slow_reader(server.port);
}

TEST_CASE("ex.echoserver_epoll holds 5000 clients at once") {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_max < 5200) {  // this process holds 5000 ends, the server the other 5000
    MESSAGE("hard descriptor limit below 5200; not checked");
    return;
  }
  running_server server(echoserver_epoll, {});
  REQUIRE(server.port > 0);
  raise_descriptor_limit();
  echo_check::check_options opt;  // the checker's load: 5000 clients connect, then 2 rounds each
  opt.load.clients = 5000;
  opt.load.rounds = 2;
  opt.load.limit = std::chrono::seconds(60);
  const echo_check::finding f =
      echo_check::checker(echo_check::resolve("127.0.0.1", server.port_text()), opt)
          .run({"load"})
          .front();
  CAPTURE(f.verdict);
  CHECK(f.passed);
  CHECK(f.get("clients") == 5000);
}

TEST_CASE("ex.echoserver_epoll drops clients when out of descriptors and goes on") {
  running_server server(echoserver_epoll, {});
  REQUIRE(server.port > 0);
  check_emfile(server);
}

TEST_CASE("ex.echoserver_epoll with bad arguments prints usage and exits 2") {
  check_bad_args(echoserver_epoll);
}
