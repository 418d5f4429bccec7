// Tests of tools/http-check: pointed at web servers with one deliberate flaw each
// (tests/broken_web_servers), it must name that flaw; pointed at their correct twin, and at
// the book's Tiny once it is built, it must pass every scenario; and it must say clearly
// when it was called wrong.
//
// The runs are kept short (a short load, one second of patience): what is asserted is which
// scenario passed or failed and what its verdict says, never how fast anything was.
#include <httpcheck/checker.hpp>

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include <httpcheck/root.hpp>
#include <httpcheck/spawn.hpp>

#include "support/json.hpp"
#include "support/spawn.hpp"
#include "support/support.hpp"

namespace {

using test_support::json;

const std::string http_check = HTTP_CHECK_PATH;
const std::string servers_dir = std::string(BROKEN_WEB_SERVERS_DIR) + "/";
const std::string adder = servers_dir + "adder";

// One second of patience for the flawed servers (each stall costs one); the good ones never
// make http-check wait it out, so they get a long one and a slow build cannot race the clock.
const std::vector<std::string> short_run = {"--json", "--duration", "0.3", "--clients",
                                            "4",      "--many",     "4"};

struct run_result {
  int exit_code = -1;  // -1: did not exit normally within the limit
  std::string out;     // its stdout
};

run_result run_check(const std::vector<std::string>& args) {
  test_support::spawned check(http_check, args);
  run_result r;
  while (auto line = check.read_line(std::chrono::seconds(120))) r.out += *line + "\n";
  if (const auto status = check.wait_exit(); status && WIFEXITED(*status))
    r.exit_code = WEXITSTATUS(*status);
  return r;
}

// http-check --spawn on one of the servers here, with the adder beside it.
run_result check_spawned(const std::string& server, const std::string& patience = "1",
                         std::vector<std::string> extra = {}) {
  std::vector<std::string> args = short_run;
  args.insert(args.end(), {"--patience", patience, "--cgi-adder", adder});
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--spawn", servers_dir + server});
  return run_check(args);
}

struct outcome {
  std::string name;
  bool passed = false;
  std::string verdict;
};

// The report's scenarios, read with the strict JSON reader (so the report is valid JSON).
std::vector<outcome> scenarios(const std::string& out) {
  std::vector<outcome> found;
  const json report = json::parse(out.substr(0, out.find_last_not_of('\n') + 1));
  for (const auto& s : report["scenarios"].items)
    found.push_back({s["name"].s, s["passed"].b, s["verdict"].s});
  return found;
}

std::vector<std::string> failed(const std::vector<outcome>& all) {
  std::vector<std::string> names;
  for (const auto& s : all)
    if (!s.passed) names.push_back(s.name);
  return names;
}

std::string verdict_of(const std::vector<outcome>& all, const std::string& name) {
  for (const auto& s : all)
    if (s.name == name) return s.verdict;
  return "(no such scenario in the report)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using names = std::vector<std::string>;

const names all_scenarios = {"static", "cgi",         "errors", "escape",   "slow-client",
                             "many",   "bad-clients", "load",   "resources"};

std::vector<std::string> all_names(const std::vector<outcome>& all) {
  std::vector<std::string> n;
  for (const auto& s : all) n.push_back(s.name);
  return n;
}

// What http-check prints on stderr and how it exits, for runs that end at once.
test_support::child_result run_capturing_stderr(const std::vector<std::string>& args) {
  return test_support::run_in_child([&] {
    std::vector<char*> argv{const_cast<char*>(http_check.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(http_check.c_str(), argv.data());
    ::_exit(127);
  });
}

}  // namespace

// ---- A server without flaws passes everything ----

TEST_CASE("http_check.the correct test server passes every scenario") {
  const run_result r = check_spawned("good_web_server", "5");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  const auto found = scenarios(r.out);
  CHECK(all_names(found) == all_scenarios);
  CHECK(failed(found).empty());
  CHECK(contains(verdict_of(found, "cgi"), "right sums"));
  CHECK(contains(verdict_of(found, "load"), "requests/s"));
}

#ifdef TINY_PATH
TEST_CASE("http_check.the book's Tiny passes every scenario but the one about concurrency") {
  // Its adder is found where the build puts it (www/cgi-bin beside tiny).
  std::vector<std::string> args = short_run;
  args.insert(args.end(), {"--patience", "2", "--spawn", TINY_PATH});
  const run_result r = run_check(args);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(all_names(found) == all_scenarios);
  // The figure is iterative: one client at a time, which 12.35-12.38 set out to change.
  CHECK(failed(found) == names{"slow-client"});
  CHECK(contains(verdict_of(found, "slow-client"), "served once that request was finished"));
  CHECK(contains(verdict_of(found, "cgi"), "right sums"));  // not skipped
}
#endif

// ---- Each deliberate flaw is named ----

TEST_CASE("http_check.a server that never closes connfd is told so") {
  const run_result r = check_spawned("never_closes_connfd");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(failed(found) == names{"static", "resources"});
  CHECK(contains(verdict_of(found, "static"), "not closed by the server"));
  CHECK(contains(verdict_of(found, "resources"), "it never closes connfd"));
}

TEST_CASE("http_check.a server stalled by half a request is told so") {
  const run_result r = check_spawned("one_at_a_time");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(failed(found) == names{"slow-client"});
  const std::string verdict = verdict_of(found, "slow-client");
  CHECK(contains(verdict, "half a request stalls everyone"));
  CHECK(contains(verdict, "served once that request was finished"));
}

TEST_CASE("http_check.a server that never reaps its CGI children is told so") {
  const run_result r = check_spawned("never_reaps_cgi");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(failed(found) == names{"resources"});
  CHECK(contains(verdict_of(found, "resources"), "zombie children"));
  CHECK(contains(verdict_of(found, "resources"), "never reaps its children (waitpid)"));
}

TEST_CASE("http_check.a server that serves paths out of its root is told so") {
  const run_result r = check_spawned("serves_escapes");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(failed(found) == names{"escape"});
  const std::string verdict = verdict_of(found, "escape");
  CHECK(contains(verdict, "outside its document root"));
  CHECK(contains(verdict, "/../outside.txt"));
  CHECK(contains(verdict, "/%2e%2e/outside.txt"));
}

TEST_CASE("http_check.a wrong Content-Length is told so") {
  const run_result r = check_spawned("wrong_content_length");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  // Every response carries it: the downloads and the load see it too.
  CHECK(failed(found) == names{"static", "many", "load"});
  CHECK(contains(verdict_of(found, "static"), "Content-Length said"));
  CHECK(contains(verdict_of(found, "static"), "must be the body's size"));
}

TEST_CASE("http_check.a server that dies when a client resets is told so") {
  const run_result r = check_spawned("dies_on_reset");
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  // Everything after the bad clients finds no server.
  CHECK(failed(found) == names{"bad-clients", "load", "resources"});
  const std::string verdict = verdict_of(found, "bad-clients");
  CHECK(contains(verdict, "the server process is gone: it exited with status 1"));
  // Its last words are quoted: the failed write's reason, which depends on whether the client's
  // reset or its close came first (both are a client that went away).
  CHECK((contains(verdict, "Connection reset by peer") || contains(verdict, "Broken pipe")));
}

// ---- Without an adder the cgi scenario says it was skipped ----

TEST_CASE("http_check.without an adder the cgi scenario is skipped with its reason") {
  const run_result r =
      // Started through env (found in PATH): no adder lies beside it.
      run_check(
          {"--json", "--only", "static,cgi", "--spawn", "env", servers_dir + "good_web_server"});
  INFO(r.out);
  const auto found = scenarios(r.out);
  REQUIRE(found.size() == 2);
  CHECK(found[1].passed);
  CHECK(contains(found[1].verdict, "skipped: no adder was given (--cgi-adder PATH)"));
}

// ---- A server started by hand, in a root made by --make-root ----

TEST_CASE("http_check.--make-root lays out a root that HOST PORT --root checks") {
  const std::string parent = test_support::temp_dir("http-check-root");
  const test_support::child_result made =
      run_capturing_stderr({"--make-root", parent, "--cgi-adder", adder});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(http_check::check_root(parent + "/www").empty());
  CHECK(http_check::has_adder(parent + "/www"));
  std::optional<echo_check::child_process> server;
  http_check::spawn_in(server, parent + "/www", {servers_dir + "never_reaps_cgi", "0"}, {});
  const int port = server->wait_for_port(test_support::event_limit);
  REQUIRE(port > 0);
  const run_result r =
      run_check({"127.0.0.1", std::to_string(port), "--root", parent + "/www", "--json", "--pid",
                 std::to_string(server->pid()), "--only", "static,cgi,escape,resources"});
  INFO(r.out);
  const auto found = scenarios(r.out);
  CHECK(all_names(found) == names{"static", "cgi", "escape", "resources"});
  CHECK(failed(found) == names{"resources"});  // the CGI children: zombies
  server->stop();
  http_check::remove_root(parent);
}

// ---- Called wrong: usage and exit status 2 ----

TEST_CASE("http_check.bad arguments exit 2 with the usage") {
  const std::vector<std::vector<std::string>> wrong = {
      {},
      {"127.0.0.1"},
      {"127.0.0.1", "8000"},  // no --root
      {"127.0.0.1", "8000", "--root", "/tmp", "--clients", "ten"},
      {"--only", "static,nonsense", "--spawn", "true"},
      {"--root", "/tmp", "--spawn", "true"},
      {"--patience"},
      {"--bogus", "1"},
  };
  for (const auto& args : wrong) {
    std::string line;
    for (const auto& a : args) line += a + " ";
    INFO("http-check " << line);
    const auto r = run_capturing_stderr(args);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "usage: http-check"));
  }
}

TEST_CASE("http_check.a root that is not laid out is refused with exit 2") {
  const std::string empty = test_support::temp_dir("http-check-empty");
  const auto r = run_capturing_stderr({"127.0.0.1", "1", "--root", empty});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "make one with --make-root"));
  ::rmdir(empty.c_str());
}
