// tools/tour/timeline.hpp - who is served when: one real run per example server, drawn as one
// bar per client over time.
//
// The tour's table says how many round trips a server does; it does not show *whom* the server
// attends to while the others wait. A timeline does. A dozen clients connect at once, each
// holds its connection for a while after its first echo and then leaves, as a person at a
// terminal would; every bar is grey while its client is connected and unanswered, coloured
// while its round trips come back promptly, and ends where the client left. The iterative
// server draws a staircase, a pool of four serves four and lets the next in as one leaves, and
// the servers that are concurrent by design serve everybody at once.
//
// One more client sends half a line, waits, and then sends the rest. A server that reads a
// line with blocking reads (the iterative one, the book's select pool) is stuck inside that
// read meanwhile, and the timeline shows every other bar stop being served for as long as the
// half line stays incomplete.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../echocheck/load.hpp"
#include "../echocheck/net.hpp"
#include "../echocheck/servers.hpp"
#include "ticks.hpp"

namespace tour {

struct timeline_options {
  int clients = 12;                         // clients that hold on, then leave
  echo_check::millis hold{200};             // each stays this long after its first echo
  echo_check::millis half_line_after{100};  // the half-line client sends its first half then
  echo_check::millis half_line_hold{400};   // and the rest this much later
  echo_check::millis limit{30000};          // the bound for the whole run
  std::size_t line_size = 64;               // bytes per line, the newline included
};

struct timeline_run {
  std::string name;                                  // the approach, as the tour's table says
  std::string section;                               // the book's section
  std::vector<echo_check::client_timeline> clients;  // one per client, times in seconds
  int half_line_client = -1;   // index into clients of the half-line client, -1 none
  double half_line_sent = -1;  // when it had sent its first half (-1: it never did)
  double half_line_rest = -1;  // when it began to send the rest (-1: it never did)
  double seconds = 0;          // the span drawn: from the start (just before the first
                               // connect) to the last event
  std::string error;           // what went wrong with the run, empty if nothing did
};

namespace detail {

// What the half-line client saw, as clock readings: its thread writes them, and they are read
// only after the thread was joined.
struct half_line_times {
  echo_check::clock::time_point connected, sent, rest, echoed, left;
  bool did_send = false, did_rest = false, did_echo = false;
  std::string error;
};

// The half-line client's whole life on an already connected socket: half a line, a pause, the
// rest, the echo (bounded by `deadline`), then it leaves. The pauses are the client's
// behaviour, what the timeline is about, not a wait for the server to settle.
inline void half_line_session(csapp::unique_fd fd, const timeline_options& opt,
                              echo_check::clock::time_point deadline, half_line_times& t) {
  try {
    const std::string line = echo_check::session_line(opt.clients, opt.line_size);
    const std::size_t half = line.size() / 2;  // short of the newline, so no line is complete
    std::this_thread::sleep_until(t.connected + opt.half_line_after);
    t.did_send = echo_check::send_all(fd.get(), line.substr(0, half));
    t.sent = echo_check::clock::now();
    if (t.did_send) {
      std::this_thread::sleep_until(t.sent + opt.half_line_hold);
      t.rest = echo_check::clock::now();
      t.did_rest = echo_check::send_all(fd.get(), line.substr(half));
    }
    if (t.did_rest) {
      t.did_echo = echo_check::read_up_to(fd.get(), line.size(), deadline) == line;
      t.echoed = echo_check::clock::now();
      if (!t.did_echo) t.error = "the half-line client got no echo of its line";
    } else {
      t.error = "the half-line client could not send its line";
    }
  } catch (const std::exception& e) {
    t.error = std::string("the half-line client: ") + e.what();
  }
  t.left = echo_check::clock::now();  // taken before the close, as the load's clients do
  fd.reset();
}

}  // namespace detail

// Runs the clients against the server at `ep` and returns who was served when. The half-line
// client connects first, so a server that takes clients in turn takes it first; the others
// are one load run (tools/echocheck/load.hpp) whose clients leave by `hold`.
inline timeline_run record_timeline(const echo_check::endpoint& ep,
                                    const echo_check::example_server& what,
                                    const timeline_options& opt) {
  using echo_check::clock;
  timeline_run run;
  run.name = what.name;
  run.section = what.section;
  const auto begun = clock::now();  // the timeline's zero
  const auto deadline = begun + opt.limit;
  detail::half_line_times half;
  bool have_half = false;  // the half-line client connected (and its thread runs)
  std::thread half_thread;
  try {
    csapp::unique_fd fd = echo_check::connect_within(ep, opt.limit);
    half.connected = clock::now();
    half_thread = std::thread(detail::half_line_session, std::move(fd), std::cref(opt), deadline,
                              std::ref(half));
    have_half = true;
  } catch (const std::exception& e) {
    half.error = std::string("the half-line client: ") + e.what();
  }

  echo_check::load_options lo;
  lo.clients = opt.clients;
  lo.rounds = 1'000'000'000;  // clients leave by hold, never by running out of rounds
  lo.duration = echo_check::millis{0};
  lo.line_size = opt.line_size;
  lo.hold = opt.hold;
  lo.record_timeline = true;
  lo.limit = opt.limit;
  echo_check::load_result load;
  std::string load_error;
  try {
    load = echo_check::run_load(ep, lo);
  } catch (const std::exception& e) {
    load_error = e.what();
  }
  // The thread's every wait is bounded by `deadline`, so this join is too; and nothing the
  // thread wrote is read before it.
  if (half_thread.joinable()) half_thread.join();

  auto at = [&](clock::time_point t) { return echo_check::seconds_between(begun, t); };
  if (have_half) {
    echo_check::client_timeline c;
    c.connected = at(half.connected);
    if (half.did_echo) c.served.emplace_back(at(half.echoed), at(half.echoed));
    c.left = at(half.left);
    run.clients.push_back(c);
    run.half_line_client = 0;
    if (half.did_send) run.half_line_sent = at(half.sent);
    if (half.did_rest) run.half_line_rest = at(half.rest);
  }
  // The load's times count from its own start, a little after ours.
  const double shift = load_error.empty() ? at(load.started_at) : 0;
  for (auto c : load.timeline) {
    if (c.connected >= 0) c.connected += shift;
    if (c.left >= 0) c.left += shift;
    for (auto& s : c.served) s.first += shift, s.second += shift;
    run.clients.push_back(std::move(c));
  }
  for (const auto& c : run.clients) {
    run.seconds = std::max({run.seconds, c.connected, c.left});
    if (!c.served.empty()) run.seconds = std::max(run.seconds, c.served.back().second);
  }

  std::vector<std::string> problems;
  if (!half.error.empty()) problems.push_back(half.error);
  if (!load_error.empty()) problems.push_back("the load: " + load_error);
  if (load.refused > 0) problems.push_back(std::to_string(load.refused) + " refused");
  if (load.corrupted > 0) problems.push_back(std::to_string(load.corrupted) + " got wrong bytes");
  if (load.cut_off > 0) problems.push_back(std::to_string(load.cut_off) + " cut off");
  if (load.timed_out)
    problems.push_back("not over within " + std::to_string(opt.limit.count() / 1000) + " s");
  for (std::size_t i = 0; i < problems.size(); ++i) run.error += (i > 0 ? "; " : "") + problems[i];
  return run;
}

// The largest number of clients being served at one instant: each client's served stretches
// are closed intervals, and the count is taken at every stretch's start (where a maximum is).
inline int most_served_at_once(const timeline_run& run) {
  int most = 0;
  for (const auto& c : run.clients)
    for (const auto& s : c.served) {
      const double t = s.first;
      int n = 0;
      for (const auto& other : run.clients)
        n += std::any_of(other.served.begin(), other.served.end(),
                         [t](const auto& o) { return o.first <= t && t <= o.second; })
                 ? 1
                 : 0;
      most = std::max(most, n);
    }
  return most;
}

namespace detail {

inline std::string xml_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

inline std::string coordinate(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

// The distance between time ticks: about eight or fewer cover `span` seconds.
inline double tick_step(double span) { return round_step(std::max(span, 1e-3), 8); }

// "0", "0.5 s", "2 s": a tick's label, with as many decimals as the step between ticks needs
// (0.0005 s apart needs four), and no trailing zeros.
inline std::string tick_label(double seconds, double step) {
  if (std::fabs(seconds) < step * 1e-6) return "0";
  const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, seconds);
  std::string s = text;
  if (s.find('.') != std::string::npos) {  // 1.0 is 1
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
  }
  return s + " s";
}

// The palette: the tour chart's blue for being served, a light grey for waiting, and a light
// orange for the stretch when the half-line client has sent half a line and holds the rest.
inline constexpr const char* served_colour = "#1f77b4";
inline constexpr const char* waiting_colour = "#d9d9d9";
inline constexpr const char* half_line_colour = "#fdae6b";

// Geometry shared by the panels of one picture, so their time axes line up.
struct layout {
  double label_width = 120;  // the clients' names, left of the bars
  double plot_width = 560;   // the time axis
  double right = 90;         // room for "never served" and the last tick label
  double row = 14;           // one client
  double bar = 10;           // the bar inside its row
  double title = 26;         // the panel's title above its rows
  double axis = 34;          // tick labels and the axis name under the rows
  double gap = 16;           // between panels
  double axis_end = 1;       // seconds at the right end of the axis (a whole number of steps)
  double step = 0.1;         // seconds between ticks

