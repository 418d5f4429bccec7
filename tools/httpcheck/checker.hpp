// tools/httpcheck/checker.hpp - the scenarios: what a web server is checked for.
//
// The web-server twin of echo-check's checker (tools/echocheck/checker.hpp), with the same
// findings (a pass or a flaw, a sentence in plain words, the numbers behind it) and the same
// rule: time decides nothing about bytes; it enters only as patience, how long a client waits
// before the checker concludes that nobody serves it. The server serves a root laid out by
// root.hpp, so every byte it should send is known here.
//
// The exercises of Chapter 12 (Tiny made concurrent, 12.35-12.39) run these scenarios as a
// library; http-check (tools/http-check.cpp) is their command line.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <echocheck/checker.hpp>
#include <echocheck/load.hpp>
#include <echocheck/net.hpp>
#include <echocheck/proc.hpp>
#include <echocheck/words.hpp>

#include "http.hpp"
#include "root.hpp"

namespace http_check {

using echo_check::finding;
using echo_check::human_seconds;
using echo_check::metric;
using echo_check::plural;
using echo_check::server_news;
using echo_check::with_commas;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

struct check_options {
  bool cgi = true;                      // the root has cgi-bin/adder
  std::string no_cgi_why;               // when it has not: why (the cgi scenario says so)
  int many = 8;                         // clients downloading the large file at once
  int load_clients = 8;                 // clients at once in the load scenario
  millis load_duration{2s};             // how long the load runs
  std::string load_uri = "/home.html";  // what the load asks for
  millis patience{2s};                  // how long a client waits before "not served" is concluded
  millis event_limit{10s};              // the bound for anything that should happen
  pid_t pid = 0;                        // the server's process, for /proc readings (0: unknown)
  std::function<server_news()> watch;   // after each scenario, when the server's output is known
};

// Every scenario, in the order they run. "resources" needs the server's pid.
inline const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names = {"static",      "cgi",         "errors",
                                                 "escape",      "slow-client", "many",
                                                 "bad-clients", "load",        "resources"};
  return names;
}

// "/large.jpg (3.0 MiB)".
inline std::string file_text(const served_file& f) {
  return f.uri + " (" + echo_check::approx_bytes(static_cast<double>(f.content.size())) + ")";
}

// What is wrong with a response that should have carried `f` ("" when nothing is).
inline std::string static_problem(const response& r, const served_file& f, const std::string& uri) {
  const std::string what = "GET " + uri;
  if (r.status != 200) return what + " got " + describe(r) + ", expected 200 OK";
  if (!r.headers_done) return what + ": no blank line ended the headers";
  const long long length = r.content_length();
  const auto size = static_cast<long long>(f.content.size());
  if (length < 0) return what + ": no Content-Length header (a client cannot tell a cut body)";
  if (length != size)
    return what + ": Content-Length said " + with_commas(length) + " for a file of " +
           with_commas(size) + " bytes (the body sent was " +
           with_commas(static_cast<long long>(r.body.size())) +
           "): Content-Length must be the body's size";
  if (r.body != f.content) {
    if (r.body.size() < f.content.size() && f.content.compare(0, r.body.size(), r.body) == 0)
      return what + ": the body was cut off after " +
             with_commas(static_cast<long long>(r.body.size())) + " of " + with_commas(size) +
             " bytes" +
             (r.reset    ? " (reset)"
              : r.closed ? " (closed)"
                         : " (no more came)") +
             ": is every byte written (a short write, or a buffer of MAXBUF)?";
    if (r.body.size() > f.content.size() && r.body.compare(0, f.content.size(), f.content) == 0)
      return what + ": " + with_commas(static_cast<long long>(r.body.size() - f.content.size())) +
             " bytes more than the file came after its body";
    const auto at =
        std::mismatch(r.body.begin(), r.body.end(), f.content.begin(), f.content.end()).first -
        r.body.begin();
    return what + ": the body differs from the file from byte " + with_commas(at) +
           " (a binary file must be sent as bytes, not as a string that ends at a NUL)";
  }
  const std::string type =
      lower(trim(r.header("content-type").substr(0, r.header("content-type").find(';'))));
  if (type != f.content_type)
    return what + ": Content-Type was \"" + r.header("content-type") + "\", expected " +
           f.content_type;
  return "";
}

