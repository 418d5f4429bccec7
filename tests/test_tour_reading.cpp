// Tests for tools/tour/reading.hpp and the tour's honest-latency rules, on made-up rows: the
// reading ranks only servers that served every client, claims a difference only when the
// rounds' ranges do not overlap, and a starved cell's latency is the whole run.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../tools/tour/bench.hpp"
#include "../tools/tour/chart.hpp"
#include "../tools/tour/reading.hpp"

namespace {

// A load cell of `clients`, `starved` of them never served, over rounds spanning [lo, hi]
// round trips per second and [cpu_lo, cpu_hi] of CPU per round trip.
tour::load_cell cell(int clients, int starved, double lo, double hi, double cpu_lo, double cpu_hi,
                     double p99) {
  tour::load_cell c;
  c.clients = clients;
  c.starved = starved;
  c.msgs_lo = lo;
  c.msgs_hi = hi;
  c.msgs_per_s = (lo + hi) / 2;
  c.cpu_lo = cpu_lo;
  c.cpu_hi = cpu_hi;
  c.cpu_per_rt_s = (cpu_lo + cpu_hi) / 2;
  c.p99_s = p99;
  c.ramp_s = 0.01;
  c.steady_s = 0.6;
  c.rounds = 3;
  return c;
}

tour::row server(const std::string& program, const std::string& name, tour::load_cell at_100) {
  tour::row r;
  r.what = *echo_check::find_example_server(program);
  r.what.name = name;
  r.loads = {at_100};
  return r;
}

tour::tour_options options() {
  tour::tour_options opt;
  opt.clients = {100};
  opt.rounds = 3;
  return opt;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("tour_reading.a_starved_cell_never_ranks_fastest_nor_cheapest_nor_lowest_latency") {
  // The pool is ten times faster and cheaper, with a tiny p99, but served 4 of 100 clients.
  const std::vector<tour::row> rows = {
      server("echoservert_pre", "the pool", cell(100, 96, 900e3, 950e3, 1e-7, 2e-7, 1e-5)),
      server("echoservert", "the threads", cell(100, 0, 50e3, 55e3, 9e-6, 10e-6, 4e-3)),
      server("echoserver_epoll", "the loop", cell(100, 0, 90e3, 95e3, 3e-6, 4e-6, 2e-3)),
  };
  const std::string text = tour::reading(rows, options());
  INFO(text);
  CHECK(has(text, "the fastest was the loop"));
  CHECK(has(text, "the cheapest was the loop"));
  CHECK_FALSE(has(text, "was the pool"));
  CHECK(has(text, "the pool served 4 clients at a time"));
  // Its latency over all clients is the whole run, not the served few's 10 us.
  CHECK(rows[0].loads[0].p99_all_s() >= rows[0].loads[0].steady_s);
  CHECK(rows[1].loads[0].p99_all_s() == rows[1].loads[0].p99_s);
  // And the performance page does not compare it with the fastest.
  const std::string md = tour::bench_markdown(rows, options(), "tour");
  CHECK(has(md, "| the pool | 12.5 | 925,000 | 900k to 950k | not all served |"));
}

TEST_CASE("tour_reading.overlapping_ranges_are_level_and_apart_ranges_get_a_ratio") {
  const std::vector<tour::row> rows = {
      server("echoservert", "A", cell(100, 0, 95e3, 105e3, 3e-6, 4e-6, 1e-3)),
      server("echoserver_epoll", "B", cell(100, 0, 90e3, 100e3, 3.5e-6, 4.5e-6, 1e-3)),
      server("echoserverp", "C", cell(100, 0, 20e3, 30e3, 20e-6, 30e-6, 1e-3)),
  };
  const std::string text = tour::reading(rows, options());
  INFO(text);
  CHECK(has(text, "the fastest was A"));
  CHECK(has(text, "level with it, their ranges overlapping: B"));  // 95k-105k meets 90k-100k
  CHECK(has(text, "A: 4.0x the round trips per second of C"));     // 100k against 25k
  CHECK(has(text, "the cheapest was A"));
  CHECK(has(text, "A: 7.1x less CPU per round trip than C"));  // 3.5 us against 25 us
  // The rounds' spread is reported, and the placement.
  CHECK(has(text, "median of 3 rounds"));
  CHECK(has(text, "Placement: "));
}

TEST_CASE("tour_reading.ranges_that_do_not_overlap_are_not_called_level") {
  const std::vector<tour::row> rows = {
      server("echoservert", "A", cell(100, 0, 101e3, 105e3, 3e-6, 4e-6, 1e-3)),
      server("echoserver_epoll", "B", cell(100, 0, 90e3, 100e3, 5e-6, 6e-6, 1e-3)),
  };
  const std::string text = tour::reading(rows, options());
  INFO(text);
  CHECK(has(text, "the fastest was A"));
  CHECK_FALSE(has(text, "level with it"));
  CHECK(has(text, "A: 1.1x the round trips per second of B"));
}

TEST_CASE("tour_reading.tick_labels_are_round_numbers") {
  CHECK(tour::round_step(183e3, 4) == 50e3);
  CHECK(tour::round_step(40e3, 4) == 10e3);
  CHECK(tour::round_step(7.5, 4) == 2);
  CHECK(tour::round_step(1, 4) == doctest::Approx(0.5));
}
