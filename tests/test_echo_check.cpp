// Tests of tools/echo-check: pointed at servers with one deliberate flaw each
// (tests/broken_servers), it must report that flaw and pass everything else; pointed at the
// good example servers, it must pass them; and it must say clearly when it was called wrong.
//
// The runs are kept short (few clients, rounds and connections; one second of patience):
// what is asserted is which scenario passed or failed and what its verdict says, never how
// fast anything was.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <echocheck/cpus.hpp>

#include "support/clients.hpp"

// Named before `echo_check` below becomes the program's path.
using ::echo_check::allowed_cpus;

namespace {

using namespace test_support;

const std::string echo_check = ECHO_CHECK_PATH;
const std::string broken_dir = std::string(BROKEN_SERVERS_DIR) + "/";
const std::string examples_dir = std::string(EXAMPLES_DIR) + "/";

// Small enough that a whole battery takes seconds.
const std::vector<std::string> short_run = {"--clients", "20", "--rounds", "20", "--churn", "100"};

// Patience is what echo-check waits before it concludes that a client is not served. Each
// stall of a flawed server costs one, so those runs use a short one; a server without flaws
// never makes echo-check wait it out, so its runs get a long one for free, and a slow
// sanitizer build cannot turn them into a race against the clock.
const std::string short_patience = "1";
const std::string long_patience = "5";

// The outer bound for one echo-check run. Its slowest paths wait out a few of its own 10 s
// bounds (a resources check waiting for descriptors that never come back): well inside this.
constexpr std::chrono::milliseconds run_limit = 90s;

struct run_result {
  int exit_code = -1;  // -1: did not exit normally within the limit
  std::string out;     // its stdout
};

// Runs echo-check with `args` and collects what it prints on stdout and how it exits.
run_result run_check(const std::vector<std::string>& args) {
  spawned check(echo_check, args);
  run_result r;
  while (auto line = check.read_line(run_limit)) r.out += *line + "\n";
  if (const auto status = check.wait_exit(); status && WIFEXITED(*status))
    r.exit_code = WEXITSTATUS(*status);
  return r;
}

// echo-check --json against a running server, with the short options and `extra` ones.
run_result check_json(const running_server& server, std::vector<std::string> extra = {},
                      const std::string& patience = short_patience) {
  std::vector<std::string> args = {"127.0.0.1", server.port_text(), "--json", "--patience",
                                   patience};
  args.insert(args.end(), short_run.begin(), short_run.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return run_check(args);
}

std::vector<std::string> with_pid(const running_server& server,
                                  std::vector<std::string> extra = {}) {
  extra.push_back("--pid");
  extra.push_back(std::to_string(server.process.pid()));
  return extra;
}

// One scenario's outcome, as the JSON report gives it.
struct scenario_outcome {
  std::string name;
  bool passed = false;
  std::string verdict;
};

// The JSON string starting just after the opening quote at `at`, unescaped (\" and \\ are
// all that a verdict can contain besides plain text).
std::string json_string_at(const std::string& json, std::size_t at) {
  std::string text;
  for (; at < json.size() && json[at] != '"'; ++at) {
    if (json[at] == '\\' && at + 1 < json.size()) ++at;
    text += json[at];
  }
  return text;
}

// Every scenario of a one-line JSON report, in order. Relies on the report's fixed shape:
// {"name":"...","passed":true|false,"verdict":"...",...}.
std::vector<scenario_outcome> scenarios(const std::string& json) {
  std::vector<scenario_outcome> found;
  const std::string name_key = "{\"name\":\"";
  for (auto at = json.find(name_key); at != std::string::npos; at = json.find(name_key, at + 1)) {
    scenario_outcome s;
    s.name = json_string_at(json, at + name_key.size());
    const auto passed = json.find("\"passed\":", at);
    s.passed = passed != std::string::npos && json.compare(passed + 9, 4, "true") == 0;
    const auto verdict = json.find("\"verdict\":\"", at);
    if (verdict != std::string::npos) s.verdict = json_string_at(json, verdict + 11);
    found.push_back(s);
  }
  return found;
}

std::vector<std::string> names_where(const std::vector<scenario_outcome>& all, bool passed) {
  std::vector<std::string> names;
  for (const auto& s : all)
    if (s.passed == passed) names.push_back(s.name);
  return names;
}

std::string verdict_of(const std::vector<scenario_outcome>& all, const std::string& name) {
  for (const auto& s : all)
    if (s.name == name) return s.verdict;
  return "(no such scenario in the report)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using names = std::vector<std::string>;

const names all_scenarios = {"echo",      "pipelined",   "second-client",
                             "half-line", "bad-clients", "slow-readers",
                             "load",      "churn",       "resources"};

// A server with no flaw: every scenario, resources included, passes and echo-check exits 0.
// `extra` options come after the short ones, and echo-check takes the last value given.
void check_passes(const std::string& path, std::vector<std::string> extra = {}) {
  running_server server(path, {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server, std::move(extra)), long_patience);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, true) == all_scenarios);
  CHECK(contains(r.out, "\"passed\":true,\"scenarios\""));
}

// What echo-check prints on stderr and how it exits, for runs that end at once.
child_result run_check_capturing_stderr(const std::vector<std::string>& args) {
  return run_in_child([&] {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(echo_check.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(echo_check.c_str(), argv.data());
    ::_exit(127);
  });
}

}  // namespace

// ---- Each deliberate flaw is reported, and only that one ----

TEST_CASE("echo_check.one_at_a_time is reported as serving one client at a time") {
  running_server server(broken_dir + "one_at_a_time", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  // Half-line fails too, inherently: the client that sent half a line is the one being
  // served, so no other client is.
  // So does slow-readers: the one client it serves is one that never reads.
  CHECK(names_where(found, false) == names{"second-client", "half-line", "slow-readers"});
  CHECK(names_where(found, true) ==
        names{"echo", "pipelined", "bad-clients", "load", "churn", "resources"});
  CHECK(contains(verdict_of(found, "second-client"), "one client at a time"));
  CHECK(contains(verdict_of(found, "second-client"), "served"));
  CHECK(contains(verdict_of(found, "half-line"), "stalls"));
}

TEST_CASE("echo_check.half_line_stall is reported as stalling on half a line") {
  running_server server(broken_dir + "half_line_stall", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  // Its writes block as its reads do: a client that never reads stalls it too.
  CHECK(names_where(found, false) == names{"half-line", "slow-readers"});
  CHECK(names_where(found, true) ==
        names{"echo", "pipelined", "second-client", "bad-clients", "load", "churn", "resources"});
  const std::string verdict = verdict_of(found, "half-line");
  CHECK(contains(verdict, "a half-sent line stalls everyone"));
  // Served as soon as the line was complete: the stall lasts exactly as long as the line.
  CHECK(contains(verdict, "served"));
  CHECK(contains(verdict, "once the line was finished"));
  CHECK(!contains(verdict, "not served"));
}

TEST_CASE("echo_check.loses_pipelined is reported as losing pipelined lines") {
  running_server server(broken_dir + "loses_pipelined", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  // Echo fails too, inherently: one of its inputs is two lines in one write.
  CHECK(names_where(found, false) == names{"echo", "pipelined"});
  CHECK(names_where(found, true) == names{"second-client", "half-line", "bad-clients",
                                          "slow-readers", "load", "churn", "resources"});
  CHECK(contains(verdict_of(found, "pipelined"), "pipelined lines are lost"));
  CHECK(contains(verdict_of(found, "pipelined"), "100 lines sent in one write, 1 came back"));
  // "two lines\nin one write\n" (23 bytes) came back as its first line (10 bytes).
  CHECK(contains(verdict_of(found, "echo"), "a line of 23 B came back as its first 10 B"));
}

TEST_CASE("echo_check.leaks_fd is reported by the resources check alone") {
  running_server server(broken_dir + "leaks_fd", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, false) == names{"resources"});
  const std::string verdict = verdict_of(found, "resources");
  CHECK(contains(verdict, "descriptors grew"));
  CHECK(contains(verdict, "about one per connection"));
}

TEST_CASE("echo_check.leaks_fd passes without --pid: a leak is invisible to clients") {
  running_server server(broken_dir + "leaks_fd", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, {"--only", "echo,second-client,bad-clients"});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(names_where(scenarios(r.out), true) == names{"echo", "second-client", "bad-clients"});
}

TEST_CASE("echo_check.buffers_without_limit is reported as keeping unread echoes without bound") {
  running_server server(broken_dir + "buffers_without_limit", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, false) == names{"slow-readers"});
  const std::string verdict = verdict_of(found, "slow-readers");
  CHECK(contains(verdict, "kept growing with what they sent"));
  CHECK(contains(verdict, "without a bound"));
  CHECK(!contains(verdict, "got no answer"));  // nobody else waited: memory is the flaw
}

TEST_CASE("echo_check.dies_on_reset is reported as gone after a client reset") {
  running_server server(broken_dir + "dies_on_reset", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, true) == names{"echo", "pipelined", "second-client", "half-line"});
  // Everything from bad-clients on finds no server.
  CHECK(names_where(found, false) ==
        names{"bad-clients", "slow-readers", "load", "churn", "resources"});
  CHECK(contains(verdict_of(found, "bad-clients"), "the server process is gone"));
  CHECK(contains(verdict_of(found, "resources"), "the server process is gone"));
  // And it really is: it ended itself with its error status.
  const auto status = server.process.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 1);
}

