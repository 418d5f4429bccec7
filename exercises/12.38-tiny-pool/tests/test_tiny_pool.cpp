// Problem 12.38's checks: a prethreaded Tiny whose pool grows and shrinks with the load.
//
// The student's tiny runs in a document root laid out by the HTTP checker, on port 0, as the
// test's child (support/tiny_server.hpp). The pool is seen from outside, in /proc: the number of
// threads of the idle server, of the server while clients that each sent half a request hold
// more connections than its workers and its buffer can (NTHREADS 4, SBUFSIZE 16, as the README
// fixes), and of the server once they have gone and requests come one at a time. Every wait is
// for a thread count, bounded.
#include "tiny_server.hpp"

namespace {

using exercise::tiny_server;
using namespace std::chrono_literals;

constexpr int slow_clients = 30;  // more than 4 workers + 16 buffered, and than 8 + 16

int threads(tiny_server& s) { return s.reading().threads; }

std::string threads_text(int n) { return echo_check::plural(n, "thread", "threads"); }

// The idle server's threads, after a warm-up request: false, with a verdict, when there is no
// pool at all.
bool idle_threads(tiny_server& s, int& idle) {
  s.get("/home.html");
  idle = threads(s);
  return exercise::expect(idle >= 3, "the idle server has " + threads_text(idle) +
                                         ": a prethreaded server starts its pool of workers "
                                         "before it accepts the first connection" +
                                         s.gone());
}

// Connects the slow clients (each sends half a request and waits) and waits (bounded) until
// the pool has at least doubled: main plus twice the idle server's other threads. Returns the
// most threads seen; a verdict when the pool did not double.
int grow(tiny_server& s, int idle, std::vector<csapp::unique_fd>& clients, std::string& half) {
  const std::string request = http_check::get_request("/notes.txt");
  half = request.substr(0, request.size() / 2);
  for (int i = 0; i < slow_clients; ++i) {
    clients.push_back(s.connect());
    echo_check::send_all(clients.back().get(), half);
  }
  const int doubled = 2 * idle - 1;
  int most = idle;
  exercise::wait_until(
      [&] {
        most = std::max(most, threads(s));
        return most >= doubled;
      },
      tiny_server::event_limit);
  exercise::expect(most >= doubled,
                   "the pool never grows: with " + std::to_string(slow_clients) +
                       " clients each holding a connection with half a request (more than 4 "
                       "workers and a buffer of 16 can hold), the server had at most " +
                       threads_text(most) + " within " +
                       exercise::seconds_text(tiny_server::event_limit) + ", against " +
                       std::to_string(idle) +
                       " when idle; when main finds the buffer full, the "
                       "pool must at least double (" +
                       std::to_string(doubled) + " threads or more)" + s.gone());
  return most;
}

}  // namespace

TEST_CASE("[2] serves files byte for byte, runs the CGI adder, and closes each connection") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    auto o = s.checker_options();
    o.patience = 1000ms;  // a worker closes as soon as it has written the last byte
    exercise::http_scenarios(s, {"static", "cgi"}, o);
  });
}

TEST_CASE("[2] a client that sends half a request does not hold up another client") {
  exercise::with_tiny_server("tiny",
                             [](tiny_server& s) { exercise::http_scenarios(s, {"slow-client"}); });
}

TEST_CASE("[3] when the buffer fills, the pool at least doubles") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    int idle = 0;
    if (!idle_threads(s, idle)) return;
    std::vector<csapp::unique_fd> clients;
    std::string half;
    grow(s, idle, clients, half);
  });
}

TEST_CASE("[3] when the buffer empties, the pool halves, back to its first size") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    int idle = 0;
    if (!idle_threads(s, idle)) return;
    std::vector<csapp::unique_fd> clients;
    std::string half;
    const int most = grow(s, idle, clients, half);
    if (most < 2 * idle - 1) return;  // grow() said why
    // Every slow client finishes its request and gets its answer: the load goes away.
    const std::string request = http_check::get_request("/notes.txt");
    for (auto& c : clients) echo_check::send_all(c.get(), request.substr(half.size()));
    int answered = 0;
    for (auto& c : clients) {
      const auto r = http_check::read_response(
          c.get(), echo_check::clock::now() + tiny_server::patience, http_check::until::complete);
      if (r.status == 200 && r.complete()) ++answered;
      c.reset();
    }
    if (!exercise::expect(answered == slow_clients,
                          std::to_string(answered) + " of " + std::to_string(slow_clients) +
                              " clients that finished their half requests got their answers "
                              "within " +
                              exercise::seconds_text(tiny_server::patience) + s.gone()))
      return;
    // Requests one at a time: each empties the buffer again.
    constexpr int quiet_requests = 10;
    int now = most;
    for (int i = 0; i < quiet_requests; ++i) {
      s.get("/home.html");
      now = threads(s);
    }
    exercise::wait_until(
        [&] {
          now = threads(s);
          return now <= idle;
        },
        3s);
    exercise::expect(now <= idle,
                     "the pool never shrinks: it grew to " + threads_text(most) +
                         " or more under load (" + std::to_string(idle) +
                         " when idle), and after the load was gone and " +
                         std::to_string(quiet_requests) +
                         " requests came one at a time, each emptying the buffer, it still had " +
                         std::to_string(now) +
                         "; when a worker empties the buffer, the pool must halve, down to its "
                         "first size" +
                         s.gone());
  });
}
