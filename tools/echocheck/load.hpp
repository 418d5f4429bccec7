// tools/echocheck/load.hpp - many clients at once, driven by one epoll loop.
//
// Each client (a session) connects, then does round trips: it sends its own line and waits
// until the whole line came back before it sends the next, so a round trip's time is the
// latency a user of the server would see. One thread drives every session, so the checker
// can hold thousands of connections without thousands of threads competing with the
// server for the CPUs.
//
// Two shapes of run:
//   load  - `clients` sessions at once; they connect first (the connection phase is not
//           timed), then all start together and go on for `rounds` round trips each, or
//           until `duration` is over. With a ramp limit, the run first waits until every
//           session has had its first echo (a process server forks for a while when 1,000
//           clients arrive at once), each served session waiting for the rest: that ramp-up
//           is reported on its own, and the timed window, the steady state, starts only
//           after it, with every served session at once;
//   churn - `total` short sessions, at most `clients` at a time: connect, one round trip,
//           close our side, wait until the server closes its side. A new session starts
//           as soon as one ends, so the run measures what a connection costs the server.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>

#include "net.hpp"

namespace echo_check {

struct load_options {
  int clients = 100;             // sessions at once
  int rounds = 100;              // round trips per session, when duration is zero
  millis duration{0};            // when nonzero, sessions go on until this much time passed
  std::size_t line_size = 64;    // bytes per line, the newline included
  int total = 0;                 // churn: sessions in all (0: a load run)
  millis connect_limit{5s};      // the longest the untimed connection phase may take
  millis limit{60s};             // the bound for a whole run, whatever happens
  millis eof_limit{0};           // churn: how long a client that closed waits for the server's
                                 // close (0: the run's limit)
  millis ramp_limit{0};          // load: the longest ramp-up before the timed window (0: none)
  millis ramp_quiet{1s};         // load: the ramp-up also ends when no new client has had
                                 // its first echo for this long (a fixed pool is full)
  int warmup_rounds = 0;         // load, with a ramp limit: untimed round trips per client after it
  millis hold{0};                // load: each session leaves this long after its first echo
  bool record_timeline = false;  // load: keep when each client waited and was served
  std::function<void(bool)> window;  // called with true when the timed window opens, false
                                     // when it closes (before anyone leaves)
};

// One client's run, in seconds since the run started: when it connected, when round trips
// came back promptly (served), when it left. A round trip slower than the gap, and the time
// between such trips, is waiting.
struct client_timeline {
  double connected = -1;  // -1: never connected
  std::vector<std::pair<double, double>> served;
  double left = -1;  // -1: still there when the run ended
};

// Latency percentiles of a run, in seconds.
struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// The percentiles of `ns` (latencies in nanoseconds; all zero when empty). Also used by
// http-check's load, so both tools count a percentile the same way.
inline latency_summary summarize_latencies(std::vector<std::int64_t> ns) {
  if (ns.empty()) return {};
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1));
    std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
    return static_cast<double>(ns[k]) * 1e-9;
  };
  return {at(0.50), at(0.90), at(0.99), at(1.0)};
}

struct load_result {
  int sessions = 0;            // sessions started
  int connected = 0;           // of them, established
  int served = 0;              // of them, completed at least one round trip
  int finished = 0;            // of them, completed every round trip (and the close, churn)
  int corrupted = 0;           // received bytes that were not their own line
  int cut_off = 0;             // connection closed or reset by the server before the end
  int refused = 0;             // connect failed
  int no_eof = 0;              // churn: closed their side and never saw the server close
  bool gave_up = false;        // churn: stopped early, no client having seen the server close
  std::uint64_t messages = 0;  // round trips completed
  double seconds = 0;          // timed part of the run
  bool timed_out = false;      // the run hit options.limit before every session was done
  latency_summary latency;
  std::uint64_t fewest = 0;      // round trips of the least served session
  std::uint64_t most = 0;        // round trips of the most served session
  double ramp_seconds = 0;       // with a ramp limit: from the start until all had an echo
  bool ramped = false;           // with a ramp limit: every connected session had an echo by then
  double warmup_seconds = 0;     // with a ramp limit: the untimed warm-up after it
  clock::time_point started_at;  // when the run began (the timeline's zero)
  std::vector<client_timeline> timeline;  // per client id, when record_timeline is set

  int starved() const { return sessions - served; }
  double per_second(std::uint64_t n) const { return seconds > 0 ? n / seconds : 0; }
};

// The line session `id` sends: its own text, so crossed wires show up as corruption.
inline std::string session_line(int id, std::size_t size) {
  std::string line = "client " + std::to_string(id) + " ";
  while (line.size() + 1 < size) line += static_cast<char>('a' + line.size() % 26);
  line.resize(size > 0 ? size - 1 : 0);
  line += '\n';
  return line;
}