class checker {
 public:
  checker(endpoint ep, check_options opt) : ep_(std::move(ep)), opt_(std::move(opt)) {}

  // Runs the named scenarios (in the canonical order). A server that stops answering is a
  // finding, never an exception.
  std::vector<finding> run(const std::vector<std::string>& wanted) {
    if (opt_.pid > 0 && echo_check::wanted_scenario(wanted, "resources")) take_baseline();
    return echo_check::run_scenarios(
        scenario_names(), wanted, [&](const std::string& name) { return run_one(name); },
        [&] { return gone_note(); },
        [&](finding& f) {
          if (opt_.watch) echo_check::tell_news(f, opt_.watch(), told_end_);
        });
  }

 private:
  finding run_one(const std::string& name) {
    using scenario = finding (checker::*)();
    static const std::pair<const char*, scenario> scenarios[] = {
        {"static", &checker::check_static},           {"cgi", &checker::check_cgi},
        {"errors", &checker::check_errors},           {"escape", &checker::check_escape},
        {"slow-client", &checker::check_slow_client}, {"many", &checker::check_many},
        {"bad-clients", &checker::check_bad_clients}, {"load", &checker::check_load},
        {"resources", &checker::check_resources},
    };
    for (const auto& [scenario_name, run] : scenarios)
      if (name == scenario_name) return (this->*run)();
    throw std::invalid_argument("http-check: no scenario named " + name);
  }

  clock::time_point patience_end() const { return clock::now() + opt_.patience; }
  clock::time_point event_end() const { return clock::now() + opt_.event_limit; }
  std::string patience_text() const { return human_seconds(opt_.patience.count() / 1e3); }

  // One request on a connection of its own: the response until it is complete by its
  // Content-Length (within the event limit), then, when `wait_close`, until the server closes
  // (within patience): HTTP/1.0 without keep-alive ends each exchange with a close.
  response fetch(const std::string& request, bool wait_close = true) {
    ++requests_;
    const auto deadline = event_end();
    csapp::unique_fd fd;
    try {
      fd = echo_check::connect_within(ep_, opt_.event_limit);
    } catch (const std::system_error&) {
      return {};
    }
    const bool sent = echo_check::send_all(fd.get(), request);
    response r = read_response(fd.get(), deadline, until::complete);
    r.sent = sent;
    if (wait_close && !r.closed && !r.reset) {
      const response rest = read_response(fd.get(), patience_end(), until::close);
      r.raw += rest.raw;
      r.closed = rest.closed;
      r.reset = rest.reset;
      parse(r);
    }
    return r;
  }
  response get(const std::string& uri, bool wait_close = true) {
    return fetch(get_request(uri), wait_close);
  }

  // "" while GET /home.html still gets the home page; otherwise what it got.
  std::string still_serving() {
    const response r = get("/home.html", false);
    if (r.status == 200 && r.body == home_page()) return "";
    return describe(r) + gone_note();
  }

