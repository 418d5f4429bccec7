// tools/tour/measure.hpp - one approach's row of the tour. A first visit runs the behaviour
// scenarios and the churn; then, in rounds interleaved with the other servers, a fresh
// server takes every load level, each with a ramp-up and a timed steady state, and the
// row's cells are the medians of the rounds.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../echocheck/checker.hpp"
#include "../echocheck/cpus.hpp"
#include "../echocheck/servers.hpp"
#include "../echocheck/spawn.hpp"
#include "timeline.hpp"

namespace tour {

using echo_check::check_options;
using echo_check::checker;
using echo_check::child_process;
using echo_check::clock;
using echo_check::endpoint;
using echo_check::example_server;
using echo_check::example_servers;
using echo_check::find_example_server;
using echo_check::finding;
using echo_check::load_result;
using echo_check::millis;
using echo_check::proc_peak;
using echo_check::read_proc;
using echo_check::resolve;
using echo_check::stop_outcome;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// An example server and where it sits in the chapter: a row of echocheck/servers.hpp.
using approach = example_server;

// One load level of one server: the steady state's numbers, the ramp-up before it, and what
// the server's CPU paid per round trip. In a row, each cell is the median of the rounds, and
// carries the range they spanned.
struct load_cell {
  int clients = 0;
  double msgs_per_s = 0;  // round trips per second in the steady state
  double p50_s = 0;       // latency of the round trips served in the steady state
  double p99_s = 0;
  int starved = 0;              // clients never served, in the ramp-up or the steady state
  double ramp_s = 0;            // from the start until every client had an echo (or ramp-up ended)
  double steady_s = 0;          // how long the steady state was timed
  double cpu_per_rt_s = 0;      // server CPU (children too) per round trip in the steady state
  double cpu_resolution_s = 0;  // CPU is counted in ticks: 0 above means below this
  int rounds = 1;               // how many rounds this cell is the median of
  double msgs_lo = 0, msgs_hi = 0;  // the range of msgs_per_s over the rounds
  double cpu_lo = 0, cpu_hi = 0;    // the range of cpu_per_rt_s over the rounds

