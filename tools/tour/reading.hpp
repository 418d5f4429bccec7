// tools/tour/reading.hpp - what the tour's table says, in sentences computed from the numbers
// of this run: who made a second client wait, who stalled on half a line, who was fastest at
// the largest load, who starved clients and why, what a short connection cost. The cells
// themselves are table.hpp's.
#pragma once

#include <algorithm>
#include <cmath>
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

// How much one cell varied between rounds: (highest - lowest) / median, over every cell of
// every server that served all its clients. The median and the largest of these tell a
// reader how big a difference must be to mean anything.
struct spread {
  int cells = 0;
  double msgs_median = 0, msgs_max = 0;  // of msgs/s
  double cpu_median = 0, cpu_max = 0;    // of CPU per round trip
};

inline spread spread_of(const std::vector<row>& rows) {
  spread sp;
  std::vector<double> msgs, cpu;
  for (const auto& r : rows)
    for (const auto& l : r.loads) {
      if (l.rounds < 2 || !l.all_served() || l.msgs_per_s <= 0) continue;
      msgs.push_back((l.msgs_hi - l.msgs_lo) / l.msgs_per_s);
      if (l.cpu_per_rt_s > 0) cpu.push_back((l.cpu_hi - l.cpu_lo) / l.cpu_per_rt_s);
    }
  sp.cells = static_cast<int>(msgs.size());
  if (!msgs.empty()) {
    sp.msgs_median = median_of(msgs);
    sp.msgs_max = *std::max_element(msgs.begin(), msgs.end());
  }
  if (!cpu.empty()) {
    sp.cpu_median = median_of(cpu);
    sp.cpu_max = *std::max_element(cpu.begin(), cpu.end());
  }
  return sp;
}

inline std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", fraction * 100);
  return text;
}

// Ranks servers by one measure whose rounds spanned [lo, hi], best first (lo/hi oriented so
// that less is better), and claims a difference only where the ranges do not overlap:
// "the cheapest was A (2.1 µs, 2.0-2.2); B (2.2 µs) was level with it (their ranges overlap);
// C used 3.1x less than D (9.8 µs)". `unit` follows each value.
template <class Value, class Lo, class Hi, class Text>
std::string compare(const std::vector<const row*>& best_first, Value value, Lo lo, Hi hi, Text text,
                    const std::string& unit, const std::string& best_word,
                    const std::string& ratio_phrase) {
  const row* best = best_first.front();
  auto range = [&](const row* r) {
    // lo/hi may be negated to orient them; the printed range is in the value's own terms.
    const double a = std::abs(lo(r)), b = std::abs(hi(r));
    return text(std::min(a, b)) + " to " + text(std::max(a, b));
  };
  std::vector<const row*> level;
  for (std::size_t i = 1; i < best_first.size(); ++i)
    if (lo(best_first[i]) <= hi(best)) level.push_back(best_first[i]);
  std::string s = "the " + best_word + " was " + best->what.name + " (" + text(value(best)) + " " +
                  unit + ", " + range(best) + " over the rounds)";
  if (!level.empty()) s += "; level with it, their ranges overlapping: " + names_of(level);
  const row* worst = best_first.back();
  if (worst != best && std::find(level.begin(), level.end(), worst) == level.end()) {
    const double a = value(best), b = value(worst);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1fx",
                  a > b ? a / std::max(b, 1e-12) : b / std::max(a, 1e-12));
    s += "; " + best->what.name + ": " + ratio + " " + ratio_phrase + " " + worst->what.name +
         " (" + text(b) + ", " + range(worst) + ")";
  }
  return s;
}

