// Tests of examples/12.5-semaphores: lost updates and their fix, the bounded buffer,
// readers-writers, and the prethreaded echo server.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/clients.hpp"
#include "support/programs.hpp"

namespace {
const std::string dir = std::string(EXAMPLES_DIR) + "/12.5-semaphores/";
const test_support::section_programs section(dir);
using test_support::lines_of;
using test_support::tolerate_intended_races;

// "OK cnt=N" or "BOOM! cnt=N": the verdict and N.
bool parse_count(const std::string& out, std::string& verdict, long& count) {
  static const std::regex line("^(OK|BOOM!) cnt=([0-9]+)\n$");
  std::smatch m;
  if (!std::regex_match(out, m, line)) return false;
  verdict = m[1];
  count = std::stol(m[2]);
  return true;
}
}  // namespace

using namespace test_support;

TEST_CASE("ex.badcnt prints a well-formed count that is never more than 2 x NITERS") {
  // Not asserted: that the count is wrong. Lost updates depend on the schedule; a run with
  // no unlucky interleaving is correct, and a test that demanded BOOM would be flaky.
  tolerate_intended_races guard;
  const long niters = 200000;
  const auto result = section.run("badcnt", {std::to_string(niters)});
  CHECK(result.exit_code == 0);  // OK and BOOM! alike: the count is the lesson
  std::string verdict;
  long count = -1;
  REQUIRE(parse_count(result.out, verdict, count));
  CHECK(count > 0);
  CHECK(count <= 2 * niters);  // updates can be lost, never invented
  CHECK((verdict == "OK") == (count == 2 * niters));
}

TEST_CASE("ex.goodcnt is always right") {
  for (long niters : {1L, 1000L, 100000L}) {
    CAPTURE(niters);
    const auto result = section.run("goodcnt", {std::to_string(niters)});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(result.out == "OK cnt=" + std::to_string(2 * niters) + "\n");
  }
}

TEST_CASE("ex.prodcons consumes each item exactly once") {
  struct config {
    int producers, consumers, items;
  };
  // More consumers than items too: the extra ones get only the stop marker.
  for (const config c : {config{1, 1, 1000}, config{3, 5, 20000}, config{5, 2, 20000},
                         config{8, 8, 10000}, config{2, 7, 3}}) {
    CAPTURE(c.producers);
    CAPTURE(c.consumers);
    CAPTURE(c.items);
    const auto result = section.run(
        "prodcons",
        {std::to_string(c.producers), std::to_string(c.consumers), std::to_string(c.items)});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    const long n = c.items;
    const std::string summary = std::to_string(c.producers) + " producers, " +
                                std::to_string(c.consumers) + " consumers: consumed " +
                                std::to_string(n) + " of " + std::to_string(n) +
                                " items, checksum " + std::to_string(n * (n - 1) / 2) +
                                " (expected " + std::to_string(n * (n - 1) / 2) + ")";
    CHECK(lines_of(result.out) ==
          std::vector<std::string>{summary, "each item consumed exactly once"});
  }
}

TEST_CASE("ex.readers_writers (Figure 12.26) ends, and its writers excluded each other") {
  // Writers increment the object under w: any two writers inside at once could lose an
  // increment. (That a writer never overlaps a reader is checked by readers_writers_check,
  // and, in the tsan build, by ThreadSanitizer on this program's reads of the object.)
  struct config {
    int readers, writers, iters;
  };
  for (const config c : {config{4, 2, 2000}, config{8, 3, 500}, config{1, 5, 1000},
                         config{6, 0, 100}, config{0, 3, 100}}) {
    CAPTURE(c.readers);
    CAPTURE(c.writers);
    const auto result = section.run(
        "readers_writers",
        {std::to_string(c.readers), std::to_string(c.writers), std::to_string(c.iters)});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no error, no sanitizer report
    CHECK(result.out == std::to_string(c.readers) + " readers, " + std::to_string(c.writers) +
                            " writers, " + std::to_string(c.iters) +
                            " rounds each: object written " + std::to_string(c.writers * c.iters) +
                            " times\n");
  }
}

TEST_CASE("ex.readers_writers with no arguments runs the default workload") {
  const auto result = section.run("readers_writers", {});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(result.out == "4 readers, 2 writers, 2000 rounds each: object written 4000 times\n");
}

TEST_CASE("ex.readers_writers_check never lets a writer overlap anyone, in both variants") {
  // The program counts who is inside the critical section and reports any moment a writer
  // shares it; it also detects torn reads of the shared array.
  for (const char* variant : {"readers", "writers"}) {
    struct config {
      int readers, writers, iters;
    };
    for (const config c : {config{4, 2, 2000}, config{8, 3, 500}, config{1, 5, 1000},
                           config{6, 0, 100}, config{0, 3, 100}}) {
      const int readers = c.readers, writers = c.writers, iters = c.iters;
      CAPTURE(variant);
      CAPTURE(readers);
      CAPTURE(writers);
      const auto result = section.run(
          "readers_writers_check",
          {variant, std::to_string(readers), std::to_string(writers), std::to_string(iters)});
      CHECK(result.exit_code == 0);
      CHECK(result.err.empty());  // no error, no sanitizer report
      const auto lines = lines_of(result.out);
      REQUIRE(lines.size() == 3);
      CHECK(lines[0] == std::string(variant) + " favoured: " + std::to_string(readers) +
                            " readers, " + std::to_string(writers) +
                            " writers: " + std::to_string(readers * iters) + " reads, " +
                            std::to_string(writers * iters) + " writes");
      CHECK(lines[1].rfind("most readers inside at once: ", 0) == 0);
      CHECK(lines[2] == "no overlap: a writer was never inside with anyone else");
    }
  }
}