// The process server whose parent keeps its copy of each connected descriptor (the
// experiment of book-notes/12.1-processes.md): every echo is right, but a client that waits
// for the server to close never sees it. (Its growing descriptors are the resources verdict
// that leaks_fd proves above; waiting for them here would add 20 s for nothing new.)
TEST_CASE("echo_check.parent_keeps_connfd is reported: the client never sees end of file") {
  running_server server(broken_dir + "parent_keeps_connfd", {});
  REQUIRE(server.port > 0);
  const run_result r = check_json(server, with_pid(server, {"--only", "echo,second-client"}));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, false) == names{"echo"});
  CHECK(contains(verdict_of(found, "echo"), "never closed the connection"));
}

// ---- The command line against real servers: one with a known limit, one good ----
// (Every example server is judged by the same scenarios, through the library, in
// test_servers.cpp; these two prove the program and its JSON report end to end.)

TEST_CASE("echo_check.echoserveri (iterative) is reported for the second client only") {
  running_server server(examples_dir + "11.4-echo/echoserveri", {});
  REQUIRE(server.port > 0);
  // Half-line and slow-readers are left out: an iterative server fails them as one_at_a_time
  // does, above.
  const run_result r =
      check_json(server, with_pid(server, {"--only",
                                           "echo,pipelined,second-client,bad-clients,load,churn,"
                                           "resources"}));
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  CHECK(names_where(found, false) == names{"second-client"});
  CHECK(contains(verdict_of(found, "second-client"), "one client at a time"));
}