  double width() const { return label_width + plot_width + right; }
  double x(double t) const { return label_width + plot_width * std::clamp(t / axis_end, 0.0, 1.0); }
  double panel_height(const timeline_run& r) const {
    return title + row * static_cast<double>(std::max<std::size_t>(r.clients.size(), 1)) + axis;
  }
};

inline layout layout_for(const std::vector<timeline_run>& runs) {
  layout l;
  double span = 0;
  for (const auto& r : runs) span = std::max(span, r.seconds);
  l.step = tick_step(span);
  l.axis_end = std::max(1.0, std::ceil(span / l.step - 1e-9)) * l.step;
  return l;
}

inline std::string rect(double x, double y, double w, double h, const char* fill, const char* cls) {
  return "<rect class=\"" + std::string(cls) + "\" x=\"" + coordinate(x) + "\" y=\"" +
         coordinate(y) + "\" width=\"" + coordinate(std::max(w, 0.0)) + "\" height=\"" +
         coordinate(h) + "\" fill=\"" + fill + "\"/>\n";
}

inline std::string text(double x, double y, const std::string& s, const char* anchor,
                        const char* cls, int size = 12) {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + coordinate(x) + "\" y=\"" +
         coordinate(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" + std::to_string(size) +
         "\">" + xml_escape(s) + "</text>\n";
}

// One panel, its top at `top`: a title, a bar per client, the time axis under them.
inline std::string panel(const timeline_run& run, const layout& l, double top) {
  std::string svg = "<g class=\"panel\">\n";
  svg += text(l.label_width, top + 16, run.name + " (" + run.section + ")", "start", "title", 13);
  if (!run.error.empty())
    svg += text(l.label_width + l.plot_width, top + 16, run.error, "end", "error", 10);
  const double rows_top = top + l.title;
  const double rows_bottom = rows_top + l.row * static_cast<double>(run.clients.size());
  for (int i = 0; l.step * i <= l.axis_end + 1e-9; ++i) {
    const double x = l.x(l.step * i);
    svg += "<line x1=\"" + coordinate(x) + "\" y1=\"" + coordinate(rows_top) + "\" x2=\"" +
           coordinate(x) + "\" y2=\"" + coordinate(rows_bottom + 4) + "\" stroke=\"#e0e0e0\"/>\n";
    svg += text(x, rows_bottom + 16, tick_label(l.step * i, l.step), "middle", "tick", 11);
  }
  svg += text(l.label_width + l.plot_width / 2, rows_bottom + 30,
              "time since the first client came", "middle", "axis", 11);
  int number = 0;
  for (std::size_t i = 0; i < run.clients.size(); ++i) {
    const auto& c = run.clients[i];
    const bool half = static_cast<int>(i) == run.half_line_client;
    const double y = rows_top + l.row * static_cast<double>(i) + (l.row - l.bar) / 2;
    svg += "<g class=\"bar\">\n";
    svg +=
        text(l.label_width - 6, y + l.bar - 1,
             half ? "half-line client" : "client " + std::to_string(++number), "end", "label", 11);
    if (c.connected < 0) {
      svg += text(l.x(0) + 4, y + l.bar - 1, "never connected", "start", "note", 10);
      svg += "</g>\n";
      continue;
    }
    const double end = c.left >= 0 ? c.left : run.seconds;
    svg += rect(l.x(c.connected), y, l.x(end) - l.x(c.connected), l.bar, waiting_colour, "waiting");
    if (half && run.half_line_sent >= 0) {
      const double to = run.half_line_rest >= 0 ? run.half_line_rest : end;
      svg += rect(l.x(run.half_line_sent), y, l.x(to) - l.x(run.half_line_sent), l.bar,
                  half_line_colour, "half-line");
    }
    // A stretch may be one instant (an echo after a wait, then the client left): at least
    // two units wide, so it shows.
    for (const auto& s : c.served)
      svg += rect(l.x(s.first), y, std::max(2.0, l.x(s.second) - l.x(s.first)), l.bar,
                  served_colour, "served");
    if (c.served.empty())
      svg += text(l.x(end) + 4, y + l.bar - 1, "never served", "start", "note", 10);
    svg += "</g>\n";
  }
  return svg + "</g>\n";
}

inline std::string legend(double y) {
  std::string svg;
  double x = 20;
  const std::pair<const char*, const char*> keys[] = {
      {waiting_colour, "connected, waiting"},
      {served_colour, "being served"},
      {half_line_colour, "half a line sent, the rest held back"},
      {"white", "gone (left)"}};
  for (const auto& [fill, words] : keys) {
    svg += "<rect class=\"key\" x=\"" + coordinate(x) + "\" y=\"" + coordinate(y - 9) +
           "\" width=\"14\" height=\"10\" fill=\"" + fill + "\" stroke=\"#999999\"/>\n";
    svg += text(x + 18, y, words, "start", "legend", 11);
    x += 36 + 5.5 * static_cast<double>(std::string(words).size());  // about a letter's width
  }
  return svg;
}

inline std::string document(const std::vector<timeline_run>& runs) {
  const layout l = layout_for(runs);
  const double legend_height = 30;
  double height = legend_height;
  for (const auto& r : runs) height += l.panel_height(r) + l.gap;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + coordinate(l.width()) +
                    "\" height=\"" + coordinate(height) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += legend(20);
  double top = legend_height;
  for (const auto& r : runs) {
    svg += panel(r, l, top);
    top += l.panel_height(r) + l.gap;
  }
  return svg + "</svg>\n";
}

}  // namespace detail

// Every approach, one panel each, stacked on one time scale so their lengths compare.
inline std::string timeline_svg(const std::vector<timeline_run>& runs) {
  return detail::document(runs);
}

// One approach alone, for the notes of its section.
inline std::string timeline_panel_svg(const timeline_run& run) { return detail::document({run}); }

}  // namespace tour
