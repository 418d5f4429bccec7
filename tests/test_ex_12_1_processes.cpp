// Tests of examples/12.1-processes: what is particular to echoserverp. What every server
// owes (echo, concurrency, bad clients, no leaks or zombies, a clean stop) is tested for all
// of them in test_servers.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/clients.hpp"
#include "support/programs.hpp"

namespace {

const std::string server_path = std::string(EXAMPLES_DIR) + "/12.1-processes/echoserverp";

using namespace test_support;

}  // namespace

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

// The connection really closes once the child is done, which it does only because the
// parent closed its own copy of the connected descriptor (tests/broken_servers/
// parent_keeps_connfd is the server that forgets, and echo-check names that flaw).
TEST_CASE("ex.echoserverp closes the connection when the client is done") {
  running_server server(server_path, {});
  REQUIRE(server.port > 0);
  csapp::unique_fd conn = connect_client(server.port);
  REQUIRE(round_trip(conn.get(), "bye\n"));
  ::shutdown(conn.get(), SHUT_WR);
  CHECK(sees_eof(conn.get()));
}

TEST_CASE("ex.echoserverp turns a client away when fork fails, and goes on") {
  check_turns_clients_away(WITHOUT_CLONE, server_path, "fork");
}

TEST_CASE("ex.echoserverp with a bad argument prints usage and exits 2") {
  const test_support::section_programs section(std::string(EXAMPLES_DIR) + "/12.1-processes/");
  section.check_usage("echoserverp", {});
  section.check_usage("echoserverp", {"0", "extra"});
}
