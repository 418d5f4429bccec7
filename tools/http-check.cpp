// http-check - points a battery of clients at a web server and says what it found.
//
//   http-check HOST PORT --root DIR [options]
//   http-check [options] --spawn PROGRAM [ARGS...]
//   http-check --make-root DIR [--cgi-adder PATH]
//
// The web-server twin of echo-check, with its exit codes, --spawn, --pid, --json, --only and
// CPU placement. The server must serve a document root whose every byte http-check knows:
// with --spawn it makes one in a temporary directory and starts the server there (its working
// directory, as the book's Tiny expects); for a server started by hand, --make-root writes one
// and --root says where it is.
//
// Exit status: 0 when every scenario passed, 1 when a flaw was found, 2 on bad arguments or
// when the server cannot be reached at all.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "echocheck/cli.hpp"
#include "echocheck/report.hpp"
#include "echocheck/spawn.hpp"
#include "echocheck/watch.hpp"
#include "httpcheck/checker.hpp"
#include "httpcheck/root.hpp"
#include "httpcheck/spawn.hpp"

namespace {

using namespace http_check;
namespace cli = echo_check::cli;

constexpr const char* usage_text =
    "usage: http-check HOST PORT --root DIR [options]\n"
    "       http-check [options] --spawn PROGRAM [ARGS...]\n"
    "       http-check --make-root DIR [--cgi-adder PATH]\n"
    "Checks a web server (HTTP/1.0 GET, as the book's Tiny): files byte-exact with the right\n"
    "Content-Type and Content-Length, the CGI adder, error statuses, paths that climb out of\n"
    "the root, a client that sends half a request, many downloads at once, clients that reset\n"
    "or leave early, load, and (with a pid) descriptors, threads, children and zombies.\n"
    "The document root. http-check knows every byte the server should send because it writes\n"
    "the files: DIR/www/ (home.html, notes.txt, pixel.png, large.jpg of 3 MiB, stream.jpg of\n"
    "8 MiB or more for the clients that leave mid-download, secret.html that nobody may\n"
    "read, cgi-bin/adder) and DIR/outside.txt, next to the root, which must\n"
    "never come back. --spawn makes such a DIR in a temporary place and starts the server in\n"
    "DIR/www; for a server you start yourself, run --make-root DIR once, start the server in\n"
    "DIR/www, and give --root DIR/www.\n"
    "  --spawn PROGRAM [ARGS...]\n"
    "                  start the server in a fresh root (the rest of the line, then a free port\n"
    "                  as its last argument), check it on 127.0.0.1 with its pid, then stop it;\n"
    "                  its output goes to --server-log FILE (default: a temporary file), and\n"
    "                  its error lines and last words are quoted in the report\n"
    "  --cgi-adder PATH  the CGI adder to copy into cgi-bin/ (default with --spawn: an adder\n"
    "                  next to PROGRAM, in its cgi-bin/ or its www/cgi-bin/; without one, the\n"
    "                  cgi scenario is skipped and says so)\n"
    "  --root DIR      with HOST PORT: the root the server serves, made by --make-root\n"
    "  --make-root DIR write a root into DIR (DIR/www and DIR/outside.txt) and exit\n"
    "  --patience S    how long a client waits before it counts as not served (default 2)\n"
    "  --many N        clients downloading the large file at once (default 8)\n"
    "  --clients N     clients at once in the load scenario (default 8)\n"
    "  --duration S    how long the load runs (default 2)\n"
    "  --pid PID       the server's process id: check descriptors, threads and children\n"
    "  --only LIST     run only these scenarios (comma-separated): static, cgi, errors,\n"
    "                  escape, slow-client, many, bad-clients, load, resources\n"
    "  --json          print the findings as one JSON object\n"
    "  --server-cpus LIST  with --spawn: run the server on these CPUs only (e.g. 0 or 0-1)\n"
    "  --client-cpus LIST  run http-check's clients on these CPUs only: on a small machine,\n"
    "                  disjoint sets keep the load generator from competing with the server\n"
    "exit status: 0 all passed, 1 a flaw was found, 2 bad arguments or server unreachable\n";

using cli::usage_error;

struct arguments {
  std::string host, port;
  check_options check;
  std::vector<std::string> scenarios;
  bool json = false;
  std::vector<std::string> spawn;    // --spawn: the server's command line
  std::string server_log;            // --spawn: where its output goes ("": in the temp dir)
  std::string adder;                 // --cgi-adder
  std::string root;                  // --root
  std::string make_root;             // --make-root
  echo_check::cpu_list server_cpus;  // --spawn: the CPUs the server may use (empty: any)
  echo_check::cpu_list client_cpus;  // the CPUs http-check's clients may use (empty: any)
};

arguments parse(int argc, char** argv) {
  cli::usage() = {"http-check", usage_text};
  arguments args;
  std::vector<std::string> positional;
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
    if (arg == "--patience") {
      args.check.patience = cli::seconds(arg, value, 0.05, 600);
    } else if (arg == "--many") {
      args.check.many = cli::whole(arg, value, 1, 1000);
    } else if (arg == "--clients") {
      args.check.load_clients = cli::whole(arg, value, 1, 1000);
    } else if (arg == "--duration") {
      args.check.load_duration = cli::seconds(arg, value, 0.01, 3600);
    } else if (arg == "--pid") {
      args.check.pid = cli::whole(arg, value, 1, 1 << 30);
    } else if (arg == "--only") {
      args.scenarios = cli::split_commas(value);
      const auto& known = scenario_names();
      for (const auto& name : args.scenarios)
        if (std::find(known.begin(), known.end(), name) == known.end())
          usage_error("--only: no scenario named '" + name + "'");
    } else if (arg == "--server-cpus") {
      args.server_cpus = cli::cpus(arg, value);
    } else if (arg == "--client-cpus") {
      args.client_cpus = cli::cpus(arg, value);
    } else if (arg == "--server-log") {
      args.server_log = value;
    } else if (arg == "--cgi-adder") {
      args.adder = value;
    } else if (arg == "--root") {
      args.root = value;
    } else if (arg == "--make-root") {
      args.make_root = value;
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (!args.make_root.empty()) {
    if (!positional.empty() || !args.spawn.empty() || !args.root.empty())
      usage_error("--make-root writes a root and exits: no server, --root or --spawn with it");
    return args;
  }
  if (!args.spawn.empty()) {
    if (!positional.empty()) usage_error("HOST and PORT are chosen by --spawn");
    if (args.check.pid > 0) usage_error("--pid is the spawned server's with --spawn");
    if (!args.root.empty()) usage_error("--spawn makes its own root: no --root with it");
    if (!args.server_cpus.empty() && !args.client_cpus.empty() &&
        !echo_check::disjoint(args.server_cpus, args.client_cpus))
      usage_error("--server-cpus and --client-cpus share a CPU: the point is that they do not");
    args.host = "127.0.0.1";
    args.port = std::to_string(echo_check::free_port());
    args.check.pid = -1;  // known once it is started
  } else {
    if (positional.size() != 2) usage_error("expected HOST and PORT (or --spawn)");
    if (args.root.empty()) usage_error("HOST PORT needs --root DIR (made by --make-root)");
    if (!args.server_cpus.empty()) usage_error("--server-cpus places a server started by --spawn");
    if (!args.adder.empty()) usage_error("--cgi-adder goes with --spawn or --make-root");
    args.host = positional[0];
    args.port = positional[1];
    cli::whole("PORT", args.port, 1, 65535);
  }
  if (args.scenarios.empty())
    for (const auto& name : scenario_names())
      if (name != "resources" || args.check.pid != 0) args.scenarios.push_back(name);
  return args;
}

// A temporary directory for the root and the log, removed at the end.
struct temp_place {
  std::string dir;
  temp_place() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/http-check.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) csapp::throw_errno("mkdtemp");
    dir = pattern;
  }
  temp_place(const temp_place&) = delete;
  temp_place& operator=(const temp_place&) = delete;
  ~temp_place() {
    ::unlink((dir + "/server.log").c_str());
    remove_root(dir);
  }
};

}  // namespace

