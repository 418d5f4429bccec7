// Tests of examples/12.1-processes: echoserverp, one child process per client.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/echo_checks.hpp"

namespace {

const std::string server_path = std::string(EXAMPLES_DIR) + "/12.1-processes/echoserverp";

using namespace test_support;

}  // namespace

TEST_CASE("ex.echoserverp echoes awkward input byte for byte") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_awkward_echo(server.port);
}

TEST_CASE("ex.echoserverp closes the connection when the client is done") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  // The connection really closes once the child is done, which it does only because the
  // parent closed its own copy of the connected descriptor.
  CHECK(polite_connection(server.port, "bye\n"));
}

TEST_CASE("ex.echoserverp serves a second client while the first stays connected") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_second_client_served(server.port);
}

TEST_CASE("ex.echoserverp half a line from one client does not stall the others") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_half_line(server.port, /*stalls=*/false);
}

TEST_CASE("ex.echoserverp survives clients that reset or close early") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_survives_bad_clients(server.port);
}

TEST_CASE("ex.echoserverp leaks no descriptor and leaves no zombie over 300 connections") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_no_leaks(server.port, server.process.pid());
}

TEST_CASE("ex.echoserverp serves 200 concurrent clients x 100 round trips byte for byte") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  CHECK(run_load(server.port, 200, 100) == 200);
}

// The parent closes each connected descriptor after the fork, so it holds only a handful
// whatever the number of clients, and each child has a table of its own: 40 clients at
// once are all served under a limit of 32 descriptors. (A parent that kept its copies
// would run out after about 25.)
TEST_CASE("ex.echoserverp serves more clients at once than its own descriptor limit") {
  spawned process("/bin/sh", {"-c", "ulimit -n 32 && exec \"$0\" 0", server_path});
  const int port = process.wait_for_port();
  REQUIRE(port > 0);
  std::vector<csapp::unique_fd> clients;
  for (int i = 0; i < 40; ++i) {
    clients.push_back(connect_client(port));
    CAPTURE(i);
    REQUIRE(round_trip(clients.back().get(), "client " + std::to_string(i) + "\n"));
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    CAPTURE(i);
    CHECK(round_trip(clients[i].get(), "still here\n"));
  }
}

TEST_CASE("ex.echoserverp exits 0 on SIGTERM and its children are gone") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  check_sigterm_exits_cleanly(server);
}

TEST_CASE("ex.echoserverp with a bad argument prints usage and exits 2") {
  for (const auto& args : {std::vector<std::string>{}, std::vector<std::string>{"0", "extra"}}) {
    spawned bad(server_path, args);
    const auto status = bad.wait_exit();
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 2);
  }
}
