// Problem 12.23's checks: the event-driven echo server, safe from a client that sends half a
// line.
//
// The server runs as the grader's child, on port 0, its stderr in a log whose last line a
// verdict quotes when the server ends (support/echo_server.hpp). Clients are the echo checker's
// (tools/echocheck).
//
// Whether the server has read a client's bytes is not guessed from time: the kernel says it.
// A client's bytes have reached the server when its socket has no unacknowledged bytes
// (SIOCOUTQ), and the server has read them when its end of the connection has nothing queued
// (the receive queue in /proc/net/tcp6 or /proc/net/tcp). So "the next byte arrives in a read of
// its own" and "the server has seen half a line" are events to wait for, with a bound.
#include "echo_server.hpp"

#include <poll.h>

#include <algorithm>
#include <random>

namespace {

using echo_check::clock;
using exercise::echo_server;
using exercise::expect;
using exercise::secs;
using exercise::unacknowledged;
using exercise::verdict;

constexpr exercise::millis patience = echo_server::patience;
constexpr exercise::millis event_limit = echo_server::event_limit;

// A check's body, with the server started with its stderr in a log (support/echo_server.hpp).
template <class Body>
void with_server(Body body) {
  exercise::echo_server_options options;
  options.log = true;
  exercise::with_echo_server(options, body);
}

// Sends `text` and waits until the server has read it.
bool send_and_wait_read(echo_server& s, int fd, const std::string& text,
                        exercise::millis limit = patience) {
  return echo_check::send_all(fd, text) && s.has_read_all(fd, limit);
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
std::string not_read_note(echo_server& s) {
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
  with_server([](echo_server& s) { exercise::scenarios(s, {"echo", "pipelined"}); });
}

TEST_CASE("[3] a client that sends half a line holds up nobody, and gets its line back whole") {
  with_server([](echo_server& s) {
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
  with_server([](echo_server& s) {
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
  with_server([](echo_server& s) {
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
  with_server([](echo_server& s) {
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
  with_server([](echo_server& s) {
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
  with_server([](echo_server& s) {
    if (!exercise::scenarios(s, {"bad-clients"})) return;
    const auto stopped = s.process().stop(event_limit);
    expect(stopped.clean, "sent SIGTERM, the server " + stopped.how);
  });
}
