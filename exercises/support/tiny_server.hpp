// exercises/support/tiny_server.hpp - the student's web server as the checks of the web-server
// problems (12.35-12.39) run it: a document root laid out by the HTTP checker (tools/httpcheck:
// every file's bytes known, the CGI adder copied in), the program started in it on port 0 as the
// test's child, its port read from its "listening on port N", tried with the checker's scenarios,
// and stopped, its root removed, when it goes out of scope.
//
// Every problem runs its server the same way and with the same patience, so that is done once,
// here; what one problem asks of the server (a process per connection, a pool that grows) stays
// in its tests.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <echocheck/proc.hpp>
#include <httpcheck/checker.hpp>
#include <httpcheck/spawn.hpp>

#include "exercise.hpp"
#include "findings.hpp"

#ifndef EXERCISE_ADDER
#error "EXERCISE_ADDER (the adder the checks copy into the root) is set by exercises/CMakeLists.txt"
#endif

namespace exercise {

// "4.0 s": a bound, as a verdict names it.
inline std::string seconds_text(millis m) { return echo_check::human_seconds(m.count() / 1000.0); }

// The student's web server `name` (a program of the submission), started in a fresh document
// root on port 0, its output in a log beside the root; stopped (SIGTERM to its group) and the
// root removed when it goes out of scope.
class tiny_server {
 public:
  static constexpr millis patience{4000};     // how long a client waits before "not served"
  static constexpr millis event_limit{5000};  // the bound for what must happen (a connect, ...)

  explicit tiny_server(const std::string& name = "tiny") : name_(name) {
    char dir[] = "/tmp/csapp-tiny-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    dir_ = dir;
    const std::string root = http_check::make_root(dir_, EXERCISE_ADDER);
    log_ = dir_ + "/server.log";
    echo_check::stop_children_on_signals();  // the grader's SIGTERM at its limit ends it too
    echo_check::spawn_options o;
    o.log_path = log_;
    http_check::spawn_in(proc_, root, {program(name), "0"}, o);
    port_ = proc_->wait_for_port(event_limit);
    if (port_ > 0) ep_ = echo_check::resolve("127.0.0.1", std::to_string(port_));
  }
  ~tiny_server() {
    proc_.reset();  // stops it, and its children
    ::unlink(log_.c_str());
    http_check::remove_root(dir_);
  }
  tiny_server(const tiny_server&) = delete;
  tiny_server& operator=(const tiny_server&) = delete;

  // False, with a verdict, when it did not say where it listens.
  bool started() {
    return expect(port_ > 0, name_ + " 0 did not print \"listening on port N\" within " +
                                 seconds_text(event_limit) + gone());
  }
  pid_t pid() const { return proc_->pid(); }
  const echo_check::endpoint& endpoint() const { return ep_; }
  csapp::unique_fd connect() { return echo_check::connect_within(ep_, event_limit); }
  echo_check::proc_reading reading() const { return echo_check::read_proc(pid()); }

  // How it ended, for a verdict, once it has; "" while it runs: " (the server exited with
  // status 1; its last words: "...")".
  std::string gone() {
    if (!proc_->exited()) return "";
    const auto said = proc_->log_lines();
    return " (the server " + proc_->how_it_ended() +
           (said.empty() ? "" : "; its last words: \"" + said.back() + "\"") + ")";
  }

  // The checker's options for this server: its pid (for /proc readings), the adder in its root,
  // and our patience.
  http_check::check_options checker_options() const {
    http_check::check_options o;
    o.pid = pid();
    o.patience = patience;
    o.event_limit = event_limit;
    return o;
  }

  // One request on a connection of its own, read until the answer is complete by its
  // Content-Length or the server closes (within the patience).
  http_check::response get(const std::string& uri) {
    return http_check::exchange(ep_, http_check::get_request(uri), patience,
                                http_check::until::complete);
  }

 private:
  std::string name_;  // the program, for verdicts
  std::string dir_;   // the root's parent: the root, the sentinel next to it, the log
  std::string log_;   // the server's stderr, and its stdout once it named its port
  std::optional<echo_check::child_process> proc_;
  int port_ = 0;
  echo_check::endpoint ep_;
};

// A check's body, run with a server that has started; a server that stops answering (a refused
// connect, ...) is its verdict.
template <class Body>
void with_tiny_server(const std::string& name, Body body) {
  tiny_server s(name);
  if (!s.started()) return;
  try {
    body(s);
  } catch (const std::system_error& e) {
    verdict(std::string("the server stopped answering: ") + e.what() + s.gone());
  }
}

// Runs HTTP checker scenarios (in the checker's order) with `options` (s.checker_options()
// unless changed) and returns their findings, judging none: a check that names a mistake from
// what a scenario measured reads the finding itself.
inline std::vector<echo_check::finding> http_findings(tiny_server& s,
                                                      const std::vector<std::string>& names,
                                                      http_check::check_options options) {
  http_check::checker c(s.endpoint(), std::move(options));
  return c.run(names);
}

// Runs the scenarios; false, with the first flaw's verdict, when one found a flaw.
inline bool http_scenarios(tiny_server& s, const std::vector<std::string>& names,
                           http_check::check_options options) {
  const auto findings = http_findings(s, names, std::move(options));
  return judge_findings(findings, names, s.gone());
}

inline bool http_scenarios(tiny_server& s, const std::vector<std::string>& names) {
  return http_scenarios(s, names, s.checker_options());
}

}  // namespace exercise
