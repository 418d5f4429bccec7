// Every example server still stops, cleanly and soon, while it is out of descriptors.
//
// Out of descriptors (EMFILE), accept fails at once; the library then drops each waiting
// client and waits for the next one (csapp/socket.hpp). A figure dies of SIGTERM wherever it
// waits. A server that catches SIGTERM to end cleanly (csapp/stop.hpp) ended only once a
// descriptor came free: echoservert_cpp's main thread sat in that wait, retrying every EINTR,
// and remembered the stop without acting on it. Now the wait ends on a stop, and accept
// returns "nothing, a stop came" to the server's loop.
//
// Each server runs under tests/support/fd_limit with a low RLIMIT_NOFILE. Clients connect one
// at a time until one is dropped (closed at once, nothing said: accept failed with EMFILE),
// then the harness stops the server's process group with SIGTERM.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <echocheck/servers.hpp>

#include "support/clients.hpp"

namespace {

using namespace test_support;

constexpr int descriptor_limit = 24;  // a few for the server itself, the rest for clients

int open_descriptors(pid_t pid) {
  return static_cast<int>(list_dir("/proc/" + std::to_string(pid) + "/fd").size());
}

// What became of one more client: the server took a descriptor for it, dropped it, or
// neither within the patience (it holds no descriptor per waiting client).
enum class fate { held, dropped, waiting };

fate next_client(int port, pid_t pid, std::vector<csapp::unique_fd>& clients,
                 std::chrono::milliseconds patience) {
  const int before = open_descriptors(pid);
  clients.push_back(connect_client(port));
  const int fd = clients.back().get();
  fate seen = fate::waiting;
  wait_for(
      [&] {
        if (answers_within(fd, std::chrono::milliseconds(0))) {
          char byte;
          seen = ::read(fd, &byte, 1) <= 0 ? fate::dropped : fate::held;
        } else if (open_descriptors(pid) > before) {
          seen = fate::held;
        }
        return seen != fate::waiting;
      },
      patience);
  return seen;
}

// The designs whose one process holds a descriptor per connected client; the iterative
// server takes one client at a time, and a process server's parent keeps none.
bool holds_every_client(const echo_check::example_server& server) {
  return server.kind != echo_check::design::iterative && server.kind != echo_check::design::process;
}

// LeakSanitizer's check at exit opens /proc/PID/task: a server that exits while out of
// descriptors cannot be checked, and LSan ends it with status 1 ("fatal error") instead. Its
// leaks are judged in test_servers.cpp, where it has descriptors to spare; here only its stop
// is. While this guard lives, the programs we start inherit ASAN_OPTIONS without the leak
// check. Outside an ASan build the variable is ignored.
class no_leak_check_at_exit {
 public:
  no_leak_check_at_exit() {
    if (const char* old = std::getenv("ASAN_OPTIONS")) saved_ = old;
    ::setenv("ASAN_OPTIONS", (saved_ + (saved_.empty() ? "" : ":") + "detect_leaks=0").c_str(), 1);
  }
  no_leak_check_at_exit(const no_leak_check_at_exit&) = delete;
  no_leak_check_at_exit& operator=(const no_leak_check_at_exit&) = delete;
  ~no_leak_check_at_exit() {
    if (saved_.empty())
      ::unsetenv("ASAN_OPTIONS");
    else
      ::setenv("ASAN_OPTIONS", saved_.c_str(), 1);
  }

 private:
  std::string saved_;  // the test's own ASAN_OPTIONS, if any
};

}  // namespace

TEST_CASE("out_of_descriptors.every example server stops cleanly while out of descriptors") {
  const no_leak_check_at_exit guard;
  for (const auto& server : echo_check::example_servers()) {
    CAPTURE(server.program);
    spawned process(FD_LIMIT, {std::to_string(descriptor_limit),
                               std::string(EXAMPLES_DIR) + "/" + server.program, "0"});
    const int port = process.wait_for_port();
    REQUIRE(port > 0);
    // Patience: a server that holds every client takes each within the bound (a sanitizer on
    // a busy machine can take seconds); one that does not is waited for only briefly.
    const std::chrono::milliseconds patience =
        holds_every_client(server) ? event_limit : std::chrono::milliseconds(2000);
    std::vector<csapp::unique_fd> clients;
    fate last = fate::held;
    while (last == fate::held && static_cast<int>(clients.size()) < 2 * descriptor_limit)
      last = next_client(port, process.pid(), clients, patience);
    CAPTURE(clients.size());
    if (holds_every_client(server)) {
      // The event that proves the server ran out: a client was dropped.
      CHECK(last == fate::dropped);
      CHECK(open_descriptors(process.pid()) == descriptor_limit);
    }
    CHECK_MESSAGE(!process.exited(), "it " << process.how_it_ended());
    // Bounded: what is still there 5 s after SIGTERM is killed, and that is no clean stop.
    const echo_check::stop_outcome stopped = process.stop(std::chrono::seconds(5));
    CHECK_MESSAGE(stopped.clean, stopped.how);
  }
}
