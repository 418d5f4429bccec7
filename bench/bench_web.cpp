// bench/bench_web.cpp - the web servers against a yardstick: each Tiny and nginx under wrk.
//
// Every server serves the same small file from the same document root, one request per
// connection (`Connection: close`: Tiny closes after each response, so keep-alive would measure
// nginx alone). The server runs on one half of the CPUs and wrk on the other, so the load
// generator never competes with what it measures. Each round starts every server afresh, warms
// it up with an untimed wrk run (ramp-up: its processes, threads and caches), then times a
// second run and the server's CPU over it; the servers' order flips every round, and the page
// gives the median round and the range. nginx runs with one worker process, on the same CPUs.
//
// Writes the "web" section of book-notes/performance.md (--md); without wrk or nginx it says
// which is missing and how to install it, instead of numbers.
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <echocheck/cli.hpp>
#include <echocheck/cpus.hpp>
#include <echocheck/proc.hpp>
#include <echocheck/spawn.hpp>
#include <echocheck/words.hpp>
#include <httpcheck/spawn.hpp>

#include "harness.hpp"

namespace {

using echo_check::child_process;
using echo_check::cpu_list;
using echo_check::human_seconds;
using echo_check::millis;
using echo_check::with_commas;
namespace cli = echo_check::cli;

constexpr const char* usage_text =
    "usage: bench_web --root DIR [--server NAME=PROGRAM]... [--nginx] [options]\n"
    "Runs wrk against each web server (started in DIR as `PROGRAM PORT`, port 0) and, with\n"
    "--nginx, against nginx serving DIR with one worker, and writes the comparison.\n"
    "  --uri PATH        what every request asks for (default /home.html)\n"
    "  --connections N   wrk's connections (default 50)\n"
    "  --duration S      seconds of each timed run (default 5)\n"
    "  --warmup S        seconds of the untimed run before it (default 1)\n"
    "  --rounds R        rounds; each starts every server afresh (default 3)\n"
    "  --goal NAME=X     the goal for NAME: X times nginx's requests/s (repeatable)\n"
    "  --md FILE         write the Markdown section here (default: stdout)\n"
    "exit status: 0 measured (or the tools are missing, as the page says), 1 a server failed,\n"
    "2 bad arguments\n";

// One timed wrk run, as wrk reported it.
struct wrk_run {
  double requests_per_s = 0;
  double p50_s = 0, p99_s = 0;   // latency percentiles (wrk --latency)
  long long requests = 0;        // completed
  long long errors = 0;          // socket errors of every kind, and non-2xx/3xx answers
  double cpu_per_request_s = 0;  // the server's CPU (its children included) over the run
  std::string failure;           // why there are no numbers (the server died, wrk failed)
};

// "2.31ms" -> 0.00231.
double wrk_duration(const std::string& text) {
  double v = std::strtod(text.c_str(), nullptr);
  if (text.find("us") != std::string::npos) return v / 1e6;
  if (text.find("ms") != std::string::npos) return v / 1e3;
  if (text.find("m") != std::string::npos && text.find("s") == std::string::npos) return v * 60;
  return v;  // "s"
}

wrk_run parse_wrk(const std::string& out) {
  wrk_run r;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "Requests/sec:") r.requests_per_s = std::strtod(second.c_str(), nullptr);
    if (first == "50%") r.p50_s = wrk_duration(second);
    if (first == "99%") r.p99_s = wrk_duration(second);
    if (second == "requests") r.requests = std::atoll(first.c_str());
    if (first == "Socket" && second == "errors:") {
      // "Socket errors: connect 0, read 3, write 0, timeout 0"
      std::string word;
      while (words >> word) r.errors += std::atoll(word.c_str());
    }
    if (first == "Non-2xx") r.errors += std::atoll(line.substr(line.rfind(' ') + 1).c_str());
  }
  if (r.requests_per_s <= 0) r.failure = "wrk reported no requests/s";
  return r;
}

struct server {
  std::string name;               // the row's label
  std::vector<std::string> argv;  // the program and its arguments, before the port
  bool nginx = false;             // started from a configuration written here
  double goal = 0;                // wanted: this times nginx's requests/s; 0: none
  std::vector<wrk_run> runs;      // one per round
};