int main(int argc, char** argv) {
  arguments args = parse(argc, argv);
  if (!args.make_root.empty()) {
    try {
      const std::string root = make_root(args.make_root, args.adder);
      std::printf("made %s (and %s/%s next to it, which must never be served)\n", root.c_str(),
                  args.make_root.c_str(), sentinel_name().c_str());
      std::printf("start your server in it:  cd %s && /path/to/server PORT\n", root.c_str());
      std::printf("then check it:            http-check 127.0.0.1 PORT --root %s [--pid PID]\n",
                  root.c_str());
      if (args.adder.empty()) std::printf("(no --cgi-adder: the cgi scenario will be skipped)\n");
      return 0;
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "http-check: %s\n", e.what());
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);  // a server that resets us is a finding, not our death
  echo_check::stop_children_on_signals();
  echo_check::raise_descriptor_limit();
  if (!args.client_cpus.empty()) {
    if (!args.spawn.empty() && args.server_cpus.empty())
      args.server_cpus = echo_check::allowed_cpus();
    if (!echo_check::pin_this_thread(args.client_cpus)) {
      std::fprintf(stderr, "http-check: sched_setaffinity to CPU %s: %s\n",
                   echo_check::cpu_list_text(args.client_cpus).c_str(), std::strerror(errno));
      return 2;
    }
  }
  std::optional<temp_place> place;
  std::optional<echo_check::child_process> spawned;
  echo_check::server_errors errors;
  off_t log_read = 0;
  endpoint ep;
  try {
    ep = echo_check::resolve(args.host, args.port);
    if (!args.spawn.empty()) {
      place.emplace();
      if (args.adder.empty()) args.adder = adder_next_to(args.spawn[0]);
      const std::string root = make_root(place->dir, args.adder);
      if (args.adder.empty())
        args.check.no_cgi_why =
            "no adder was given (--cgi-adder PATH) and none is next to " + args.spawn[0];
      args.check.cgi = !args.adder.empty();
      args.spawn.push_back(args.port);
      const std::string log =
          args.server_log.empty() ? place->dir + "/server.log" : args.server_log;
      try {
        spawn_in(spawned, root, args.spawn, {false, log, args.server_cpus});
      } catch (const std::system_error& e) {
        std::fprintf(stderr, "http-check: %s\n", e.what());
        return 2;
      }
      if (!spawned->wait_until_listening(ep, args.check.event_limit)) {
        std::string why = " within 10 s";
        if (spawned->exited()) why = ": it " + spawned->how_it_ended();
        spawned->finish_output();
        const auto lines = echo_check::last_of(spawned->log_lines(), 5);
        why += lines.empty() ? ", and printed nothing"
                             : "; its last lines: " + echo_check::quoted(lines);
        std::fprintf(stderr, "http-check: %s did not accept connections on port %s%s\n",
                     args.spawn[0].c_str(), args.port.c_str(), why.c_str());
        return 2;
      }
      args.check.pid = spawned->pid();
      args.check.watch = [&] {
        return echo_check::news_of(*spawned, log_read, errors, args.check.event_limit);
      };
    } else {
      if (const std::string wrong = check_root(args.root); !wrong.empty()) {
        std::fprintf(stderr, "http-check: --root %s: %s (make one with --make-root)\n",
                     args.root.c_str(), wrong.c_str());
        return 2;
      }
      args.check.cgi = has_adder(args.root);
      if (!args.check.cgi)
        args.check.no_cgi_why = args.root + "/cgi-bin/adder is missing (--make-root --cgi-adder)";
    }
    echo_check::connect_within(ep, args.check.event_limit);  // reachable at all?
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "http-check: cannot reach %s:%s: %s\n", args.host.c_str(),
                 args.port.c_str(), e.what());
    return 2;
  }
  if (args.check.pid > 0 && !echo_check::process_exists(args.check.pid)) {
    std::fprintf(stderr, "http-check: --pid %d: no such process\n", args.check.pid);
    return 2;
  }
  checker check(ep, args.check);
  std::vector<finding> findings;
  try {
    findings = check.run(args.scenarios);
    if (args.check.watch) args.check.watch();  // error lines printed after the last scenario
  } catch (const std::exception& e) {          // our own failure (threads, memory)
    std::fprintf(stderr, "http-check: %s\n", e.what());
    return 2;
  }
  if (args.json)
    echo_check::print_json(stdout, ep.name(), args.check.pid, findings, errors);
  else
    echo_check::print_text(stdout, ep.name(), findings, errors, "http-check");
  std::fflush(stdout);
  if (spawned) {
    const echo_check::stop_outcome stopped = spawned->stop();
    if (stopped.how.find("killed") != std::string::npos ||
        stopped.how.find("still running") != std::string::npos)
      std::fprintf(stderr, "http-check: stopping the server: it %s\n", stopped.how.c_str());
    spawned->finish_output();
  }
  return echo_check::flaw_names(findings).empty() && errors.count == 0 ? 0 : 1;
}
