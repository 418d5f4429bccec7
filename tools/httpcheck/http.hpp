// tools/httpcheck/http.hpp - the client side of one HTTP/1.0 exchange, bounded.
//
// A web server under test may answer, answer wrongly, stall, or never close, so an exchange
// never blocks without a bound: it connects with echo-check's connect_within, sends the
// request, and reads until the server closes (HTTP/1.0 without keep-alive: the close ends
// the body) or until the deadline. Whatever came is parsed into a response; "nothing came",
// "no end of headers", "no close" are fields of the outcome, for the verdicts to name.
#pragma once

#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include <echocheck/net.hpp>

namespace http_check {

using echo_check::clock;
using echo_check::endpoint;
using echo_check::millis;

// What came back for one request, as far as it came.
struct response {
  bool connected = false;     // the connection was established
  bool sent = false;          // the whole request was written
  std::string raw;            // every byte received
  bool closed = false;        // the server closed its side (EOF) before the deadline
  bool reset = false;         // the connection was reset (ECONNRESET) after what came
  bool headers_done = false;  // a blank line ended the headers
  int status = 0;             // the status code (0: no status line)
  std::string status_line;    // the first line, without CRLF
  std::vector<std::pair<std::string, std::string>> headers;  // name (lower case), value
  std::string body;                                          // the bytes after the blank line

  // The header's value ("" when absent): the first one named `name` (lower case).
  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers)
      if (key == name) return value;
    return "";
  }
  bool has_header(const std::string& name) const {
    for (const auto& h : headers)
      if (h.first == name) return true;
    return false;
  }
  // Content-Length as a number, or -1 when absent or not a number.
  long long content_length() const {
    const std::string v = header("content-length");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::atoll(v.c_str());
  }
  // The body is complete by its Content-Length (a response without one ends at the close).
  bool complete() const {
    const long long n = content_length();
    return headers_done && (n >= 0 ? static_cast<long long>(body.size()) >= n : closed);
  }
};

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string trim(const std::string& s) {
  const auto from = s.find_first_not_of(" \t\r\n");
  if (from == std::string::npos) return "";
  return s.substr(from, s.find_last_not_of(" \t\r\n") - from + 1);
}

// Splits `r.raw` into status line, headers and body. Lines may end in CRLF or a bare LF (a
// student's server that forgets the CR is still understood; browsers accept it too).
inline void parse(response& r) {
  const auto crlf = r.raw.find("\r\n\r\n"), lflf = r.raw.find("\n\n");
  std::size_t end = std::string::npos, body_at = 0;
  if (crlf != std::string::npos && (lflf == std::string::npos || crlf < lflf)) {
    end = crlf;
    body_at = crlf + 4;
  } else if (lflf != std::string::npos) {
    end = lflf;
    body_at = lflf + 2;
  }
  r.headers_done = end != std::string::npos;
  const std::string head = r.raw.substr(0, r.headers_done ? end : r.raw.size());
  r.body = r.headers_done ? r.raw.substr(body_at) : "";
  r.headers.clear();
  std::size_t at = 0;
  bool first = true;
  while (at <= head.size()) {
    auto nl = head.find('\n', at);
    if (nl == std::string::npos) nl = head.size();
    std::string line = head.substr(at, nl - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    at = nl + 1;
    if (first) {
      first = false;
      r.status_line = line;
      // "HTTP/1.x NNN reason"
      if (line.rfind("HTTP/", 0) == 0) {
        const auto space = line.find(' ');
        if (space != std::string::npos && space + 4 <= line.size() &&
            std::isdigit(static_cast<unsigned char>(line[space + 1])))
          r.status = std::atoi(line.c_str() + space + 1);
      }
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    r.headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
}

// The size of the whole response in `raw` (headers, blank line, Content-Length bytes of
// body), once its headers have come and name a Content-Length; 0 until then. Cheap: it
// looks at the headers only, so a loop reading megabytes can ask after every read.
inline std::size_t expected_size(const std::string& raw) {
  auto end = raw.find("\r\n\r\n");
  std::size_t skip = 4;
  if (const auto lf = raw.find("\n\n"); lf != std::string::npos && lf < end) {
    end = lf;
    skip = 2;
  }
  if (end == std::string::npos) return 0;
  response head;
  head.raw = raw.substr(0, end + skip);
  parse(head);
  const long long n = head.content_length();
  return n < 0 ? 0 : end + skip + static_cast<std::size_t>(n);
}

// How one exchange reads.
enum class until {
  close,     // until the server closes (or the deadline): the whole truth about the response
  complete,  // until the body is complete by its Content-Length, or the close (load, many)
};

// Reads the response on `fd` until the server closes, the body is complete (`how`), or the
// deadline passes.
inline response read_response(int fd, clock::time_point deadline, until how = until::close) {
  response r;
  r.connected = r.sent = true;
  char buf[65536];
  std::size_t whole = 0;  // the response's size, once its headers told
  for (;;) {
    if (how == until::complete && !r.raw.empty()) {
      if (whole == 0) whole = expected_size(r.raw);
      if (whole > 0 && r.raw.size() >= whole) break;
    }
    if (!echo_check::readable_by(fd, deadline)) break;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      r.reset = errno == ECONNRESET;
      break;
    }
    if (n == 0) {
      r.closed = true;
      break;
    }
    r.raw.append(buf, static_cast<std::size_t>(n));
  }
  parse(r);
  return r;
}

// One exchange: connect, send `request` as it is, read. A refused or failed connect is an
// outcome (connected false), not an exception.
inline response exchange(const endpoint& ep, const std::string& request, millis limit,
                         until how = until::close) {
  const auto deadline = clock::now() + limit;
  csapp::unique_fd fd;
  try {
    fd = echo_check::connect_within(ep, limit);
  } catch (const std::system_error&) {
    return {};
  }
  if (!echo_check::send_all(fd.get(), request)) {
    response r = read_response(fd.get(), deadline, how);  // a 400 may come before the rest
    r.sent = false;
    return r;
  }
  return read_response(fd.get(), deadline, how);
}

// "GET URI HTTP/1.0" with a Host header, as a browser would send it.
inline std::string get_request(const std::string& uri, const std::string& extra_headers = "") {
  return "GET " + uri + " HTTP/1.0\r\nHost: localhost\r\nUser-Agent: http-check\r\n" +
         extra_headers + "\r\n";
}

// The response in a few words for a verdict: "200 OK, 1,234 B of body, closed".
inline std::string describe(const response& r) {
  if (!r.connected) return "the connection was refused";
  if (r.raw.empty())
    return r.reset    ? "the connection was reset with no answer"
           : r.closed ? "the server closed the connection without an answer"
                      : "no answer at all";
  if (r.status == 0)
    return "an answer without a status line (\"" + r.status_line.substr(0, 40) + "\")";
  return "\"" + r.status_line + "\"";
}

}  // namespace http_check
