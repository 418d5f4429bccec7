// Problem 12.23's checks: the event-driven echo server, safe from a client that sends half a
// line.
//
// The server runs as the grader's child, on port 0. Clients are the echo checker's
// (tools/echocheck).
//
// Whether the server has read a client's bytes is not guessed from time: the kernel says it.
// A client's bytes have reached the server when its socket has no unacknowledged bytes
// (SIOCOUTQ), and the server has read them when its end of the connection has nothing queued
// (the receive queue in /proc/net/tcp6 or /proc/net/tcp). So "the next byte arrives in a read of
// its own" and "the server has seen half a line" are events to wait for, with a bound.
#include "exercise.hpp"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <random>

#include <echocheck/checker.hpp>
#include <echocheck/proc.hpp>

namespace {

using echo_check::clock;
using exercise::expect;
using exercise::verdict;

constexpr exercise::millis patience{4000};     // how long a client waits before "not served"
constexpr exercise::millis event_limit{5000};  // the bound for what must happen (a connect, EOF)

std::string secs(exercise::millis m) { return echo_check::human_seconds(m.count() / 1000.0); }

// The student's server, started on port 0, its stderr (and stdout after the port) in a log;
// stopped (SIGTERM to its group) when it goes out of scope.
class server {
 public:
  server() : proc_({exercise::program("echoservers"), "0"}, options(log_)) {
    port_ = proc_.wait_for_port(event_limit);
    if (port_ > 0) ep_ = echo_check::resolve("127.0.0.1", std::to_string(port_));
  }
  ~server() { ::unlink(log_.c_str()); }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
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
  // " (the server exited with status 1; its last words: ...)" once it has ended, else "".
  std::string gone() {
    if (!proc_.exited()) return "";
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

 private:
  static std::string make_log() {
    char path[] = "/tmp/csapp-12.23-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    return path;
  }
  static echo_check::spawn_options options(const std::string& log) {
    echo_check::stop_children_on_signals();  // the grader's SIGTERM at its limit ends it too
    echo_check::spawn_options o;
    o.log_path = log;
    return o;
  }
  std::string log_ = make_log();  // before proc_: it is made first
  echo_check::child_process proc_;
  int port_ = 0;
  echo_check::endpoint ep_;
};

// Runs echo checker scenarios; false, with the first flaw's verdict, when one found a flaw.
bool scenarios(server& s, const std::vector<std::string>& names) {
  echo_check::checker c(s.endpoint(), s.checker_options());
  for (const auto& f : c.run(names))
    if (!expect(f.passed, f.verdict)) return false;
  return true;
}

// A check's body, with a server that stops answering (a refused connect, ...) as its verdict.
template <class Body>
void with_server(Body body) {
  server s;
  if (!s.started()) return;
  try {
    body(s);
  } catch (const std::system_error& e) {
    verdict(std::string("the server stopped answering: ") + e.what() + s.gone());
  }
}

// Bytes this socket has sent that the other side has not yet acknowledged (received).
int unacknowledged(int fd) {
  int n = 0;
  return ::ioctl(fd, SIOCOUTQ, &n) == 0 ? n : -1;
}

// The receive queue of the server's end of the connection whose client end is `client_fd`:
// bytes the client sent that the server has not read. -1 when the connection is not found.
long server_unread(int server_port, int client_fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getsockname(client_fd, reinterpret_cast<sockaddr*>(&a), &len) < 0) return -1;
  const int client_port =
      ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&a)->sin6_port
                                    : reinterpret_cast<sockaddr_in*>(&a)->sin_port);
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

// Waits (at most `limit`) until the server has read every byte this client sent.
bool server_read_all(server& s, int client_fd, exercise::millis limit = patience) {
  return exercise::wait_until(
      [&] { return unacknowledged(client_fd) == 0 && server_unread(s.port(), client_fd) == 0; },
      limit);
}

// Sends `text` and waits until the server has read it.
bool send_and_wait_read(server& s, int fd, const std::string& text,
                        exercise::millis limit = patience) {
  return echo_check::send_all(fd, text) && server_read_all(s, fd, limit);
}

