// Runs the C-style programs of tests/book_programs/ (book idioms compiled as C++) and checks
// what a user of each would see: the bytes echoed, clients served side by side, children
// reaped, and the exit status. Every read is bounded (test_support::read_exactly), so a
// server that stops answering fails its test at once instead of hanging it.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <string>
#include <vector>

#include <csapp/rio.hpp>
#include <csapp/socket.hpp>

#include "support/clients.hpp"
#include "support/spawn.hpp"

namespace {

const std::string dir = BOOK_PROGRAMS_DIR;

// Awkward input: NUL bytes, a line longer than MAXLINE, several lines in one write, and
// a last line without a newline.
std::string awkward_input() {
  std::string text = "one\ntwo\n";
  text += std::string("nul\0in\0line\n", 12);
  text += std::string(20000, 'x') + "\n";
  text += std::string(8191, 'y') + "\n";
  text += "no newline at the end";
  return text;
}

// Sends the whole input in one write, closes the sending side, and reads until EOF (or
// the event limit: what came by then is returned, and the comparison shows what is missing).
std::string echo_through(csapp::unique_fd& conn, const std::string& input) {
  csapp::write_all(conn.get(), input);
  ::shutdown(conn.get(), SHUT_WR);
  return test_support::read_exactly(conn.get(), input.size() + 1);
}

void check_concurrent_server(const std::string& name, int clients) {
  test_support::spawned server(dir + "/book_" + name, {"0", std::to_string(clients)});
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  const std::string port_text = std::to_string(port);

  // Every client connects and is answered while all the others stay connected: a server
  // that served one client at a time would never answer the second one here.
  std::vector<csapp::unique_fd> conns;
  for (int i = 0; i < clients; ++i) {
    conns.push_back(csapp::connect_to(i % 2 ? "::1" : "127.0.0.1", port_text.c_str()));
    const std::string hello = "hello from " + std::to_string(i) + "\n";
    csapp::write_all(conns.back().get(), hello);
    REQUIRE(test_support::read_exactly(conns.back().get(), hello.size()) == hello);
  }
  const std::string input = awkward_input();
  for (auto& conn : conns) CHECK(echo_through(conn, input) == input);
  conns.clear();

  const auto status = server.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

}  // namespace

TEST_CASE("book_programs.fork_server serves clients side by side and reaps every child") {
  check_concurrent_server("fork_server", 3);
}

TEST_CASE("book_programs.thread_server serves clients side by side") {
  check_concurrent_server("thread_server", 3);
}

TEST_CASE("book_programs.pool_server serves as many clients at once as it has workers") {
  check_concurrent_server("pool_server", 3);  // 3 workers
}

TEST_CASE(
    "book_programs.select_server serves clients side by side without losing pipelined lines") {
  check_concurrent_server("select_server", 3);
}

TEST_CASE("book_programs.fork_server reports the children it reaped") {
  test_support::spawned server(dir + "/book_fork_server", {"0", "2"});
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  for (int i = 0; i < 2; ++i) {
    csapp::unique_fd conn = csapp::connect_to("localhost", std::to_string(port).c_str());
    CHECK(echo_through(conn, "x\n") == "x\n");
  }
  CHECK(server.read_rest() == "reaped 2 children\n");
}

TEST_CASE("book_programs.line_client echoes stdin through a server") {
  test_support::spawned server(dir + "/book_select_server", {"0", "1"});
  const int port = server.wait_for_port();
  REQUIRE(port > 0);
  test_support::spawned client(dir + "/book_line_client", {"localhost", std::to_string(port)},
                               /*with_stdin=*/true);
  const std::string lines = "first line\nsecond line\n" + std::string(5000, 'z') + "\n";
  csapp::write_all(client.stdin_fd(), lines);
  client.close_stdin();
  CHECK(client.read_rest() == lines);
  const auto status = client.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("book_programs.line_client exits 1 with a clear message when nobody listens") {
  csapp::unique_fd probe = csapp::listen_on("0");
  const std::string port = std::to_string(csapp::local_port(probe.get()));
  probe.reset();  // the port is now closed: connections are refused
  test_support::spawned client(dir + "/book_line_client", {"127.0.0.1", port});
  const auto status = client.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 1);
}

TEST_CASE(
    "book_programs.misc_idioms exercises files, processes, signals, threads and the resolver") {
  char scratch[] = "/tmp/csapp-idioms-XXXXXX";
  REQUIRE(::mkdtemp(scratch) != nullptr);
  test_support::spawned program(dir + "/book_misc_idioms", {scratch});
  const std::string out = program.read_rest();
  const auto status = program.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 0);
  CHECK(out ==
        "mode 644 size 12\n"
        "mapped text\n"
        "after seek: text\n"
        "mapped text\n"
        "found in directory: 1\n"
        "child exited 7\n"
        "alarm handler ran, sig 14\n"
        "LONG_MIN via Sio: -9223372036854775808\n"
        "sum 7998000\n"
        "address 127.0.0.1 = 0x7f000001\n"
        "localhost is 127.0.0.1\n");
  const std::string file = std::string(scratch) + "/idioms.txt";
  ::unlink(file.c_str());
  ::rmdir(scratch);
}
