// echo-check - points a battery of clients at a line-echo server and says what it found.
//
//   echo-check HOST PORT [--clients N] [--rounds R] [--size B] [--duration S] [--pid PID]
//              [--churn N] [--patience S] [--only a,b,...] [--json]
//   echo-check [options] --spawn PROGRAM [ARGS...]
//
// With --spawn it starts the server itself, on a free port given as its last argument,
// checks it (with --pid), and stops it. What it prints goes to a log (a temporary file unless
// --server-log names one): error lines it prints are a flaw, quoted in the report, and when it
// dies, the verdict says how and quotes its last lines.
//
// Exit status: 0 when every scenario passed, 1 when a flaw was found, 2 on bad arguments or
// when the server cannot be reached at all.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "echocheck/checker.hpp"
#include "echocheck/cli.hpp"
#include "echocheck/report.hpp"
#include "echocheck/spawn.hpp"
#include "echocheck/watch.hpp"

namespace {

using namespace echo_check;

constexpr const char* usage_text =
    "usage: echo-check HOST PORT [options]\n"
    "       echo-check [options] --spawn PROGRAM [ARGS...]\n"
    "Checks a line-echo server: byte-exact echo, concurrency, half lines, pipelined lines,\n"
    "bad clients, clients that never read, load and connection churn.\n"
    "  --clients N     clients at once in the load scenario (default 100)\n"
    "  --rounds R      round trips per client (default 100)\n"
    "  --duration S    run the load for S seconds instead of a number of rounds\n"
    "  --size B        bytes per line, the newline included (default 64)\n"
    "  --churn N       short connections in the churn scenario (default 1000)\n"
    "  --slow-readers N  clients that send and never read, in slow-readers (default 8)\n"
    "  --slow-bytes B  what each of them tries to send (default 16777216)\n"
    "  --patience S    how long a client waits before it counts as not served (default 2)\n"
    "  --pid PID       the server's process id: check descriptors, threads and children\n"
    "  --only LIST     run only these scenarios (comma-separated): echo, pipelined,\n"
    "                  second-client, half-line, bad-clients, slow-readers, load, churn,\n"
    "                  resources\n"
    "  --json          print the findings as one JSON object\n"
    "  --spawn PROGRAM [ARGS...]\n"
    "                  start the server (the rest of the line, then a free port as its last\n"
    "                  argument), check it on 127.0.0.1 with --pid, then stop it; its output\n"
    "                  goes to --server-log FILE (default: a temporary file), and its error\n"
    "                  lines and last words are quoted in the report\n"
    "  --server-cpus LIST  with --spawn: run the server on these CPUs only (e.g. 0 or 0-1)\n"
    "  --client-cpus LIST  run echo-check's clients on these CPUs only: on a small machine,\n"
    "                  disjoint sets keep the load generator from competing with the server\n"
    "exit status: 0 all passed, 1 a flaw was found, 2 bad arguments or server unreachable\n";

using cli::usage_error;

std::vector<std::string> parse_names(const std::string& list) {
  std::vector<std::string> names = cli::split_commas(list);
  const auto& known = scenario_names();
  for (const auto& name : names)
    if (std::find(known.begin(), known.end(), name) == known.end())
      usage_error("--only: no scenario named '" + name + "'");
  return names;
}

struct arguments {
  std::string host, port;
  check_options check;
  std::vector<std::string> scenarios;
  bool json = false;
  std::vector<std::string> spawn;  // --spawn: the server's command line
  std::string server_log;          // --spawn: where its output goes ("": a temp file)
  cpu_list server_cpus;            // --spawn: the CPUs the server may use (empty: any)
  cpu_list client_cpus;            // the CPUs echo-check's clients may use (empty: any)
};

arguments parse(int argc, char** argv) {
  cli::usage() = {"echo-check", usage_text};
  arguments args;
  std::vector<std::string> positional;
  bool rounds_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    }
    if (arg == "--json") {
      args.json = true;
      continue;
    }
    if (arg == "--spawn") {
      args.spawn.assign(argv + i + 1, argv + argc);
      if (args.spawn.empty()) usage_error("--spawn needs a program");
      break;
    }
    if (arg.rfind("--", 0) != 0) {
      positional.push_back(arg);
      continue;
    }
    if (i + 1 >= argc) usage_error(arg + " needs a value");
    const char* value = argv[++i];
    if (arg == "--clients") {
      args.check.load.clients = cli::whole(arg, value, 1, 100000);
    } else if (arg == "--rounds") {
      args.check.load.rounds = cli::whole(arg, value, 1, 100000000);
      rounds_given = true;
    } else if (arg == "--duration") {
      args.check.load.duration = cli::seconds(arg, value, 0.01, 3600);
    } else if (arg == "--size") {
      args.check.load.line_size = static_cast<std::size_t>(cli::whole(arg, value, 1, 1 << 20));
    } else if (arg == "--churn") {
      args.check.churn = cli::whole(arg, value, 1, 10000000);
    } else if (arg == "--slow-readers") {
      args.check.slow_readers = cli::whole(arg, value, 1, 1000);
    } else if (arg == "--slow-bytes") {
      args.check.slow_reader_bytes = static_cast<std::size_t>(cli::number(arg, value, 2, 1e10));
    } else if (arg == "--patience") {
      args.check.patience = cli::seconds(arg, value, 0.05, 600);
    } else if (arg == "--pid") {
      args.check.pid = cli::whole(arg, value, 1, 1 << 30);
    } else if (arg == "--only") {
      args.scenarios = parse_names(value);
    } else if (arg == "--server-cpus") {
      args.server_cpus = cli::cpus(arg, value);
    } else if (arg == "--client-cpus") {
      args.client_cpus = cli::cpus(arg, value);
    } else if (arg == "--server-log") {
      args.server_log = value;
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (!args.spawn.empty()) {
    if (!positional.empty()) usage_error("HOST and PORT are chosen by --spawn");
    if (args.check.pid > 0) usage_error("--pid is the spawned server's with --spawn");
    if (!args.server_cpus.empty() && !args.client_cpus.empty() &&
        !disjoint(args.server_cpus, args.client_cpus))
      usage_error("--server-cpus and --client-cpus share a CPU: the point is that they do not");
    args.host = "127.0.0.1";
    args.port = std::to_string(free_port());
    args.check.pid = -1;  // known once it is started
  } else {
    if (positional.size() != 2) usage_error("expected HOST and PORT");
    if (!args.server_cpus.empty()) usage_error("--server-cpus places a server started by --spawn");
    args.host = positional[0];
    args.port = positional[1];
    cli::whole("PORT", args.port, 1, 65535);
  }
  if (rounds_given && args.check.load.duration.count() > 0)
    usage_error("--rounds and --duration exclude each other");
  if (args.scenarios.empty()) {
    for (const auto& name : scenario_names())
      if (name != "resources" || args.check.pid != 0) args.scenarios.push_back(name);
  }
  // A timed run may take as long as it was told to, and the slowest connect on top.
  if (args.check.load.duration.count() > 0)
    args.check.load.limit = std::max(args.check.load.limit, args.check.load.duration + 30s);
  return args;
}

// Why a program could not be started, with a hint for the usual slips.
std::string start_failure(const std::string& program, const std::system_error& e) {
  std::string why = e.what();
  const int err = e.code().value();
  if (err == ENOENT && program.find('/') == std::string::npos &&
      ::access(program.c_str(), F_OK) == 0)
    why += " (it is not in PATH: ./" + program + "?)";
  else if (err == EACCES || err == ENOEXEC)
    why += " (not an executable program: a source file must be compiled first)";
  return why;
}

// The server's log: the file named by --server-log, or a temporary one, removed at the end.
struct server_log_file {
  std::string path;
  bool temporary = false;

