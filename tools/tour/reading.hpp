// tools/tour/reading.hpp - what the tour's table says, in sentences computed from the numbers
// of this run: who made a second client wait, who stalled on half a line, who was fastest at
// the largest load, who starved clients and why, what a short connection cost. The cells
// themselves are table.hpp's.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "../echocheck/net.hpp"
#include "measure.hpp"
#include "table.hpp"

namespace tour {

inline std::string names_of(const std::vector<const row*>& rows) {
  std::string s;
  for (std::size_t i = 0; i < rows.size(); ++i)
    s += (i == 0 ? "" : i + 1 == rows.size() ? " and " : ", ") + rows[i]->what.name;
  return s;
}

// What the table says, sentence by sentence, computed from the numbers of this run.
inline std::string reading(const std::vector<row>& rows, const tour_options& opt) {
  using echo_check::human_seconds;
  using echo_check::plural;
  using echo_check::with_commas;
  std::vector<const row*> ok, waits, stalls, wrong;
  for (const auto& r : rows) {
    if (!r.error.empty()) continue;
    ok.push_back(&r);
    if (r.second_waits) waits.push_back(&r);
    if (r.half_line_stalls) stalls.push_back(&r);
    if (!r.flaws.empty() || !r.stopped_cleanly) wrong.push_back(&r);
  }
  std::string out;
  auto say = [&](const std::string& s) { out += "- " + s + "\n"; };
  if (ok.empty()) return "- no server could be measured\n";
  if (!waits.empty())
    say(names_of(waits) + (waits.size() == 1 ? " serves" : " serve") +
        " one client at a time: a second client got no answer while the first stayed "
        "connected. Every other approach served it at once.");
  if (!stalls.empty())
    say("In " + names_of(stalls) +
        ", a client that sends half a line holds up the others (the server blocks reading the "
        "rest of that line). The approaches that keep a partial line per client, or give each "
        "client its own thread or process, are not held up.");
  // Throughput at the largest load, among the servers that served every client there: a
  // pool that serves 4 clients fast has not done the same job.
  if (!opt.clients.empty()) {
    const std::size_t last = opt.clients.size() - 1;
    std::vector<const row*> all_served;
    for (const row* r : ok)
      if (r->loads.size() > last && r->loads[last].starved == 0) all_served.push_back(r);
    std::sort(all_served.begin(), all_served.end(), [&](const row* a, const row* b) {
      return a->loads[last].msgs_per_s > b->loads[last].msgs_per_s;
    });
    auto cell = [&](const row* r) {
      return short_count(r->loads[last].msgs_per_s) + " (" + r->what.name + ", p99 " +
             human_seconds(r->loads[last].p99_s) + ")";
    };
    const std::string at = "At " + clients_label(opt.clients[last]);
    if (all_served.empty())
      say(at + " no server served every client within the run.");
    else if (all_served.size() == 1)
      say(at + " only " + all_served.front()->what.name +
          " served every client: " + cell(all_served.front()) + " round trips per second.");
    else
      say(at +
          ", among the servers that served every client, the most round trips per second "
          "were " +
          cell(all_served.front()) + " and the fewest " + cell(all_served.back()) +
          ". Client and server share the same CPUs here, so compare rows, not machines.");
  }
  // Starvation: the same number served at two or more loads is a limit of the design (a
  // fixed pool, one client at a time); otherwise the server was still taking clients on
  // when the run ended.
  for (const row* r : ok) {
    std::vector<load_cell> starved;
    for (const auto& l : r->loads)
      if (l.starved > 0 && l.clients > 1) starved.push_back(l);
    if (starved.empty()) continue;
    const int served = starved.front().clients - starved.front().starved;
    const bool fixed =
        starved.size() >= 2 && std::all_of(starved.begin(), starved.end(), [&](const load_cell& l) {
          return l.clients - l.starved == served;
        });
    const load_cell& worst = starved.back();
    if (fixed)
      say(r->what.name + " served " + plural(served, "client", "clients") +
          " at a time whatever the load: "
          "at " +
          clients_label(worst.clients) + ", " + with_commas(worst.starved) +
          " were never served, because the clients it served never left.");
    else
      say(r->what.name + " had not yet served " + with_commas(worst.starved) + " of " +
          clients_label(worst.clients) + " when the " + human_seconds(opt.duration.count() / 1e3) +
          " run ended: taking them all on took it longer than that.");
  }
  // Rows whose CPU per connection fell under the kernel's tick resolution have no ratio.
  std::vector<const row*> by_cpu;
  for (const row* r : ok)
    if (r->cpu_per_connection_s > 0) by_cpu.push_back(r);
  std::sort(by_cpu.begin(), by_cpu.end(), [](const row* a, const row* b) {
    return a->cpu_per_connection_s > b->cpu_per_connection_s;
  });
  if (by_cpu.size() >= 2) {
    const row& most = *by_cpu.front();
    const row& least = *by_cpu.back();
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.0f",
                  most.cpu_per_connection_s / least.cpu_per_connection_s);
    say("A short connection cost " + most.what.name + " " +
        human_seconds(most.cpu_per_connection_s) + " of server CPU and " + least.what.name + " " +
        human_seconds(least.cpu_per_connection_s) + " (" + ratio + "x less); " +
        short_count(most.connections_per_s) + " against " + short_count(least.connections_per_s) +
        " connections per second.");
  }
  std::vector<std::string> peaks;
  std::vector<const row*> single;
  for (const row* r : ok)
    if (r->peak.processes == 1 && r->peak.threads == 1) single.push_back(r);
  for (const row* r : ok)
    if (r->peak.processes > 2 || r->peak.threads > 8)
      peaks.push_back(r->what.name + " had " + plural(r->peak.processes, "process", "processes") +
                      " and " + plural(r->peak.threads, "thread", "threads"));
  if (!peaks.empty()) {
    std::string s = "At its peak, ";
    for (std::size_t i = 0; i < peaks.size(); ++i) s += (i ? "; " : "") + peaks[i];
    if (!single.empty())
      s += ". " + names_of(single) + " ran in one process and one thread whatever the load";
    say(s + ".");
  }
  if (!wrong.empty())
    say("Flaws found: " + names_of(wrong) + " (see the last column, and run echo-check on it).");
  else
    say("Every server echoed every byte exactly, survived the bad clients and stopped cleanly.");
  return out;
}

}  // namespace tour
