// Problem 12.35's checks: Tiny with a process per connection.
//
// The student's tiny runs in a document root laid out by the HTTP checker, on port 0, as the
// test's child (support/tiny_server.hpp); the checker's scenarios (tools/httpcheck) judge it.
// A process server's two classic mistakes show in /proc, whatever the timing: the parent's copy
// of each connection is a descriptor it holds for ever (and the client never sees the close that
// ends its answer), and each child nobody waits for is a zombie.
#include "tiny_server.hpp"

namespace {

using exercise::tiny_server;
using namespace std::chrono_literals;

// The options for checks that wait for the server's close after each answer: a process server
// closes as soon as its child has written the last byte, so a second is plenty, and a server
// that never closes costs the check a second per request rather than four.
http_check::check_options closing_options(tiny_server& s) {
  auto o = s.checker_options();
  o.patience = 1000ms;
  return o;
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

TEST_CASE("[3] once its clients are gone, the server holds no more descriptors and no zombies") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    auto o = closing_options(s);
    o.event_limit = 3000ms;  // how long a child that has served may take to be reaped
    const auto findings = exercise::http_findings(s, {"cgi", "resources"}, o);
    REQUIRE(findings.size() == 2);
    const echo_check::finding& f = findings.back();
    if (f.passed) return;
    if (f.get("zombies_after") > 0)
      exercise::verdict(
          "the parent never reaps its children: " + f.verdict +
          " (a child that has served its connection stays a zombie until waitpid; reap them in "
          "a SIGCHLD handler, with WNOHANG, in a loop)");
    else if (f.get("fds_after") > f.get("fds_before"))
      exercise::verdict("the parent never closes connfd: " + f.verdict +
                        " (after the fork the child has its own copy; the parent must close its "
                        "one, or the connection stays open and the descriptors pile up)");
    else
      exercise::verdict(f.verdict + s.gone());
  });
}

TEST_CASE("[1] survives clients that reset or leave early") {
  exercise::with_tiny_server("tiny", [](tiny_server& s) {
    exercise::http_scenarios(s, {"bad-clients"}, closing_options(s));
  });
}
