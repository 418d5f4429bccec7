// Tests of examples/11.4-echo: the iterative server and the client.
#include <doctest/doctest.h>

#include "support/echo_checks.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/11.4-echo/";
}

using namespace test_support;

TEST_CASE("ex.echoserveri echoes awkward input byte for byte") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  check_awkward_echo(server.port);
}

TEST_CASE("ex.echoserveri serves one client at a time: the second waits for the first") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  check_second_client_waits(server.port);
}

TEST_CASE("ex.echoserveri survives clients that reset or close early") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  check_survives_bad_clients(server.port);
}

TEST_CASE("ex.echoserveri leaks no descriptor over 300 connections") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  check_no_leaks(server.port, server.process.pid());
}

TEST_CASE("ex.echoserveri exits 0 on SIGTERM") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  check_sigterm_exits_cleanly(server);
}

TEST_CASE("ex.echoserveri with a bad argument prints usage and exits 2") {
  spawned bad(dir + "echoserveri", {});
  const auto status = bad.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 2);
}

TEST_CASE("ex.echoclient sends stdin lines through the server and prints the echoes") {
  running_server server(dir + "echoserveri", {});
  REQUIRE(server.port > 0);
  spawned client(dir + "echoclient", {"127.0.0.1", server.port_text()}, /*with_stdin=*/true);
  const std::string lines = "one\ntwo\n" + std::string(3000, 'w') + "\n";
  REQUIRE(csapp::writen(client.stdin_fd(), lines.data(), lines.size()) >= 0);
  client.close_stdin();
  // The server prints "connected to" lines; the client prints only the echoes.
  CHECK(client.read_rest() == lines);
  const auto status = client.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 0);
}