// Called about ten times a second with the run so far and the seconds it has taken.
using tick_function = std::function<void(const load_result&, double)>;

class load_run {
 public:
  load_run(const endpoint& ep, const load_options& opt, tick_function tick)
      : ep_(ep), opt_(opt), tick_(std::move(tick)), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (!epoll_) csapp::throw_errno("epoll_create1");
  }

  load_result run() {
    const bool churn = opt_.total > 0;
    const int total = churn ? opt_.total : opt_.clients;
    const int slots = std::min(opt_.clients, total);
    sessions_.resize(static_cast<std::size_t>(slots));
    rounds_of_.assign(static_cast<std::size_t>(total), 0);
    if (opt_.record_timeline) timeline_.assign(static_cast<std::size_t>(total), {});
    const auto started = clock::now();
    started_ = started;
    const auto hard_end = started + opt_.limit;
    for (int s = 0; s < slots; ++s) start_session(s);
    // The connection phase (load runs only): wait until every session has connected, or
    // failed to, or connect_limit passed; then every connected session starts at once.
    if (!churn) {
      const auto phase_end = started + opt_.connect_limit;
      while (connecting_ > 0 && clock::now() < phase_end) poll_events(millis_until(phase_end));
    }
    open_gate();
    if (!churn && opt_.ramp_limit.count() > 0) {
      // Ramp-up: until every connected session has had an echo. What it took is reported on
      // its own, and the steady state is timed from here with fresh counts.
      last_first_echo_ = t0_;
      ramping_ = true;
      drive(std::min(t0_ + opt_.ramp_limit, hard_end), slots,
            [&] { return unserved_ == 0 || clock::now() - last_first_echo_ >= opt_.ramp_quiet; });
      result_.ramp_seconds = seconds_between(t0_, clock::now());
      result_.ramped = unserved_ == 0;
      ramping_ = false;
      t0_ = clock::now();
      for (std::size_t i = 0; i < sessions_.size(); ++i)  // the served ones go on together
        if (sessions_[i].state == phase::waiting) {
          ++warm_target_;
          begin_round(static_cast<int>(i));
        }
      // Warm-up: until each of them has made warmup_rounds more round trips, untimed. Just
      // after the ramp-up, 1,000 processes or threads that each ran once are cold (caches,
      // the scheduler's queues), and a short window would time that as the server's rate.
      if (opt_.warmup_rounds > 0)
        drive(std::min(clock::now() + opt_.ramp_limit, hard_end), slots,
              [&] { return warm_ >= warm_target_; });
      result_.warmup_seconds = seconds_between(t0_, clock::now());
      t0_ = clock::now();
      result_.messages = 0;
      latencies_ns_.clear();
    }
    if (opt_.window) opt_.window(true);
    const auto timed_end = opt_.duration.count() > 0 ? t0_ + opt_.duration : hard_end;
    drive(std::min(timed_end, hard_end), slots, [] { return false; });
    result_.timed_out = active_ > 0 && opt_.duration.count() == 0;
    for (const auto& s : sessions_) result_.no_eof += s.state == phase::closing ? 1 : 0;
    const auto t1 = clock::now();
    if (opt_.window) opt_.window(false);
    for (std::size_t i = 0; i < sessions_.size(); ++i)  // a timed run ends: everyone leaves
      if (sessions_[i].fd) note_left(sessions_[i]);
    for (auto& s : sessions_) s.fd.reset();
    load_result r = summary(true);
    r.seconds = seconds_between(t0_, t1);
    r.started_at = started;
    r.timeline = std::move(timeline_);
    return r;
  }

 private:
  // Runs the event loop until `end`, no session is left, or done() says so; ticks ten
  // times a second.
  template <class Done>
  void drive(clock::time_point end, int slots, Done done) {
    const bool churn = opt_.total > 0;
    while (active_ > 0 && !done() && clock::now() < end) {
      poll_events(std::min(millis_until(next_tick_), millis_until(end)));
      if (clock::now() >= next_tick_) {
        next_tick_ += 100ms;
        if (churn) give_up_waiting_for_eof(slots);
        if (tick_) tick_(summary(false), seconds_between(t0_, clock::now()));
      }
    }
  }

  enum class phase { idle, connecting, waiting, talking, closing };
  struct session {
    csapp::unique_fd fd;
    int id = -1;  // which client (index into rounds_of_)
    phase state = phase::idle;
    std::string line;         // what it sends each round
    std::size_t sent = 0;     // bytes of this round's line written so far
    std::size_t matched = 0;  // bytes of this round's echo received so far
    clock::time_point round_start;
    clock::time_point closed_at;  // churn: when it closed its side
    clock::time_point first_echo;
    bool wants_out = false;  // registered for EPOLLOUT
  };

  double since_start(clock::time_point t) const { return seconds_between(started_, t); }

  void note_left(const session& s) {
    if (!timeline_.empty() && s.id >= 0)
      timeline_[static_cast<std::size_t>(s.id)].left = since_start(clock::now());
  }

  // Starts the next client in `slot`. A connect that fails at once ends that client; a
  // churn slot then goes on with the next one.
  void start_session(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    for (;;) {
      s = session{};
      if (next_id_ >= static_cast<int>(rounds_of_.size())) return;
      s.id = next_id_++;
      s.line = session_line(s.id, opt_.line_size);
      ++result_.sessions;
      s.fd = start_connect(ep_);
      if (s.fd) break;
      ++result_.refused;
      if (opt_.total == 0) return;
    }
    s.state = phase::connecting;
    ++connecting_;
    ++active_;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u32 = static_cast<std::uint32_t>(slot);
    s.wants_out = true;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s.fd.get(), &ev) < 0)
      csapp::throw_errno("epoll_ctl");
  }

  void open_gate() {
    gate_open_ = true;
    t0_ = clock::now();
    for (std::size_t i = 0; i < sessions_.size(); ++i)
      if (sessions_[i].state == phase::waiting) begin_round(static_cast<int>(i));
  }

  void poll_events(int timeout_ms) {
    epoll_event events[256];
    const int n = ::epoll_wait(epoll_.get(), events, 256, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) return;
      csapp::throw_errno("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      const int slot = static_cast<int>(events[i].data.u32);
      session& s = sessions_[static_cast<std::size_t>(slot)];
      if (s.state == phase::connecting) {
        connected(slot);
        continue;
      }
      if ((events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) receive(slot);
      if (s.fd && s.state == phase::talking && (events[i].events & EPOLLOUT) != 0) send_more(slot);
    }
  }

  void connected(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    --connecting_;
    if (connect_outcome(s.fd.get()) != 0) {
      ++result_.refused;
      end_session(slot);
      return;
    }
    ++result_.connected;
    ++unserved_;
    if (!timeline_.empty())
      timeline_[static_cast<std::size_t>(s.id)].connected = since_start(clock::now());
    if (gate_open_) {
      begin_round(slot);
    } else {
      s.state = phase::waiting;
      want_out(slot, false);
    }
  }

  void begin_round(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    s.state = phase::talking;
    s.sent = 0;
    s.matched = 0;
    s.round_start = clock::now();
    send_more(slot);
  }

  void send_more(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    while (s.sent < s.line.size()) {
      const ssize_t n =
          ::send(s.fd.get(), s.line.data() + s.sent, s.line.size() - s.sent, MSG_NOSIGNAL);
      if (n > 0) {
        s.sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        want_out(slot, true);
        return;
      } else {
        ++result_.cut_off;
        end_session(slot);
        return;
      }
    }
    want_out(slot, false);
  }

  void receive(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    char buf[65536];
    const ssize_t n = ::recv(s.fd.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n == 0 && s.state == phase::closing) {  // the polite end of a churn session
      ++result_.finished;
      end_session(slot);
      return;
    }
    if (n <= 0) {
      ++result_.cut_off;
      end_session(slot);
      return;
    }
    const std::size_t got = static_cast<std::size_t>(n);
    // Bytes must be the rest of this round's line, and not run past what was sent.
    if (s.state != phase::talking || s.matched + got > s.sent ||
        s.line.compare(s.matched, got, buf, got) != 0) {
      ++result_.corrupted;
      end_session(slot);
      return;
    }
    s.matched += got;
    if (s.matched == s.line.size()) round_done(slot);
  }

  void round_done(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    const auto now = clock::now();
    latencies_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - s.round_start).count());
    ++result_.messages;
    const auto done = ++rounds_of_[static_cast<std::size_t>(s.id)];
    if (done == 1 + static_cast<std::uint64_t>(opt_.warmup_rounds)) ++warm_;
    if (done == 1) {
      --unserved_;
      s.first_echo = now;
      last_first_echo_ = now;
    }
    if (!timeline_.empty()) note_served(s, now);
    const bool churn = opt_.total > 0;
    const int rounds = churn ? 1 : opt_.rounds;
    const bool timed = opt_.duration.count() > 0 && !churn;  // go on until time is up
    if (ramping_) {
      // In the ramp-up each client makes one round trip, then waits for the others: clients
      // already served would otherwise take the CPU a process server needs to fork the rest,
      // and the ramp-up would measure that contest instead of the server taking clients on.
      s.state = phase::waiting;
      return;
    }
    const bool held = opt_.hold.count() > 0 && now - s.first_echo >= opt_.hold;
    if (!held && (timed || done < static_cast<std::uint64_t>(rounds))) {
      begin_round(slot);
    } else if (churn) {
      s.state = phase::closing;  // close our side; the server's EOF ends the session
      s.closed_at = now;
      ::shutdown(s.fd.get(), SHUT_WR);
    } else {
      ++result_.finished;  // leave at once, as a real client does: a fixed pool needs it
      end_session(slot);
    }
  }

  // A round trip that came back within the gap extends (or starts) the client's served
  // stretch from when it was sent; a slower one starts a new stretch at its echo: the time
  // before was spent waiting.
  void note_served(const session& s, clock::time_point now) {
    auto& stretches = timeline_[static_cast<std::size_t>(s.id)].served;
    const bool prompt = now - s.round_start <= timeline_gap;
    const double from = since_start(prompt ? s.round_start : now), to = since_start(now);
    if (!stretches.empty() && from - stretches.back().second <= timeline_gap.count() / 1e3)
      stretches.back().second = to;
    else
      stretches.emplace_back(from, to);
  }

  // A churn client that closed its side waits eof_limit for the server to close, then
  // leaves. Once twice the clients at a time have waited in vain and none saw the server
  // close, more of the same would only take longer: no new client starts.
  void give_up_waiting_for_eof(int slots) {
    if (opt_.eof_limit.count() <= 0) return;
    const auto now = clock::now();
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      session& s = sessions_[i];
      if (s.state != phase::closing || now - s.closed_at < opt_.eof_limit) continue;
      ++result_.no_eof;
      if (result_.no_eof >= 2 * slots && result_.finished == 0 && !result_.gave_up) {
        result_.gave_up = true;
        next_id_ = static_cast<int>(rounds_of_.size());  // start no more
      }
      end_session(static_cast<int>(i));
    }
  }

  void want_out(int slot, bool out) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    if (s.wants_out == out) return;
    s.wants_out = out;
    epoll_event ev{};
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.u32 = static_cast<std::uint32_t>(slot);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, s.fd.get(), &ev);
  }

  // Closing a descriptor removes it from the epoll set. A churn slot then starts the next
  // session at once.
  void end_session(int slot) {
    session& s = sessions_[static_cast<std::size_t>(slot)];
    if (s.state != phase::connecting && s.state != phase::idle && s.id >= 0 &&
        rounds_of_[static_cast<std::size_t>(s.id)] == 0)
      --unserved_;  // connected, never served, gone
    note_left(s);
    s.fd.reset();
    s.state = phase::idle;
    --active_;
    if (opt_.total > 0) start_session(slot);
  }

  // The run so far; percentiles (a sort of every latency) only when asked.
  load_result summary(bool with_latency) {
    load_result r = result_;
    r.served = static_cast<int>(std::count_if(rounds_of_.begin(), rounds_of_.begin() + next_id_,
                                              [](std::uint64_t n) { return n > 0; }));
    if (next_id_ > 0) {
      const auto [lo, hi] = std::minmax_element(rounds_of_.begin(), rounds_of_.begin() + next_id_);
      r.fewest = *lo;
      r.most = *hi;
    }
    if (with_latency) r.latency = summarize_latencies(latencies_ns_);
    return r;
  }

  const endpoint& ep_;
  load_options opt_;
  tick_function tick_;
  csapp::unique_fd epoll_;
  std::vector<session> sessions_;           // one slot per concurrent session
  std::vector<std::uint64_t> rounds_of_;    // round trips completed, per client id
  std::vector<std::int64_t> latencies_ns_;  // every round trip's time
  load_result result_;
  int next_id_ = 0;     // the next client id to start
  int connecting_ = 0;  // sessions whose connect has not finished
  int active_ = 0;      // sessions not yet ended
  int unserved_ = 0;    // sessions connected and not yet served nor ended
  bool gate_open_ = false;
  int warm_target_ = 0;                // sessions released after the ramp-up, to warm up
  int warm_ = 0;                       // of them, those done with their warm-up round trips
  bool ramping_ = false;               // in the ramp-up: a served client waits for the steady state
  clock::time_point started_;          // when the run began
  clock::time_point t0_;               // when the timed part began
  clock::time_point last_first_echo_;  // when a client last had its first echo
  clock::time_point next_tick_ = clock::now() + 100ms;
  std::vector<client_timeline> timeline_;    // per client id, when recorded
  static constexpr millis timeline_gap{25};  // a round trip slower than this was waiting
};

// Runs a load or churn run against the server (see load_options).
inline load_result run_load(const endpoint& ep, const load_options& opt, tick_function tick = {}) {
  return load_run(ep, opt, std::move(tick)).run();
}

}  // namespace echo_check
