// Tests for tools/tour/timeline.hpp: who is served when, recorded against the real example
// servers and drawn as SVG.
//
// The recorded runs are judged only on what each server's design makes certain: one client at
// a time for the iterative server, at most one per worker for the pool, and, for the book's
// select pool, nobody served while one client's half line is pending. Where a claim also
// needs the server to answer within some time (a concurrent server serves two clients at
// once only if it answers the second before the first leaves), the clients hold on for a
// second or more, the same kind of patience test_servers.cpp gives the checker, and the
// comment says so. The drawing is tested on made-up runs: a panel per run, a bar per client,
// names escaped, round tick labels, nothing drawn after a client left.
#include "../tools/tour/timeline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/clients.hpp"

namespace {

using echo_check::client_timeline;
using tour::timeline_run;

client_timeline client(double connected, std::vector<std::pair<double, double>> served,
                       double left) {
  client_timeline c;
  c.connected = connected;
  c.served = std::move(served);
  c.left = left;
  return c;
}

timeline_run made_up(std::vector<client_timeline> clients, double seconds,
                     const std::string& name = "made up") {
  timeline_run r;
  r.name = name;
  r.section = "0.0";
  r.clients = std::move(clients);
  r.seconds = seconds;
  return r;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A small XML well-formedness check, independent of the writer: tags nest and close, every
// attribute value is quoted, and every & starts an entity. Enough to catch an unescaped name.
bool well_formed(const std::string& xml, std::string& why) {
  std::vector<std::string> open;
  const std::regex entity("^&(amp|lt|gt|quot|apos|#[0-9]+);");
  for (std::size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] == '&') {
      if (!std::regex_search(xml.substr(i, 8), entity))
        return why = "a bare & at " + std::to_string(i), false;
    } else if (xml[i] == '>') {
      return why = "a > outside a tag at " + std::to_string(i), false;
    } else if (xml[i] == '<') {
      const auto end = xml.find('>', i);
      if (end == std::string::npos) return why = "an unclosed tag", false;
      const std::string tag = xml.substr(i + 1, end - i - 1);
      if (tag.find('<') != std::string::npos) return why = "a < inside a tag: " + tag, false;
      if (count(tag, "\"") % 2 != 0) return why = "an odd number of quotes in: " + tag, false;
      const bool closing = tag[0] == '/', empty = tag.back() == '/';
      const std::string name =
          tag.substr(closing ? 1 : 0, tag.find_first_of(" />", 1) - (closing ? 1 : 0));
      if (closing) {
        if (open.empty() || open.back() != name)
          return why = "</" + name + "> closes nothing", false;
        open.pop_back();
      } else if (!empty) {
        open.push_back(name);
      }
      i = end;
    }
  }
  if (!open.empty()) return why = "<" + open.back() + "> is never closed", false;
  return true;
}

