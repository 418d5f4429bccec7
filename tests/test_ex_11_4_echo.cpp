// Tests of examples/11.4-echo: the client, and what is particular to the iterative server
// (what every server owes is tested for all of them in test_servers.cpp).
#include <doctest/doctest.h>

#include "support/clients.hpp"
#include "support/programs.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/11.4-echo/";
}

using namespace test_support;

TEST_CASE("ex.echoserveri with a bad argument prints usage and exits 2") {
  const section_programs section(dir);
  section.check_usage("echoserveri", {});
  section.check_usage("echoserveri", {"0", "extra"});
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

TEST_CASE("ex.echoclient exits 1, printing nothing, when the server closes without echoing") {
  // The book's client would take Rio_readlineb's 0 for a line: buf still holds the line it
  // sent, so it would print that as the echo, and go on writing to a closed connection.
  csapp::unique_fd listener = csapp::listen_on("0");
  const std::string port = std::to_string(csapp::local_port(listener.get()));
  spawned client(dir + "echoclient", {"127.0.0.1", port}, /*with_stdin=*/true);
  REQUIRE(csapp::writen(client.stdin_fd(), "one\ntwo\n", 8) == 8);
  client.close_stdin();
  REQUIRE(answers_within(listener.get(), event_limit));  // the client is connecting
  {
    csapp::unique_fd conn = csapp::accept_from(listener.get());
    CHECK(read_exactly(conn.get(), 4) == "one\n");  // read it all: the close is a clean FIN
  }
  CHECK(client.read_rest().empty());
  const auto status = client.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 1);
}

TEST_CASE("ex.echoclient with a bad argument prints usage and exits 2") {
  const section_programs section(dir);
  section.check_usage("echoclient", {});
  section.check_usage("echoclient", {"localhost"});
}