// A line as a verdict shows it: in quotes, newlines and NULs visible, long ones cut.
std::string quote(const std::string& text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 60; ++i)
    out += text[i] == '\n'   ? std::string("\\n")
           : text[i] == '\0' ? std::string("\\0")
                             : std::string(1, text[i]);
  return out + (text.size() > 60 ? "...\" (" + echo_check::bytes_text(text.size()) + ")" : "\"");
}

// Sends a line and returns what came back (as many bytes as were sent, or fewer at the limit).
std::string exchange(int fd, const std::string& line, exercise::millis limit = patience) {
  if (!echo_check::send_all(fd, line)) return "";
  return echo_check::read_up_to(fd, line.size(), clock::now() + limit);
}

// Why the server did not read what a client sent: it ended, it sleeps (waiting in a read for
// someone else?) or it runs (looping over bytes it leaves in the socket?).
std::string not_read_note(server& s) {
  if (const std::string gone = s.gone(); !gone.empty()) return gone;
  switch (echo_check::process_state(s.pid())) {
    case 'S':
      return " (it is asleep: waiting in a read for the rest of some line?)";
    case 'R':
      return " (it is running: looping over bytes it leaves in the socket?)";
    default:
      return "";
  }
}

}  // namespace

TEST_CASE("[2] echoes lines byte for byte, pipelined or split, and closes when the client does") {
  with_server([](server& s) { scenarios(s, {"echo", "pipelined"}); });
}

TEST_CASE("[3] a client that sends half a line holds up nobody, and gets its line back whole") {
  with_server([](server& s) {
    csapp::unique_fd slow = s.connect();
    const std::string hello = exchange(slow.get(), "hello\n");
    if (!expect(hello == "hello\n",
                "a single client sent \"hello\\n\" and got " +
                    (hello.empty() ? "no echo within " + secs(patience) : "back " + quote(hello))))
      return;
    // Half a line, and the server has read it: now it has to decide what to do with it.
    if (!expect(send_and_wait_read(s, slow.get(), "half a li"),
                "the server did not read half a line a client sent within " + secs(patience) +
                    not_read_note(s)))
      return;
    for (int i = 1; i <= 3; ++i) {
      csapp::unique_fd other = s.connect();
      const std::string line =
          "client " + std::to_string(i) + " while another is in the middle of a line\n";
      const std::string got = exchange(other.get(), line);
      const std::string who = i == 1 ? "another client" : "client " + std::to_string(i);
      if (!expect(got == line,
                  "while one client had sent half a line (\"half a li\") and stopped, " + who +
                      (got.empty() ? " got no echo within " + secs(patience) + s.gone() +
                                         ": the server waits for the rest of that line "
                                         "(Rio_readlineb waits for a "
                                         "newline) and everybody waits with it"
                                   : " sent " + quote(line) + " and got back " + quote(got) +
                                         (got.rfind("half a li", 0) == 0
                                              ? ": the first client's unfinished line came with it "
                                                "(each client "
                                                "needs a buffer of its own)"
                                              : ""))))
        return;
    }
    echo_check::send_all(slow.get(), "ne\n");
    const std::string want = "half a line\n";
    const std::string got =
        echo_check::read_up_to(slow.get(), want.size(), clock::now() + patience);
    if (!expect(got == want,
                "a client sent \"half a li\", waited, then \"ne\\n\", and got back " +
                    (got.empty() ? "nothing within " + secs(patience) : quote(got)) +
                    ", not \"half a line\\n\"" + s.gone() +
                    (got == "ne\n" ? ": the first part of the line was lost between passes" : "")))
      return;
    // And the same client goes on, twice more, with the break elsewhere.
    for (const auto& [first, second] : std::vector<std::pair<std::string, std::string>>{
             {"a", "nother\n"}, {"third line, almost done", "\n"}}) {
      if (!expect(send_and_wait_read(s, slow.get(), first), "the server did not read " +
                                                                quote(first) + " within " +
                                                                secs(patience) + not_read_note(s)))
        return;
      echo_check::send_all(slow.get(), second);
      const std::string line = first + second;
      const std::string back =
          echo_check::read_up_to(slow.get(), line.size(), clock::now() + patience);
      if (!expect(back == line, "a line sent in two parts, " + quote(first) + " then " +
                                    quote(second) + ", came back as " +
                                    (back.empty() ? "nothing" : quote(back)) + s.gone()))
        return;
    }
  });
}

