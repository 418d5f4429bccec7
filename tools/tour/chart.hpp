// tools/tour/chart.hpp - the tour's loads as an SVG chart: round trips per second, server
// CPU per round trip and p99 latency against the number of clients, one line per approach.
// Hand-written SVG, so the tour needs no plotting library; clients and latency are on log scales
// because they span three orders of magnitude and more.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../echocheck/net.hpp"
#include "measure.hpp"
#include "table.hpp"
#include "ticks.hpp"

namespace tour {

namespace detail {

inline const char* colour(std::size_t i) {
  static const char* palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return palette[i % (sizeof palette / sizeof *palette)];
}

inline std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

// One panel: x is log10(clients); y is linear (rates) or log10 (latencies).
struct axes {
  double left, top, width, height;  // the plotting area, in SVG units
  double x_lo, x_hi, y_lo, y_hi;    // data range, already transformed (log where log)
  bool log_y;

  double x(double clients) const {
    const double t = (std::log10(clients) - x_lo) / std::max(1e-9, x_hi - x_lo);
    return left + t * width;
  }
  double y(double value) const {
    const double v = log_y ? std::log10(std::max(value, 1e-9)) : value;
    const double t = (v - y_lo) / std::max(1e-9, y_hi - y_lo);
    return top + height - t * height;
  }
};

}  // namespace detail

// Three panels against clients: round trips per second, server CPU per round trip, and p99
// latency over all clients. A point drawn hollow is a load at which some clients were never
// served: its rate is for the served few, and its p99 is the whole run (they waited that
// long), so no design that leaves clients waiting draws the lowest latency line.
inline std::string svg_chart(const std::vector<row>& rows, const tour_options& opt) {
  using detail::num;
  const double panel_w = 330, panel_h = 260, gap = 100, margin = 70;
  const double legend_top = margin + panel_h + 100;
  const double total_w = margin + 3 * panel_w + 2 * gap + 30;
  const std::size_t legend_lines = (rows.size() + 2) / 3;  // three approaches to a line
  const double total_h = legend_top + 22 * static_cast<double>(legend_lines) + 20;
  double rate_max = 1, p99_lo = 1e9, p99_hi = 1e-9, cpu_lo = 1e9, cpu_hi = 1e-9;
  for (const auto& r : rows)
    for (const auto& l : r.loads) {
      rate_max = std::max(rate_max, l.msgs_per_s);
      if (l.p99_all_s() > 0) {
        p99_lo = std::min(p99_lo, l.p99_all_s());
        p99_hi = std::max(p99_hi, l.p99_all_s());
      }
      if (l.cpu_per_rt_s > 0) {
        cpu_lo = std::min(cpu_lo, l.cpu_per_rt_s);
        cpu_hi = std::max(cpu_hi, l.cpu_per_rt_s);
      }
    }
  if (p99_lo > p99_hi) p99_lo = 1e-5, p99_hi = 1;
  if (cpu_lo > cpu_hi) cpu_lo = 1e-6, cpu_hi = 1e-3;
  const double rate_step = round_step(rate_max, 4);
  const double rate_top = std::ceil(rate_max / rate_step) * rate_step;
  const double x_lo = std::log10(std::max(1, opt.clients.front()));
  const double x_hi = std::max(x_lo + 1, std::log10(std::max(1, opt.clients.back())));
  auto left_of = [&](int k) { return margin + k * (panel_w + gap); };
  auto decades = [](double lo, double hi) {
    const double a = std::floor(std::log10(lo)), b = std::ceil(std::log10(hi));
    return std::make_pair(a, std::max(b, a + 1));
  };
  const auto [cpu_a, cpu_b] = decades(cpu_lo, cpu_hi);
  const auto [p99_a, p99_b] = decades(p99_lo, p99_hi);
  const detail::axes rate{left_of(0), margin, panel_w, panel_h, x_lo, x_hi, 0, rate_top, false};
  const detail::axes cpu{left_of(1), margin, panel_w, panel_h, x_lo, x_hi, cpu_a, cpu_b, true};
  const detail::axes p99{left_of(2), margin, panel_w, panel_h, x_lo, x_hi, p99_a, p99_b, true};
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(total_w) +
                    "\" height=\"" + num(total_h) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  auto text = [&](double x, double y, const std::string& s, const char* anchor = "middle") {
    svg += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">" + s +
           "</text>\n";
  };
  auto line = [&](double x1, double y1, double x2, double y2, const char* stroke) {
    svg += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
           num(y2) + "\" stroke=\"" + stroke + "\"/>\n";
  };
  struct titled {
    const detail::axes* p;
    const char* title;
  };
  for (const titled& t : {titled{&rate, "round trips per second (more is better)"},
                          titled{&cpu, "server CPU per round trip (less is better)"},
                          titled{&p99, "p99 latency, all clients (less is better)"}}) {
    const detail::axes* p = t.p;
    text(p->left + p->width / 2, p->top - 20, t.title);
    text(p->left + p->width / 2, p->top + p->height + 40, "clients (log scale)");
    line(p->left, p->top + p->height, p->left + p->width, p->top + p->height, "black");
    line(p->left, p->top, p->left, p->top + p->height, "black");
    for (const int n : opt.clients) {
      line(p->x(n), p->top, p->x(n), p->top + p->height, "#e0e0e0");
      text(p->x(n), p->top + p->height + 18, echo_check::with_commas(n));
    }
    if (!p->log_y) {
      for (double v = 0; v <= rate_top + rate_step / 2; v += rate_step) {
        line(p->left, p->y(v), p->left + p->width, p->y(v), "#e0e0e0");
        text(p->left - 6, p->y(v) + 4, short_count(v), "end");
      }
    } else {
      for (double e = p->y_lo; e <= p->y_hi; e += 1) {
        const double v = std::pow(10.0, e);
        line(p->left, p->y(v), p->left + p->width, p->y(v), "#e0e0e0");
        text(p->left - 6, p->y(v) + 4, short_seconds(v), "end");
      }
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const row& r = rows[i];
    if (r.loads.empty()) continue;
    const std::string colour = detail::colour(i);
    for (const detail::axes* p : {&rate, &cpu, &p99}) {
      std::string points, markers;
      for (const auto& l : r.loads) {
        const double v = p == &rate ? l.msgs_per_s : p == &cpu ? l.cpu_per_rt_s : l.p99_all_s();
        if (p != &rate && v <= 0) continue;  // nothing to plot on a log scale
        const std::string x = num(p->x(l.clients)), y = num(p->y(v));
        points.append(x).append(",").append(y).append(" ");
        markers.append("<circle class=\"")
            .append(l.all_served() ? "served" : "not-served")
            .append("\" cx=\"")
            .append(x)
            .append("\" cy=\"")
            .append(y)
            .append("\" r=\"3.5\" stroke=\"")
            .append(colour)
            .append("\" fill=\"")
            .append(l.all_served() ? colour : "white")
            .append("\"/>\n");
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(colour)
          .append("\" points=\"")
          .append(points)
          .append("\"/>\n")
          .append(markers);
    }
    const std::size_t legend_line = i / 3, legend_column = i % 3;
    const double lx = left_of(static_cast<int>(legend_column));
    const double ly = legend_top + 22 * static_cast<double>(legend_line);
    svg += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 10) +
           "\" width=\"14\" height=\"4\" fill=\"" + colour + "\"/>\n";
    text(lx + 20, ly - 4, r.what.name + " (" + r.what.section + ")", "start");
  }
  text(margin, legend_top - 28,
       "Each point: the median of " + echo_check::plural(opt.rounds, "round", "rounds") +
           ". Hollow: some clients were never served at that load (its latency is then the "
           "whole run).",
       "start");
  return svg + "</svg>\n";
}

}  // namespace tour