struct bench_options {
  std::string root, uri = "/home.html", md;
  int connections = 50, rounds = 3;
  millis duration{5000}, warmup{1000};
  echo_check::placement where;
};

// wrk on the client CPUs, `d` long; its whole report.
std::string run_wrk(const bench_options& o, int port, millis d) {
  echo_check::spawn_options so;
  so.cpus = o.where.client;
  const std::string secs = std::to_string(std::max<long long>(1, d.count() / 1000)) + "s";
  child_process wrk({"wrk", "-t1", "-c" + std::to_string(o.connections), "-d" + secs, "--latency",
                     "-H", "Connection: close", "http://127.0.0.1:" + std::to_string(port) + o.uri},
                    so);
  return wrk.read_rest(d + millis(30000));
}

// nginx's configuration: one worker, no access log, the root, this port, in `dir`.
void write_nginx_conf(const std::string& dir, const std::string& root, int port) {
  std::ofstream conf(dir + "/nginx.conf");
  conf << "worker_processes 1;\ndaemon off;\npid " << dir << "/nginx.pid;\nerror_log " << dir
       << "/error.log;\nevents { worker_connections 4096; }\nhttp {\n"
       << "  access_log off;\n  types { text/html html; image/png png; }\n"
       << "  default_type application/octet-stream;\n"
       << "  client_body_temp_path " << dir << ";\n  proxy_temp_path " << dir << ";\n"
       << "  fastcgi_temp_path " << dir << ";\n  uwsgi_temp_path " << dir << ";\n"
       << "  scgi_temp_path " << dir << ";\n"
       << "  server { listen 127.0.0.1:" << port << "; root " << root << "; }\n}\n";
}

// One round of one server: start, warm up, time, stop.
wrk_run measure(server& s, const bench_options& o, const std::string& scratch) {
  echo_check::spawn_options so;
  so.cpus = o.where.server;
  so.log_path = scratch + "/" + s.name + ".log";
  std::optional<child_process> child;
  int port = 0;
  if (s.nginx) {
    port = echo_check::free_port();
    write_nginx_conf(scratch, o.root, port);
    child.emplace(std::vector<std::string>{"nginx", "-p", scratch, "-c", scratch + "/nginx.conf"},
                  so);
    if (!child->wait_until_listening(echo_check::resolve("127.0.0.1", std::to_string(port)),
                                     millis(10000)))
      return {0, 0, 0, 0, 0, 0, "nginx did not start: see " + so.log_path};
  } else {
    std::vector<std::string> argv = s.argv;
    argv.push_back("0");
    http_check::spawn_in(child, o.root, argv, so);
    port = child->wait_for_port(millis(10000));
    if (port == 0) return {0, 0, 0, 0, 0, 0, "it never said which port it listens on"};
  }
  run_wrk(o, port, o.warmup);
  const double cpu_before = echo_check::tree_cpu_seconds(child->pid());
  wrk_run r = parse_wrk(run_wrk(o, port, o.duration));
  const double cpu_after = echo_check::tree_cpu_seconds(child->pid());
  if (r.requests > 0) r.cpu_per_request_s = (cpu_after - cpu_before) / r.requests;
  if (child->exited()) r.failure = "it ended during the run (" + child->how_it_ended() + ")";
  const echo_check::stop_outcome stopped = child->stop();
  if (r.failure.empty() && !stopped.clean) r.failure = "it did not stop cleanly: " + stopped.how;
  return r;
}

std::string rate_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, v >= 10000 ? "%.1fk" : "%.0f", v >= 10000 ? v / 1000 : v);
  return text;
}

// "9.3k (9.1k-9.6k)": the median and the range over the rounds.
template <typename Get>
std::string cell(const server& s, Get get, std::string (*show)(double)) {
  std::vector<double> v;
  for (const auto& r : s.runs)
    if (r.failure.empty()) v.push_back(get(r));
  if (v.empty()) return "-";
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return show(bench::median_of(v)) + " (" + show(*lo) + "-" + show(*hi) + ")";
}

