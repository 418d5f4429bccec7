// tools/tour/table.hpp - the tour's rows as cells: a text table, Markdown and CSV. What the
// numbers mean, in sentences, is reading.hpp's job.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "../echocheck/net.hpp"
#include "csv.hpp"
#include "measure.hpp"

namespace tour {

// 35412 -> "35.4k", 1234567 -> "1.2M": rates at a glance.
inline std::string short_count(double n) {
  char text[32];
  if (n >= 1e6)
    std::snprintf(text, sizeof text, "%.1fM", n / 1e6);
  else if (n >= 1e4)
    std::snprintf(text, sizeof text, "%.0fk", n / 1e3);
  else if (n >= 1e3)
    std::snprintf(text, sizeof text, "%.1fk", n / 1e3);
  else
    std::snprintf(text, sizeof text, "%.0f", n);
  return text;
}

// A latency without the space: "6.4ms".
inline std::string short_seconds(double s) {
  std::string text = echo_check::human_seconds(s);
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

inline std::string clients_label(int n) {
  return n == 1 ? "1 client" : echo_check::with_commas(n) + " clients";
}

// Server CPU per unit of work: "2.1µs", or "<0.4µs" when the run was too short to count a
// tick.
inline std::string cpu_text(double cpu, double resolution) {
  return cpu > 0 ? short_seconds(cpu) : "<" + short_seconds(resolution);
}

// A load cell at a glance: "35k 2.1µs 6.4ms" (steady-state msgs/s, server CPU per round
// trip, p99), or "35k 2.1µs 6 unserved" when clients were never served: their wait has no
// p99 worth printing, and the served clients' p99 would flatter the server.
inline std::string load_text(const load_cell& l) {
  return short_count(l.msgs_per_s) + " " + cpu_text(l.cpu_per_rt_s, l.cpu_resolution_s) + " " +
         (l.all_served() ? short_seconds(l.p99_s)
                         : echo_check::with_commas(l.starved) + " unserved");
}

// The ramp-up of a cell: "0.8s" until every client had an echo, or "not all" when some never did.
inline std::string ramp_text(const load_cell& l) {
  return l.all_served() ? short_seconds(l.ramp_s) : "not all";
}

// The cells of a row as a person reads them, shared by the text and Markdown tables.
struct cells {
  std::string waits, stalls, slow, ramp, starved, peak, churn_rate, cpu, correct;
  std::vector<std::string> loads;  // load_text of each client count
};

inline cells cells_of(const row& r) {
  cells c;
  if (!r.error.empty()) {
    c.correct = "not measured: " + r.error;
    return c;
  }
  c.waits = r.second_waits ? "yes, " + short_seconds(r.second_wait_s) + "+" : "no";
  c.stalls = r.half_line_stalls ? "yes" : "no";
  c.slow =
      r.slow_readers_stall
          ? "yes"
          : "no, " + echo_check::approx_bytes(std::max(0.0, r.memory_per_slow_reader)) + " each";
  for (const auto& l : r.loads) {
    c.loads.push_back(load_text(l));
    c.starved += (c.starved.empty() ? "" : "/") + std::to_string(l.starved);
  }
  if (!r.loads.empty()) c.ramp = ramp_text(r.loads.back());
  c.peak = std::to_string(r.peak.processes) + "/" + std::to_string(r.peak.threads) + "/" +
           std::to_string(r.peak.fds);
  c.churn_rate = short_count(r.connections_per_s);
  c.cpu = cpu_text(r.cpu_per_connection_s, r.cpu_resolution_s);
  c.correct = "yes";
  if (!r.flaws.empty() || !r.stopped_cleanly) {
    c.correct.clear();
    for (const auto& f : r.flaws) c.correct += (c.correct.empty() ? "" : ", ") + f;
    if (!r.stopped_cleanly)
      c.correct += (c.correct.empty() ? "" : ", ") + std::string("unclean stop");
  }
  return c;
}

// What the columns mean, under the table.
inline std::string legend(const tour_options& opt) {
  return "Slow readers stall: whether clients that send and never read hold up another "
         "client; if not, the server memory each of them cost. "
         "Each client-count column: steady-state round trips per second, the server's CPU time "
         "per round trip (its children included), and p99 latency of " +
         echo_check::bytes_text(opt.line_size) + " lines, each the median of " +
         echo_check::plural(opt.rounds, "round", "rounds") +
         "; \"N unserved\" instead of a p99 when clients were never served. Ramp-up: how long "
         "until every client had its first echo, before the steady state was timed. Starved: "
         "clients never served, at each count. Peak p/t/fd: the most processes, threads and "
         "descriptors of the server. Conn/s and CPU/conn: short connections churned through it.";
}

inline std::vector<std::string> headers(const tour_options& opt) {
  std::vector<std::string> h = {"approach", "section", "2nd client waits", "half line stalls",
                                "slow readers stall"};
  for (const int n : opt.clients) h.push_back(clients_label(n));
  h.insert(h.end(), {"ramp-up at " + echo_check::with_commas(opt.clients.back()), "starved",
                     "peak p/t/fd", "conn/s", "CPU/conn", "correct"});
  return h;
}

inline std::vector<std::string> row_cells(const row& r, const tour_options& opt) {
  const cells c = cells_of(r);
  std::vector<std::string> v = {r.what.name, r.what.section, c.waits, c.stalls, c.slow};
  for (std::size_t i = 0; i < opt.clients.size(); ++i)
    v.push_back(i < c.loads.size() ? c.loads[i] : "");
  v.insert(v.end(), {c.ramp, c.starved, c.peak, c.churn_rate, c.cpu, c.correct});
  return v;
}

inline std::string text_table(const std::vector<row>& rows, const tour_options& opt) {
  std::vector<std::vector<std::string>> grid = {headers(opt)};
  for (const auto& r : rows) grid.push_back(row_cells(r, opt));
  std::vector<std::size_t> width(grid[0].size(), 0);
  for (const auto& line : grid)
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  std::string out;
  for (std::size_t k = 0; k < grid.size(); ++k) {
    for (std::size_t i = 0; i < grid[k].size(); ++i) {
      std::string cell = grid[k][i];
      if (i + 1 < grid[k].size()) cell.resize(width[i] + 2, ' ');
      out += cell;
    }
    out += "\n";
    if (k == 0) {
      std::size_t total = 0;
      for (const auto w : width) total += w + 2;
      out += std::string(total - 2, '-') + "\n";
    }
  }
  return out;
}

inline std::string markdown_table(const std::vector<row>& rows, const tour_options& opt) {
  auto line = [](const std::vector<std::string>& v) {
    std::string s = "|";
    for (const auto& cell : v) s += " " + cell + " |";
    return s + "\n";
  };
  const auto h = headers(opt);
  std::string out = line(h);
  out += line(std::vector<std::string>(h.size(), "---"));
  for (const auto& r : rows) out += line(row_cells(r, opt));
  return out;
}

inline std::string csv_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// Every number at full precision, one row per approach, for a spreadsheet or a script. Every
// field goes through csv_field: names and error messages may hold commas and quotes.
inline std::string csv_table(const std::vector<row>& rows, const tour_options& opt) {
  std::vector<std::string> h = {"approach",
                                "section",
                                "program",
                                "second_client_waits",
                                "second_wait_s",
                                "half_line_stalls",
                                "slow_readers_stall",
                                "memory_per_slow_reader_bytes"};
  for (const int n : opt.clients) {
    const std::string c = std::to_string(n);
    h.insert(
        h.end(),
        {"msgs_per_s_" + c, "msgs_per_s_lo_" + c, "msgs_per_s_hi_" + c, "cpu_per_round_trip_s_" + c,
         "cpu_per_round_trip_s_lo_" + c, "cpu_per_round_trip_s_hi_" + c, "p50_s_" + c, "p99_s_" + c,
         "p99_all_clients_s_" + c, "starved_" + c, "ramp_s_" + c, "steady_s_" + c, "rounds_" + c});
  }
  h.insert(h.end(), {"peak_processes", "peak_threads", "peak_fds", "connections_per_s",
                     "cpu_per_connection_s", "server_cpus", "client_cpus", "most_served_at_once",
                     "flaws", "stopped_cleanly", "stop", "error"});
  std::string out = csv_record(h);
  for (const auto& r : rows) {
    std::vector<std::string> v = {r.what.name,
                                  r.what.section,
                                  r.what.program,
                                  r.second_waits ? "yes" : "no",
                                  csv_number(r.second_wait_s),
                                  r.half_line_stalls ? "yes" : "no",
                                  r.slow_readers_stall ? "yes" : "no",
                                  csv_number(r.memory_per_slow_reader)};
    for (std::size_t i = 0; i < opt.clients.size(); ++i) {
      const load_cell l = i < r.loads.size() ? r.loads[i] : load_cell{};
      v.insert(v.end(), {csv_number(l.msgs_per_s), csv_number(l.msgs_lo), csv_number(l.msgs_hi),
                         csv_number(l.cpu_per_rt_s), csv_number(l.cpu_lo), csv_number(l.cpu_hi),
                         csv_number(l.p50_s), csv_number(l.p99_s), csv_number(l.p99_all_s()),
                         std::to_string(l.starved), csv_number(l.ramp_s), csv_number(l.steady_s),
                         std::to_string(l.rounds)});
    }
    std::string flaws;
    for (const auto& f : r.flaws) flaws += (flaws.empty() ? "" : " ") + f;
    v.insert(v.end(), {std::to_string(r.peak.processes), std::to_string(r.peak.threads),
                       std::to_string(r.peak.fds), csv_number(r.connections_per_s),
                       csv_number(r.cpu_per_connection_s), r.server_cpus, r.client_cpus,
                       std::to_string(r.most_served_at_once), flaws,
                       r.stopped_cleanly ? "yes" : "no", r.stop_how, r.error});
    out += csv_record(v);
  }
  return out;
}

}  // namespace tour
