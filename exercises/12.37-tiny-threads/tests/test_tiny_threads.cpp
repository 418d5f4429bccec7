// Problem 12.37's checks: Tiny with a thread per connection.
//
// The student's tiny runs in a document root laid out by the HTTP checker, on port 0, as the
// test's child (support/tiny_server.hpp); the checker's scenarios (tools/httpcheck) judge it.
// The two classic mistakes are found without luck: a thread handed the address of main's connfd
// is held at its start until main has accepted the next connection (support/hold_probe.cpp, on
// in one check), so it reads the wrong descriptor on every run; and a thread nobody detaches or
// joins keeps its stack mapped after it ends, which /proc/PID/maps shows one connection at a
// time.
#include <stdlib.h>

#include <fstream>

#include "tiny_server.hpp"

namespace {

using exercise::tiny_server;
using namespace std::chrono_literals;

// A thread server closes as soon as its thread has written the last byte: a second is plenty.
http_check::check_options closing_options(tiny_server& s) {
  auto o = s.checker_options();
  o.patience = 1000ms;
  return o;
}

// The server's memory mappings (lines of /proc/PID/maps) and its address space (VmSize, KiB).
int mappings(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}
long vm_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::atol(line.c_str() + 7);
  return -1;
}

// The body of the answer to GET uri, as served by the checker's root.
const http_check::served_file& served(const std::string& uri) {
  for (const auto& f : http_check::root_files())
    if (f.uri == uri) return f;
  FAIL("no file " << uri << " in the checker's root");
  throw;  // not reached
}

}  // namespace

TEST_CASE("[2] serves files byte for byte, runs the CGI adder, and closes each connection") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    exercise::http_scenarios(s, {"static", "cgi"}, closing_options(s));
  });
}

TEST_CASE("[3] a client that sends half a request does not hold up another client") {
  exercise::with_tiny_server("tiny",
                             [](tiny_server& s) { exercise::http_scenarios(s, {"slow-client"}); });
}

TEST_CASE("[3] each thread serves the connection it was made for") {
  // Every new thread of the server waits at its start until the next one is created.
  ::setenv("EXERCISE_HOLD_THREADS", "1", 1);
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    ::unsetenv("EXERCISE_HOLD_THREADS");
    const auto& first_file = served("/notes.txt");
    const auto& second_file = served("/home.html");
    csapp::unique_fd first = s.connect();
    echo_check::send_all(first.get(), http_check::get_request(first_file.uri));
    csapp::unique_fd second = s.connect();
    echo_check::send_all(second.get(), http_check::get_request(second_file.uri));
    csapp::unique_fd third = s.connect();  // lets the second connection's thread start
    const auto deadline = echo_check::clock::now() + tiny_server::patience;
    const auto a = http_check::read_response(first.get(), deadline, http_check::until::complete);
    const auto b = http_check::read_response(second.get(), deadline, http_check::until::complete);
    const std::string b_said = "the second client got " + http_check::describe(b) +
                               (b.body == second_file.content ? " with its page" : "");
    if (a.raw.empty()) {
      exercise::verdict(
          "the first client got no answer within " + exercise::seconds_text(tiny_server::patience) +
          " once two more clients had connected after it (" + b_said +
          "): its thread served another connection. Each thread must get the descriptor of the "
          "connection it was made for; a pointer to main's connfd is read after main has "
          "overwritten it with the next connection's (give each thread a copy of its own)" +
          s.gone());
      return;
    }
    if (!exercise::expect(a.status == 200 && a.body == first_file.content,
                          "the first client asked for " + first_file.uri + " and got " +
                              http_check::describe(a) + " with " + std::to_string(a.body.size()) +
                              " bytes of body, not the file"))
      return;
    exercise::expect(b.status == 200 && b.body == second_file.content,
                     "the second client asked for " + second_file.uri + " and got " +
                         http_check::describe(b) + " with " + std::to_string(b.body.size()) +
                         " bytes of body, not the page");
  });
  ::unsetenv("EXERCISE_HOLD_THREADS");
}

TEST_CASE("[2] finished threads are reclaimed: after 40 connections the server holds what it did") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    const pid_t pid = s.pid();
    constexpr int connections = 40;
    // Warm up, then wait for the idle state: only main left, every connection closed.
    for (int i = 0; i < 3; ++i) s.get("/home.html");
    exercise::wait_until([&] { return s.reading().threads == 1; }, 3s);
    const auto before = s.reading();
    const int maps_before = mappings(pid);
    const long vm_before = vm_kib(pid);
    for (int i = 0; i < connections; ++i) {
      const auto r = s.get("/home.html");
      if (!exercise::expect(r.status == 200, "request " + std::to_string(i + 1) + " of " +
                                                 std::to_string(connections) + " got " +
                                                 http_check::describe(r) + s.gone()))
        return;
    }
    // Threads that have answered may still be ending: wait (bounded) for the idle state again.
    echo_check::proc_reading after;
    exercise::wait_until(
        [&] {
          after = s.reading();
          return after.threads <= before.threads && after.fds <= before.fds &&
                 mappings(pid) < maps_before + connections / 2;
        },
        3s);
    const int maps_after = mappings(pid);
    const long vm_after = vm_kib(pid);
    const std::string numbers =
        "over " + std::to_string(connections) + " connections, one at a time, the server went " +
        "from " + std::to_string(maps_before) + " to " + std::to_string(maps_after) +
        " memory mappings and from " + std::to_string(vm_before / 1024) + " to " +
        std::to_string(vm_after / 1024) + " MiB of address space, " +
        std::to_string(before.threads) + " to " + std::to_string(after.threads) + " threads, " +
        std::to_string(before.fds) + " to " + std::to_string(after.fds) + " descriptors";
    if (!exercise::expect(maps_after < maps_before + connections / 2,
                          "finished threads are never reclaimed: " + numbers +
                              " (a thread that ends keeps its stack until somebody joins it; a "
                              "server that never joins must detach each thread)"))
      return;
    exercise::expect(after.fds <= before.fds,
                     "a descriptor is left open per connection: " + numbers +
                         " (the thread must close its connfd when it is done)");
  });
}

TEST_CASE("[1] survives clients that reset or leave early") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    exercise::http_scenarios(s, {"bad-clients"}, closing_options(s));
  });
}