TEST_CASE("echo_check.echoservert passes every scenario") {
  check_passes(examples_dir + "12.3-threads/echoservert");
}

// ---- The text report ----

TEST_CASE("echo_check.text report has a PASS or FLAW line per scenario and a last line") {
  running_server server(broken_dir + "half_line_stall", {});
  REQUIRE(server.port > 0);
  std::vector<std::string> args = {"127.0.0.1", server.port_text(), "--patience", short_patience};
  args.insert(args.end(), short_run.begin(), short_run.end());
  args.insert(args.end(), {"--only", "echo,half-line,second-client"});
  const run_result r = run_check(args);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("echo-check 127.0.0.1:" + server.port_text() + "\n", 0) == 0);
  // In the canonical order, whatever the order given to --only.
  CHECK(contains(r.out, "\nPASS  echo "));
  CHECK(contains(r.out, "\nPASS  second-client "));
  CHECK(contains(r.out, "\nFLAW  half-line "));
  CHECK(r.out.find("PASS  second-client") < r.out.find("FLAW  half-line"));
  const std::string last = "flaws found: half-line\n";
  CHECK(r.out.size() >= last.size());
  CHECK(r.out.compare(r.out.size() - last.size(), last.size(), last) == 0);
}

TEST_CASE("echo_check.text report of a server with no flaw ends in 'every scenario passed'") {
  running_server server(examples_dir + "12.3-threads/echoservert", {});
  REQUIRE(server.port > 0);
  const run_result r = run_check({"127.0.0.1", server.port_text(), "--only", "echo"});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("echo-check 127.0.0.1:" + server.port_text() + "\nPASS  echo ", 0) == 0);
  const std::string last = "\nevery scenario passed\n";
  CHECK(r.out.size() >= last.size());
  CHECK(r.out.compare(r.out.size() - last.size(), last.size(), last) == 0);
  CHECK(!contains(r.out, "FLAW"));
}

// ---- Called wrong, or nothing to check ----

