// Problem 12.22's checks: Figure 12.6's select server, changed to echo at most one line per
// client per pass of its loop.
//
// The server runs as the grader's child, on port 0, with a pipe for its stdin (the figure's
// keyboard) and its stdout read here (support/echo_server.hpp). Clients are the echo checker's
// (tools/echocheck).
//
// "One line per pass" is seen from outside in one way that does not depend on timing: the
// server is stopped (SIGSTOP) while one client sends a batch of lines, ending in half a line,
// and another sends one line; when it continues, both are ready in its first pass. A server that
// serves one line and goes back to select answers the single line at once. A server that serves
// the batch to the end reaches the half line and waits in it for good (it never comes until the
// single line's echo has), so the single line gets no echo: no race decides either outcome.
#include "echo_server.hpp"

#include <algorithm>

namespace {

using echo_check::clock;
using exercise::echo_server;
using exercise::expect;
using exercise::secs;
using exercise::unacknowledged;
using exercise::verdict;

constexpr exercise::millis patience = echo_server::patience;
constexpr exercise::millis event_limit = echo_server::event_limit;

// A check's body, with the server started with a pipe for its stdin (support/echo_server.hpp).
template <class Body>
void with_server(Body body) {
  exercise::echo_server_options options;
  options.with_stdin = true;
  exercise::with_echo_server(options, body);
}

std::string lines_text(long long n) { return echo_check::plural(n, "line", "lines"); }

long long count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// One round of the batch-against-one-line check: `batcher` sends `count` lines and half of
// another in one write, `single` sends one line, both while the server is stopped.
bool batch_round(echo_server& s, int batcher, const std::string& bname, int single,
                 const std::string& sname) {
  constexpr int count = 1000;
  std::string batch;
  char line[32];
  for (int i = 1; i <= count; ++i) {
    std::snprintf(line, sizeof line, "line %04d of %s\n", i, bname.c_str());
    batch += line;
  }
  const std::string half = "an unfinished li";
  const std::string rest = "ne\n";
  const std::string one = "the one line of " + sname + "\n";
  // Idle, the server waits in select: asleep. Then it is stopped there.
  if (!expect(
          exercise::wait_until([&] { return echo_check::process_state(s.pid()) == 'S'; },
                               event_limit),
          "with every client answered and nothing to do, the server never went to sleep within " +
              secs(event_limit) + ": an idle server should be waiting in select, not looping"))
    return false;
  {
    exercise::paused stop(s.pid());
    REQUIRE_MESSAGE(stop.stopped(), "the server could not be stopped with SIGSTOP");
    echo_check::send_all(batcher, batch + half);  // well within what the kernel buffers
    echo_check::send_all(single, one);
    // Both have arrived (the server's kernel acknowledged every byte), so the first pass after
    // SIGCONT finds both clients ready.
    exercise::wait_until(
        [&] { return unacknowledged(batcher) == 0 && unacknowledged(single) == 0; }, event_limit);
  }
  const std::string got = echo_check::read_up_to(single, one.size(), clock::now() + patience);
  if (!expect(
          got == one,
          got.empty()
              ? sname + "'s one line got no echo within " + secs(patience) + ", while " + bname +
                    "'s " + std::to_string(count) +
                    " lines, which arrived at the same time, were being echoed: the server "
                    "serves a client's lines as long as it has any (here up to a line it has not "
                    "finished) before it looks at the other clients; echo one line per ready "
                    "client, then go back to select"
              : sname +
                    "'s one line came back wrong: " + echo_check::describe_difference(one, got)))
    return false;
  // The rest of the batch, all in the server's hands since before it continued.
  const std::string back = echo_check::read_up_to(batcher, batch.size(), clock::now() + patience);
  if (!expect(back == batch, "of " + bname + "'s " + std::to_string(count) +
                                 " lines, sent in one write, " + std::to_string(count_lines(back)) +
                                 " came back within " + secs(patience) +
                                 (back.size() >= batch.size() ? ", not byte for byte" : "") +
                                 " (the client sent nothing more meanwhile)"))
    return false;
  echo_check::send_all(batcher, rest);
  const std::string last =
      echo_check::read_up_to(batcher, half.size() + rest.size(), clock::now() + patience);
  return expect(last == half + rest, "a line " + bname +
                                         " sent in two parts did not come back whole: " +
                                         echo_check::describe_difference(half + rest, last));
}

}  // namespace

