// tools/tour/chart.hpp - the tour's loads as an SVG chart: round trips per second and p99
// latency against the number of clients, one line per approach. Hand-written SVG, so the
// tour needs no plotting library; clients and latency are on log scales because they span
// three orders of magnitude and more.
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
struct panel {
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

inline std::string svg_chart(const std::vector<row>& rows, const tour_options& opt) {
  using detail::num;
  const double panel_w = 400, panel_h = 260, gap = 110, margin = 70;
  const double legend_top = margin + panel_h + 60;
  const double total_w = margin + 2 * panel_w + gap + 30;
  const std::size_t legend_lines = (rows.size() + 1) / 2;  // two approaches to a line
  const double total_h = legend_top + 22 * static_cast<double>(legend_lines) + 20;
  double rate_max = 1, p99_lo = 1e9, p99_hi = 1e-9;
  for (const auto& r : rows)
    for (const auto& l : r.loads) {
      rate_max = std::max(rate_max, l.msgs_per_s);
      if (l.p99_s > 0) {
        p99_lo = std::min(p99_lo, l.p99_s);
        p99_hi = std::max(p99_hi, l.p99_s);
      }
    }
  if (p99_lo > p99_hi) p99_lo = 1e-5, p99_hi = 1;
  const double x_lo = std::log10(std::max(1, opt.clients.front()));
  const double x_hi = std::max(x_lo + 1, std::log10(std::max(1, opt.clients.back())));
  const detail::panel rate{margin, margin, panel_w, panel_h, x_lo, x_hi, 0, rate_max * 1.1, false};
  const detail::panel p99{margin + panel_w + gap,
                          margin,
                          panel_w,
                          panel_h,
                          x_lo,
                          x_hi,
                          std::floor(std::log10(p99_lo)),
                          std::ceil(std::log10(p99_hi)),
                          true};
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
  for (const detail::panel* p : {&rate, &p99}) {
    const bool is_rate = p == &rate;
    text(p->left + p->width / 2, p->top - 20,
         is_rate ? "round trips per second (more is better)" : "p99 latency (less is better)");
    text(p->left + p->width / 2, p->top + p->height + 40, "clients (log scale)");
    line(p->left, p->top + p->height, p->left + p->width, p->top + p->height, "black");
    line(p->left, p->top, p->left, p->top + p->height, "black");
    for (const int n : opt.clients) {
      line(p->x(n), p->top, p->x(n), p->top + p->height, "#e0e0e0");
      text(p->x(n), p->top + p->height + 18, echo_check::with_commas(n));
    }
    if (is_rate) {
      for (int i = 0; i <= 4; ++i) {
        const double v = rate_max * 1.1 * i / 4;
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
    for (const detail::panel* p : {&rate, &p99}) {
      std::string points;
      for (const auto& l : r.loads) {
        const double v = p == &rate ? l.msgs_per_s : l.p99_s;
        if (p == &p99 && v <= 0) continue;  // nobody served: no latency to plot
        points += num(p->x(l.clients)) + "," + num(p->y(v)) + " ";
      }
      svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" +
             std::string(detail::colour(i)) + "\" points=\"" + points + "\"/>\n";
    }
    const std::size_t legend_line = i / 2, legend_column = i % 2;
    const double lx = margin + static_cast<double>(legend_column) * (panel_w + gap);
    const double ly = legend_top + 22 * static_cast<double>(legend_line);
    svg += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly - 10) +
           "\" width=\"14\" height=\"4\" fill=\"" + detail::colour(i) + "\"/>\n";
    text(lx + 20, ly - 4, r.what.name + " (" + r.what.section + ")", "start");
  }
  return svg + "</svg>\n";
}

}  // namespace tour