  // A client that was never served waited the whole run: when 1% or more of the clients
  // were, the p99 over all clients is at least the run's length, whatever the served ones saw.
  double p99_all_s() const { return starved * 100 >= clients ? ramp_s + steady_s : p99_s; }
  bool all_served() const { return starved == 0; }
};

struct row {
  approach what;
  std::string error;          // set when the server could not be measured at all
  bool second_waits = false;  // a second client waits while the first is connected
  double second_wait_s = 0;
  bool half_line_stalls = false;      // a half-sent line holds up other clients
  bool slow_readers_stall = false;    // clients that never read hold up other clients
  double memory_per_slow_reader = 0;  // server memory each of them cost (bytes), when not stalled
  std::vector<std::string> flaws;     // other scenarios that failed (echo, pipelined, bad-clients)
  std::vector<load_cell> loads;       // per client count: the median of the rounds
  std::vector<std::vector<load_cell>> rounds;  // per client count, every round's cell
  proc_peak peak;                              // over the loads and the churn
  double connections_per_s = 0;
  double cpu_per_connection_s = 0;
  double cpu_resolution_s = 0;  // CPU time is counted in ticks: 0 means below this
  bool stopped_cleanly = true;  // SIGTERM to its group ended it and left nothing behind
  std::string stop_how;         // how it ended ("ended by SIGTERM"), or what went wrong
  std::string server_cpus;      // the CPUs the server was allowed, as the kernel said
  std::string client_cpus;      // the CPUs the load generator was allowed
  timeline_run timeline;        // who was served when, in a run of clients that come and go
  int most_served_at_once = 0;  // in that run: the most clients served at one instant
};

struct tour_options {
  std::string examples_dir;  // the build's examples folder
  std::string log_dir;       // servers' stderr goes here
  std::vector<int> clients{1, 10, 100, 1000};
  millis duration{600};      // each load level's steady state runs this long, each round
  int rounds = 3;            // each load level is measured this many times, interleaved
  millis ramp_limit{10000};  // the longest ramp-up before a steady state
  std::size_t line_size = 64;
  int churn = 1000;             // short connections in the churn run
  millis patience{1000};        // behaviour scenarios: wait this long before "not served"
  echo_check::placement where;  // server and load generator CPUs
};

// Waits (bounded) until the server has no children: a process server's children from the
// previous run are gone, so each run starts from an idle server.
inline void wait_until_idle(pid_t pid) {
  const auto end = clock::now() + 10s;
  while (read_proc(pid).children > 0 && clock::now() < end) ::usleep(10'000);
}

// A server of the tour, started on port 0 on the server CPUs, its stderr in the log folder.
struct started_server {
  std::unique_ptr<child_process> process;  // not movable: it owns a process group
  endpoint ep;
  std::string log;
};

inline std::string log_path(const approach& what, const tour_options& opt) {
  return opt.log_dir + "/" + what.file_name() + ".log";
}

// Starts the server; on failure, says why in r.error and returns nothing.
inline std::optional<started_server> start_server(const approach& what, const tour_options& opt,
                                                  row& r) {
  const std::string log = log_path(what, opt);
  auto server = std::make_unique<child_process>(
      std::vector<std::string>{opt.examples_dir + "/" + what.program, "0"},
      echo_check::spawn_options{false, log, opt.where.server});
  const int port = server->wait_for_port(10s);
  if (port == 0) {
    r.error = "did not print 'listening on port N' (see " + log + ")";
    return std::nullopt;
  }
  // Where it really runs, read back from the kernel, not what we asked for.
  r.server_cpus = echo_check::cpu_list_text(echo_check::cpus_of(server->pid()));
  r.client_cpus = echo_check::cpu_list_text(echo_check::allowed_cpus());
  return started_server{std::move(server), resolve("127.0.0.1", std::to_string(port)), log};
}

inline void note_stop(row& r, child_process& server) {
  const stop_outcome stopped = server.stop();
  if (!stopped.clean && r.stopped_cleanly) {
    r.stopped_cleanly = false;
    r.stop_how = stopped.how;
  } else if (r.stop_how.empty()) {
    r.stop_how = stopped.how;
  }
}

// The first visit to a server: the behaviour scenarios and the churn run. `say` reports
// progress to the person waiting.
template <class Say>
void measure_behaviour(row& r, const tour_options& opt, Say say) {
  try {
    auto server = start_server(r.what, opt, r);
    if (!server) return;
    check_options base;
    base.patience = opt.patience;
    base.pid = server->process->pid();
    base.load.line_size = opt.line_size;
    base.on_tick = [&](const load_result&, double) { r.peak.add(read_proc(base.pid)); };
    say("behaviour");
    for (const finding& f : checker(server->ep, base)
                                .run({"echo", "pipelined", "second-client", "half-line",
                                      "bad-clients", "slow-readers"})) {
      if (f.scenario == "second-client") {
        r.second_waits = !f.passed;
        r.second_wait_s = f.get("second_wait_s");
      } else if (f.scenario == "half-line") {
        r.half_line_stalls = !f.passed;
      } else if (f.scenario == "slow-readers") {
        r.slow_readers_stall = f.get("stalled") > 0;
        r.memory_per_slow_reader = f.get("memory_per_slow_reader_bytes");
        if (!f.passed && !r.slow_readers_stall) r.flaws.push_back(f.scenario);  // unbounded
      } else if (!f.passed) {
        r.flaws.push_back(f.scenario);
      }
    }
    say("timeline");
    wait_until_idle(base.pid);
    r.timeline = record_timeline(server->ep, r.what, timeline_options{});
    r.most_served_at_once = most_served_at_once(r.timeline);
    if (!r.timeline.error.empty()) r.flaws.push_back("timeline");
    say("churn");
    wait_until_idle(base.pid);
    check_options o = base;
    o.churn = opt.churn;
    const finding churn = checker(server->ep, o).run({"churn"}).front();
    r.connections_per_s = churn.get("connections_per_s");
    r.cpu_per_connection_s = churn.get("server_cpu_per_connection_s");
    r.cpu_resolution_s = churn.get("cpu_resolution_s");
    if (!churn.passed) r.flaws.push_back("churn");
    note_stop(r, *server->process);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
}

// One round of loads: a fresh server, every client count in turn, each with its ramp-up
// and its steady state; the cells go into r.rounds.
template <class Say>
void measure_loads(row& r, const tour_options& opt, Say say) {
  if (!r.error.empty()) return;
  try {
    auto server = start_server(r.what, opt, r);
    if (!server) return;
    const pid_t pid = server->process->pid();
    r.rounds.resize(opt.clients.size());
    for (std::size_t i = 0; i < opt.clients.size(); ++i) {
      const int clients = opt.clients[i];
      say(std::to_string(clients));
      wait_until_idle(pid);
      check_options o;
      o.pid = pid;
      o.patience = opt.patience;
      o.on_tick = [&](const load_result&, double) { r.peak.add(read_proc(pid)); };
      o.load.line_size = opt.line_size;
      o.load.clients = clients;
      o.load.duration = opt.duration;
      o.load.ramp_limit = opt.ramp_limit;
      // A ramp-up in which nobody new was served for half the patience is over: a fixed
      // pool is full, and its waiting clients are starved, not slow.
      o.load.ramp_quiet = opt.patience / 2;
      o.load.warmup_rounds = 5;
      o.load.limit = opt.ramp_limit + opt.duration + 30s;
      const finding f = checker(server->ep, o).run({"load"}).front();
      load_cell c;
      c.clients = clients;
      c.msgs_per_s = c.msgs_lo = c.msgs_hi = f.get("msgs_per_s");
      c.p50_s = f.get("p50_s");
      c.p99_s = f.get("p99_s");
      c.starved = static_cast<int>(f.get("starved"));
      c.ramp_s = f.get("ramp_s");
      c.steady_s = f.get("seconds");
      c.cpu_per_rt_s = c.cpu_lo = c.cpu_hi = f.get("server_cpu_per_round_trip_s");
      c.cpu_resolution_s = f.get("round_trip_cpu_resolution_s");
      r.rounds[i].push_back(c);
      if (f.get("corrupted") > 0 || f.get("cut_off") > 0) r.flaws.push_back("load");
    }
    note_stop(r, *server->process);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
}

inline double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The cell a table shows: each number the median of the rounds, with the ranges kept.
inline load_cell median_cell(const std::vector<load_cell>& rounds) {
  load_cell m;
  if (rounds.empty()) return m;
  auto field = [&](auto get) {
    std::vector<double> v;
    v.reserve(rounds.size());
    for (const auto& c : rounds) v.push_back(static_cast<double>(get(c)));
    return v;
  };
  auto median = [&](auto get) { return median_of(field(get)); };
  m.clients = rounds.front().clients;
  m.rounds = static_cast<int>(rounds.size());
  m.msgs_per_s = median([](const load_cell& c) { return c.msgs_per_s; });
  m.p50_s = median([](const load_cell& c) { return c.p50_s; });
  m.p99_s = median([](const load_cell& c) { return c.p99_s; });
  m.ramp_s = median([](const load_cell& c) { return c.ramp_s; });
  m.steady_s = median([](const load_cell& c) { return c.steady_s; });
  m.cpu_per_rt_s = median([](const load_cell& c) { return c.cpu_per_rt_s; });
  m.cpu_resolution_s = median([](const load_cell& c) { return c.cpu_resolution_s; });
  // Starved is judged by the worst round: a client left unserved once was left unserved.
  for (const auto& c : rounds) m.starved = std::max(m.starved, c.starved);
  const auto msgs = field([](const load_cell& c) { return c.msgs_per_s; });
  const auto cpu = field([](const load_cell& c) { return c.cpu_per_rt_s; });
  m.msgs_lo = *std::min_element(msgs.begin(), msgs.end());
  m.msgs_hi = *std::max_element(msgs.begin(), msgs.end());
  m.cpu_lo = *std::min_element(cpu.begin(), cpu.end());
  m.cpu_hi = *std::max_element(cpu.begin(), cpu.end());
  return m;
}

// After the last round: each row's table cells from its rounds.
inline void summarise(row& r) {
  r.loads.clear();
  for (const auto& rounds : r.rounds) r.loads.push_back(median_cell(rounds));
}

}  // namespace tour