// The texts of the elements of one class, in order.
std::vector<std::string> texts_of(const std::string& svg, const std::string& cls) {
  std::vector<std::string> found;
  const std::regex text("<text class=\"" + cls + "\"[^>]*>([^<]*)</text>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end; ++it)
    found.push_back((*it)[1]);
  return found;
}

// The most clients *present and already served* at one instant: each client counts from its
// first served moment until it left. Unlike most_served_at_once it does not depend on every
// round trip being prompt (the load calls a round trip slower than 25 ms waiting, which a
// loaded machine or a sanitizer can cause), so the tests' lower bounds use it. For the
// upper bounds it is as strict: the iterative server and a pool's worker serve a client
// from its first echo until it leaves, and only then the next.
int present_at_once(const timeline_run& run, int skip = -1) {
  std::vector<std::pair<double, double>> windows;
  for (std::size_t i = 0; i < run.clients.size(); ++i) {
    const auto& c = run.clients[i];
    if (static_cast<int>(i) == skip || c.served.empty()) continue;
    windows.emplace_back(c.served.front().first, c.left >= 0 ? c.left : run.seconds);
  }
  int most = 0;
  for (const auto& w : windows)
    most = std::max(
        most, static_cast<int>(std::count_if(windows.begin(), windows.end(), [&](const auto& o) {
          return o.first <= w.first && w.first <= o.second;
        })));
  return most;
}

// True if a client other than the half-line one has a served stretch that meets [from, to].
bool others_served_between(const timeline_run& run, double from, double to) {
  for (std::size_t i = 0; i < run.clients.size(); ++i) {
    if (static_cast<int>(i) == run.half_line_client) continue;
    for (const auto& s : run.clients[i].served)
      if (s.first <= to && from <= s.second) return true;
  }
  return false;
}

// A real run against an example server started on port 0.
timeline_run record(const char* file_name, const tour::timeline_options& opt) {
  const echo_check::example_server* what = echo_check::find_example_server(file_name);
  REQUIRE(what != nullptr);
  test_support::running_server server(std::string(EXAMPLES_DIR) + "/" + what->program, {});
  REQUIRE(server.port > 0);
  const auto ep = echo_check::resolve("127.0.0.1", server.port_text());
  timeline_run run = tour::record_timeline(ep, *what, opt);
  INFO("server: " << file_name);
  INFO("error: " << run.error);
  CHECK(run.error.empty());
  REQUIRE(run.half_line_client >= 0);
  REQUIRE(run.clients.size() == static_cast<std::size_t>(opt.clients) + 1);
  return run;
}

void check_every_client_served(const timeline_run& run) {
  for (std::size_t i = 0; i < run.clients.size(); ++i) {
    CAPTURE(i);
    CHECK(run.clients[i].connected >= 0);
    CHECK(!run.clients[i].served.empty());
    CHECK(run.clients[i].left >= 0);
  }
}

}  // namespace

TEST_CASE("tour_timeline.most_served_at_once_counts_clients_served_at_one_instant") {
  CHECK(tour::most_served_at_once(made_up({}, 1)) == 0);
  CHECK(tour::most_served_at_once(made_up({client(0, {}, 1)}, 1)) == 0);
  // In turn, as the iterative server serves.
  CHECK(tour::most_served_at_once(made_up({client(0, {{0, 1}}, 1), client(0, {{2, 3}}, 3)}, 3)) ==
        1);
  CHECK(tour::most_served_at_once(made_up(
            {client(0, {{0, 2}}, 2), client(0, {{1, 3}}, 3), client(0, {{1.5, 1.6}}, 2)}, 3)) == 3);
  // Served in A's gap is not served at once with A.
  CHECK(tour::most_served_at_once(
            made_up({client(0, {{0, 1}, {2, 3}}, 3), client(0, {{1.5, 1.8}}, 2)}, 3)) == 1);
  // An echo after a wait is one instant, and counts while another is served.
  CHECK(tour::most_served_at_once(made_up({client(0, {{0, 2}}, 2), client(0, {{1, 1}}, 1)}, 2)) ==
        2);
  // One client's stretches never count twice.
  CHECK(tour::most_served_at_once(made_up({client(0, {{0, 1}, {1, 2}}, 2)}, 2)) == 1);
}

TEST_CASE("tour_timeline.one_panel_per_run_and_one_bar_per_client") {
  std::vector<timeline_run> runs;
  for (const int n : {2, 5, 13}) {
    std::vector<client_timeline> clients;
    for (int i = 0; i < n; ++i)
      clients.push_back(client(0, {{0.1 * i, 0.1 * i + 0.1}}, 0.1 * i + 0.1));
    runs.push_back(made_up(clients, 0.1 * n, "run of " + std::to_string(n)));
  }
  runs[2].half_line_client = 0;
  runs[2].half_line_sent = 0.01;
  runs[2].half_line_rest = 0.05;
  const std::string svg = tour::timeline_svg(runs);
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  CHECK(count(svg, "<g class=\"panel\">") == 3);
  CHECK(count(svg, "<g class=\"bar\">") == 2 + 5 + 13);
  CHECK(texts_of(svg, "title") ==
        std::vector<std::string>{"run of 2 (0.0)", "run of 5 (0.0)", "run of 13 (0.0)"});
  const auto labels = texts_of(svg, "label");
  CHECK(std::count(labels.begin(), labels.end(), "half-line client") == 1);
  CHECK(count(svg, "class=\"half-line\"") == 1);
  CHECK(count(svg, "class=\"served\"") == 2 + 5 + 13);
  // A panel alone is the same picture with one panel.
  const std::string one = tour::timeline_panel_svg(runs[1]);
  CHECK(well_formed(one, why));
  CHECK(count(one, "<g class=\"panel\">") == 1);
  CHECK(count(one, "<g class=\"bar\">") == 5);
}

