// The tour, run short against the real example servers: a row per approach, and the rows
// say what each design guarantees. Only what a design makes certain is asserted (an
// iterative server never serves two clients at once; a pool of 4 never serves more than 4),
// never how fast anything went.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <echocheck/cpus.hpp>
#include <echocheck/servers.hpp>

#include "support/spawn.hpp"
#include "support/support.hpp"

namespace {

using test_support::spawned;

using echo_check::example_server;
using echo_check::example_servers;

struct run_result {
  std::string out;  // everything it printed on stdout
  int status = -1;  // exit status, -1 if it did not exit normally in time
};

run_result run_tour(const std::vector<std::string>& args) {
  spawned tour(TOUR_PATH, args);
  run_result r;
  // A line can take as long as one server's whole measurement: a generous bound per line.
  while (auto line = tour.read_line(std::chrono::seconds(90))) r.out += *line + "\n";
  const auto status = tour.wait_exit(std::chrono::seconds(30));
  if (status && WIFEXITED(*status)) r.status = WEXITSTATUS(*status);
  return r;
}

// One CSV line split into fields as RFC 4180 reads them: a quoted field may hold commas
// ("event loop, partial lines") and doubled quotes, which stand for one.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"')
      out.back() += line[++i];
    else if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      out.emplace_back();
    else
      out.back() += c;
  }
  return out;
}

// The CSV as rows keyed by approach, each a map from column name to value.
std::map<std::string, std::map<std::string, std::string>> read_csv(const std::string& text) {
  std::stringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto names = fields(line);
  std::map<std::string, std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto values = fields(line);
    CHECK(values.size() == names.size());  // every field escaped: none split, none merged
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) row[names[i]] = values[i];
    rows[row["approach"]] = row;
  }
  return rows;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("tour.quick_run_has_a_row_per_approach_and_each_design_shows") {
  const std::string out_dir = test_support::temp_dir("tour");
  // Patience 3 s: a concurrent server answers a second client long before that even under
  // a sanitizer, so "waits" can only mean the design makes it wait.
  const run_result r = run_tour({"--quick", "--patience", "3", "--churn", "50", "--out", out_dir});
  INFO(r.out);
  REQUIRE(r.status == 0);
  for (const example_server& server : example_servers()) {
    CAPTURE(server.name);
    CHECK(r.out.find("\n" + server.name + " ") != std::string::npos);  // its table row
  }
  CHECK(r.out.find("What it shows:") != std::string::npos);

  const auto rows = read_csv(test_support::read_file(out_dir + "/tour.csv"));
  REQUIRE(rows.size() == example_servers().size());
  // Each row shows what the server table says its design promises.
  for (const example_server& server : example_servers()) {
    CAPTURE(server.name);
    REQUIRE(rows.count(server.name) == 1);
    const auto& row = rows.at(server.name);
    CHECK(row.at("second_client_waits") == (server.concurrent ? "no" : "yes"));
    CHECK(row.at("half_line_stalls") == (server.half_line_stalls ? "yes" : "no"));
    CHECK(row.at("slow_readers_stall") == (server.slow_readers_stall ? "yes" : "no"));
    CHECK(row.at("flaws").empty());
    CHECK(row.at("stopped_cleanly") == "yes");  // SIGTERM to its group, nothing left behind
    if (server.workers > 0)  // 10 clients that never leave: a pool serves `workers` of them
      CHECK(std::stoi(row.at("starved_10")) >= 10 - server.workers);
    if (!server.concurrent) CHECK(std::stoi(row.at("starved_10")) >= 9);
  }
  // Processes for the process server, threads for the thread server.
  CHECK(std::stoi(rows.at("process per client").at("peak_processes")) > 1);
  CHECK(std::stoi(rows.at("thread per client").at("peak_threads")) > 1);
  CHECK(std::stoi(rows.at("epoll event loop").at("peak_threads")) == 1);

  const std::string markdown = test_support::read_file(out_dir + "/tour.md");
  CHECK(markdown.find("| approach |") != std::string::npos);
  const std::string svg = test_support::read_file(out_dir + "/tour.svg");
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(count(svg, "<polyline") == 3 * example_servers().size());  // three panels, a line each
  // A load at which clients went unserved is drawn hollow in every panel: the pools and the
  // iterative server starve clients at 10.
  CHECK(count(svg, "class=\"not-served\"") >= 3 * 3);

  // The reading ranks only servers that served every client: the fastest and the cheapest
  // it names at 10 clients are never the iterative server nor a pool, whatever their rates.
  for (const std::string ranked : {"the fastest was ", "the cheapest was "}) {
    CAPTURE(ranked);
    int named = 0;
    for (const example_server& server : example_servers()) {
      if (r.out.find(ranked + server.name + " (") == std::string::npos) continue;
      ++named;
      CAPTURE(server.name);
      CHECK(server.concurrent);
      CHECK(server.workers == 0);
    }
    CHECK(named == 1);
  }

  // The timeline: a panel per approach, in one file and one file each; in the iterative
  // server's run no two clients were ever served at once, and in every other's some were.
  const std::string timeline = test_support::read_file(out_dir + "/timeline.svg");
  CHECK(count(timeline, "class=\"panel\"") == example_servers().size());
  for (const example_server& server : example_servers()) {
    CAPTURE(server.name);
    const std::string own =
        test_support::read_file(out_dir + "/timeline-" + server.file_name() + ".svg");
    CHECK(count(own, "class=\"panel\"") == 1);
    const int at_once = std::stoi(rows.at(server.name).at("most_served_at_once"));
    if (!server.concurrent)
      CHECK(at_once == 1);
    else
      CHECK(at_once > 1);
    if (server.workers > 0) CHECK(at_once <= server.workers);
  }

  // Ramp-up and steady state are separate columns, and every cell has its server CPU per
  // round trip (a tick of CPU may not have passed in a short cell: then 0, never missing).
  for (const example_server& server : example_servers()) {
    CAPTURE(server.name);
    const auto& row = rows.at(server.name);
    for (const char* n : {"1", "10"}) {
      CAPTURE(n);
      for (const std::string column :
           {"ramp_s_", "steady_s_", "cpu_per_round_trip_s_", "cpu_per_round_trip_s_lo_",
            "cpu_per_round_trip_s_hi_", "msgs_per_s_lo_", "msgs_per_s_hi_", "p99_all_clients_s_"}) {
        CAPTURE(column);
        REQUIRE(row.count(column + n) == 1);
        CHECK(std::stod(row.at(column + n)) >= 0);
      }
      CHECK(std::stod(row.at(std::string("steady_s_") + n)) > 0);
      CHECK(row.at(std::string("rounds_") + n) == "2");  // --quick: two rounds per cell
      CHECK(std::stod(row.at(std::string("msgs_per_s_lo_") + n)) <=
            std::stod(row.at(std::string("msgs_per_s_hi_") + n)));
      // A starved cell's latency over all clients is at least its whole run.
      if (std::stoi(row.at(std::string("starved_") + n)) > 0)
        CHECK(std::stod(row.at(std::string("p99_all_clients_s_") + n)) >=
              std::stod(row.at(std::string("steady_s_") + n)));
    }
  }
  // Some server did measurable work at 10 clients: the CPU column is read, not left at 0.
  double cpu_at_10 = 0;
  for (const auto& [name, row] : rows) cpu_at_10 += std::stod(row.at("cpu_per_round_trip_s_10"));
  CHECK(cpu_at_10 > 0);

  // With 2 or more CPUs, the tour placed the servers and itself on disjoint CPUs, as the
  // kernel reported their affinity (read back, not the request repeated).
  const auto allowed = echo_check::allowed_cpus();
  for (const auto& [name, row] : rows) {
    CAPTURE(name);
    const auto server = echo_check::parse_cpu_list(row.at("server_cpus"));
    const auto client = echo_check::parse_cpu_list(row.at("client_cpus"));
    REQUIRE(server);
    REQUIRE(client);
    if (allowed.size() >= 2) CHECK(echo_check::disjoint(*server, *client));
  }
}

