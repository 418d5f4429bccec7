// tools/echocheck/cli.hpp - command-line parsing shared by echo-check and the tour.
//
// Bad arguments are the user's mistake, not a crash: each one is named ("--clients wants a
// whole number from 1 to 100000, not 'ten'"), the usage follows, and the exit status is 2.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cpus.hpp"

namespace echo_check::cli {

// The program's name and usage text, for usage_error. Set once, at the top of main.
struct usage_info {
  const char* program = "";
  const char* text = "";
};
inline usage_info& usage() {
  static usage_info info;
  return info;
}

[[noreturn]] inline void usage_error(const std::string& problem) {
  std::fprintf(stderr, "%s: %s\n%s", usage().program, problem.c_str(), usage().text);
  std::exit(2);
}

inline std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// The whole of `text` as a number in [lo, hi], or a usage error naming `option`.
inline double number(const std::string& option, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < lo || v > hi)
    usage_error(option + " wants a number from " + number_text(lo) + " to " + number_text(hi) +
                ", not '" + text + "'");
  return v;
}

inline int whole(const std::string& option, const std::string& text, int lo, int hi) {
  const double v = number(option, text, lo, hi);
  if (v != std::floor(v)) usage_error(option + " wants a whole number, not '" + text + "'");
  return static_cast<int>(v);
}

inline std::chrono::milliseconds seconds(const std::string& option, const std::string& text,
                                         double lo, double hi) {
  return std::chrono::milliseconds(std::lround(number(option, text, lo, hi) * 1000));
}

// A CPU list ("0", "0-3,8") of CPUs this process may use, or a usage error naming `option`.
inline cpu_list cpus(const std::string& option, const std::string& text) {
  const auto parsed = parse_cpu_list(text);
  if (!parsed) usage_error(option + " wants a CPU list such as 0 or 0-1,3, not '" + text + "'");
  const cpu_list allowed = allowed_cpus();
  for (const int c : *parsed)
    if (std::find(allowed.begin(), allowed.end(), c) == allowed.end())
      usage_error(option + ": CPU " + std::to_string(c) + " is not one this process may use (" +
                  cpu_list_text(allowed) + ")");
  return *parsed;
}

// "a,b,c" -> {"a", "b", "c"}; empty items are kept, so "a," is caught as a bad name.
inline std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  for (;;) {
    const auto comma = list.find(',', at);
    parts.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return parts;
    at = comma + 1;
  }
}

}  // namespace echo_check::cli
