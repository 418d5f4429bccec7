// Tests of examples/12.3-threads: hello, and what is particular to the thread-per-client
// servers (what every server owes is tested for all of them in test_servers.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/clients.hpp"
#include "support/programs.hpp"

namespace {

const std::string dir = std::string(EXAMPLES_DIR) + "/12.3-threads/";
const std::string server_path = dir + "echoservert";

using namespace test_support;

// Retries (bounded) until a fresh client gets its line back: after clients leave, the
// server's threads close their descriptors at their own pace.
bool served_again(int port) {
  return wait_for([&] {
    try {
      csapp::unique_fd conn = connect_client(port);
      return round_trip(conn.get(), "served again\n");
    } catch (const std::system_error&) {
      return false;
    }
  });
}

}  // namespace

TEST_CASE("ex.hello prints its line from the peer thread and exits 0") {
  spawned hello(dir + "hello", {});
  CHECK(hello.read_rest() == "Hello, world!\n");
  const auto status = hello.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

// Threads share one descriptor table, so under a limit of 32 the server holds only about
// 25 clients at once. The others are dropped (they see their connection close), the
// server does not die, and once clients leave it serves again.
TEST_CASE("ex.echoservert out of descriptors drops clients and serves again later") {
  spawned process("/bin/sh", {"-c", "ulimit -n 32 && exec \"$0\" 0", server_path});
  const int port = process.wait_for_port();
  REQUIRE(port > 0);
  std::vector<csapp::unique_fd> clients;
  int served = 0;
  for (int i = 0; i < 40; ++i) {
    clients.push_back(connect_client(port));
    const std::string line = "client " + std::to_string(i) + "\n";
    REQUIRE(csapp::writen(clients.back().get(), line.data(), line.size()) >= 0);
    // Every client hears something: its echo, or its connection closing.
    CAPTURE(i);
    REQUIRE(answers_within(clients.back().get(), event_limit));
    if (read_exactly(clients.back().get(), line.size()) == line) ++served;
  }
  CHECK(served > 0);
  CHECK(served < 40);  // the limit was reached: the test tested what it says
  clients.clear();
  CHECK(served_again(port));
  CHECK_FALSE(process.wait_exit(0ms).has_value());  // still running
}

TEST_CASE("ex.echoservert turns a client away when pthread_create fails, and goes on") {
  check_turns_clients_away(WITHOUT_CLONE, server_path, "pthread_create");
}

TEST_CASE("ex.echoservert with a bad argument prints usage and exits 2") {
  const section_programs section(dir);
  section.check_usage("echoservert", {});
  section.check_usage("echoservert", {"0", "extra"});
}

TEST_CASE("ex.echoservert_cpp with a bad argument prints usage and exits 2") {
  const section_programs section(dir);
  section.check_usage("echoservert_cpp", {});
  section.check_usage("echoservert_cpp", {"0", "extra"});
}