TEST_CASE("tour.--no-pin leaves servers and clients on every CPU") {
  const std::string out_dir = test_support::temp_dir("tour-no-pin");
  const run_result r = run_tour({"--quick", "--only", "echoserver_epoll", "--rounds", "1",
                                 "--clients", "1", "--churn", "20", "--no-pin", "--out", out_dir});
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("share every CPU (not pinned)") != std::string::npos);
  const auto rows = read_csv(test_support::read_file(out_dir + "/tour.csv"));
  REQUIRE(rows.size() == 1);
  const auto& row = rows.begin()->second;
  const std::string everything = echo_check::cpu_list_text(echo_check::allowed_cpus());
  CHECK(row.at("server_cpus") == everything);
  CHECK(row.at("client_cpus") == everything);
}

TEST_CASE("tour.bad_arguments_exit_2") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--clients", "ten"},
           {"--only", "nosuchserver"},
           {"--bogus"},
           {"--duration"},
           {"--rounds", "0"},
           {"--server-cpus", "0"},
           {"--server-cpus", "0", "--client-cpus", "0"},
           {"--no-pin", "--server-cpus", "0", "--client-cpus", "1"},
           {"--client-cpus", "x", "--server-cpus", "0"}}) {
    CAPTURE(args.front());
    CHECK(run_tour(args).status == 2);
  }
  CHECK(run_tour({"--help"}).status == 0);
}
