// tools/tour/measure.hpp - one approach's row of the tour: start its server, run the
// behaviour scenarios and the loads against it, stop it.
#pragma once

#include <string>
#include <vector>

#include "../echocheck/checker.hpp"
#include "../echocheck/servers.hpp"
#include "../echocheck/spawn.hpp"

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

struct load_cell {
  int clients = 0;
  double msgs_per_s = 0;
  double p50_s = 0;
  double p99_s = 0;
  int starved = 0;  // clients that completed no round trip in the whole run
};

struct row {
  approach what;
  std::string error;          // set when the server could not be measured at all
  bool second_waits = false;  // a second client waits while the first is connected
  double second_wait_s = 0;
  bool half_line_stalls = false;   // a half-sent line holds up other clients
  std::vector<std::string> flaws;  // other scenarios that failed (echo, pipelined, bad-clients)
  std::vector<load_cell> loads;
  proc_peak peak;  // over the loads and the churn
  double connections_per_s = 0;
  double cpu_per_connection_s = 0;
  double cpu_resolution_s = 0;  // CPU time is counted in ticks: 0 means below this
  bool stopped_cleanly = true;  // SIGTERM to its group ended it and left nothing behind
  std::string stop_how;         // how it ended ("ended by SIGTERM"), or what went wrong
};

struct tour_options {
  std::string examples_dir;  // the build's examples folder
  std::string log_dir;       // servers' stderr goes here
  std::vector<int> clients{1, 10, 100, 1000};
  millis duration{2000};  // each load level runs this long
  std::size_t line_size = 64;
  int churn = 1000;       // short connections in the churn run
  millis patience{1000};  // behaviour scenarios: wait this long before "not served"
};

// Waits (bounded) until the server has no children: a process server's children from the
// previous run are gone, so each run starts from an idle server.
inline void wait_until_idle(pid_t pid) {
  const auto end = clock::now() + 10s;
  while (read_proc(pid).children > 0 && clock::now() < end) ::usleep(10'000);
}

// Measures one approach. `say` reports progress to the person waiting.
template <class Say>
row measure(const approach& what, const tour_options& opt, Say say) {
  row r;
  r.what = what;
  const std::string program = opt.examples_dir + "/" + what.program;
  const std::string log =
      opt.log_dir + "/" + what.program.substr(what.program.find('/') + 1) + ".log";
  try {
    child_process server({program, "0"}, {false, log});
    const int port = server.wait_for_port(10s);
    if (port == 0) {
      r.error = "did not print 'listening on port N' (see " + log + ")";
      return r;
    }
    const endpoint ep = resolve("127.0.0.1", std::to_string(port));
    check_options base;
    base.patience = opt.patience;
    base.pid = server.pid();
    base.load.line_size = opt.line_size;
    base.on_tick = [&](const load_result&, double) { r.peak.add(read_proc(server.pid())); };

    say("behaviour");
    for (const finding& f : checker(ep, base).run(
             {"echo", "pipelined", "second-client", "half-line", "bad-clients"})) {
      if (f.scenario == "second-client") {
        r.second_waits = !f.passed;
        r.second_wait_s = f.get("second_wait_s");
      } else if (f.scenario == "half-line") {
        r.half_line_stalls = !f.passed;
      } else if (!f.passed) {
        r.flaws.push_back(f.scenario);
      }
    }
    for (const int clients : opt.clients) {
      say(std::to_string(clients) + (clients == 1 ? " client" : " clients"));
      wait_until_idle(server.pid());
      check_options o = base;
      o.load.clients = clients;
      o.load.duration = opt.duration;
      o.load.limit = opt.duration + 30s;
      const finding f = checker(ep, o).run({"load"}).front();
      r.loads.push_back({clients, f.get("msgs_per_s"), f.get("p50_s"), f.get("p99_s"),
                         static_cast<int>(f.get("starved"))});
      if (f.get("corrupted") > 0 || f.get("cut_off") > 0) r.flaws.push_back("load");
    }
    say("churn");
    wait_until_idle(server.pid());
    check_options o = base;
    o.churn = opt.churn;
    const finding churn = checker(ep, o).run({"churn"}).front();
    r.connections_per_s = churn.get("connections_per_s");
    r.cpu_per_connection_s = churn.get("server_cpu_per_connection_s");
    r.cpu_resolution_s = churn.get("cpu_resolution_s");
    if (!churn.passed) r.flaws.push_back("churn");
    const stop_outcome stopped = server.stop();
    r.stopped_cleanly = stopped.clean;
    r.stop_how = stopped.how;
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace tour
