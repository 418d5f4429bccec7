// tools/tour/bench.hpp - the tour's numbers as the "Servers" section of
// book-notes/performance.md: every server at each load, compared with the fastest server of
// the same run, the goals of the performance issue, and what limits each approach.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "measure.hpp"
#include "reading.hpp"
#include "table.hpp"

namespace tour {

using echo_check::bytes_text;
using echo_check::design;
using echo_check::human_seconds;
using echo_check::with_commas;

inline std::string ratio_text(double part, double whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2fx", whole > 0 ? part / whole : 0.0);
  return text;
}

// What limits an approach, said from its own row. The design facts are the chapter's; the
// numbers are this run's.
inline std::string limit_paragraph(const row& r, const tour_options& opt) {
  // The server's CPUs: its half when the tour placed it, else every CPU.
  const int cpus = opt.where.pinned() ? static_cast<int>(opt.where.server.size())
                                      : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  auto rate = [&](std::size_t i) { return short_count(r.loads[i].msgs_per_s) + " round trips/s"; };
  const std::size_t last = r.loads.size() - 1;
  const std::string at_last = " at " + clients_label(r.loads[last].clients);
  const std::string p99_last = "p99 " + human_seconds(r.loads[last].p99_s);
  // "" when every client was served, else how many were still waiting when the run ended.
  const int starved = r.loads[last].starved;
  const std::string unserved = starved == 0 ? ""
                                            : ", " + with_commas(starved) + " of " +
                                                  clients_label(r.loads[last].clients) +
                                                  " not yet served when the run ended";
  const std::string churn =
      short_count(r.connections_per_s) + " connections/s at " +
      (r.cpu_per_connection_s > 0 ? human_seconds(r.cpu_per_connection_s)
                                  : "under " + human_seconds(r.cpu_resolution_s)) +
      " of server CPU each";
  switch (r.what.kind) {
    case design::iterative:
      return "One client at a time: at every load above 1 client, " +
             with_commas(r.loads[last].starved) + " of " + clients_label(r.loads[last].clients) +
             " were never served" + ". Its rate (" + rate(0) +
             " with 1 client) is one loopback round trip after another, and a connection costs "
             "it only an accept and a close (" +
             churn + ").";
    case design::process:
      return "A process per client: " + std::to_string(r.peak.processes) +
             " processes at the peak. Each connection costs a fork, an exit and a reap (" + churn +
             "). At " + clients_label(r.loads[last].clients) +
             " the clients wait for their children to start: " +
             human_seconds(r.loads[last].ramp_s) +
             " of ramp-up before all had an echo; after that, " + rate(last) + " (" + p99_last +
             unserved + ").";
    case design::select_pool:
    case design::event_loop:
      return std::string(
                 "One thread runs one select loop: every pass scans every descriptor, so ") +
             "latency grows with the number of clients (" + p99_last + at_last + unserved +
             "). FD_SETSIZE (1,024) caps it. " +
             (r.what.kind == design::select_pool
                  ? "It is the book's design, kept to show its limits: a half-sent line stalls it, "
                    "and a pass accepts at most one new client, so a burst of clients joins one "
                    "per pass."
                  : "Partial lines do not stall it, and a pass accepts every waiting client.");
    case design::epoll:
      return "One thread, one epoll loop: a wait returns only the ready descriptors, so the cost "
             "of a pass follows the active clients, not all of them; " +
             rate(last) + at_last + " (" + p99_last + "), and " + churn + ".";
    case design::thread:
      return "A thread per client: " + std::to_string(r.peak.threads) +
             " threads at the peak. Threads are cheaper to start than processes (" + churn +
             "), but " + std::to_string(r.peak.threads) + " threads on " +
             echo_check::plural(cpus, "CPU", "CPUs") + " take turns: " + rate(last) + at_last +
             " with " + p99_last + ".";
    case design::pool:
      return "A fixed pool of workers fed by an sbuf: it serves as many clients at once as it has "
             "workers (" +
             with_commas(r.loads[last].clients - r.loads[last].starved) +
             " here), and "
             "clients that never leave keep the others waiting (" +
             with_commas(r.loads[last].starved) + " of " + clients_label(r.loads[last].clients) +
             " never served). The ones it serves are served fast (" + rate(last) + ", " + p99_last +
             "), and no thread is started per connection (" + churn + ").";
  }
  return "";
}

inline std::string range_text(double lo, double hi, std::string (*text)(double)) {
  return text(lo) + " to " + text(hi);
}

inline std::string bench_markdown(const std::vector<row>& rows, const tour_options& opt,
                                  const std::string& command) {
  std::string md = "## Servers (the tour's load client)\n\n";
  md += "Every example server under the same client: `" + command +
        "`. The client is one epoll thread of `echo-check`'s load engine; each client sends a " +
        bytes_text(opt.line_size) +
        " line and waits for its echo before the next (a round trip). Placement: " +
        opt.where.text() +
        ". Each load first ramps up (until every client had its first echo), then its steady "
        "state is timed for " +
        human_seconds(opt.duration.count() / 1e3) + "; each cell is the median of " +
        echo_check::plural(opt.rounds, "round", "rounds") +
        " interleaved across the servers, with the range of the rounds beside it. *CPU per "
        "round trip* is the server's own CPU time (its children included) over the steady "
        "state: the figure least disturbed by whatever else the machine runs. *p99* counts "
        "every client: when clients were never served, it is the whole run. *starved* counts "
        "clients never served.\n\n";
  const spread sp = spread_of(rows);
  if (sp.cells > 0)
    md += "**How much the rounds agree.** Over the " + std::to_string(sp.cells) +
          " cells where every client was served, the range of a cell's rounds was " +
          percent(sp.msgs_median) + " of its median round trips per second (typically; " +
          percent(sp.msgs_max) + " at most) and " + percent(sp.cpu_median) +
          " of its CPU per round trip (" + percent(sp.cpu_max) +
          " at most). A difference between servers smaller than that means nothing.\n\n";
  for (std::size_t i = 0; i < opt.clients.size(); ++i) {
    double fastest = 0;
    for (const auto& r : rows)
      if (r.loads.size() > i && r.loads[i].all_served())
        fastest = std::max(fastest, r.loads[i].msgs_per_s);
    md += "### " + clients_label(opt.clients[i]) + "\n\n";
    md +=
        "| server | section | round trips/s | rounds' range | vs fastest | CPU per round trip | "
        "rounds' range | p50 | p99 | ramp-up | starved |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
    for (const auto& r : rows) {
      if (r.loads.size() <= i) continue;
      const load_cell& l = r.loads[i];
      md += "| " + r.what.name + " | " + r.what.section + " | " +
            with_commas(static_cast<long long>(l.msgs_per_s)) + " | " +
            range_text(l.msgs_lo, l.msgs_hi, short_count) + " | " +
            (l.all_served() ? ratio_text(l.msgs_per_s, fastest) : std::string("not all served")) +
            " | " +
            (l.cpu_per_rt_s > 0 ? human_seconds(l.cpu_per_rt_s)
                                : "< " + human_seconds(l.cpu_resolution_s)) +
            " | " + range_text(l.cpu_lo, l.cpu_hi, human_seconds) + " | " + human_seconds(l.p50_s) +
            " | " +
            (l.all_served() ? human_seconds(l.p99_s) : "> " + human_seconds(l.p99_all_s())) +
            " | " + ramp_text(l) + " | " + with_commas(l.starved) + " |\n";
    }
    md += "\n";
  }
  md +=
      "### Churn: what a connection costs\n\n"
      "| server | connections/s | server CPU per connection | peak processes / threads / "
      "descriptors |\n"
      "|---|--:|--:|--:|\n";
  for (const auto& r : rows)
    if (r.error.empty())
      md += "| " + r.what.name + " | " + with_commas(static_cast<long long>(r.connections_per_s)) +
            " | " +
            (r.cpu_per_connection_s > 0 ? human_seconds(r.cpu_per_connection_s)
                                        : "< " + human_seconds(r.cpu_resolution_s)) +
            " | " + std::to_string(r.peak.processes) + " / " + std::to_string(r.peak.threads) +
            " / " + std::to_string(r.peak.fds) + " |\n";
  // The goal: no server starves a client at the largest load, except by design (a fixed
  // pool, one client at a time), whose limit is reported instead.
  const std::size_t last = opt.clients.size() - 1;
  md += "\n### Goals\n\n| server | goal | measured | verdict |\n|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (r.loads.size() <= last) continue;
    const load_cell& l = r.loads[last];
    // A limit of the design, reported rather than judged: one client at a time, a fixed pool,
    // and the book's select pool, which accepts one client per pass (a burst joins slowly).
    const bool select_pool = r.what.kind == design::select_pool;
    const bool by_design =
        !r.what.concurrent || r.what.workers > 0 || (select_pool && l.starved > 0);
    const std::string measured =
        with_commas(l.starved) + " of " + clients_label(l.clients) + " starved";
    if (by_design)
      md += "| " + r.what.name + " | its limit reported | " +
            (select_pool ? std::string("one accept per select pass")
                         : "serves " + with_commas(l.clients - l.starved) + " at a time") +
            "; " + measured + " | LIMIT |\n";
    else
      md += "| " + r.what.name + " | no client starved at " + clients_label(l.clients) + " | " +
            measured + " | " + (l.starved == 0 ? "PASS" : "MISS") + " |\n";
  }
  md +=
      "\nThe other server goal, each server at least as fast as the textbook's own server of "
      "the same approach, needs the textbook's code, which this repository does not carry. "
      "To compare, run both under the same client on one machine, e.g. "
      "`echo-check 127.0.0.1 PORT --only load --clients 100 --duration 3 --json` against "
      "each, and divide.\n\n### What limits each approach (computed from the runs above)\n\n";
  for (const auto& r : rows)
    if (r.error.empty() && !r.loads.empty())
      md += "- **" + r.what.name + "** (" + r.what.section + "). " + limit_paragraph(r, opt) + "\n";
  return md;
}

}  // namespace tour
