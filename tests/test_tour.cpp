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
  CHECK(count(svg, "<polyline") == 2 * example_servers().size());  // two panels, a line each
}

TEST_CASE("tour.bad_arguments_exit_2") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--clients", "ten"}, {"--only", "nosuchserver"}, {"--bogus"}, {"--duration"}}) {
    CAPTURE(args.front());
    CHECK(run_tour(args).status == 2);
  }
  CHECK(run_tour({"--help"}).status == 0);
}