TEST_CASE(
    "[2] lines that arrive one byte at a time, from two clients taking turns, come back exact") {
  with_server([](server& s) {
    csapp::unique_fd x = s.connect(), y = s.connect();
    // Letters from X; digits, spaces and NUL bytes from Y: a mix-up shows in what comes back.
    const std::string lx = "x says the quick brown fox jumps\n";
    const char y_line[] = "0123 \0 4567 \0\0 89 0123456789 01\n";
    const std::string ly(y_line, sizeof y_line - 1);
    const std::string lines[2] = {lx, ly};
    const int fds[2] = {x.get(), y.get()};
    const char* names[2] = {"X", "Y"};
    // Byte by byte, X then Y then X..., each byte read by the server before the next is sent.
    for (std::size_t at = 0; at < std::max(lx.size(), ly.size()); ++at)
      for (int c = 0; c < 2; ++c) {
        if (at >= lines[c].size()) continue;
        if (send_and_wait_read(s, fds[c], lines[c].substr(at, 1))) continue;
        verdict(
            "two clients sending a line a byte at a time, taking turns: the server did not read "
            "byte " +
            std::to_string(at + 1) + " of client " + names[c] + "'s line within " + secs(patience) +
            not_read_note(s));
        return;
      }
    std::string got[2];
    for (int c = 0; c < 2; ++c)
      got[c] = echo_check::read_up_to(fds[c], lines[c].size(), clock::now() + patience);
    const bool mixed = got[0].find_first_of(std::string("0123456789\0", 11)) != std::string::npos ||
                       got[1].find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
    for (int c = 0; c < 2; ++c) {
      if (got[c] == lines[c]) continue;
      verdict(std::string("two clients sent a line a byte at a time, taking turns; client ") +
              names[c] + " got back " + (got[c].empty() ? "nothing" : quote(got[c])) +
              " instead of " + quote(lines[c]) + s.gone() +
              (mixed ? ": bytes of the other client's line came back to the wrong client (each "
                       "client needs a "
                       "buffer of its own)"
               : got[c].size() < lines[c].size() && !got[c].empty()
                   ? ": bytes that arrived before the line was whole were lost"
                   : ""));
      return;
    }
  });
}

TEST_CASE("[1] a line is echoed once it is whole, not piece by piece") {
  with_server([](server& s) {
    csapp::unique_fd slow = s.connect(), other = s.connect();
    if (!expect(send_and_wait_read(s, slow.get(), "half a li"),
                "the server did not read half a line a client sent within " + secs(patience) +
                    not_read_note(s)))
      return;
    // The server has read the half line; a round trip with another client shows it has moved on.
    const std::string now = exchange(other.get(), "and now?\n");
    if (!expect(now == "and now?\n",
                "while one client had sent half a line, another sent \"and now?\\n\" and got " +
                    (now.empty() ? "no echo within " + secs(patience) + s.gone()
                                 : "back " + quote(now))))
      return;
    const std::string early =
        echo_check::read_up_to(slow.get(), 9, clock::now() + exercise::millis(200));
    if (!expect(early.empty(),
                "a client sent \"half a li\" and the server echoed " + quote(early) +
                    " before the rest of the line arrived: the server echoes lines, so keep the "
                    "unfinished part until its newline comes"))
      return;
    echo_check::send_all(slow.get(), "ne\n");
    const std::string got = echo_check::read_up_to(slow.get(), 12, clock::now() + patience);
    expect(got == "half a line\n",
           "a line sent in two parts came back as " + (got.empty() ? "nothing" : quote(got)));
  });
}

