// tools/echocheck/watch.hpp - what a spawned server said, and whether it is still there.
//
// The checkers (echo-check, http-check) look at their spawned server's log after every
// scenario: lines that say something failed are counted and quoted in the report, and a server
// that ended is named with how it ended and its last words, so a verdict can say "the server
// died of SIGSEGV" instead of "the next client was not served".
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "checker.hpp"
#include "proc.hpp"
#include "report.hpp"
#include "spawn.hpp"

namespace echo_check {

// A line a server prints when something failed: the book's wrappers ("Close error: Bad file
// descriptor"), the C++ runtime, a sanitizer, an assertion.
inline bool error_line(std::string line) {
  for (auto& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* sign : {"error", "terminate called", "abort", "segmentation fault", "sanitizer",
                           "assert", "fatal", "panic"})
    if (line.find(sign) != std::string::npos) return true;
  return false;
}

// The last `n` of `lines`.
inline std::vector<std::string> last_of(const std::vector<std::string>& lines, std::size_t n) {
  return {lines.end() - static_cast<std::ptrdiff_t>(std::min(n, lines.size())), lines.end()};
}

// The news since the last call (`log_read` is how far the log has been read), with the error
// lines also added to `errors`, the tally over the whole check.
inline server_news news_of(child_process& spawned, off_t& log_read, server_errors& errors,
                           millis limit) {
  server_news news;
  for (auto& line : spawned.new_log_lines(log_read))
    if (error_line(line)) news.errors.push_back(std::move(line));
  errors.count += static_cast<int>(news.errors.size());
  for (const auto& line : last_of(news.errors, 5)) errors.last.push_back(line);
  errors.last = last_of(errors.last, 5);
  news.ended = spawned.how_it_ended();
  // A dying server can look gone (its main thread a zombie, its sockets closed) while the rest
  // of it still exits (a sanitizer's leak check, say): wait for the end itself, bounded, so the
  // verdict can say how it ended.
  const pid_t pid = spawned.pid();
  if (news.ended.empty() && (!process_exists(pid) || process_state(pid) == 'Z')) {
    spawned.wait_exit(limit);
    news.ended = spawned.how_it_ended();
  }
  if (!news.ended.empty()) news.last_lines = last_of(spawned.log_lines(), 5);
  return news;
}

}  // namespace echo_check