std::string seconds_text(double s) { return human_seconds(s); }

std::string times_text(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2fx", x);
  return text;
}

double median_rate(const server& s) {
  std::vector<double> v;
  for (const auto& r : s.runs)
    if (r.failure.empty()) v.push_back(r.requests_per_s);
  return v.empty() ? 0 : bench::median_of(v);
}

double median_cpu(const server& s) {
  std::vector<double> v;
  for (const auto& r : s.runs)
    if (r.failure.empty() && r.cpu_per_request_s > 0) v.push_back(r.cpu_per_request_s);
  return v.empty() ? 0 : bench::median_of(v);
}

std::string page(const std::vector<server>& servers, const bench_options& o,
                 const std::string& missing) {
  std::ostringstream md;
  md << "## Web servers: Tiny against nginx\n\n";
  if (!missing.empty()) {
    md << "_No results: " << missing << "._\n\n";
    return md.str();
  }
  md << "wrk (" << o.connections << " connections, one thread, `Connection: close`) asks for `"
     << o.uri << "` for " << human_seconds(o.duration.count() / 1e3)
     << " per round, after an untimed " << human_seconds(o.warmup.count() / 1e3) << " warm-up; "
     << o.rounds << " rounds, each starting every server afresh, in an order "
     << "that flips every round. ";
  md << "Placement: " << o.where.text() << " (wrk is the client).";
  md << " Each cell: the median round (the range).\n\n";
  const server* yardstick = nullptr;
  for (const auto& s : servers)
    if (s.nginx) yardstick = &s;
  const double base = yardstick ? median_rate(*yardstick) : 0;
  md << "| server | requests/s | x nginx | p50 latency | p99 latency | server CPU per request | "
        "errors | failed rounds |\n|---|--:|--:|--:|--:|--:|--:|---|\n";
  for (const auto& s : servers) {
    std::string failed;
    long long errors = 0;
    for (const auto& r : s.runs) {
      errors += r.errors;
      if (!r.failure.empty()) failed += (failed.empty() ? "" : "; ") + r.failure;
    }
    const double rate = median_rate(s);
    md << "| " << s.name << " | "
       << cell(
              s, [](const wrk_run& r) { return r.requests_per_s; }, rate_text)
       << " | " << (base > 0 && rate > 0 ? times_text(rate / base) : "-") << " | "
       << cell(
              s, [](const wrk_run& r) { return r.p50_s; }, seconds_text)
       << " | "
       << cell(
              s, [](const wrk_run& r) { return r.p99_s; }, seconds_text)
       << " | "
       << cell(
              s, [](const wrk_run& r) { return r.cpu_per_request_s; }, seconds_text)
       << " | " << with_commas(errors) << " | " << (failed.empty() ? "none" : failed) << " |\n";
  }
  md << "\n| goal | measured | verdict |\n|---|--:|---|\n";
  for (const auto& s : servers) {
    if (s.goal <= 0) continue;
    const double rate = median_rate(s);
    const double ratio = base > 0 ? rate / base : 0;
    md << "| " << s.name << " at least " << times_text(s.goal) << " nginx's requests/s | "
       << (base > 0 ? times_text(ratio) : std::string("-")) << " | "
       << (base > 0 && ratio >= s.goal ? "PASS" : "MISS") << " |\n";
  }
  md << "\n";
  // What limits a server that misses its goal, from its own row: its CPU per request against
  // nginx's (the figure least disturbed by whatever else runs), and what its code does per
  // request that nginx does not.
  const double base_cpu = yardstick ? median_cpu(*yardstick) : 0;
  for (const auto& s : servers) {
    if (s.goal <= 0 || base <= 0 || median_rate(s) / base >= s.goal || base_cpu <= 0) continue;
    const double cpu = median_cpu(s);
    md << "What limits " << s.name << ": each request costs it " << human_seconds(cpu)
       << " of CPU, " << times_text(cpu / base_cpu) << " nginx's " << human_seconds(base_cpu)
       << ", and with the server on its own CPU that is the rate. Per request, Tiny's code "
       << "opens, maps and unmaps the file (`serve_static`, Figure 11.34: each `munmap` "
       << "flushes the TLB, and in a virtual machine a flush is a trip to the hypervisor), "
       << "prints the request and response headers to stdout, and reads the request a line at "
       << "a time; the prethreaded pool of 12.38 also creates and ends worker threads as its "
       << "buffer fills and empties, which a steady load does many times a second. nginx keeps "
       << "its worker, sends the file with `sendfile`, and logs nothing here.\n\n";
  }
  return md.str();
}

}  // namespace

