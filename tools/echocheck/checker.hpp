// tools/echocheck/checker.hpp - the scenarios: what a line-echo server is checked for.
//
// Each scenario plays clients against the server and turns what it saw into a finding: a
// pass or a flaw, a sentence that says what happened in terms of what a user of the server
// would notice, and the numbers behind it. A scenario never decides from timing alone
// whether bytes are right; time enters only as "patience": how long a client waits before
// the checker concludes that nobody is serving it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "load.hpp"
#include "net.hpp"
#include "proc.hpp"
#include "words.hpp"

namespace echo_check {

// What a spawned server printed and how it ended, as far as the checker's caller knows.
struct server_news {
  std::vector<std::string> errors;      // error lines it printed since the last look
  std::vector<std::string> last_lines;  // its last lines so far (up to 5)
  std::string ended;                    // how it ended ("exited with status 1"); "" while it runs
};

struct check_options {
  load_options load;                         // the load scenario's shape
  int churn = 1000;                          // short connections in the churn scenario
  int churn_at_once = 8;                     // of them, at most this many at a time
  int slow_readers = 8;                      // clients that send and never read, in slow-readers
  std::size_t slow_reader_bytes = 16 << 20;  // what each of them tries to send
  millis patience{2s};                 // how long a client waits before "not served" is concluded
  millis event_limit{10s};             // the bound for anything that should happen (connect, EOF)
  pid_t pid = 0;                       // the server's process, for /proc readings (0: unknown)
  tick_function on_tick;               // called during load and churn runs (progress, sampling)
  std::function<server_news()> watch;  // after each scenario, when the server's output is known
};

// Lines quoted for a verdict: "first", "second".
inline std::string quoted(const std::vector<std::string>& lines) {
  std::string text;
  for (std::size_t i = 0; i < lines.size();) {
    std::size_t same = 1;  // the same line again and again is quoted once, counted
    while (i + same < lines.size() && lines[i + same] == lines[i]) ++same;
    text += (text.empty() ? "\"" : ", \"") + lines[i] + "\"";
    if (same > 1) text += " (" + std::to_string(same) + " times)";
    i += same;
  }
  return text;
}

struct metric {
  std::string key;  // snake_case, with its unit: "msgs_per_s", "p99_s"
  double value;
};

struct finding {
  std::string scenario;
  bool passed = false;
  std::string verdict;          // what happened, in plain words
  std::vector<metric> metrics;  // the numbers behind it

  double get(const std::string& key, double otherwise = 0) const {
    for (const auto& m : metrics)
      if (m.key == key) return m.value;
    return otherwise;
  }
};

// Every scenario, in the order they run. "resources" needs the server's pid.
inline const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names = {"echo",      "pipelined",   "second-client",
                                                 "half-line", "bad-clients", "slow-readers",
                                                 "load",      "churn",       "resources"};
  return names;
}

// What the server printed during a scenario goes into that scenario's verdict; its end, and
// its last words, into the verdict of the scenario that saw it end (a flaw, whatever the
// clients saw). `told_end`: an earlier scenario has told of the end already.
inline void tell_news(finding& f, const server_news& news, bool& told_end) {
  if (!news.ended.empty()) {
    if (told_end) return;
    told_end = true;
    f.passed = false;
    const std::string gone = " (the server process is gone)";
    if (f.verdict.size() >= gone.size() &&
        f.verdict.compare(f.verdict.size() - gone.size(), gone.size(), gone) == 0)
      f.verdict.resize(f.verdict.size() - gone.size());
    f.verdict += "; the server process is gone: it " + news.ended;
    f.verdict += news.last_lines.empty() ? "; it printed nothing"
                                         : "; its last words: " + quoted(news.last_lines);
    return;
  }
  if (news.errors.empty()) return;
  const std::size_t shown = std::min<std::size_t>(news.errors.size(), 5);
  f.verdict += "; meanwhile the server printed " +
               plural(static_cast<long long>(news.errors.size()), "error line", "error lines") +
               (news.errors.size() > shown ? ", the last " + std::to_string(shown) + ": " : ": ") +
               quoted({news.errors.end() - static_cast<std::ptrdiff_t>(shown), news.errors.end()});
}

inline bool wanted_scenario(const std::vector<std::string>& wanted, const std::string& name) {
  return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
}