  explicit server_log_file(const std::string& named) : path(named) {
    if (!path.empty()) return;
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/echo-check-server.XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) csapp::throw_errno("mkstemp");
    ::close(fd);
    path = pattern;
    temporary = true;
  }
  server_log_file(const server_log_file&) = delete;
  server_log_file& operator=(const server_log_file&) = delete;
  ~server_log_file() {
    if (temporary) ::unlink(path.c_str());
  }
};

// A progress line on a terminal, once a run has taken more than a second.
tick_function progress_line() {
  if (!::isatty(STDERR_FILENO)) return {};
  return [](const load_result& r, double elapsed) {
    if (elapsed < 1) return;
    std::fprintf(stderr, "\r  %.1f s: %s round trips, %s of %s clients served, %s connected\x1b[K",
                 elapsed, with_commas(static_cast<long long>(r.messages)).c_str(),
                 with_commas(r.served).c_str(), with_commas(r.sessions).c_str(),
                 with_commas(r.connected).c_str());
  };
}

}  // namespace

int main(int argc, char** argv) {
  arguments args = parse(argc, argv);
  ::signal(SIGPIPE, SIG_IGN);  // a server that resets us is a finding, not our death
  stop_children_on_signals();  // Ctrl-C here also stops a --spawn server
  raise_descriptor_limit();
  args.check.on_tick = progress_line();
  if (!args.client_cpus.empty()) {
    // A spawned server would inherit our placement: unless told otherwise, it keeps the CPUs
    // we had.
    if (!args.spawn.empty() && args.server_cpus.empty()) args.server_cpus = allowed_cpus();
    if (!pin_this_thread(args.client_cpus)) {
      std::fprintf(stderr, "echo-check: sched_setaffinity to CPU %s: %s\n",
                   cpu_list_text(args.client_cpus).c_str(), std::strerror(errno));
      return 2;
    }
  }
  endpoint ep;
  std::optional<server_log_file> log;
  std::optional<child_process> spawned;
  server_errors errors;  // what the spawned server printed, over the whole check
  off_t log_read = 0;    // how far its log has been read for error lines
  try {
    ep = resolve(args.host, args.port);
    if (!args.spawn.empty()) {
      args.spawn.push_back(args.port);
      log.emplace(args.server_log);
      try {
        spawned.emplace(args.spawn, spawn_options{false, log->path, args.server_cpus});
      } catch (const std::system_error& e) {
        std::fprintf(stderr, "echo-check: %s\n", start_failure(args.spawn[0], e).c_str());
        return 2;
      }
      if (!spawned->wait_until_listening(ep, args.check.event_limit)) {
        std::string why = " within 10 s";
        if (spawned->exited()) why = ": it " + spawned->how_it_ended();
        spawned->finish_output();
        const std::vector<std::string> lines = last_of(spawned->log_lines(), 5);
        why += lines.empty() ? ", and printed nothing" : "; its last lines: " + quoted(lines);
        std::fprintf(stderr, "echo-check: %s did not accept connections on port %s%s\n",
                     args.spawn[0].c_str(), args.port.c_str(), why.c_str());
        return 2;
      }
      args.check.pid = spawned->pid();
      args.check.watch = [&] {
        return echo_check::news_of(*spawned, log_read, errors, args.check.event_limit);
      };
    }
    connect_within(ep, args.check.event_limit);  // reachable at all?
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "echo-check: cannot reach %s:%s: %s\n", args.host.c_str(),
                 args.port.c_str(), e.code().message().c_str());
    return 2;
  }
  if (args.check.pid > 0 && !process_exists(args.check.pid)) {
    std::fprintf(stderr, "echo-check: --pid %d: no such process\n", args.check.pid);
    return 2;
  }
  const std::string server = ep.name();
  checker check(ep, args.check);
  std::vector<finding> findings;
  try {
    findings = check.run(args.scenarios);
    if (args.check.watch) args.check.watch();  // error lines printed after the last scenario
  } catch (const std::exception& e) {          // our own failure (epoll, memory): not a finding
    std::fprintf(stderr, "\necho-check: %s\n", e.what());
    return 2;
  }
  if (args.check.on_tick) std::fputs("\r\x1b[K", stderr);
  if (args.json)
    print_json(stdout, server, args.check.pid, findings, errors);
  else
    print_text(stdout, server, findings, errors);
  std::fflush(stdout);  // the report is out before anything that can wait
  if (spawned) {
    const stop_outcome stopped = spawned->stop();
    if (stopped.how.find("killed") != std::string::npos ||
        stopped.how.find("still running") != std::string::npos)
      std::fprintf(stderr, "echo-check: stopping the server: it %s\n", stopped.how.c_str());
  }
  return flaw_names(findings).empty() && errors.count == 0 ? 0 : 1;
}