TEST_CASE("[1] waits in select, not in a loop, while a client holds half a line") {
  with_server([](server& s) {
    csapp::unique_fd slow = s.connect();
    echo_check::send_all(slow.get(), "half a li");
    exercise::wait_until([&] { return unacknowledged(slow.get()) == 0; });  // it has arrived
    // Nothing more comes: the server should go to sleep, and stay asleep.
    int asleep = 0;
    exercise::wait_until(
        [&] {
          asleep = echo_check::process_state(s.pid()) == 'S' ? asleep + 1 : 0;
          return asleep >= 50;
        },
        patience);
    if (const std::string gone = s.gone(); !gone.empty()) {
      verdict("a client sent half a line, and the server ended" + gone);
      return;
    }
    expect(asleep >= 50,
           "with one client holding half a line and nothing else to do, the server did not stay "
           "asleep for 50 ms within " +
               secs(patience) +
               ": it is spinning (bytes left in the socket keep select reporting the descriptor "
               "ready, over and over); take them out of the socket and keep them");
  });
}

TEST_CASE("[2] many clients, lines cut into random pieces and interleaved, all come back exact") {
  with_server([](server& s) {
    constexpr int count = 16;
    std::mt19937 rng(1223);
    struct client {
      csapp::unique_fd fd;
      std::string script;    // everything it sends
      std::size_t sent = 0;  // how much of it so far
      std::string got;       // what came back
    };
    std::vector<client> clients(count);
    for (int i = 0; i < count; ++i) {
      clients[i].fd = s.connect();
      for (int l = 0; l < 30; ++l) {
        const int length =
            l == 7 ? 12000 : static_cast<int>(rng() % 200);  // one longer than MAXLINE
        std::string line = "client " + std::to_string(i) + " line " + std::to_string(l) + ": ";
        for (int k = 0; k < length; ++k) line += static_cast<char>('a' + rng() % 26);
        clients[i].script += line + "\n";
      }
      ::fcntl(clients[i].fd.get(), F_SETFL, ::fcntl(clients[i].fd.get(), F_GETFL) | O_NONBLOCK);
    }
    // Round after round, each client sends its next piece (1 to 300 bytes) and reads what is there.
    const auto deadline = clock::now() + event_limit;
    auto done = [&] {
      for (const auto& c : clients)
        if (c.got.size() < c.script.size()) return false;
      return true;
    };
    while (!done() && clock::now() < deadline) {
      std::vector<pollfd> fds;
      for (auto& c : clients) {
        if (c.sent < c.script.size()) {
          const std::size_t piece =
              std::min<std::size_t>(1 + rng() % 300, c.script.size() - c.sent);
          const ssize_t put = ::send(c.fd.get(), c.script.data() + c.sent, piece, MSG_NOSIGNAL);
          if (put > 0) c.sent += static_cast<std::size_t>(put);
        }
        fds.push_back({c.fd.get(), POLLIN, 0});
      }
      ::poll(fds.data(), fds.size(), 1);  // a short nap when nobody has anything
      for (auto& c : clients) {
        char buf[16384];
        const ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
        if (n > 0) c.got.append(buf, static_cast<std::size_t>(n));
      }
    }
    for (int i = 0; i < count; ++i) {
      const auto& c = clients[i];
      const auto at =
          std::mismatch(c.script.begin(), c.script.end(), c.got.begin(), c.got.end()).first -
          c.script.begin();
      if (!expect(c.got == c.script,
                  std::to_string(count) +
                      " clients sent 30 lines each (one of 12 KB) in random pieces, taking "
                      "turns; client " +
                      std::to_string(i) + " sent " + echo_check::bytes_text(c.script.size()) +
                      " and got back " + echo_check::bytes_text(c.got.size()) + " within " +
                      secs(event_limit) +
                      (static_cast<std::size_t>(at) < c.got.size()
                           ? ", different from what it sent from byte " + std::to_string(at)
                           : "") +
                      s.gone()))
        return;
    }
  });
}

TEST_CASE("[1] survives clients that reset or leave early, and stops at SIGTERM") {
  with_server([](server& s) {
    if (!scenarios(s, {"bad-clients"})) return;
    const auto stopped = s.process().stop(event_limit);
    expect(stopped.clean, "sent SIGTERM, the server " + stopped.how);
  });
}