// Runs the `wanted` scenarios in the order of `names` (echo-check's and http-check's loop).
// A scenario whose connections fail is a flaw, not an exception: a server that stops answering
// mid-run is a finding, with `gone_note()` saying whether its process is gone. `after(f)` runs
// after each scenario (to tell what the server said meanwhile).
template <typename RunOne, typename GoneNote, typename After>
std::vector<finding> run_scenarios(const std::vector<std::string>& names,
                                   const std::vector<std::string>& wanted, RunOne run_one,
                                   GoneNote gone_note, After after) {
  std::vector<finding> findings;
  for (const auto& name : names) {
    if (!wanted_scenario(wanted, name)) continue;
    try {
      findings.push_back(run_one(name));
    } catch (const std::system_error& e) {
      findings.push_back({name,
                          false,
                          std::string("the server stopped answering: ") + e.what() + gone_note(),
                          {}});
    }
    after(findings.back());
  }
  return findings;
}

class checker {
 public:
  checker(endpoint ep, check_options opt) : ep_(std::move(ep)), opt_(std::move(opt)) {}

  // Runs the named scenarios (in the canonical order). A scenario whose connections fail
  // is a flaw, not an exception: a server that stops answering mid-run is a finding.
  std::vector<finding> run(const std::vector<std::string>& wanted) {
    if (opt_.pid > 0 && wanted_scenario(wanted, "resources")) take_baseline();
    return run_scenarios(
        scenario_names(), wanted, [&](const std::string& name) { return run_one(name); },
        [&] { return gone_note(); },
        [&](finding& f) {
          if (opt_.watch) tell_news(f, opt_.watch(), told_end_);
        });
  }

 private:
  // The scenarios by name, in scenario_names() order: one table, so a new scenario is one row.
  finding run_one(const std::string& name) {
    using scenario = finding (checker::*)();
    static const std::pair<const char*, scenario> scenarios[] = {
        {"echo", &checker::check_echo},
        {"pipelined", &checker::check_pipelined},
        {"second-client", &checker::check_second_client},
        {"half-line", &checker::check_half_line},
        {"bad-clients", &checker::check_bad_clients},
        {"slow-readers", &checker::check_slow_readers},
        {"load", &checker::check_load},
        {"churn", &checker::check_churn},
        {"resources", &checker::check_resources},
    };
    for (const auto& [scenario_name, run] : scenarios)
      if (name == scenario_name) return (this->*run)();
    throw std::invalid_argument("echo-check: no scenario named " + name);
  }

  csapp::unique_fd connect() {
    ++connections_;
    return connect_within(ep_, opt_.event_limit);
  }
  clock::time_point patience_end() const { return clock::now() + opt_.patience; }
  clock::time_point event_end() const { return clock::now() + opt_.event_limit; }