TEST_CASE("tour_timeline.names_and_errors_are_escaped") {
  timeline_run r = made_up({client(0, {{0, 1}}, 1)}, 1, "fork & \"wait\" <12.1>");
  r.section = "a<b";
  r.error = "x & y 'quoted' > z";
  const std::string svg = tour::timeline_panel_svg(r);
  std::string why;
  CHECK_MESSAGE(well_formed(svg, why), why);
  CHECK(svg.find("fork &amp; &quot;wait&quot; &lt;12.1&gt; (a&lt;b)") != std::string::npos);
  CHECK(svg.find("x &amp; y &apos;quoted&apos; &gt; z") != std::string::npos);
  CHECK(svg.find("<12.1>") == std::string::npos);
}

TEST_CASE("tour_timeline.tick_labels_are_round_numbers") {
  for (const double span : {0.004, 0.05, 0.37, 0.5017, 0.8, 2.91, 13.0, 47.0}) {
    CAPTURE(span);
    const std::string svg = tour::timeline_panel_svg(made_up({client(0, {{0, span}}, span)}, span));
    const auto ticks = texts_of(svg, "tick");
    REQUIRE(ticks.size() >= 2);
    CHECK(ticks.size() <= 10);
    CHECK(ticks.front() == "0");
    std::vector<double> values{0};
    for (std::size_t i = 1; i < ticks.size(); ++i) {
      CAPTURE(ticks[i]);
      REQUIRE(ticks[i].size() > 2);
      REQUIRE(ticks[i].substr(ticks[i].size() - 2) == " s");
      CHECK_FALSE(std::regex_search(ticks[i], std::regex("\\.[0-9]*0 s$")));  // 1 s, not 1.0 s
      values.push_back(std::stod(ticks[i]));
    }
    // Evenly spaced by 1, 2 or 5 times a power of ten, every label a multiple of it, and the
    // last tick at or past the end of the run.
    const double step = values[1];
    const double power = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    const double mantissa = step / power;
    CHECK((std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 ||
           std::fabs(mantissa - 5) < 1e-6));
    for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == doctest::Approx(step * i));
    CHECK(values.back() >= span - 1e-9);
  }
}

TEST_CASE("tour_timeline.bars_end_where_clients_left_and_unserved_ones_say_so") {
  // Both connect at 0; the first leaves at half the run, the second stays to the end unserved.
  const std::string svg = tour::timeline_panel_svg(
      made_up({client(0, {{0, 1}}, 1), client(0, {}, 2), client(-1, {}, -1)}, 2));
  std::vector<double> right_ends;
  const std::regex bar("<g class=\"bar\">([\\s\\S]*?)</g>");
  const std::regex rect("<rect [^>]*x=\"([0-9.]+)\"[^>]*width=\"([0-9.]+)\"");
  double start = -1;
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar), end; it != end; ++it) {
    const std::string group = (*it)[1];
    double right = -1;
    for (std::sregex_iterator r(group.begin(), group.end(), rect); r != end; ++r) {
      const double x = std::stod((*r)[1]);
      if (start < 0) start = x;
      right = std::max(right, x + std::stod((*r)[2]));
    }
    right_ends.push_back(right);
  }
  REQUIRE(right_ends.size() == 3);
  CHECK((right_ends[0] - start) / (right_ends[1] - start) == doctest::Approx(0.5).epsilon(0.01));
  CHECK(right_ends[2] < 0);  // never connected: no bar at all
  CHECK(texts_of(svg, "note") == std::vector<std::string>{"never served", "never connected"});
}

