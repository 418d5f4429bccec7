// Tests of examples/cpp: the thread-per-client and prethreaded servers written with the C++
// face (echoservert_cpp, echoservert_pre_cpp).
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/echo_checks.hpp"

namespace {

const std::string dir = std::string(EXAMPLES_DIR) + "/cpp/";
const std::string threaded = dir + "echoservert_cpp";
const std::string prethreaded = dir + "echoservert_pre_cpp";

using namespace test_support;

// The descriptor numbers open in process `pid`.
std::vector<int> fd_numbers(pid_t pid) {
  std::vector<int> fds;
  if (DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    while (dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') fds.push_back(std::atoi(e->d_name));
    ::closedir(dir);
  }
  return fds;
}

void check_bad_arguments(const std::string& path,
                         const std::vector<std::vector<std::string>>& bad_args) {
  for (const auto& args : bad_args) {
    CAPTURE(args.size());
    spawned bad(path, args);
    const auto status = bad.wait_exit();
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 2);
  }
}

// How many sockets process `pid` holds open (from /proc; other descriptors, such as a file a
// sanitizer runtime opens for a moment, are not counted).
int open_sockets(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
  int count = 0;
  for (const int fd : fd_numbers(pid)) {
    char target[64] = "";
    const ssize_t n = ::readlink((dir + std::to_string(fd)).c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<std::size_t>(n)).rfind("socket:", 0) == 0) ++count;
  }
  return count;
}

// The fixed pool's limit, shown rather than hidden: with every one of the `workers` threads
// busy with a connected (even idle) client, client workers+1 is accepted but nobody reads
// it, so it gets no answer; as soon as one of the served clients leaves, its worker takes
// the waiting client and answers the line that was waiting all along.
void check_pool_limit(int port, int workers) {
  std::vector<csapp::unique_fd> held;
  for (int i = 0; i < workers; ++i) {
    held.push_back(connect_client(port));
    CAPTURE(i);
    REQUIRE(round_trip(held.back().get(), "held " + std::to_string(i) + "\n"));
  }
  csapp::unique_fd extra = connect_client(port);
  REQUIRE(csapp::writen(extra.get(), "extra\n", 6) == 6);
  CHECK_FALSE(answers_within(extra.get(), absence_window));
  held.front().reset();
  CHECK(read_exactly(extra.get(), 6) == "extra\n");
  for (std::size_t i = 1; i < held.size(); ++i) CHECK(round_trip(held[i].get(), "still\n"));
}

}  // namespace

// ---- echoservert_cpp: one std::thread per client ----

TEST_CASE("ex.echoservert_cpp echoes awkward input byte for byte") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_awkward_echo(server.port);
}

TEST_CASE("ex.echoservert_cpp serves a second client while the first stays connected") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_second_client_served(server.port);
}

TEST_CASE("ex.echoservert_cpp half a line from one client does not stall the others") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_half_line(server.port, /*stalls=*/false);
}

TEST_CASE("ex.echoservert_cpp survives clients that reset or close early") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_survives_bad_clients(server.port);
}

TEST_CASE("ex.echoservert_cpp leaks no descriptor over 300 connections") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_no_leaks(server.port, server.process.pid());
}

TEST_CASE("ex.echoservert_cpp serves 200 concurrent clients x 100 round trips byte for byte") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  CHECK(run_load(server.port, 200, 100) == 200);
}

TEST_CASE("ex.echoservert_cpp exits 0 on SIGTERM") {
  running_server server(threaded, {});
  REQUIRE(server.port > 0);
  check_sigterm_exits_cleanly(server);
}

TEST_CASE("ex.echoservert_cpp with a bad argument prints usage and exits 2") {
  check_bad_arguments(threaded, {{}, {"0", "extra"}});
}

// ---- echoservert_pre_cpp: a fixed pool of workers fed through csapp::sbuf ----

TEST_CASE("ex.echoservert_pre_cpp echoes awkward input byte for byte") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_awkward_echo(server.port);
}

TEST_CASE("ex.echoservert_pre_cpp serves a second client while the first stays connected") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_second_client_served(server.port);
}

TEST_CASE("ex.echoservert_pre_cpp half a line from one client does not stall the others") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_half_line(server.port, /*stalls=*/false);
}

TEST_CASE("ex.echoservert_pre_cpp survives clients that reset or close early") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_survives_bad_clients(server.port);
}

TEST_CASE("ex.echoservert_pre_cpp leaks no descriptor over 300 connections") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_no_leaks(server.port, server.process.pid());
}

// Clients leave once their rounds are done (as run_load's do), so 4 workers get through
// all 200; those not yet taken wait in the buffer or the listen queue meanwhile.
TEST_CASE("ex.echoservert_pre_cpp serves 200 concurrent clients x 100 round trips byte for byte") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  CHECK(run_load(server.port, 200, 100) == 200);
}

TEST_CASE("ex.echoservert_pre_cpp with 4 workers by default makes client 5 wait for a free one") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_pool_limit(server.port, 4);
}

TEST_CASE("ex.echoservert_pre_cpp with WORKERS 2 makes client 3 wait for a free one") {
  running_server server(prethreaded, {"2"});
  REQUIRE(server.port > 0);
  check_pool_limit(server.port, 2);
}

TEST_CASE("ex.echoservert_pre_cpp exits 0 on SIGTERM") {
  running_server server(prethreaded, {});
  REQUIRE(server.port > 0);
  check_sigterm_exits_cleanly(server);
}

// With 1 worker busy and the 16-slot buffer full, the accepting thread waits inside
// insert with one more client in hand. SIGTERM must still end the server at once: that is
// why the program accepts in a thread of its own and its main thread waits only for the
// stop. Every client then sees its connection closed.
TEST_CASE("ex.echoservert_pre_cpp exits 0 on SIGTERM even with every worker and slot taken") {
  running_server server(prethreaded, {"1"});
  REQUIRE(server.port > 0);
  const pid_t pid = server.process.pid();
  std::vector<csapp::unique_fd> clients;
  clients.push_back(connect_client(server.port));
  REQUIRE(round_trip(clients.back().get(), "served\n"));
  for (int i = 0; i < 16 + 1 + 2; ++i) {  // the buffer, the one in hand, two in the queue
    clients.push_back(connect_client(server.port));
    REQUIRE(csapp::writen(clients.back().get(), "waiting\n", 8) == 8);
  }
  // The listener, 1 served, 16 buffered and 1 in the accepting thread's hand: the buffer is
  // full and the accepting thread waits in insert.
  REQUIRE(wait_for([&] { return open_sockets(pid) == 1 + 1 + 16 + 1; }));
  REQUIRE(::kill(pid, SIGTERM) == 0);
  const auto status = server.process.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    CAPTURE(i);
    CHECK(answers_within(clients[i].get(), event_limit));
  }
}

TEST_CASE("ex.echoservert_pre_cpp with a bad argument prints usage and exits 2") {
  check_bad_arguments(prethreaded, {{}, {"0", "0"}, {"0", "abc"}, {"0", "2x"}, {"0", "2", "x"}});
}
