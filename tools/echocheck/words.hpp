// tools/echocheck/words.hpp - how the checker says what it measured: durations, counts and
// sizes a person reads at a glance, and what differed in an echo. The scenarios
// (checker.hpp) measure; the sentences they build use these, and so do the tour's table and
// reading, so a number looks the same wherever it is printed.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>

namespace echo_check {

// "0.4 ms", "12 ms", "2.0 s": a duration a person reads at a glance.
inline std::string human_seconds(double s) {
  char text[32];
  if (s > 0 && s < 0.00001)  // a round trip's CPU: a few microseconds, where tenths matter
    std::snprintf(text, sizeof text, "%.1f us", s * 1e6);
  else if (s < 0.001)
    std::snprintf(text, sizeof text, "%.0f us", s * 1e6);
  else if (s < 0.01)
    std::snprintf(text, sizeof text, "%.1f ms", s * 1e3);
  else if (s < 1)
    std::snprintf(text, sizeof text, "%.0f ms", s * 1e3);
  else
    std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

// 1234567 -> "1,234,567".
inline std::string with_commas(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return n < 0 ? "-" + digits : digits;
}

// "1 connection", "1,169 connections".
inline std::string plural(long long n, const char* one, const char* many) {
  return with_commas(n) + " " + (n == 1 ? one : many);
}

// "512 B", "8 KiB", "20,000 B": a size as a person would say it.
inline std::string bytes_text(std::size_t n) {
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n / 1024) + " KiB";
  return with_commas(static_cast<long long>(n)) + " B";
}

// An amount of memory at a glance: "512 B", "64 KiB", "1.4 MiB".
inline std::string approx_bytes(double n) {
  char text[32];
  if (n >= 1024.0 * 1024)
    std::snprintf(text, sizeof text, "%.1f MiB", n / (1024.0 * 1024));
  else if (n >= 1024)
    std::snprintf(text, sizeof text, "%.0f KiB", n / 1024);
  else
    std::snprintf(text, sizeof text, "%.0f B", n);
  return text;
}

// What came back for a line, described for a person: "" when it was exact.
inline std::string describe_difference(const std::string& sent, const std::string& got) {
  if (got == sent) return "";
  const std::string what = "a line of " + bytes_text(sent.size());
  if (got.empty()) return what + " got no answer";
  const auto at = std::mismatch(sent.begin(), sent.end(), got.begin(), got.end()).first;
  const auto offset = static_cast<std::size_t>(at - sent.begin());
  if (offset == got.size()) return what + " came back as its first " + bytes_text(got.size());
  return what + " came back different from byte " + with_commas(static_cast<long long>(offset));
}

}  // namespace echo_check