int main(int argc, char** argv) {
  echo_check::cli::usage() = {"bench_web", usage_text};
  echo_check::stop_children_on_signals();
  bench_options o;
  std::vector<server> servers;
  std::map<std::string, double> goals;
  bool with_nginx = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) cli::usage_error(a + " wants a value");
      return argv[++i];
    };
    auto pair_of = [&](const std::string& v) {
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
        cli::usage_error(a + " wants NAME=VALUE, not '" + v + "'");
      return std::pair<std::string, std::string>(v.substr(0, eq), v.substr(eq + 1));
    };
    if (a == "--root")
      o.root = value();
    else if (a == "--server") {
      auto [name, program] = pair_of(value());
      servers.push_back({name, {program}, false, 0, {}});
    } else if (a == "--nginx")
      with_nginx = true;
    else if (a == "--uri")
      o.uri = value();
    else if (a == "--connections")
      o.connections = cli::whole(a, value(), 1, 10000);
    else if (a == "--duration")
      o.duration = cli::seconds(a, value(), 1, 600);
    else if (a == "--warmup")
      o.warmup = cli::seconds(a, value(), 1, 600);
    else if (a == "--rounds")
      o.rounds = cli::whole(a, value(), 1, 100);
    else if (a == "--goal") {
      auto [name, x] = pair_of(value());
      goals[name] = cli::number(a, x, 0.01, 100);
    } else if (a == "--md")
      o.md = value();
    else
      cli::usage_error("unknown argument '" + a + "'");
  }
  struct stat st {};
  char root[PATH_MAX];
  if (o.root.empty() || ::stat(o.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
      ::realpath(o.root.c_str(), root) == nullptr)
    cli::usage_error("--root wants the document root, a directory");
  o.root = root;  // nginx takes a relative root as relative to its prefix, not to here
  if (servers.empty() && !with_nginx) cli::usage_error("no server to measure");
  for (auto& s : servers) {
    if (goals.count(s.name)) s.goal = goals[s.name];
  }
  if (with_nginx) servers.push_back({"nginx", {}, true, 0, {}});

  std::string missing;
  if (std::system("command -v wrk > /dev/null 2>&1") != 0)
    missing = "wrk is not installed (on Debian: apt-get install wrk; .ci/deps installs it)";
  else if (with_nginx && std::system("command -v nginx > /dev/null 2>&1") != 0)
    missing = "nginx is not installed (on Debian: apt-get install nginx-light)";
  o.where = echo_check::split_cpus(echo_check::allowed_cpus());

  int failures = 0;
  if (missing.empty()) {
    char scratch_template[] = "/tmp/bench_web.XXXXXX";
    if (::mkdtemp(scratch_template) == nullptr) {
      std::perror("bench_web: mkdtemp");
      return 1;
    }
    const std::string scratch = scratch_template;
    for (int round = 0; round < o.rounds; ++round) {
      std::vector<server*> order;
      for (auto& s : servers) order.push_back(&s);
      if (round % 2 == 1) std::reverse(order.begin(), order.end());
      for (server* s : order) {
        std::fprintf(stderr, "round %d of %d: %s ...", round + 1, o.rounds, s->name.c_str());
        s->runs.push_back(measure(*s, o, scratch));
        const wrk_run& r = s->runs.back();
        if (r.failure.empty())
          std::fprintf(stderr, " %s requests/s\n", rate_text(r.requests_per_s).c_str());
        else
          std::fprintf(stderr, " %s\n", r.failure.c_str()), ++failures;
      }
    }
  }
  const std::string text = page(servers, o, missing);
  if (o.md.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::ofstream(o.md) << text;
  }
  return failures > 0 ? 1 : 0;
}