TEST_CASE("ex.readers_writers_check with only the variant runs the default workload") {
  const auto result = section.run("readers_writers_check", {"readers"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no error, no sanitizer report
  CHECK(result.out.find("8000 reads, 4000 writes") != std::string::npos);
  CHECK(result.out.find("no overlap") != std::string::npos);
}

// The pool's limit with a worker count of our choosing (the default 4 is tested for every
// pool server in test_servers.cpp). A thread-per-client server has no such limit
// (12.3-threads), at the cost of a thread per client.
TEST_CASE("ex.echoservert_pre with 1 worker: 1 idle client makes client 2 wait") {
  running_server server(dir + "echoservert_pre", {"1"});
  REQUIRE(server.port > 0);
  check_pool_limit(server.port, 1);
}

TEST_CASE("ex.echoservert_pre_cpp with 2 workers: 2 idle clients make client 3 wait") {
  running_server server(dir + "echoservert_pre_cpp", {"2"});
  REQUIRE(server.port > 0);
  check_pool_limit(server.port, 2);
}

TEST_CASE("ex.echoservert_pre reports each connection's bytes and the shared total") {
  // echo_cnt's counter is shared by all workers (set up once, by pthread_once): the totals
  // that the connections report add up across workers.
  running_server server(dir + "echoservert_pre", {"2"});
  REQUIRE(server.port > 0);
  {
    csapp::unique_fd a = connect_client(server.port);
    REQUIRE(round_trip(a.get(), "0123456789\n"));  // 11 bytes
  }
  const auto first = server.process.read_line();
  REQUIRE(first.has_value());
  CHECK(
      std::regex_match(*first, std::regex("server received 11 bytes on fd [0-9]+ \\(11 total\\)")));
  {
    csapp::unique_fd b = connect_client(server.port);
    REQUIRE(round_trip(b.get(), "abc\n"));  // 4 bytes
  }
  const auto second = server.process.read_line();
  REQUIRE(second.has_value());
  CHECK(
      std::regex_match(*second, std::regex("server received 4 bytes on fd [0-9]+ \\(15 total\\)")));
}

TEST_CASE("ex.12.5 programs with bad arguments print usage and exit 2") {
  section.check_usage("badcnt", {});
  section.check_usage("badcnt", {"0"});
  section.check_usage("badcnt", {"ten"});
  section.check_usage("badcnt", {"10", "20"});
  section.check_usage("goodcnt", {});
  section.check_usage("goodcnt", {"-5"});
  section.check_usage("prodcons", {});
  section.check_usage("prodcons", {"1", "1"});
  section.check_usage("prodcons", {"0", "1", "10"});
  section.check_usage("prodcons", {"1", "1", "x"});
  section.check_usage("readers_writers", {"4"});
  section.check_usage("readers_writers", {"4", "2"});
  section.check_usage("readers_writers", {"4", "2", "0"});
  section.check_usage("readers_writers", {"4", "x", "10"});
  section.check_usage("readers_writers", {"4", "2", "10", "extra"});
  section.check_usage("readers_writers_check", {});
  section.check_usage("readers_writers_check", {"both"});
  section.check_usage("readers_writers_check", {"readers", "1", "1"});
  section.check_usage("readers_writers_check", {"writers", "1", "1", "0"});
  section.check_usage("echoservert_pre", {});
  section.check_usage("echoservert_pre", {"0", "0"});
  section.check_usage("echoservert_pre", {"0", "many"});
  section.check_usage("echoservert_pre", {"0", "4", "extra"});
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {}, {"0", "0"}, {"0", "abc"}, {"0", "2x"}, {"0", "2", "x"}})
    section.check_usage("echoservert_pre_cpp", args);
}

// echoservert_pre_cpp shows csapp/stop.hpp in full: it catches SIGTERM and exits 0. With its
// 1 worker busy and the 16-slot buffer full, the accepting thread waits inside insert with one
// more client in hand; SIGTERM must still end the server at once (that is why it accepts in a
// thread of its own and its main thread waits only for the stop), and every client then sees
// its connection closed.
TEST_CASE("ex.echoservert_pre_cpp exits 0 on SIGTERM even with every worker and slot taken") {
  running_server server(dir + "echoservert_pre_cpp", {"1"});
  REQUIRE(server.port > 0);
  const pid_t pid = server.process.pid();
  std::vector<csapp::unique_fd> clients;
  clients.push_back(connect_client(server.port));
  REQUIRE(round_trip(clients.back().get(), "served\n"));
  for (int i = 0; i < 16 + 1 + 2; ++i) {  // the buffer, the one in hand, two in the queue
    clients.push_back(connect_client(server.port));
    REQUIRE(csapp::writen(clients.back().get(), "waiting\n", 8) == 8);
  }
  // The listener, 1 served, 16 buffered and 1 in the accepting thread's hand: the buffer is
  // full and the accepting thread waits in insert.
  const auto sockets = [&] {
    int n = 0;
    for (const std::string& fd : list_dir("/proc/" + std::to_string(pid) + "/fd")) {
      char target[64] = "";
      const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + fd;
      const ssize_t len = ::readlink(link.c_str(), target, sizeof target - 1);
      if (len > 0 && std::string(target, static_cast<std::size_t>(len)).rfind("socket:", 0) == 0)
        ++n;
    }
    return n;
  };
  REQUIRE(wait_for([&] { return sockets() == 1 + 1 + 16 + 1; }));
  REQUIRE(::kill(pid, SIGTERM) == 0);  // to the server alone: it stops itself
  const auto status = server.process.wait_exit();
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    CAPTURE(i);
    CHECK(answers_within(clients[i].get(), event_limit));
  }
}