  // " (the server process is gone)" when we know its pid and it is.
  std::string gone_note() const {
    if (opt_.pid <= 0) return "";
    const auto gone = [&] {
      return !echo_check::process_exists(opt_.pid) || echo_check::process_state(opt_.pid) == 'Z';
    };
    const auto end = patience_end();
    while (!gone() && clock::now() < end) ::usleep(10'000);  // polls the event, bounded
    return gone() ? " (the server process is gone)" : "";
  }

  // Every file byte-exact, with the right Content-Type and Content-Length, and the
  // connection closed after each response.
  finding check_static() {
    std::vector<std::string> problems;
    int unclosed = 0;
    auto check = [&](const std::string& uri, const served_file& f) {
      const response r = get(uri);
      if (const std::string p = static_problem(r, f, uri); !p.empty())
        problems.push_back(p);
      else if (!r.closed)
        ++unclosed;
    };
    check("/", root_files().front());  // "/" is the home page
    for (const auto& f : root_files()) check(f.uri, f);
    finding f{"static", problems.empty() && unclosed == 0, "", {}};
    if (!problems.empty()) {
      f.verdict = problems.front();
      for (std::size_t i = 1; i < problems.size() && i < 3; ++i) f.verdict += "; " + problems[i];
    } else if (unclosed > 0) {
      f.verdict = "every response was right, but " +
                  plural(unclosed, "connection was", "connections were") +
                  " not closed by the server " + patience_text() +
                  " after the response: an HTTP/1.0 client reads until the close, so it hangs "
                  "(is connfd closed?)";
    } else {
      f.verdict = "/, /home.html, a text file, a binary file of " +
                  with_commas(static_cast<long long>(root_files()[2].content.size())) +
                  " bytes and " + file_text(large_file()) +
                  " came back byte-exact, with the right Content-Type and Content-Length, and "
                  "the server closed each connection";
    }
    f.metrics = {{"files", static_cast<double>(root_files().size() + 1)},
                 {"problems", static_cast<double>(problems.size())},
                 {"unclosed", static_cast<double>(unclosed)}};
    return f;
  }

  // The adder's sum appears in the body.
  finding check_cgi() {
    if (!opt_.cgi) return {"cgi", true, "skipped: " + opt_.no_cgi_why, {{"skipped", 1}}};
    const std::pair<int, int> sums[] = {{15000, 213}, {1, 2}, {40000, 2}};
    for (const auto& [a, b] : sums) {
      const std::string uri = "/cgi-bin/adder?" + std::to_string(a) + "&" + std::to_string(b);
      const response r = get(uri);
      if (r.status != 200 || r.body.find(std::to_string(a + b)) == std::string::npos) {
        ++cgi_requests_;
        return {"cgi",
                false,
                "GET " + uri + " got " + describe(r) +
                    (r.status == 200 ? " without " + std::to_string(a + b) + " in its body"
                                     : ", expected 200 OK with the sum " + std::to_string(a + b)),
                {}};
      }
      ++cgi_requests_;
    }
    return {"cgi",
            true,
            "the adder answered 3 requests (15000&213, 1&2, 40000&2) with the right sums",
            {{"requests", 3}}};
  }

  // Error paths: each gets its status, and the server goes on serving.
  finding check_errors() {
    struct error_case {
      const char* what;
      std::string request;
      std::vector<int> statuses;  // the acceptable ones, the book's first
    };
    const std::vector<error_case> cases = {
        {"a missing file", get_request("/no-such-file.html"), {404}},
        {"a file nobody may read", get_request("/" + secret_name()), {403}},
        {"a malformed request line", "HELLO\r\n\r\n", {400}},
        {"an empty request line", "\r\n\r\n", {400}},
        {"a request line of 20,000 bytes",
         "GET /" + std::string(20000 - 20, 'a') + " HTTP/1.0\r\n\r\n",
         {400, 414}},
        {"a header line of 20,000 bytes",
         "GET /home.html HTTP/1.0\r\nX-Filler: " + std::string(20000 - 12, 'b') + "\r\n\r\n",
         {400, 431}},
        {"an unknown method (POST)",
         "POST /home.html HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
         {501}},
    };
    std::vector<std::string> problems;
    std::string answers;
    for (const auto& c : cases) {
      const response r = fetch(c.request, false);
      const bool right =
          std::find(c.statuses.begin(), c.statuses.end(), r.status) != c.statuses.end();
      answers += (answers.empty() ? "" : ", ") + std::to_string(r.status);
      if (!right)
        problems.push_back(std::string(c.what) + " got " + describe(r) + ", expected " +
                           std::to_string(c.statuses.front()));
      if (const std::string lost = still_serving(); !lost.empty()) {
        problems.push_back("after " + std::string(c.what) +
                           ", the server stopped serving: GET /home.html got " + lost);
        break;
      }
    }
    finding f{"errors", problems.empty(), "", {{"problems", static_cast<double>(problems.size())}}};
    if (problems.empty()) {
      f.verdict =
          "a missing file, an unreadable file, malformed, empty and over-long request "
          "lines and headers, and an unknown method got " +
          answers + ", and the server went on serving after each";
      return f;
    }
    for (std::size_t i = 0; i < problems.size() && i < 4; ++i)
      f.verdict += (i > 0 ? "; " : "") + problems[i];
    if (problems.size() > 4) f.verdict += "; and " + std::to_string(problems.size() - 4) + " more";
    return f;
  }

  // No URI that climbs out of the root brings back the sentinel next to it.
  finding check_escape() {
    const std::string& s = sentinel_name();
    const std::vector<std::string> uris = {"/../" + s,
                                           "/%2e%2e/" + s,
                                           "/%2E%2E/" + s,
                                           "/cgi-bin/../../" + s,
                                           "/./../" + s,
                                           "/..%2f" + s,
                                           "/%2e%2e%2f" + s,
                                           "//../" + s,
                                           "/home.html/../../" + s,
                                           "/notes.txt/%2e%2e/%2e%2e/" + s};
    std::vector<std::string> served;
    std::map<int, int> statuses;
    for (const auto& uri : uris) {
      const response r = get(uri, false);
      ++statuses[r.status];
      if (r.raw.find(sentinel_text()) != std::string::npos) served.push_back(uri);
    }
    const std::string lost = still_serving();
    std::string answers;
    for (const auto& [status, count] : statuses)
      answers += (answers.empty() ? "" : ", ") +
                 (status == 0 ? std::string("no answer") : std::to_string(status)) + " x" +
                 std::to_string(count);
    finding f{"escape",
              served.empty() && lost.empty(),
              "",
              {{"uris", static_cast<double>(uris.size())},
               {"escaped", static_cast<double>(served.size())}}};
    if (!served.empty()) {
      f.verdict = "the server served a file from outside its document root for " +
                  plural(static_cast<long long>(served.size()), "URI", "URIs") + " (";
      for (std::size_t i = 0; i < served.size() && i < 3; ++i)
        f.verdict += (i > 0 ? ", " : "") + served[i];
      f.verdict += served.size() > 3 ? ", ...)" : ")";
      f.verdict +=
          ": a path with a .. segment, percent-encoded (%2e%2e) or not, must be refused "
          "(403 or 404) after decoding";
    } else {
      f.verdict = "none of " + std::to_string(uris.size()) +
                  " URIs that climb out of the root (.., %2e%2e, via cgi-bin/) served the file "
                  "next to it (answers: " +
                  answers + ")";
    }
    if (!lost.empty()) f.verdict += "; afterwards GET /home.html got " + lost;
    return f;
  }

  // A client that sends half a request and waits must not keep another from being served.
  finding check_slow_client() {
    csapp::unique_fd slow = echo_check::connect_within(ep_, opt_.event_limit);
    const std::string request = get_request("/notes.txt");
    const std::size_t half = request.size() / 2;
    echo_check::send_all(slow.get(), request.substr(0, half));
    const auto sent = clock::now();
    // Another client, with a patience's wait for a complete answer.
    csapp::unique_fd other = echo_check::connect_within(ep_, opt_.event_limit);
    echo_check::send_all(other.get(), get_request("/home.html"));
    response r = read_response(other.get(), sent + opt_.patience, until::complete);
    const double wait = echo_check::seconds_between(sent, clock::now());
    // Served: an answer came, whole by its Content-Length or ended by the close (whether its
    // bytes are right is the static scenario's business).
    const auto answered = [](const response& x) {
      return x.status != 0 && (x.complete() || x.closed);
    };
    const bool served = answered(r);
    // The slow client finishes its request: it must get its answer too.
    echo_check::send_all(slow.get(), request.substr(half));
    const response slow_r = read_response(slow.get(), event_end(), until::complete);
    const bool slow_ok = slow_r.status == 200 && answered(slow_r);
    requests_ += 2;
    if (!served) {
      // Finishing the request may have freed it; else the slow client's leaving.
      std::string after = "once that request was finished";
      response later = read_response(other.get(), patience_end(), until::complete);
      if (!answered(later)) {
        slow.reset();
        after = "only when that client left";
        later = read_response(other.get(), event_end(), until::complete);
      }
      r.raw += later.raw;
      parse(r);
      return {"slow-client",
              false,
              "a client that sent half a request stalls everyone: another client waited " +
                  human_seconds(wait) +
                  (answered(r) ? ", and was served " + after
                               : ", and was not served even when that client left") +
                  " (a server that reads a whole request with blocking reads serves one "
                  "client at a time)",
              {{"other_wait_s", wait}}};
    }
    if (!slow_ok)
      return {
          "slow-client",
          false,
          "a request sent in two parts got " + describe(slow_r) + ", expected 200 OK with the file",
          {{"other_wait_s", wait}}};
    return {"slow-client",
            true,
            "a client that sent half a request did not hold up another (served in " +
                human_seconds(wait) + "), and got its answer once it finished the request",
            {{"other_wait_s", wait}}};
  }

  // N clients download the large file at once; every one gets it whole.
  finding check_many() {
    const int n = opt_.many;
    struct download {
      csapp::unique_fd fd;
      std::string raw;
      bool closed = false, reset = false;
      std::size_t whole = 0;  // the response's size, once its headers told
    };
    std::vector<download> d(static_cast<std::size_t>(n));
    const std::string request = get_request(large_file().uri);
    const auto started = clock::now();
    int refused = 0;
    for (auto& one : d) {
      try {
        one.fd = echo_check::connect_within(ep_, opt_.event_limit);
        echo_check::send_all(one.fd.get(), request);
      } catch (const std::system_error&) {
        ++refused;
        one.closed = true;
      }
    }
    requests_ += n;
    // One poll loop reads them all, as they come, until each closed or the limit.
    const auto end = started + opt_.event_limit + opt_.patience * n;
    std::vector<char> buf(1 << 16);
    for (;;) {
      std::vector<pollfd> fds;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < d.size(); ++i)
        if (d[i].fd && !d[i].closed) {
          fds.push_back({d[i].fd.get(), POLLIN, 0});
          which.push_back(i);
        }
      if (fds.empty() || clock::now() >= end) break;
      const int ready = ::poll(fds.data(), fds.size(), echo_check::millis_until(end));
      if (ready < 0 && errno != EINTR) csapp::throw_errno("poll");
      for (std::size_t k = 0; ready > 0 && k < fds.size(); ++k) {
        if (fds[k].revents == 0) continue;
        download& one = d[which[k]];
        const ssize_t got = ::read(one.fd.get(), buf.data(), buf.size());
        if (got > 0) {
          one.raw.append(buf.data(), static_cast<std::size_t>(got));
          if (one.whole == 0) one.whole = expected_size(one.raw);
          if (one.whole > 0 && one.raw.size() >= one.whole) one.closed = true;  // done reading
        }
        if (got == 0 || (got < 0 && errno != EINTR)) {
          one.closed = true;
          one.reset = got < 0;
        }
      }
    }
    const double seconds = echo_check::seconds_between(started, clock::now());
    int whole = 0;
    std::string first_problem;
    for (auto& one : d) {
      response r;
      r.raw = std::move(one.raw);
      r.closed = one.closed;
      r.reset = one.reset;
      r.connected = static_cast<bool>(one.fd);
      parse(r);
      const std::string p = static_problem(r, large_file(), large_file().uri);
      if (p.empty())
        ++whole;
      else if (first_problem.empty())
        first_problem = p;
    }
    finding f{"many",
              whole == n,
              "",
              {{"clients", static_cast<double>(n)},
               {"whole", static_cast<double>(whole)},
               {"seconds", seconds}}};
    if (whole == n) {
      f.verdict = std::to_string(n) + " clients downloading " + file_text(large_file()) +
                  " at once all got it byte-exact, in " + human_seconds(seconds);
    } else {
      f.verdict = std::to_string(whole) + " of " + std::to_string(n) + " clients downloading " +
                  file_text(large_file()) + " at once got it whole" +
                  (refused > 0 ? " (" + std::to_string(refused) + " could not connect)" : "") +
                  "; the first problem: " + first_problem;
    }
    return f;
  }