TEST_CASE("echo_check.bad arguments exit 2 with the usage on stderr") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "expected HOST and PORT"},
      {{"127.0.0.1"}, "expected HOST and PORT"},
      {{"127.0.0.1", "http"}, "PORT wants a number"},
      {{"127.0.0.1", "70000"}, "PORT wants a number from 1 to 65535"},
      {{"127.0.0.1", "7", "--clients", "0"}, "--clients wants a number"},
      {{"127.0.0.1", "7", "--clients"}, "--clients needs a value"},
      {{"127.0.0.1", "7", "--only", "bogus"}, "no scenario named 'bogus'"},
      {{"127.0.0.1", "7", "--only", "echo,"}, "no scenario named ''"},
      {{"127.0.0.1", "7", "--rounds", "5", "--duration", "1"}, "exclude each other"},
      {{"127.0.0.1", "7", "--frobnicate", "1"}, "unknown option --frobnicate"},
      {{"127.0.0.1", "7", "--client-cpus", "one"}, "--client-cpus wants a CPU list"},
      {{"127.0.0.1", "7", "--client-cpus", "1-0"}, "--client-cpus wants a CPU list"},
      {{"127.0.0.1", "7", "--client-cpus", "1000"}, "is not one this process may use"},
      {{"127.0.0.1", "7", "--server-cpus", "0"}, "places a server started by --spawn"},
      {{"--server-cpus", "0", "--client-cpus", "0", "--spawn", "true"}, "share a CPU"},
  };
  for (const auto& [args, problem] : cases) {
    std::string shown;
    for (const auto& a : args) shown += " " + a;
    CAPTURE(shown);
    const child_result r = run_check_capturing_stderr(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "echo-check: "));
    CHECK(contains(r.err, problem));
    CHECK(contains(r.err, "usage: echo-check HOST PORT [options]"));
  }
}

TEST_CASE("echo_check.--help prints the usage on stdout and exits 0") {
  const child_result r = run_check_capturing_stderr({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("usage: echo-check HOST PORT [options]\n", 0) == 0);
  CHECK(contains(r.out, "--only LIST"));
  CHECK(r.err.empty());
}

TEST_CASE("echo_check.a port where nobody listens exits 2 naming the address") {
  // Bound but not listening: the port stays ours (nobody else can start listening on it
  // during the test), and a connection to it is refused.
  csapp::unique_fd bound(::socket(AF_INET, SOCK_STREAM, 0));
  REQUIRE(bound);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(bound.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string port = std::to_string(csapp::local_port(bound.get()));
  const child_result r = run_check_capturing_stderr({"127.0.0.1", port});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "echo-check: cannot reach 127.0.0.1:" + port));
  CHECK(contains(r.err, "refused"));
}

TEST_CASE("echo_check.--pid of a process that does not exist exits 2") {
  running_server server(examples_dir + "12.3-threads/echoservert", {});
  REQUIRE(server.port > 0);
  // A child of ours that has exited and been reaped: its pid names no process now.
  spawned gone("/bin/true", {});
  REQUIRE(gone.wait_exit().has_value());
  const child_result r = run_check_capturing_stderr(
      {"127.0.0.1", server.port_text(), "--pid", std::to_string(gone.pid())});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "no such process"));
}

// ---- --spawn: what the server printed, how it ended, and why it could not start ----

namespace {

// echo-check --spawn PROGRAM with `options` before it, on stdout (a pipe).
run_result check_spawned(const std::string& program, std::vector<std::string> options) {
  options.insert(options.end(), {"--patience", short_patience, "--spawn", program});
  return run_check(options);
}

}  // namespace

TEST_CASE("echo_check.--spawn quotes a dying server's last words and how it ended") {
  const run_result r = check_spawned(broken_dir + "dies_on_reset",
                                     {"--json", "--only", "echo,bad-clients", "--clients", "20"});
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const std::string verdict = verdict_of(scenarios(r.out), "bad-clients");
  CHECK(contains(verdict, "the server process is gone: it exited with status 1"));
  CHECK(contains(verdict, "its last words: "));
  CHECK(contains(verdict, "dies_on_reset: "));  // its own message, from its stderr
  CHECK(!contains(r.out, "SIGPIPE"));           // never a cause the library rules out
}

TEST_CASE("echo_check.--spawn: error lines of a server that served everyone are a flaw") {
  // child_forgets_exit: every client is served; each child then prints "Close error".
  const names run = {"echo", "second-client", "half-line"};
  const run_result json = check_spawned(broken_dir + "child_forgets_exit",
                                        {"--json", "--only", "echo,second-client,half-line"});
  INFO(json.out);
  CHECK(json.exit_code == 1);
  CHECK(names_where(scenarios(json.out), true) == run);
  CHECK(contains(json.out, "\"passed\":false"));
  CHECK(contains(json.out, "\"server_errors\":{\"count\":"));
  CHECK(contains(json.out, "Close error: Bad file descriptor"));
  const run_result text =
      check_spawned(broken_dir + "child_forgets_exit", {"--only", "echo,second-client,half-line"});
  INFO(text.out);
  CHECK(text.exit_code == 1);
  CHECK(contains(text.out, "\nFLAW  server-errors  the server printed "));
  CHECK(contains(text.out, "Close error: Bad file descriptor"));
  CHECK(contains(text.out, "\nflaws found: server-errors\n"));
  CHECK(!contains(text.out, "every scenario passed"));
}

