// exercises/support/echo_server.hpp - the student's echo server as the select-server problems'
// checks (12.22, 12.23) run it: started on port 0 as the test's child, its port read from its
// "listening on port N", connected to, tried with the echo checker's scenarios
// (tools/echocheck), and stopped when it goes out of scope. Also what the kernel knows of its
// connections, so that a check waits for an event (every byte a client sent has reached the
// server, or been read by it) and never for time to pass, and a way to hold it stopped
// (SIGSTOP) while clients send.
//
// Both problems run the same program, echoservers, the same way and with the same patience, so
// that is done once, here; what one problem asks of the server (one line per pass, half a line)
// stays in its tests.
#pragma once

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <echocheck/checker.hpp>
#include <echocheck/proc.hpp>

#include "exercise.hpp"
#include "findings.hpp"

namespace exercise {

// "4.0 s": a bound, as a verdict names it.
inline std::string secs(millis m) { return echo_check::human_seconds(m.count() / 1000.0); }

// Bytes this socket has sent that the other side has not yet acknowledged (received).
inline int unacknowledged(int fd) {
  int n = 0;
  return ::ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

// The receive queue of the server's end of the connection whose client end is `client_fd`: bytes
// the client sent that the server has not read (from /proc/net/tcp6 or /proc/net/tcp, where the
// connection is found by its two ports). -1 when it is not found.
inline long unread(int client_fd) {
  auto port_at = [](const sockaddr_storage& a) {
    return ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port
                                         : reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
  };
  sockaddr_storage mine{}, peer{};
  socklen_t len = sizeof mine, peer_len = sizeof peer;
  if (::getsockname(client_fd, reinterpret_cast<sockaddr*>(&mine), &len) < 0 ||
      ::getpeername(client_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) < 0)
    return -1;
  const int client_port = port_at(mine), server_port = port_at(peer);
  auto port_of = [](const std::string& address) {  // "0100007F:1F90": the port is hex
    return std::stoi(address.substr(address.rfind(':') + 1), nullptr, 16);
  };
  for (const char* path : {"/proc/net/tcp6", "/proc/net/tcp"}) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues;
      if (!(fields >> slot >> local >> remote >> state >> queues)) continue;
      if (port_of(local) != server_port || port_of(remote) != client_port) continue;
      if (state == "06") continue;  // TIME_WAIT: an earlier connection's ghost
      return std::stol(queues.substr(queues.find(':') + 1), nullptr, 16);  // tx_queue:rx_queue
    }
  }
  return -1;
}

// How the server runs besides its port.
struct echo_server_options {
  bool with_stdin = false;  // a pipe to its stdin (type(): the figure's keyboard)
  // Its stderr, and its stdout once it named its port, in a file of its own, so that gone()
  // can quote its last words. Without it, its stderr is ours and its stdout stays readable
  // with process().read_line().
  bool log = false;
};

// The student's echoservers, started on port 0; stopped (SIGTERM to its group) when it goes out
// of scope.
class echo_server {
 public:
  static constexpr millis patience{4000};     // how long a client waits before "not served"
  static constexpr millis event_limit{5000};  // the bound for what must happen (a connect, EOF)

  explicit echo_server(const echo_server_options& options)
      : log_(options.log ? make_log() : std::string()),
        proc_({program("echoservers"), "0"}, spawn(options, log_)) {
    port_ = proc_.wait_for_port(event_limit);
    if (port_ > 0) ep_ = echo_check::resolve("127.0.0.1", std::to_string(port_));
  }
  ~echo_server() {
    if (!log_.empty()) ::unlink(log_.c_str());
  }
  echo_server(const echo_server&) = delete;
  echo_server& operator=(const echo_server&) = delete;

  // False, with a verdict, when it did not say where it listens.
  bool started() {
    return expect(port_ > 0, "echoservers 0 did not print \"listening on port N\" within " +
                                 secs(event_limit) + gone());
  }
  int port() const { return port_; }
  pid_t pid() const { return proc_.pid(); }
  const echo_check::endpoint& endpoint() const { return ep_; }
  csapp::unique_fd connect() { return echo_check::connect_within(ep_, event_limit); }
  echo_check::child_process& process() { return proc_; }

  // Types a line on its stdin (with_stdin).
  void type(const std::string& line) { csapp::writen(proc_.stdin_fd(), line.data(), line.size()); }

  // How it ended, for a verdict, once it has; "" while it runs. With a log: " (the server
  // exited with status 1; its last words: "...")"; without: " (it exited with status 1)".
  std::string gone() {
    if (!proc_.exited()) return "";
    if (log_.empty()) return " (it " + proc_.how_it_ended() + ")";
    const auto said = proc_.log_lines();
    return " (the server " + proc_.how_it_ended() +
           (said.empty() ? "" : "; its last words: \"" + said.back() + "\"") + ")";
  }

  echo_check::check_options checker_options() const {
    echo_check::check_options o;
    o.patience = patience;
    o.event_limit = event_limit;
    o.pid = proc_.pid();
    return o;
  }

  // The receive queue of its end of the connection whose client end is `client_fd`: bytes the
  // client sent that the server has not read. -1 when the connection is not found.
  long unread(int client_fd) const { return exercise::unread(client_fd); }

  // Waits (at most `limit`) until it has read every byte this client sent.
  bool has_read_all(int client_fd, millis limit = patience) const {
    return wait_until([&] { return unacknowledged(client_fd) == 0 && unread(client_fd) == 0; },
                      limit);
  }

 private:
  static std::string make_log() {
    char path[] = "/tmp/csapp-echoservers-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    return path;
  }
  static echo_check::spawn_options spawn(const echo_server_options& options,
                                         const std::string& log) {
    echo_check::stop_children_on_signals();  // the grader's SIGTERM at its limit ends it too
    echo_check::spawn_options o;
    o.with_stdin = options.with_stdin;
    o.log_path = log;
    return o;
  }
  std::string log_;  // before proc_: it is made first ("" without a log)
  echo_check::child_process proc_;
  int port_ = 0;
  echo_check::endpoint ep_;
};

// A check's body, run with a server that has started; a server that stops answering (a refused
// connect, ...) is its verdict.
template <class Body>
void with_echo_server(const echo_server_options& options, Body body) {
  echo_server s(options);
  if (!s.started()) return;
  try {
    body(s);
  } catch (const std::system_error& e) {
    verdict(std::string("the server stopped answering: ") + e.what() + s.gone());
  }
}

// Runs echo checker scenarios (in the checker's order); false, with the first flaw's verdict,
// when one found a flaw.
inline bool scenarios(echo_server& s, const std::vector<std::string>& names) {
  echo_check::checker c(s.endpoint(), s.checker_options());
  return judge_findings(c.run(names), names);
}

// Keeps a process stopped (SIGSTOP) for its lifetime; SIGCONT however the check ends.
class paused {
 public:
  explicit paused(pid_t pid) : pid_(pid) {
    ::kill(pid_, SIGSTOP);
    stopped_ = wait_until([&] { return echo_check::process_state(pid_) == 'T'; },
                          echo_server::event_limit);
  }
  ~paused() { resume(); }
  paused(const paused&) = delete;
  paused& operator=(const paused&) = delete;
  bool stopped() const { return stopped_; }
  void resume() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
    pid_ = -1;
  }

 private:
  pid_t pid_;
  bool stopped_ = false;
};

}  // namespace exercise