  // " (the server process is gone)", when we know its pid and it is.
  std::string gone_note() const {
    if (opt_.pid <= 0) return "";
    // A dying process closes its sockets before /proc shows it dead, so the reset we just
    // saw can come first: "still running" is only concluded after a patience of waiting.
    const auto gone = [&] { return !process_exists(opt_.pid) || process_state(opt_.pid) == 'Z'; };
    const auto end = patience_end();
    while (!gone() && clock::now() < end) ::usleep(10'000);
    if (gone()) return " (the server process is gone)";
    return " (the server process is still running, but does not answer)";
  }

  // Awkward input comes back byte-exact, and the server closes once the client has.
  finding check_echo() {
    const std::vector<std::string> lines = {
        std::string("nul\0bytes\0inside\n", 17), "\n",
        std::string(8190, 'a') + "\n",           std::string(8191, 'b') + "\n",
        std::string(20 * 1024 - 1, 'c') + "\n",  "two lines\nin one write\n",
    };
    csapp::unique_fd conn = connect();
    for (const auto& line : lines) {
      if (!send_all(conn.get(), line))
        return {"echo",
                false,
                "the server closed the connection while we sent " + bytes_text(line.size()),
                {}};
      const std::string got = read_up_to(conn.get(), line.size(), patience_end());
      if (const auto diff = describe_difference(line, got); !diff.empty())
        return {"echo",
                false,
                diff + " (within " + human_seconds(opt_.patience.count() / 1e3) + ")",
                {}};
    }
    const std::string tail = "a last line without a newline";
    send_all(conn.get(), tail);
    ::shutdown(conn.get(), SHUT_WR);
    if (read_up_to(conn.get(), tail.size(), patience_end()) != tail)
      return {"echo",
              false,
              "a last line without a newline was not echoed when the client closed its side",
              {}};
    if (!closed_by(conn.get(), event_end()))
      return {"echo",
              false,
              "after the client closed its side, the server never closed the connection",
              {}};
    return {"echo",
            true,
            "byte-exact: NUL bytes, lines of 1 B to 20 KiB, two lines in one write, a last line "
            "without a newline; then the server closed its side",
            {}};
  }

  // Lines that arrive together (in one segment, or split anywhere) all come back, without
  // the client sending anything more.
  finding check_pipelined() {
    constexpr int count = 100;
    std::string batch;
    for (int i = 0; i < count; ++i) batch += "pipelined line " + std::to_string(i) + "\n";
    csapp::unique_fd conn = connect();
    send_all(conn.get(), batch);
    const std::string got = read_up_to(conn.get(), batch.size(), patience_end());
    if (got != batch) {
      const auto lines = std::count(got.begin(), got.end(), '\n');
      return {"pipelined",
              false,
              "pipelined lines are lost: " + std::to_string(count) + " lines sent in one write, " +
                  std::to_string(lines) + " came back within " +
                  human_seconds(opt_.patience.count() / 1e3) +
                  " (whole lines left in a read buffer must be served before waiting for the "
                  "socket again)",
              {{"lines_sent", count}, {"lines_back", static_cast<double>(lines)}}};
    }
    // The same lines again, cut at awkward places: a line split over two writes.
    const std::vector<std::string> pieces = {"split li", "ne one\nsplit line two\nsplit",
                                             " line three\n"};
    std::string all;
    for (const auto& piece : pieces) {
      send_all(conn.get(), piece);
      all += piece;
    }
    if (read_up_to(conn.get(), all.size(), patience_end()) != all)
      return {"pipelined", false, "lines split across writes did not all come back", {}};
    return {"pipelined",
            true,
            std::to_string(count) +
                " lines in one write all came back, and so did lines split "
                "across writes",
            {{"lines_sent", count}, {"lines_back", count}}};
  }

  // While a first client stays connected, is a second one served?
  finding check_second_client() {
    csapp::unique_fd first = connect();
    if (!round_trip(first.get(), "first client\n", patience_end()))
      return {"second-client", false, "even a single client got no echo", {}};
    csapp::unique_fd second = connect();
    const std::string line = "second client\n";
    const auto sent = clock::now();
    send_all(second.get(), line);
    if (readable_by(second.get(), sent + opt_.patience)) {
      const bool exact = read_up_to(second.get(), line.size(), event_end()) == line;
      const double wait = seconds_between(sent, clock::now());
      if (!exact) return {"second-client", false, "the second client's echo was wrong", {}};
      return {"second-client",
              true,
              "a second client was served (in " + human_seconds(wait) +
                  ") while the first stayed connected",
              {{"second_wait_s", wait}}};
    }
    const double waited = seconds_between(sent, clock::now());
    first.reset();
    const auto left = clock::now();
    const bool served = read_up_to(second.get(), line.size(), event_end()) == line;
    std::string verdict = "your server serves one client at a time: the second waited " +
                          human_seconds(waited) + " while the first was connected";
    verdict += served ? ", and was served " + human_seconds(seconds_between(left, clock::now())) +
                            " after the first left"
                      : ", and was not served even after the first left";
    return {"second-client", false, verdict, {{"second_wait_s", waited}}};
  }

  // A client sends half a line and stops: are the others still served?
  finding check_half_line() {
    csapp::unique_fd slow = connect();
    if (!round_trip(slow.get(), "hello\n", patience_end()))
      return {"half-line", false, "even a single client got no echo", {}};
    send_all(slow.get(), "half a li");
    csapp::unique_fd other = connect();
    const std::string line = "another client\n";
    const auto sent = clock::now();
    send_all(other.get(), line);
    const bool served = readable_by(other.get(), sent + opt_.patience);
    const double wait = seconds_between(sent, clock::now());
    if (served && read_up_to(other.get(), line.size(), event_end()) != line)
      return {"half-line", false, "the other client's echo was wrong", {}};
    send_all(slow.get(), "ne\n");  // finish the line: it must come back whole
    const bool finished = read_up_to(slow.get(), 12, event_end()) == "half a line\n";
    if (!served) {
      // Finishing the line may free the others; if not, the slow client's leaving should.
      std::string after = " once the line was finished";
      bool later = readable_by(other.get(), patience_end()) &&
                   read_up_to(other.get(), line.size(), event_end()) == line;
      if (!later) {
        slow.reset();
        after = " only when that client left";
        later = read_up_to(other.get(), line.size(), event_end()) == line;
      }
      return {"half-line",
              false,
              "a half-sent line stalls everyone: another client waited " + human_seconds(wait) +
                  (later ? ", and was served" + after
                         : ", and was not served even when that client left"),
              {{"other_wait_s", wait}}};
    }
    if (!finished)
      return {"half-line", false, "a line sent in two parts did not come back whole", {}};
    return {"half-line",
            true,
            "a client that sent half a line did not hold up another (served in " +
                human_seconds(wait) + ")",
            {{"other_wait_s", wait}}};
  }

  // Clients that reset mid-echo, close before reading, or connect and vanish: afterwards
  // a new client is still served.
  finding check_bad_clients() {
    {
      csapp::unique_fd probe = connect();
      if (!round_trip(probe.get(), "before\n", patience_end()))
        return {"bad-clients", false, "even a single client got no echo", {}};
    }
    constexpr int each = 20;
    const std::string big(std::size_t{256} * 1024, 'x');
    const std::string two_lines = big + "\n" + big + "\n";
    for (int i = 0; i < each; ++i) {
      // The server is echoing into a socket nobody reads when the client resets it.
      csapp::unique_fd conn = connect();
      csapp::writen(conn.get(), two_lines.data(), two_lines.size() / 4);
      reset_on_close(conn.get());
    }
    for (int i = 0; i < each; ++i) {
      csapp::unique_fd conn = connect();
      send_all(conn.get(), "never read\n");
    }
    for (int i = 0; i < each; ++i) connect();  // connect, send nothing, leave
    csapp::unique_fd after;
    try {
      after = connect();
    } catch (const std::system_error& e) {
      return {"bad-clients",
              false,
              "after clients that reset or closed early, new clients are refused (" +
                  std::string(e.code().message()) + ")" + gone_note(),
              {}};
    }
    if (!round_trip(after.get(), "still serving?\n", event_end()))
      return {
          "bad-clients",
          false,
          "after clients that reset or closed early, the server no longer answers" + gone_note(),
          {}};
    return {"bad-clients",
            true,
            std::to_string(each) + " clients reset mid-echo, " + std::to_string(each) +
                " closed before reading and " + std::to_string(each) +
                " left without a word; the next client was served",
            {}};
  }

  // Memory is compared between the two halves, so before the first reading the server must be
  // past its set-up for every slow client it serves at all: the thread or child started, its
  // stack and buffers touched, its first echo written. (A server short of CPU could otherwise
  // start them during the second half, and a sanitizer's per-thread memory would pass for
  // growth with what they send.) A client with echo waiting in its socket has been served; a
  // server that serves only some of them stops adding any for `quiet`.
  template <typename Client>
  static void wait_until_served(const std::vector<Client>& clients, clock::time_point bound,
                                millis quiet) {
    auto echoed = [](const Client& c) {
      int waiting = 0;
      return ::ioctl(c.fd.get(), FIONREAD, &waiting) == 0 && waiting > 0;
    };
    std::size_t served = 0;
    auto progress = clock::now();
    while (clock::now() < bound && clock::now() - progress < quiet) {
      std::vector<pollfd> fds;
      for (const auto& c : clients)
        if (!echoed(c)) fds.push_back({c.fd.get(), POLLIN, 0});
      if (fds.empty()) return;
      if (clients.size() - fds.size() > served) {
        served = clients.size() - fds.size();
        progress = clock::now();
      }
      ::poll(fds.data(), fds.size(), 20);
    }
  }

  // Clients that send steadily and never read their echoes. A server that blocks writing
  // to one of them stops serving everybody else (the book's select pool, a pool whose
  // workers they all hold); an event loop that keeps reading them must keep their echoes
  // somewhere, and without a bound that is memory without end. The slow clients push in two
  // halves: memory that grows again with the second half grows with what they send.
  finding check_slow_readers() {
    const int n = std::max(1, opt_.slow_readers);
    const std::size_t half = std::max<std::size_t>(opt_.slow_reader_bytes / 2, 1);
    struct slow {
      csapp::unique_fd fd;
      std::size_t sent = 0;
      clock::time_point moved;  // when it last got bytes out
    };
    std::string line(1023, 'z');
    line += '\n';
    const long long memory_before = opt_.pid > 0 ? tree_private_bytes(opt_.pid) : 0;
    std::vector<slow> slows(static_cast<std::size_t>(n));
    for (auto& c : slows) {
      c.fd = connect();
      ::fcntl(c.fd.get(), F_SETFL, ::fcntl(c.fd.get(), F_GETFL) | O_NONBLOCK);
      c.moved = clock::now();
    }
    // A slow client is done with a stage when it sent `upto`, or the server stopped taking its
    // bytes for a while (flow control, or a server blocked elsewhere).
    const millis quiet = std::max<millis>(opt_.patience / 4, 200ms);
    auto done = [&](const slow& c, std::size_t upto) {
      return c.sent >= upto || clock::now() - c.moved >= quiet;
    };
    auto pump = [&](std::size_t upto) {  // one pass: what each socket takes now
      std::vector<pollfd> fds;
      for (auto& c : slows)
        if (!done(c, upto)) fds.push_back({c.fd.get(), POLLOUT, 0});
      if (fds.empty()) return false;
      ::poll(fds.data(), fds.size(), 20);
      for (auto& c : slows) {
        while (!done(c, upto)) {
          const std::size_t at = c.sent % line.size();
          const ssize_t put = ::send(c.fd.get(), line.data() + at,
                                     std::min(line.size() - at, upto - c.sent), MSG_NOSIGNAL);
          if (put <= 0) break;  // full (EAGAIN), or the server dropped it: it stops moving
          c.sent += static_cast<std::size_t>(put);
          c.moved = clock::now();
        }
      }
      return true;
    };
    const auto bound = clock::now() + opt_.event_limit * 2;
    // First the slow clients get going, then another client comes and does round trips while
    // they push; its slowest round trip says whether they held it up.
    while (clock::now() < bound &&
           std::any_of(slows.begin(), slows.end(), [&](const slow& c) { return !done(c, 65536); }))
      pump(65536);
    wait_until_served(slows, bound, quiet);
    csapp::unique_fd other = connect();
    const std::string ping = "are you still there?\n";
    double slowest = 0;
    std::uint64_t round_trips = 0;
    bool stalled = false;
    long long memory_half = 0;
    for (std::size_t upto : {half, 2 * half}) {
      for (auto& c : slows) c.moved = clock::now();
      while (clock::now() < bound) {
        const bool pushing = pump(upto);
        if (!stalled) {
          const auto sent = clock::now();
          if (!round_trip(other.get(), ping, sent + opt_.patience)) stalled = true;
          slowest = std::max(slowest, seconds_between(sent, clock::now()));
          round_trips += stalled ? 0 : 1;
        }
        if (!pushing) break;
      }
      if (upto == half && opt_.pid > 0) memory_half = tree_private_bytes(opt_.pid);
    }
    const long long memory_after = opt_.pid > 0 ? tree_private_bytes(opt_.pid) : 0;
    std::size_t pushed = 0, pushed_first = 0;
    for (const auto& c : slows) pushed += c.sent;
    pushed_first = std::min(pushed, static_cast<std::size_t>(n) * half);
    // They leave (reset), and the other client must be served again.
    for (auto& c : slows) {
      reset_on_close(c.fd.get());
      c.fd.reset();
    }
    const auto left = clock::now();
    bool served_after = false;
    double wait_after = 0;
    if (stalled) {
      // The stalled round trip's echo may still come; then a fresh one must.
      read_up_to(other.get(), ping.size(), event_end());
      served_after = round_trip(other.get(), ping, event_end());
      wait_after = seconds_between(left, clock::now());
    } else {
      served_after = round_trip(other.get(), ping, event_end());
    }
    finding f{"slow-readers", true, "", {}};
    f.metrics = {{"slow_readers", static_cast<double>(n)},
                 {"pushed_bytes", static_cast<double>(pushed)},
                 {"slowest_round_trip_s", stalled ? -1 : slowest},
                 {"stalled", stalled ? 1.0 : 0.0}};
    const std::string who = plural(n, "client", "clients") + " tried to send " +
                            approx_bytes(static_cast<double>(opt_.slow_reader_bytes)) +
                            " each and read nothing (" +
                            approx_bytes(static_cast<double>(pushed) / n) + " each got through)";
    if (stalled) {
      f.passed = false;
      f.verdict = "while " + who + ", another client's round trip got no answer within " +
                  human_seconds(opt_.patience.count() / 1e3) +
                  ": the server waits on clients that do not read (a blocking write to one of "
                  "them, or every worker taken by them), and everybody else waits with it";
      f.verdict += served_after
                       ? "; it was served again " + human_seconds(wait_after) + " after they left"
                       : "; even after they left it got no answer";
    } else {
      f.verdict = "while " + who + ", another client's " +
                  plural(static_cast<long long>(round_trips), "round trip", "round trips") +
                  " took at most " + human_seconds(slowest);
      if (!served_after) {
        f.passed = false;
        f.verdict += "; after they left, it got no answer";
      }
    }
    if (opt_.pid > 0) {
      const double per_client = static_cast<double>(memory_after - memory_before) / n;
      const double second_half = static_cast<double>(memory_after - memory_half) / n;
      const double pushed_second = static_cast<double>(pushed - pushed_first) / n;
      f.metrics.push_back({"memory_per_slow_reader_bytes", per_client});
      f.metrics.push_back({"memory_growth_second_half_bytes", second_half});
      // Growing with what they send: the second half alone added at least a quarter of what
      // it pushed, and more than 1 MiB per client. (A server that holds clients back has
      // reached its bound in the first half; a sanitizer's lazily touched shadow memory and
      // stacks can still add a few hundred KiB then, which is not growth with what they send.)
      const bool unbounded = second_half > 1024 * 1024 && second_half > 0.25 * pushed_second;
      f.verdict += "; the server's private memory grew by " +
                   approx_bytes(std::max(0.0, per_client)) + " per slow client";
      if (unbounded) {
        f.passed = false;
        f.verdict += ", and kept growing with what they sent (" + approx_bytes(second_half) +
                     " more per client for the second half): it keeps echoes nobody reads "
                     "without a bound; stop reading from a client whose unsent echo is over a "
                     "limit until it drains";
      } else {
        f.verdict += stalled ? "" : " and stopped there";
      }
    }
    return f;
  }

  finding check_load() {
    load_options o = opt_.load;
    connections_ += o.clients;
    // The server's CPU over the timed window (children included, alive or reaped): the cost
    // of a round trip, whoever else shares the machine.
    double cpu_at_open = 0, cpu_at_close = 0;
    if (opt_.pid > 0)
      o.window = [&, outer = o.window](bool opening) {
        (opening ? cpu_at_open : cpu_at_close) = tree_cpu_seconds(opt_.pid);
        if (outer) outer(opening);
      };
    const load_result r = run_load(ep_, o, opt_.on_tick);
    std::string shape = with_commas(o.clients) + (o.clients == 1 ? " client" : " clients");
    shape += o.duration.count() > 0 ? " for " + human_seconds(o.duration.count() / 1e3)
                                    : " x " + with_commas(o.rounds) + " round trips";
    shape += " of " + bytes_text(o.line_size) + ": ";
    finding f{"load", true, "", load_metrics(r)};
    std::vector<std::string> flaws;
    if (r.corrupted > 0)
      flaws.push_back(std::to_string(r.corrupted) + " received bytes that were not their own");
    if (r.cut_off > 0) flaws.push_back(std::to_string(r.cut_off) + " were cut off by the server");
    if (r.refused > 0) flaws.push_back(std::to_string(r.refused) + " could not connect");
    if (r.starved() > 0)
      flaws.push_back(std::to_string(r.starved()) + " of " + with_commas(r.sessions) +
                      " were never served" +
                      (r.served > 0 ? " (your server served at most " + std::to_string(r.served) +
                                          " clients at once: a fixed pool?)"
                                    : ""));
    else if (r.timed_out)
      flaws.push_back(std::to_string(r.sessions - r.finished) + " did not finish within " +
                      human_seconds(o.limit.count() / 1e3));
    char numbers[256];
    std::snprintf(numbers, sizeof numbers,
                  "%s msgs/s; latency p50 %s, p90 %s, p99 %s, max %s; per client %llu to %llu "
                  "round trips",
                  with_commas(static_cast<long long>(r.per_second(r.messages))).c_str(),
                  human_seconds(r.latency.p50).c_str(), human_seconds(r.latency.p90).c_str(),
                  human_seconds(r.latency.p99).c_str(), human_seconds(r.latency.max).c_str(),
                  static_cast<unsigned long long>(r.fewest),
                  static_cast<unsigned long long>(r.most));
    f.verdict = shape + numbers;
    if (o.ramp_limit.count() > 0) {
      f.metrics.push_back({"ramp_s", r.ramp_seconds});
      f.metrics.push_back({"warmup_s", r.warmup_seconds});
      f.verdict += r.ramped
                       ? "; all " + with_commas(r.connected) + " had an echo after " +
                             human_seconds(r.ramp_seconds) + ", then the steady state was timed"
                       : "; not all had an echo after the ramp-up limit of " +
                             human_seconds(o.ramp_limit.count() / 1e3);
    }
    if (opt_.pid > 0 && r.messages > 0) {
      // Counted in clock ticks: below one tick in all, the honest figure is a bound.
      const double n = static_cast<double>(r.messages);
      const double cpu = (cpu_at_close - cpu_at_open) / n, resolution = cpu_tick_seconds() / n;
      f.metrics.push_back({"server_cpu_per_round_trip_s", cpu});
      f.metrics.push_back({"round_trip_cpu_resolution_s", resolution});
      f.verdict += "; server CPU " +
                   (cpu > 0 ? human_seconds(cpu) : "under " + human_seconds(resolution)) +
                   " per round trip";
    }
    if (!flaws.empty()) {
      f.passed = false;
      f.verdict += ". Of the clients, ";
      for (std::size_t i = 0; i < flaws.size(); ++i) f.verdict += (i > 0 ? "; " : "") + flaws[i];
    }
    return f;
  }

  static std::vector<metric> load_metrics(const load_result& r) {
    return {{"clients", static_cast<double>(r.sessions)},
            {"msgs_per_s", r.per_second(r.messages)},
            {"p50_s", r.latency.p50},
            {"p90_s", r.latency.p90},
            {"p99_s", r.latency.p99},
            {"max_s", r.latency.max},
            {"starved", static_cast<double>(r.starved())},
            {"min_per_client", static_cast<double>(r.fewest)},
            {"max_per_client", static_cast<double>(r.most)},
            {"corrupted", static_cast<double>(r.corrupted)},
            {"cut_off", static_cast<double>(r.cut_off)},
            {"seconds", r.seconds}};
  }

  // Many short connections: what one costs. With a pid, the server's CPU time per
  // connection (a process server's children count once reaped).
  finding check_churn() {
    load_options o;
    o.clients = opt_.churn_at_once;
    o.total = opt_.churn;
    o.line_size = opt_.load.line_size;
    o.limit = opt_.load.limit;
    o.eof_limit = opt_.patience;
    const double cpu_before = opt_.pid > 0 ? cpu_seconds(opt_.pid) : 0;
    const int fds_before = opt_.pid > 0 ? read_proc(opt_.pid).fds : -1;
    const load_result r = run_load(ep_, o, opt_.on_tick);
    const int fds_after = opt_.pid > 0 ? read_proc(opt_.pid).fds : -1;
    connections_ += r.sessions;
    const double per_second = r.per_second(static_cast<std::uint64_t>(r.finished));
    finding f{"churn",
              r.finished == r.sessions,
              "",
              {{"connections", static_cast<double>(o.total)}, {"connections_per_s", per_second}}};
    f.verdict = with_commas(r.finished) + " of " + with_commas(o.total) +
                " short connections (connect, one line, close), " + std::to_string(o.clients) +
                " at a time: " + with_commas(static_cast<long long>(per_second)) + " connections/s";
    if (opt_.pid > 0) {
      // Children of a process server reach the CPU account when reaped: wait for that.
      wait_until([&] { return read_proc(opt_.pid).children <= baseline_.children; });
      // The kernel counts CPU time in clock ticks (10 ms here): below one tick in all, the
      // honest answer is an upper bound.
      const int n = std::max(1, r.finished);
      const double cpu = (cpu_seconds(opt_.pid) - cpu_before) / n;
      const double resolution = cpu_tick_seconds() / n;
      f.metrics.push_back({"server_cpu_per_connection_s", cpu});
      f.metrics.push_back({"cpu_resolution_s", resolution});
      f.verdict += "; server CPU " +
                   (cpu > 0 ? human_seconds(cpu) : "under " + human_seconds(resolution)) +
                   " per connection";
    }
    if (!f.passed)
      f.verdict += "; " + std::to_string(r.refused) + " refused, " + std::to_string(r.cut_off) +
                   " cut off, " + std::to_string(r.corrupted) + " wrong echoes" +
                   (r.timed_out ? ", and the run hit its time limit" : "");
    if (r.no_eof > 0) {
      f.metrics.push_back({"no_eof", static_cast<double>(r.no_eof)});
      f.verdict += "; " + plural(r.no_eof, "client", "clients") +
                   " never saw end of file after closing their side (each waited " +
                   human_seconds(opt_.patience.count() / 1e3) +
                   "): the server kept its end of the connection open";
      if (r.gave_up) f.verdict += ", so no more were started after " + with_commas(r.sessions);
      const int grew = fds_after - fds_before;
      if (fds_before >= 0 && fds_after >= 0 && grew > 0 && grew * 2 >= r.no_eof)
        f.verdict +=
            "; meanwhile its descriptors grew by " + with_commas(grew) + ", with the clients";
      f.verdict += " (" + connfd_hint() + ")";
    }
    return f;
  }

  // Waits (bounded by event_limit) until `done` holds, checking every 10 ms.
  template <class Predicate>
  bool wait_until(Predicate done) {
    const auto end = event_end();
    while (!done()) {
      if (clock::now() >= end) return false;
      ::usleep(10'000);
    }
    return true;
  }

  // After a polite warm-up connection: what the idle server holds.
  void take_baseline() {
    {
      const int before = read_proc(opt_.pid).children;
      csapp::unique_fd warm = connect();
      if (round_trip(warm.get(), "warm up\n", patience_end()))
        in_child_ = read_proc(opt_.pid).children > before;  // its server is alive right now
      ::shutdown(warm.get(), SHUT_WR);
      closed_by(warm.get(), event_end());  // the server has let go of it
    }
    // Children of the first connections (ours: the warm-up, a spawner's probes) may still be
    // exiting: the count starts once they have gone, or says that they did not.
    if (!wait_until([&] { return read_proc(opt_.pid).children == 0; }))
      unsettled_children_ = read_proc(opt_.pid).children;
    baseline_ = read_proc(opt_.pid);
  }

  // Whether a child process serves each client (a process server): then a connection that
  // stays open is the parent's copy. Found with one client, while it is being served.
  bool serves_in_child() {
    if (in_child_) return *in_child_;
    in_child_ = false;
    try {
      const int before = read_proc(opt_.pid).children;
      csapp::unique_fd probe = connect();
      if (round_trip(probe.get(), "who serves me?\n", patience_end()))
        in_child_ = read_proc(opt_.pid).children > before;
    } catch (const std::system_error&) {
      // no answer: no hint either way
    }
    return *in_child_;
  }

  // What to look at when connections stay open.
  std::string connfd_hint() {
    if (opt_.pid <= 0) return "is connfd closed? in a process server, by the parent too";
    return serves_in_child() ? "is connfd closed in the parent?" : "is connfd closed?";
  }

  // Once every client has left, the server is back where it started.
  finding check_resources() {
    if (opt_.pid <= 0) return {"resources", false, "needs --pid", {}};
    if (baseline_.fds < 0) return {"resources", false, "the server process was not found", {}};
    proc_reading now;
    wait_until([&] {
      now = read_proc(opt_.pid);
      if (now.fds < 0) return true;  // gone: nothing will change by waiting
      return now.fds <= baseline_.fds && now.zombies == 0 && now.children <= baseline_.children;
    });
    finding f{"resources", true, "", {}};
    f.metrics = {{"fds_before", static_cast<double>(baseline_.fds)},
                 {"fds_after", static_cast<double>(now.fds)},
                 {"threads_before", static_cast<double>(baseline_.threads)},
                 {"threads_after", static_cast<double>(now.threads)},
                 {"children_before", static_cast<double>(baseline_.children)},
                 {"children_after", static_cast<double>(now.children)},
                 {"zombies_after", static_cast<double>(now.zombies)},
                 {"connections", static_cast<double>(connections_)}};
    if (now.fds < 0) {
      f.passed = false;
      f.verdict = "the server process is gone";
      return f;
    }
    std::vector<std::string> flaws;
    if (now.fds > baseline_.fds) {
      const int grew = now.fds - baseline_.fds;
      std::string each;
      if (grew * 2 >= connections_) each = ": about one per connection (" + connfd_hint() + ")";
      flaws.push_back("descriptors grew by " + with_commas(grew) + each);
    }
    if (now.zombies > 0)
      flaws.push_back(std::to_string(now.zombies) +
                      " zombie children: the server does not reap them (waitpid)");
    if (now.children - now.zombies > baseline_.children)
      flaws.push_back(std::to_string(now.children - now.zombies) +
                      " child processes still running after every client left (does each child "
                      "exit when its client is done?)");
    char text[200];
    std::snprintf(text, sizeof text,
                  "after %s: descriptors %d -> %d, threads %d -> %d, child processes %d -> %d",
                  plural(connections_, "connection", "connections").c_str(), baseline_.fds, now.fds,
                  baseline_.threads, now.threads, baseline_.children, now.children);
    f.verdict = text;
    if (unsettled_children_ > 0) {
      f.verdict += " (the " + std::to_string(baseline_.children) +
                   " at the start: children of the first connections, still there " +
                   human_seconds(opt_.event_limit.count() / 1e3) + " after they left)";
      // Whatever the counts did later, children that outlive their clients are the flaw.
      if (now.children - now.zombies <= baseline_.children)  // not said above already
        flaws.push_back(plural(unsettled_children_, "child process", "child processes") +
                        " still running after every client left: does each child exit when its "
                        "client is done?");
    }
    for (const auto& flaw : flaws) f.verdict += "; " + flaw;
    f.passed = flaws.empty();
    return f;
  }

  endpoint ep_;
  check_options opt_;
  proc_reading baseline_;         // the idle server after a warm-up connection
  int connections_ = 0;           // connections made so far, all scenarios together
  int unsettled_children_ = 0;    // children still there when the baseline had to be taken
  std::optional<bool> in_child_;  // a child serves each client (known once looked at)
  bool told_end_ = false;         // a verdict has said how the server ended
};

}  // namespace echo_check