TEST_CASE("[2] echoes lines byte for byte, and closes when the client does") {
  with_server([](echo_server& s) { exercise::scenarios(s, {"echo"}); });
}

TEST_CASE("[3] lines sent together all come back, without the client sending more") {
  with_server([](echo_server& s) {
    csapp::unique_fd c = s.connect();
    constexpr int count = 200;
    std::string batch;
    for (int i = 0; i < count; ++i) batch += "pipelined line " + std::to_string(i) + "\n";
    echo_check::send_all(c.get(), batch);
    const std::string got = echo_check::read_up_to(c.get(), batch.size(), clock::now() + patience);
    if (got != batch) {
      const long long back = count_lines(got);
      if (!expect(got == batch.substr(0, got.size()),
                  "of " + std::to_string(count) +
                      " lines sent in one write, the echo went wrong after " + lines_text(back) +
                      ": " + echo_check::describe_difference(batch, got)))
        return;
      // Are the rest waiting somewhere, or gone? The client sends one more line.
      const std::string nudge = "one more line\n";
      echo_check::send_all(c.get(), nudge);
      const std::string next_batch_line = "pipelined line " + std::to_string(back) + "\n";
      const std::string after = echo_check::read_up_to(
          c.get(), std::max(nudge.size(), next_batch_line.size()), clock::now() + patience);
      const std::string head = "of " + std::to_string(count) + " lines sent in one write, " +
                               std::to_string(back) + " came back within " + secs(patience);
      if (after.rfind(next_batch_line, 0) == 0)
        verdict(head +
                "; the next one came only when the client sent another line: the rest wait in the "
                "client's rio_t buffer, where select cannot see them (select looks at the socket, "
                "which is empty); a server must not sleep in select while a whole line is already "
                "buffered");
      else if (after.rfind(nudge, 0) == 0)
        verdict(
            head +
            ", and the rest were lost: when the client sent another line, that line came back "
            "instead of the next one of the batch (a rio_t made afresh, or copied, for each line "
            "throws away the lines it read ahead)");
      else
        verdict(head + ", and after the client sent one more line, " +
                (after.empty()
                     ? "nothing came back"
                     : "this came back: " + echo_check::describe_difference(nudge, after)));
      return;
    }
    // Lines split anywhere, and a batch that takes many reads.
    for (const std::string piece : {"split li", "ne one\nsplit line two\nsplit", " line three\n"})
      echo_check::send_all(c.get(), piece);
    const std::string split = "split line one\nsplit line two\nsplit line three\n";
    const std::string got_split =
        echo_check::read_up_to(c.get(), split.size(), clock::now() + patience);
    if (!expect(got_split == split, "lines split across writes did not come back whole: " +
                                        echo_check::describe_difference(split, got_split)))
      return;
    std::string many;
    for (int i = 0; i < 5000; ++i) many += "line " + std::to_string(i) + " of a long batch\n";
    echo_check::send_all(c.get(), many);
    const std::string got_many =
        echo_check::read_up_to(c.get(), many.size(), clock::now() + event_limit);
    expect(got_many == many, "of 5000 lines (" + echo_check::bytes_text(many.size()) +
                                 ") sent in one write, " + std::to_string(count_lines(got_many)) +
                                 " came back within " + secs(event_limit));
  });
}