  // Waits (bounded by patience) until the server holds no more descriptors than `fds`: the
  // connections of the clients just gone are let go, so what their going does has happened.
  void wait_for_fds(int fds) {
    if (opt_.pid <= 0 || fds < 0) return;
    const auto end = patience_end();
    while (clock::now() < end) {
      const int now = echo_check::read_proc(opt_.pid).fds;
      if (now < 0 || now <= fds) return;
      ::usleep(10'000);  // polls the event, bounded
    }
  }

  // Clients that reset mid-response, close early, say nothing, or send half a request and
  // reset: the server lives, and serves the next one.
  finding check_bad_clients() {
    const int fds_before = opt_.pid > 0 ? echo_check::read_proc(opt_.pid).fds : -1;
    struct kind {
      const char* what;
      std::function<void()> play;
    };
    // A response the kernel cannot hold in flight, to a client with a small receive buffer:
    // the server is still writing when the client goes, so its next write fails every time.
    const std::string big = get_request(unbufferable_file().uri);
    auto small_window = [&] {
      csapp::unique_fd fd = echo_check::connect_within(ep_, opt_.event_limit);
      const int bytes = 8192;
      ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
      return fd;
    };
    const std::vector<kind> kinds = {
        {"clients that reset the connection mid-response (SO_LINGER 0)",
         [&] {
           csapp::unique_fd fd = small_window();
           echo_check::send_all(fd.get(), big);
           echo_check::read_up_to(fd.get(), std::size_t{64} * 1024, patience_end());
           echo_check::reset_on_close(fd.get());
         }},
        {"clients that closed before reading the response",
         [&] {
           csapp::unique_fd fd = small_window();
           echo_check::send_all(fd.get(), big);
         }},
        {"clients that connected and closed without a byte",
         [&] { echo_check::connect_within(ep_, opt_.event_limit); }},
        {"clients that sent half a request and reset",
         [&] {
           csapp::unique_fd fd = echo_check::connect_within(ep_, opt_.event_limit);
           echo_check::send_all(fd.get(), big.substr(0, 10));
           echo_check::reset_on_close(fd.get());
         }},
    };
    constexpr int each = 4;
    for (const auto& k : kinds) {
      try {
        for (int i = 0; i < each; ++i) k.play();
      } catch (const std::system_error& e) {
        return {"bad-clients",
                false,
                "while " + std::to_string(each) + " " + k.what +
                    " came, the server stopped answering: " + e.what() + gone_note(),
                {}};
      }
      requests_ += each;
      wait_for_fds(fds_before);
      if (const std::string lost = still_serving(); !lost.empty())
        return {"bad-clients",
                false,
                "after " + std::to_string(each) + " " + k.what +
                    ", the server stopped serving: GET /home.html got " + lost +
                    " (a write to a client that has gone fails with EPIPE, or SIGPIPE ends the "
                    "process: it must end that client only)",
                {}};
    }
    return {"bad-clients",
            true,
            "the server went on serving after clients that reset mid-response, closed before "
            "reading, sent nothing, or sent half a request and reset (" +
                std::to_string(each) + " of each)",
            {{"bad_clients", each * static_cast<double>(kinds.size())}}};
  }

  // C clients for a duration, each request on a new connection with Connection: close.
  finding check_load() {
    const int c = opt_.load_clients;
    const std::string request = get_request(opt_.load_uri, "Connection: close\r\n");
    const served_file* expected = nullptr;
    for (const auto& f : root_files())
      if (f.uri == opt_.load_uri) expected = &f;
    std::mutex m;
    std::vector<std::int64_t> latencies;
    std::atomic<long long> failed{0}, wrong{0};
    std::string first_failure;
    const double cpu_before = opt_.pid > 0 ? echo_check::tree_cpu_seconds(opt_.pid) : 0;
    const auto started = clock::now();
    const auto end = started + opt_.load_duration;
    std::vector<std::thread> clients;
    clients.reserve(static_cast<std::size_t>(c));
    for (int i = 0; i < c; ++i)
      clients.emplace_back([&] {
        std::vector<std::int64_t> mine;
        while (clock::now() < end) {
          const auto t0 = clock::now();
          const response r = exchange(ep_, request, opt_.patience, until::complete);
          const auto t1 = clock::now();
          const bool ok = r.status == 200 && r.complete() &&
                          (expected == nullptr || r.body == expected->content);
          if (ok) {
            mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
            continue;
          }
          (r.status == 200 ? wrong : failed) += 1;
          std::lock_guard<std::mutex> lock(m);
          if (first_failure.empty())
            first_failure =
                describe(r) +
                (r.status == 200
                     ? " with a body of " + with_commas(static_cast<long long>(r.body.size())) +
                           " bytes and Content-Length " + r.header("content-length")
                     : "");
          if (!r.connected) break;  // refused: no point hammering
        }
        std::lock_guard<std::mutex> lock(m);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
      });
    for (auto& t : clients) t.join();
    const double seconds = echo_check::seconds_between(started, clock::now());
    const double cpu_after = opt_.pid > 0 ? echo_check::tree_cpu_seconds(opt_.pid) : 0;
    const auto n = static_cast<long long>(latencies.size());
    requests_ += static_cast<int>(n + failed + wrong);
    const echo_check::latency_summary l = echo_check::summarize_latencies(latencies);
    const double per_second = seconds > 0 ? static_cast<double>(n) / seconds : 0;
    finding f{"load",
              failed == 0 && wrong == 0 && n > 0,
              "",
              {{"clients", static_cast<double>(c)},
               {"requests", static_cast<double>(n)},
               {"requests_per_s", per_second},
               {"p50_s", l.p50},
               {"p90_s", l.p90},
               {"p99_s", l.p99},
               {"max_s", l.max},
               {"failed", static_cast<double>(failed + wrong)},
               {"seconds", seconds}}};
    f.verdict = std::to_string(c) + (c == 1 ? " client" : " clients") + " for " +
                human_seconds(seconds) + ", GET " + opt_.load_uri +
                " with Connection: close: " + with_commas(static_cast<long long>(per_second)) +
                " requests/s";
    if (n > 0)
      f.verdict += "; latency p50 " + human_seconds(l.p50) + ", p90 " + human_seconds(l.p90) +
                   ", p99 " + human_seconds(l.p99) + ", max " + human_seconds(l.max);
    if (opt_.pid > 0 && n > 0) {
      // Counted in clock ticks: below one tick in all, the honest figure is a bound.
      const double cpu = (cpu_after - cpu_before) / static_cast<double>(n);
      const double resolution = echo_check::cpu_tick_seconds() / static_cast<double>(n);
      f.metrics.push_back({"server_cpu_per_request_s", cpu});
      f.metrics.push_back({"request_cpu_resolution_s", resolution});
      f.verdict += "; server CPU " +
                   (cpu > 0 ? human_seconds(cpu) : "under " + human_seconds(resolution)) +
                   " per request";
    }
    if (failed + wrong > 0)
      f.verdict += ". " + plural(failed + wrong, "request", "requests") +
                   " failed or came back wrong (the first: " + first_failure + ")";
    else if (n == 0)
      f.verdict += ". No request was served";
    return f;
  }

  // Waits (bounded by event_limit) until `done` holds, checking every 10 ms.
  template <class Predicate>
  bool wait_until(Predicate done, millis limit = millis(0)) {
    const auto end = clock::now() + (limit.count() > 0 ? limit : opt_.event_limit);
    while (!done()) {
      if (clock::now() >= end) return false;
      ::usleep(10'000);
    }
    return true;
  }

  // After a warm-up (a page and, with CGI, one sum): what the idle server holds.
  void take_baseline() {
    get("/home.html");
    if (opt_.cgi) {
      get("/cgi-bin/adder?1&1");
      ++cgi_requests_;
    }
    // A CGI child (or a process server's child) may still be exiting: the count starts once
    // it is reaped, or says it was not.
    reaps_ = wait_until([&] { return echo_check::read_proc(opt_.pid).children == 0; });
    baseline_ = echo_check::read_proc(opt_.pid);
  }

  // Once every client has left, the server holds what it held before.
  finding check_resources() {
    if (opt_.pid <= 0) return {"resources", false, "needs --pid", {}};
    if (baseline_.fds < 0) return {"resources", false, "the server process was not found", {}};
    echo_check::proc_reading now;
    // A server that left the warm-up's child unreaped for the whole event limit has shown it
    // does not reap: waiting that long again would only repeat it, so patience is enough.
    wait_until(
        [&] {
          now = echo_check::read_proc(opt_.pid);
          if (now.fds < 0) return true;
          return now.fds <= baseline_.fds && now.zombies == 0 && now.children <= baseline_.children;
        },
        reaps_ ? opt_.event_limit : opt_.patience);
    finding f{"resources",
              true,
              "",
              {{"fds_before", static_cast<double>(baseline_.fds)},
               {"fds_after", static_cast<double>(now.fds)},
               {"threads_before", static_cast<double>(baseline_.threads)},
               {"threads_after", static_cast<double>(now.threads)},
               {"children_before", static_cast<double>(baseline_.children)},
               {"children_after", static_cast<double>(now.children)},
               {"zombies_after", static_cast<double>(now.zombies)},
               {"requests", static_cast<double>(requests_)}}};
    if (now.fds < 0) {
      f.passed = false;
      f.verdict = "the server process is gone";
      return f;
    }
    std::vector<std::string> flaws;
    if (now.fds > baseline_.fds) {
      const int grew = now.fds - baseline_.fds;
      std::string why = grew * 4 >= requests_ ? ": it never closes connfd (or the file it serves)"
                                              : ": something opened is not closed";
      flaws.push_back("the server held " + plural(baseline_.fds, "descriptor", "descriptors") +
                      " before " + plural(requests_, "request", "requests") + " and " +
                      with_commas(now.fds) + " after" + why);
    }
    if (now.zombies > 0)
      flaws.push_back(plural(now.zombies, "zombie child", "zombie children") + " after " +
                      plural(cgi_requests_, "CGI request", "CGI requests") +
                      ": the server never reaps its children (waitpid)");
    if (now.children - now.zombies > baseline_.children)
      flaws.push_back(std::to_string(now.children - now.zombies) +
                      " child processes still running after every client left");
    f.verdict = "after " + plural(requests_, "request", "requests") + ": descriptors " +
                std::to_string(baseline_.fds) + " -> " + std::to_string(now.fds) + ", threads " +
                std::to_string(baseline_.threads) + " -> " + std::to_string(now.threads) +
                ", child processes " + std::to_string(baseline_.children) + " -> " +
                std::to_string(now.children);
    for (const auto& flaw : flaws) f.verdict += "; " + flaw;
    f.passed = flaws.empty();
    return f;
  }

  endpoint ep_;
  check_options opt_;
  echo_check::proc_reading baseline_;  // the idle server after a warm-up
  bool reaps_ = true;                  // the warm-up's children were reaped in time
  int requests_ = 0;                   // requests (connections) made so far
  int cgi_requests_ = 0;               // of them, to the adder
  bool told_end_ = false;              // a verdict has said how the server ended
};

}  // namespace http_check