TEST_CASE("echo_check.--spawn a server whose children stay: bounded, report on a file too") {
  // child_keeps_listening's children keep the listening socket and never exit.
  const std::string program = broken_dir + "child_keeps_listening";
  const run_result piped = check_spawned(program, {"--json", "--only", "echo,resources"});
  INFO(piped.out);
  CHECK(piped.exit_code == 1);
  const auto found = scenarios(piped.out);
  CHECK(names_where(found, false) == names{"resources"});
  const std::string verdict = verdict_of(found, "resources");
  // The first connections can only be the parent's (it alone listens then): their children
  // never leave, and the verdict says so. Which process accepts later connections is up to
  // the scheduler (the children listen too), so later counts are not asserted.
  CHECK(contains(verdict, "still running after every client left"));
  CHECK(contains(verdict, "at the start: children of the first connections"));
  // Its stdout a file: the report is there once echo-check has exited (within the bound).
  char path[] = "/tmp/echo-check-report.XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const child_result r = run_in_child([&] {
    ::dup2(fd, STDOUT_FILENO);
    const std::vector<std::string> args = {ECHO_CHECK_PATH, "--only", "echo", "--patience", "1",
                                           "--spawn",       program};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(ECHO_CHECK_PATH, argv.data());
    ::_exit(127);
  });
  ::close(fd);
  const std::string report = slurp(path);
  ::unlink(path);
  INFO(report);
  CHECK(r.exit_code == 0);
  CHECK(contains(report, "\nPASS  echo "));
  CHECK(contains(report, "\nevery scenario passed\n"));
}

TEST_CASE("echo_check.--spawn parent_keeps_connfd: churn and resources say why") {
  const run_result r = check_spawned(broken_dir + "parent_keeps_connfd",
                                     {"--json", "--only", "churn,resources", "--churn", "100"});
  INFO(r.out);
  CHECK(r.exit_code == 1);
  const auto found = scenarios(r.out);
  const std::string churn = verdict_of(found, "churn");
  CHECK(contains(churn, "never saw end of file after closing their side"));
  CHECK(contains(churn, "descriptors grew by"));
  // "in the parent" is added when a child was seen serving a client, which a child that
  // ends within one round trip (as under a sanitizer's slower parent) can hide: the hint
  // itself is what is certain.
  CHECK(contains(churn, "(is connfd closed"));
  const std::string resources = verdict_of(found, "resources");
  CHECK(contains(resources, "about one per connection"));
  CHECK(contains(resources, "(is connfd closed"));
}

TEST_CASE("echo_check.--spawn says why a program could not be started, exit 2") {
  const std::string source = __FILE__;  // a source file: there, readable, not executable
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"./no-such-server"}, "cannot start ./no-such-server: No such file or directory"},
      {{"no-such-server-in-path"}, "cannot start no-such-server-in-path: No such file"},
      {{source}, "Permission denied (not an executable program"},
      {{"sh", "-c", "echo bad configuration >&2; exit 3"},
       "it exited with status 3; its last lines: \"bad configuration\""},
      {{"sh", "-c", "kill -SEGV $$"}, "it ended by SIGSEGV, and printed nothing"},
  };
  for (const auto& [program, why] : cases) {
    std::vector<std::string> args = {"--spawn"};
    args.insert(args.end(), program.begin(), program.end());
    CAPTURE(program[0]);
    const child_result r = run_check_capturing_stderr(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(contains(r.err, why));
  }
}

TEST_CASE("echo_check.--server-cpus and --client-cpus place the spawned server and the clients") {
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) {
    MESSAGE("one CPU: nothing to place apart");
    return;
  }
  const std::string server_cpu = std::to_string(cpus.front());
  const std::string client_cpu = std::to_string(cpus.back());
  const std::string log = temp_dir("placement") + "/server.log";
  // The shell reports where it runs, as the kernel says, then becomes the server itself:
  // the server runs where the shell ran.
  const child_result r = run_check_capturing_stderr(
      {"--only", "echo", "--server-cpus", server_cpu, "--client-cpus", client_cpu, "--server-log",
       log, "--spawn", "sh", "-c", "grep Cpus_allowed_list /proc/$$/status >&2; exec \"$0\" \"$@\"",
       examples_dir + "11.4-echo/echoserveri"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const std::string said = read_file(log);
  INFO(said);
  CHECK(contains(said, "Cpus_allowed_list:\t" + server_cpu + "\n"));
}