TEST_CASE("tour_timeline.iterative_server_serves_one_client_at_a_time") {
  // A design guarantee: the one thread serves a client until that client leaves, and only
  // then accepts the next. (Which one comes next is the kernel's queue, so the order is not
  // asserted, though the half-line client, connected first, is normally served first.)
  const timeline_run run = record("echoserveri", {});
  check_every_client_served(run);
  CHECK(tour::most_served_at_once(run) == 1);
  CHECK(present_at_once(run) == 1);
}

TEST_CASE("tour_timeline.prethreaded_pool_serves_at_most_a_worker_each") {
  // At most 4 at once is certain: each of the 4 workers serves one client until it leaves.
  // More than one at once needs a second worker to answer before the first client leaves;
  // the clients hold on for a second, so that is patience, not speed.
  tour::timeline_options opt;
  opt.hold = echo_check::millis{1000};
  const timeline_run run = record("echoservert_pre", opt);
  check_every_client_served(run);
  CHECK(tour::most_served_at_once(run) <= 4);
  CHECK(present_at_once(run) <= 4);
  CHECK(present_at_once(run) > 1);
}

TEST_CASE("tour_timeline.thread_per_client_serves_everyone_at_once") {
  // Every client has its own thread, so each is answered while the others are still there,
  // as long as it is answered within the two seconds the first one stays: patience again.
  // Counted from first echo to leaving (present_at_once), not by prompt round trips, which
  // a loaded machine can break into pieces.
  tour::timeline_options opt;
  opt.hold = echo_check::millis{2000};
  const timeline_run run = record("echoservert", opt);
  check_every_client_served(run);
  CHECK(present_at_once(run, run.half_line_client) == opt.clients);
}

namespace {

// Clients that stay two seconds, and a half line held back for one: everybody is still there
// while the half line is pending.
tour::timeline_options half_line_options() {
  tour::timeline_options opt;
  opt.hold = echo_check::millis{2000};
  opt.half_line_after = echo_check::millis{100};
  opt.half_line_hold = echo_check::millis{1000};
  return opt;
}

}  // namespace

TEST_CASE("tour_timeline.book_select_pool_stalls_everybody_on_a_half_line") {
  // The book's select pool reads a ready client with Rio_readlineb, which blocks until the
  // line is complete: from the moment it reaches the half line until the rest arrives, its
  // one thread serves nobody. So in the second half of the window (giving the server half a
  // second to get to the half line) no other client completes a round trip. Each served
  // stretch is built of echoes (a prompt round trip is at most 25 ms long, and stretches are
  // joined across gaps of at most 25 ms), so one that met this interval would need an echo
  // inside the stall.
  const timeline_run run = record("echoservers", half_line_options());
  check_every_client_served(run);
  REQUIRE(run.half_line_sent >= 0);
  REQUIRE(run.half_line_rest > run.half_line_sent);
  const double middle = (run.half_line_sent + run.half_line_rest) / 2;
  CHECK_FALSE(others_served_between(run, middle, run.half_line_rest - 0.05));
  // Not vacuous: the others were all there throughout (each stays two seconds after its
  // first echo, and no echo comes during the stall).
  int stalled = 0;
  for (std::size_t i = 0; i < run.clients.size(); ++i) {
    const auto& c = run.clients[i];
    if (static_cast<int>(i) == run.half_line_client) continue;
    stalled += c.connected < middle && c.left > run.half_line_rest ? 1 : 0;
  }
  CHECK(stalled == half_line_options().clients);
}

TEST_CASE("tour_timeline.epoll_event_loop_serves_others_during_a_half_line") {
  // The event loop keeps a half line in the client's buffer and goes on with the others, so
  // they are served while it is pending; what we wait for is one answer within the half
  // second the check looks at.
  const timeline_run run = record("echoserver_epoll", half_line_options());
  check_every_client_served(run);
  REQUIRE(run.half_line_sent >= 0);
  REQUIRE(run.half_line_rest > run.half_line_sent);
  // The same interval in which the book's select pool serves nobody: the second half of the
  // window. (Over the whole window the check would prove nothing: the select pool too serves
  // the others until it gets to the half line, just after it was sent.)
  const double middle = (run.half_line_sent + run.half_line_rest) / 2;
  CHECK(others_served_between(run, middle, run.half_line_rest - 0.05));
}