TEST_CASE("[2] serves a second and a third client while the first stays connected") {
  with_server([](echo_server& s) {
    std::vector<csapp::unique_fd> clients;
    for (int i = 1; i <= 3; ++i) {
      clients.push_back(s.connect());
      const std::string line = "hello from client " + std::to_string(i) + "\n";
      if (!expect(
              echo_check::round_trip(clients.back().get(), line, clock::now() + patience),
              i == 1 ? "a single client got no echo within " + secs(patience)
                     : "client " + std::to_string(i) + " got no echo within " + secs(patience) +
                           " while " + (i == 2 ? "the first client stayed" : "the others stayed") +
                           " connected: the server is still serving the first one (echo until it "
                           "leaves); "
                           "put each connected client in the read set and echo one line at a time"))
        return;
    }
    for (int round = 0; round < 3; ++round)
      for (std::size_t i = 0; i < clients.size(); ++i) {
        const std::string line =
            "round " + std::to_string(round) + " client " + std::to_string(i + 1) + "\n";
        if (!expect(echo_check::round_trip(clients[i].get(), line, clock::now() + patience),
                    "with three clients connected, client " + std::to_string(i + 1) +
                        " got no echo within " + secs(patience) + " in round " +
                        std::to_string(round + 1) + " of taking turns"))
          return;
      }
  });
}

TEST_CASE("[2] answers a command typed on stdin while clients are connected") {
  with_server([](echo_server& s) {
    s.type("before any client\n");
    auto answer = s.process().read_line(patience);
    if (!expect(answer == std::optional<std::string>("before any client"),
                "a line typed on stdin with no client connected " +
                    (answer ? "was answered with \"" + *answer + "\""
                            : "got no answer within " + secs(patience)) +
                    ", not echoed on stdout as in the figure"))
      return;
    csapp::unique_fd c = s.connect();
    if (!expect(echo_check::round_trip(c.get(), "from the network\n", clock::now() + patience),
                "a single client got no echo within " + secs(patience)))
      return;
    s.type("typed while a client is connected\n");
    answer = s.process().read_line(patience);
    if (!expect(answer == std::optional<std::string>("typed while a client is connected"),
                answer
                    ? "a line typed on stdin was answered with \"" + *answer + "\""
                    : "a line typed on stdin while a client was connected got no answer within " +
                          secs(patience) +
                          ": the server is inside that client's echo and does not look at stdin "
                          "until it leaves"))
      return;
    if (!expect(echo_check::round_trip(c.get(), "still here\n", clock::now() + patience),
                "after a command was answered, the connected client got no echo within " +
                    secs(patience)))
      return;
    s.process().close_stdin();  // end of file on stdin ends the server, as in the figure
    const auto status = s.process().wait_exit(event_limit);
    expect(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0,
           "at end of file on stdin the server " +
               (status ? echo_check::describe_wait_status(*status)
                       : "was still running after " + secs(event_limit)) +
               "; the figure exits with status 0 there");
  });
}

TEST_CASE("[3] one line per pass: a batch of 1000 lines does not hold up another client's line") {
  with_server([](echo_server& s) {
    csapp::unique_fd a = s.connect();
    if (!expect(echo_check::round_trip(a.get(), "hello from A\n", clock::now() + patience),
                "a single client got no echo within " + secs(patience)))
      return;
    csapp::unique_fd b = s.connect();
    if (!expect(echo_check::round_trip(b.get(), "hello from B\n", clock::now() + patience),
                "a second client got no echo within " + secs(patience) +
                    " while the first stayed connected: the server is still serving the first one"))
      return;
    // Both ways round, so the order in which the server looks at its clients does not matter.
    if (!batch_round(s, a.get(), "client A", b.get(), "client B")) return;
    batch_round(s, b.get(), "client B", a.get(), "client A");
  });
}

TEST_CASE("[1] survives clients that reset or leave early, and stops at SIGTERM") {
  with_server([](echo_server& s) {
    if (!exercise::scenarios(s, {"bad-clients"})) return;
    const auto stopped = s.process().stop(event_limit);
    expect(stopped.clean, "sent SIGTERM, the server " + stopped.how);
  });
}
