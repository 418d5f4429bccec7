// tools/tour/table.hpp - the tour's rows as a text table, CSV and Markdown, and a reading
// of them in plain words.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

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
  std::string text = human_seconds(s);
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

inline std::string clients_label(int n) {
  return n == 1 ? "1 client" : with_commas(n) + " clients";
}

// The cells of a row as a person reads them, shared by the text and Markdown tables.
struct cells {
  std::string waits, stalls, starved, peak, churn_rate, cpu, correct;
  std::vector<std::string> loads;  // "35k 6.4ms": msgs/s and p99
};

inline cells cells_of(const row& r) {
  cells c;
  if (!r.error.empty()) {
    c.correct = "not measured: " + r.error;
    return c;
  }
  c.waits = r.second_waits ? "yes, " + short_seconds(r.second_wait_s) + "+" : "no";
  c.stalls = r.half_line_stalls ? "yes" : "no";
  for (const auto& l : r.loads) {
    c.loads.push_back(short_count(l.msgs_per_s) + " " + short_seconds(l.p99_s));
    c.starved += (c.starved.empty() ? "" : "/") + std::to_string(l.starved);
  }
  c.peak = std::to_string(r.peak.processes) + "/" + std::to_string(r.peak.threads) + "/" +
           std::to_string(r.peak.fds);
  c.churn_rate = short_count(r.connections_per_s);
  c.cpu = r.cpu_per_connection_s > 0 ? short_seconds(r.cpu_per_connection_s)
                                     : "<" + short_seconds(r.cpu_resolution_s);
  c.correct = "yes";
  if (!r.flaws.empty() || r.exit_status != 0) {
    c.correct.clear();
    for (const auto& f : r.flaws) c.correct += (c.correct.empty() ? "" : ", ") + f;
    if (r.exit_status != 0)
      c.correct += (c.correct.empty() ? "" : ", ") + std::string("unclean stop");
  }
  return c;
}

inline std::vector<std::string> headers(const tour_options& opt) {
  std::vector<std::string> h = {"approach", "section", "2nd client waits", "half line stalls"};
  for (const int n : opt.clients) h.push_back(clients_label(n));
  h.insert(h.end(), {"starved", "peak p/t/fd", "conn/s", "CPU/conn", "correct"});
  return h;
}

inline std::vector<std::string> row_cells(const row& r, const tour_options& opt) {
  const cells c = cells_of(r);
  std::vector<std::string> v = {r.what.name, r.what.section, c.waits, c.stalls};
  for (std::size_t i = 0; i < opt.clients.size(); ++i)
    v.push_back(i < c.loads.size() ? c.loads[i] : "");
  v.insert(v.end(), {c.starved, c.peak, c.churn_rate, c.cpu, c.correct});
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

// Every number at full precision, one row per approach, for a spreadsheet or a script.
inline std::string csv_table(const std::vector<row>& rows, const tour_options& opt) {
  std::string out = "approach,section,program,second_client_waits,second_wait_s,half_line_stalls";
  for (const int n : opt.clients) {
    const std::string c = std::to_string(n);
    out += ",msgs_per_s_" + c + ",p50_s_" + c + ",p99_s_" + c + ",starved_" + c;
  }
  out +=
      ",peak_processes,peak_threads,peak_fds,connections_per_s,cpu_per_connection_s,flaws,"
      "exit_status,error\n";
  for (const auto& r : rows) {
    out += "\"" + r.what.name + "\"," + r.what.section + "," + r.what.program + "," +
           (r.second_waits ? "yes" : "no") + "," + csv_number(r.second_wait_s) + "," +
           (r.half_line_stalls ? "yes" : "no");
    for (std::size_t i = 0; i < opt.clients.size(); ++i) {
      const load_cell l = i < r.loads.size() ? r.loads[i] : load_cell{};
      out += "," + csv_number(l.msgs_per_s) + "," + csv_number(l.p50_s) + "," +
             csv_number(l.p99_s) + "," + std::to_string(l.starved);
    }
    std::string flaws;
    for (const auto& f : r.flaws) flaws += (flaws.empty() ? "" : " ") + f;
    out += "," + std::to_string(r.peak.processes) + "," + std::to_string(r.peak.threads) + "," +
           std::to_string(r.peak.fds) + "," + csv_number(r.connections_per_s) + "," +
           csv_number(r.cpu_per_connection_s) + "," + flaws + "," + std::to_string(r.exit_status) +
           ",\"" + r.error + "\"\n";
  }
  return out;
}

inline std::string names_of(const std::vector<const row*>& rows) {
  std::string s;
  for (std::size_t i = 0; i < rows.size(); ++i)
    s += (i == 0 ? "" : i + 1 == rows.size() ? " and " : ", ") + rows[i]->what.name;
  return s;
}

// What the table says, sentence by sentence, computed from the numbers of this run.
inline std::string reading(const std::vector<row>& rows, const tour_options& opt) {
  std::vector<const row*> ok, waits, stalls, wrong;
  for (const auto& r : rows) {
    if (!r.error.empty()) continue;
    ok.push_back(&r);
    if (r.second_waits) waits.push_back(&r);
    if (r.half_line_stalls) stalls.push_back(&r);
    if (!r.flaws.empty() || r.exit_status != 0) wrong.push_back(&r);
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