// What the table says, sentence by sentence, computed from the numbers of this run.
inline std::string reading(const std::vector<row>& rows, const tour_options& opt) {
  using echo_check::human_seconds;
  using echo_check::plural;
  using echo_check::with_commas;
  std::vector<const row*> ok, waits, stalls, slow_stalls, bounded, wrong;
  for (const auto& r : rows) {
    if (!r.error.empty()) continue;
    ok.push_back(&r);
    if (r.second_waits) waits.push_back(&r);
    if (r.half_line_stalls) stalls.push_back(&r);
    if (r.slow_readers_stall) slow_stalls.push_back(&r);
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
  if (!slow_stalls.empty()) {
    std::vector<const row*> fine;
    double most = 0;
    const row* dearest = nullptr;
    for (const row* r : ok)
      if (!r->slow_readers_stall) {
        fine.push_back(r);
        if (r->memory_per_slow_reader >= most) {
          most = r->memory_per_slow_reader;
          dearest = r;
        }
      }
    std::string s = "Clients that send and never read their echoes held up everyone else in " +
                    names_of(slow_stalls) +
                    " (a blocking write to one of them, or every worker or the only client slot "
                    "taken by them).";
    if (dearest != nullptr)
      s += " The others went on serving, and the most server memory one such client cost was " +
           echo_check::approx_bytes(most) + " (" + dearest->what.name +
           "): none kept their echoes without a bound.";
    say(s);
  }
  if (!opt.clients.empty()) {
    const std::size_t last = opt.clients.size() - 1;
    const std::string at = "At " + clients_label(opt.clients[last]);
    // Only servers that served every client there are compared: a pool that serves 4
    // clients fast has not done the same job, and its waiting clients have no latency.
    std::vector<const row*> all_served;
    for (const row* r : ok)
      if (r->loads.size() > last && r->loads[last].all_served()) all_served.push_back(r);
    if (all_served.empty()) {
      say(at + " no server served every client within the run.");
    } else {
      auto cell = [&](const row* r) -> const load_cell& { return r->loads[last]; };
      // Cost first: the server's CPU per round trip does not depend on who else ran.
      std::vector<const row*> by_cost;
      for (const row* r : all_served)
        if (cell(r).cpu_per_rt_s > 0) by_cost.push_back(r);
      std::sort(by_cost.begin(), by_cost.end(), [&](const row* a, const row* b) {
        return cell(a).cpu_per_rt_s < cell(b).cpu_per_rt_s;
      });
      if (by_cost.size() >= 2)
        say(at + ", server CPU per round trip: " +
            compare(
                by_cost, [&](const row* r) { return cell(r).cpu_per_rt_s; },
                [&](const row* r) { return cell(r).cpu_lo; },
                [&](const row* r) { return cell(r).cpu_hi; }, human_seconds, "of CPU", "cheapest",
                "less CPU per round trip than") +
            ".");
      std::vector<const row*> by_rate = all_served;
      std::sort(by_rate.begin(), by_rate.end(), [&](const row* a, const row* b) {
        return cell(a).msgs_per_s > cell(b).msgs_per_s;
      });
      if (by_rate.size() >= 2)
        say(at + ", round trips per second in the steady state: " +
            compare(
                by_rate, [&](const row* r) { return cell(r).msgs_per_s; },
                [&](const row* r) { return -cell(r).msgs_hi; },
                [&](const row* r) { return -cell(r).msgs_lo; }, short_count, "per second",
                "fastest", "the round trips per second of") +
            ".");
      else
        say(at + " only " + by_rate.front()->what.name + " served every client: " +
            short_count(cell(by_rate.front()).msgs_per_s) + " round trips per second.");
    }
    // Ramp-up: a server that takes clients on slowly (a fork per client) pays it once, up
    // front; the steady state after it is its real rate.
    for (const row* r : ok) {
      if (r->loads.size() <= last || !r->loads[last].all_served() || last == 0) continue;
      const load_cell& big = r->loads[last];
      const load_cell& before = r->loads[last - 1];
      if (big.ramp_s < 0.25 || before.msgs_per_s <= 0) continue;
      char ratio[32];
      std::snprintf(ratio, sizeof ratio, "%.2f", big.msgs_per_s / before.msgs_per_s);
      std::string why;
      // A slower steady state with a dearer round trip is the server's own cost, not the
      // ramp-up leaking into the timed window (nor the client: its CPUs are others).
      if (big.msgs_per_s < 0.8 * before.msgs_per_s && before.cpu_per_rt_s > 0 &&
          big.cpu_per_rt_s > 1.25 * before.cpu_per_rt_s) {
        char cost[32];
        std::snprintf(cost, sizeof cost, "%.1f", big.cpu_per_rt_s / before.cpu_per_rt_s);
        why = " The difference is the server's own: each round trip cost it " +
              human_seconds(big.cpu_per_rt_s) + " of CPU against " +
              human_seconds(before.cpu_per_rt_s) + " (" + cost + " times as much) with " +
              echo_check::with_commas(big.clients) +
              (r->what.kind == echo_check::design::process  ? " processes"
               : r->what.kind == echo_check::design::thread ? " threads"
                                                            : " clients") +
              " to switch between.";
      }
      say(r->what.name + " took " + human_seconds(big.ramp_s) + " before all " +
          clients_label(big.clients) + " had their first echo (the ramp-up, reported apart); " +
          "its steady state after that ran at " + short_count(big.msgs_per_s) +
          " round trips per second, " + ratio + " times its rate at " +
          clients_label(before.clients) + "." + why);
    }
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
    // A limit of the design: the server stopped taking clients on (the ramp-up ended because
    // nobody new was served for a while, well before its limit), or it served the same
    // number at every load.
    const bool stopped_taking =
        std::all_of(starved.begin(), starved.end(), [&](const load_cell& l) {
          return l.ramp_s < 0.9 * static_cast<double>(opt.ramp_limit.count()) / 1e3;
        });
    const bool same_number =
        starved.size() >= 2 && std::all_of(starved.begin(), starved.end(), [&](const load_cell& l) {
          return l.clients - l.starved == served;
        });
    const bool fixed = stopped_taking || same_number;
    const load_cell& worst = starved.back();
    if (fixed)
      say(r->what.name + " served " + plural(worst.clients - worst.starved, "client", "clients") +
          " at a time and took no more on: at " + clients_label(worst.clients) + ", " +
          with_commas(worst.starved) +
          " were never served, because the clients it served never left.");
    else
      say(r->what.name + " had not yet served " + with_commas(worst.starved) + " of " +
          clients_label(worst.clients) + " when the run ended (" +
          human_seconds(worst.ramp_s + worst.steady_s) +
          " of ramp-up and steady state): taking them all on took it longer than that.");
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
  // The timeline run: how many clients each design served at one instant, grouped.
  std::vector<std::pair<int, std::vector<const row*>>> at_once;
  for (const row* r : ok) {
    if (r->timeline.clients.empty()) continue;
    auto same = std::find_if(at_once.begin(), at_once.end(),
                             [&](const auto& g) { return g.first == r->most_served_at_once; });
    if (same == at_once.end())
      at_once.push_back({r->most_served_at_once, {r}});
    else
      same->second.push_back(r);
  }
  if (at_once.size() >= 2) {
    std::sort(at_once.begin(), at_once.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string s = "In the timeline (clients that come and go), ";
    for (std::size_t i = 0; i < at_once.size(); ++i)
      s += (i == 0                    ? ""
            : i + 1 == at_once.size() ? "; and "
                                      : "; ") +
           names_of(at_once[i].second) + " served at most " +
           plural(at_once[i].first, "client", "clients") + " at once";
    say(s + ".");
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
  if (const spread sp = spread_of(rows); sp.cells > 0)
    say("Each load cell is the median of " + plural(opt.rounds, "round", "rounds") +
        ", interleaved across the servers. Between rounds, a cell's round trips per second "
        "varied by " +
        percent(sp.msgs_median) + " of its median (typically; " + percent(sp.msgs_max) +
        " at most) and its CPU per round trip by " + percent(sp.cpu_median) + " (" +
        percent(sp.cpu_max) +
        " at most): smaller differences between servers are noise, and the sentences above "
        "call servers level when their ranges overlap.");
  say(opt.where.pinned() ? "Placement: " + opt.where.text() +
                               ", so the load generator never competed with the server for a CPU."
                         : "Placement: " + opt.where.text() +
                               "; the load generator competed with the server for the CPUs, "
                               "so the rates say as much about the client as the server.");
  if (!wrong.empty())
    say("Flaws found: " + names_of(wrong) + " (see the last column, and run echo-check on it).");
  else
    say("Every server echoed every byte exactly, survived the bad clients and stopped cleanly.");
  return out;
}

}  // namespace tour
