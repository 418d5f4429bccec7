// tools/echocheck/report.hpp - findings as text for a person, or as JSON for a script.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "checker.hpp"

namespace echo_check {

// `text` wrapped at `width` columns; continuation lines start with `indent` spaces.
inline std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = indent;
  std::size_t at = 0;
  while (at < text.size()) {
    auto space = text.find(' ', at);
    if (space == std::string::npos) space = text.size();
    const std::string word = text.substr(at, space - at);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    at = space + 1;
  }
  return out;
}

// The error lines a spawned server printed over the whole check. A server that prints errors
// has a flaw even when every client was served: each is a system call that failed (the
// book's wrappers print "Close error: Bad file descriptor" and end the process that did it).
struct server_errors {
  int count = 0;                  // error lines in all
  std::vector<std::string> last;  // the last of them (up to 5)
};

inline std::string flaw_names(const std::vector<finding>& findings) {
  std::string names;
  for (const auto& f : findings)
    if (!f.passed) names += (names.empty() ? "" : ", ") + f.scenario;
  return names;
}

// `tool` heads the report ("echo-check 127.0.0.1:8000"): http-check prints findings this way too.
inline void print_text(std::FILE* out, const std::string& server,
                       const std::vector<finding>& findings, const server_errors& errors = {},
                       const char* tool = "echo-check") {
  std::fprintf(out, "%s %s\n", tool, server.c_str());
  for (const auto& f : findings)
    std::fprintf(out, "%s  %-13s  %s\n", f.passed ? "PASS" : "FLAW", f.scenario.c_str(),
                 wrap(f.verdict, 21, 100).c_str());
  if (errors.count > 0)
    std::fprintf(out, "FLAW  %-13s  %s\n", "server-errors",
                 wrap("the server printed " + plural(errors.count, "error line", "error lines") +
                          " on its stderr" + (errors.count > 5 ? ", the last 5: " : ": ") +
                          quoted(errors.last),
                      21, 100)
                     .c_str());
  std::string flaws = flaw_names(findings);
  if (errors.count > 0) flaws += (flaws.empty() ? "" : ", ") + std::string("server-errors");
  if (flaws.empty())
    std::fprintf(out, "every scenario passed\n");
  else
    std::fprintf(out, "flaws found: %s\n", flaws.c_str());
}

inline std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

inline std::string json_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

inline void print_json(std::FILE* out, const std::string& server, pid_t pid,
                       const std::vector<finding>& findings, const server_errors& errors = {}) {
  std::string json = "{\"server\":" + json_string(server);
  if (pid > 0) json += ",\"pid\":" + std::to_string(pid);
  const bool passed = flaw_names(findings).empty() && errors.count == 0;
  json += ",\"passed\":" + std::string(passed ? "true" : "false");
  if (errors.count > 0) {
    json += ",\"server_errors\":{\"count\":" + std::to_string(errors.count) + ",\"last\":[";
    for (std::size_t i = 0; i < errors.last.size(); ++i)
      json += (i > 0 ? "," : "") + json_string(errors.last[i]);
    json += "]}";
  }
  json += ",\"scenarios\":[";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const finding& f = findings[i];
    json += (i > 0 ? "," : "") + std::string("{\"name\":") + json_string(f.scenario) +
            ",\"passed\":" + (f.passed ? "true" : "false") +
            ",\"verdict\":" + json_string(f.verdict) + ",\"metrics\":{";
    for (std::size_t m = 0; m < f.metrics.size(); ++m)
      json += (m > 0 ? "," : "") + json_string(f.metrics[m].key) + ":" +
              json_number(f.metrics[m].value);
    json += "}}";
  }
  json += "]}\n";
  std::fputs(json.c_str(), out);
}

}  // namespace echo_check
