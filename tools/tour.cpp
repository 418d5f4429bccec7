// tour - Chapter 12 in one table: every example echo server under the same clients.
//
//   tour [--quick] [--clients 1,10,100,1000] [--duration S] [--churn N] [--patience S] [--only a,b]
//        [--out DIR] [--examples DIR] [--update-notes]
//
// Starts each server of the build on port 0, checks its behaviour (does a second client
// wait? does a half line stall the others?), loads it at each client count, churns short
// connections through it, and stops it with SIGTERM. Prints the table and a reading of it,
// and writes tour.md, tour.csv and tour.svg into the output folder; --update-notes copies
// them into book-notes/.
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "echocheck/cli.hpp"
#include "tour/bench.hpp"
#include "tour/chart.hpp"
#include "tour/measure.hpp"
#include "tour/reading.hpp"
#include "tour/table.hpp"
#include "tour/timeline.hpp"

#ifndef CSAPP_EXAMPLES_DIR
#define CSAPP_EXAMPLES_DIR "examples"
#endif
#ifndef CSAPP_NOTES_DIR
#define CSAPP_NOTES_DIR "book-notes"
#endif

namespace {

using namespace tour;
using namespace echo_check;  // a .cpp file: the directives stay here

constexpr const char* usage_text =
    "usage: tour [options]\n"
    "Runs every example echo server through the same checks and loads; prints one table.\n"
    "  --quick           a short run: 1 and 10 clients, 2 rounds of 0.3 s, 200 churned "
    "connections\n"
    "  --clients LIST    client counts, comma-separated (default 1,10,100,1000)\n"
    "  --duration S      seconds of steady state per load level and round (default 0.6)\n"
    "  --rounds N        rounds per load level, interleaved across servers; the table shows\n"
    "                    the median, the reading the range (default 3)\n"
    "  --server-cpus L   the CPUs the servers run on (default: the first half of ours)\n"
    "  --client-cpus L   the CPUs the load generator runs on (default: the second half)\n"
    "  --no-pin          servers and clients share every CPU, as the scheduler likes\n"
    "  --churn N         short connections per server in the churn run (default 1000)\n"
    "  --patience S      how long a client waits before it counts as not served (default 1)\n"
    "  --only LIST       only these servers, by program name (e.g. echoserveri,echoservert)\n"
    "  --out DIR         where tour.md, tour.csv, tour.svg and the server logs go (default tour)\n"
    "  --examples DIR    the built examples (default: this build's)\n"
    "  --update-notes    also copy tour.md, tour.csv and tour.svg into book-notes/\n"
    "  --bench-md FILE   also write the Servers section of book-notes/performance.md to FILE\n";

using echo_check::cli::usage_error;
namespace cli = echo_check::cli;

struct arguments {
  tour_options tour;
  std::vector<approach> approaches = example_servers();
  std::string out = "tour";
  std::string bench_md;      // where to write the performance page's Servers section, if set
  std::string command_line;  // how we were run, for that section
  bool update_notes = false;
  bool no_pin = false;
};

arguments parse(int argc, char** argv) {
  cli::usage() = {"tour", usage_text};
  arguments args;
  args.tour.examples_dir = CSAPP_EXAMPLES_DIR;
  // How we were run, for the performance page; where files go is not part of the recipe.
  args.command_line = "tour";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--bench-md" || arg == "--out")
      ++i;
    else
      args.command_line += " " + arg;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    }
    if (arg == "--quick") {
      args.tour.clients = {1, 10};
      args.tour.duration = 300ms;
      args.tour.rounds = 2;
      args.tour.churn = 200;
      args.tour.patience = 500ms;
      continue;
    }
    if (arg == "--no-pin") {
      args.no_pin = true;
      continue;
    }
    if (arg == "--update-notes") {
      args.update_notes = true;
      continue;
    }
    if (i + 1 >= argc)
      usage_error(arg.rfind("--", 0) == 0 ? arg + " needs a value" : "unexpected '" + arg + "'");
    const std::string value = argv[++i];
    if (arg == "--clients") {
      args.tour.clients.clear();
      for (const auto& n : cli::split_commas(value))
        args.tour.clients.push_back(cli::whole(arg, n, 1, 10000));
      std::sort(args.tour.clients.begin(), args.tour.clients.end());
    } else if (arg == "--duration") {
      args.tour.duration = cli::seconds(arg, value, 0.1, 600);
    } else if (arg == "--rounds") {
      args.tour.rounds = cli::whole(arg, value, 1, 100);
    } else if (arg == "--server-cpus") {
      args.tour.where.server = cli::cpus(arg, value);
    } else if (arg == "--client-cpus") {
      args.tour.where.client = cli::cpus(arg, value);
    } else if (arg == "--churn") {
      args.tour.churn = cli::whole(arg, value, 1, 1000000);
    } else if (arg == "--patience") {
      args.tour.patience = cli::seconds(arg, value, 0.05, 600);
    } else if (arg == "--only") {
      std::vector<approach> chosen;
      for (const auto& name : cli::split_commas(value)) {
        const approach* found = find_example_server(name);
        if (!found) usage_error("--only: no example server named '" + name + "'");
        chosen.push_back(*found);
      }
      args.approaches = chosen;
    } else if (arg == "--out") {
      args.out = value;
    } else if (arg == "--bench-md") {
      args.bench_md = value;
    } else if (arg == "--examples") {
      args.tour.examples_dir = value;
    } else {
      usage_error("unknown option " + arg);
    }
  }
  placement& where = args.tour.where;
  if (args.no_pin && (!where.server.empty() || !where.client.empty()))
    usage_error("--no-pin and --server-cpus/--client-cpus exclude each other");
  if (where.server.empty() != where.client.empty())
    usage_error("--server-cpus and --client-cpus go together");
  if (!where.server.empty() && !disjoint(where.server, where.client))
    usage_error("--server-cpus and --client-cpus share a CPU: the point is that they do not");
  if (where.server.empty() && !args.no_pin) where = split_cpus(allowed_cpus());
  return args;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::fprintf(stderr, "tour: cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

std::string slurp_file(const std::string& path) { return echo_check::slurp(path); }

// "Linux 6.1.0 x86_64, 2 CPUs (AMD EPYC ...), 2026-11-25 14:07 UTC": where the numbers came from.
std::string machine_and_date() {
  utsname u{};
  ::uname(&u);
  std::string model;
  const std::string cpuinfo = slurp_file("/proc/cpuinfo");
  if (const auto at = cpuinfo.find("model name"); at != std::string::npos) {
    const auto colon = cpuinfo.find(':', at);
    model = cpuinfo.substr(colon + 2, cpuinfo.find('\n', colon) - colon - 2);
  }
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return std::string(u.sysname) + " " + u.release + " " + u.machine + ", " +
         std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs" +
         (model.empty() ? "" : " (" + model + ")") + ", " + date;
}

std::string clients_list(const tour_options& opt) {
  std::string s;
  for (const int n : opt.clients) s += (s.empty() ? "" : ", ") + with_commas(n);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  arguments args = parse(argc, argv);
  ::signal(SIGPIPE, SIG_IGN);
  stop_children_on_signals();  // Ctrl-C here also stops the server being measured
  raise_descriptor_limit();    // 1,000 clients here and 1,000 in the server
  ::mkdir(args.out.c_str(), 0755);
  args.tour.log_dir = args.out + "/logs";
  ::mkdir(args.tour.log_dir.c_str(), 0755);
  for (const auto& a : args.approaches) {
    const std::string program = args.tour.examples_dir + "/" + a.program;
    if (::access(program.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "tour: %s is not built (or not executable): build the examples first\n",
                   program.c_str());
      return 2;
    }
  }
  const auto& opt = args.tour;
  // The load generator is this process: onto the client CPUs before any server starts, and
  // each server is moved onto the server CPUs as it starts (spawn_options::cpus).
  if (opt.where.pinned() && !pin_this_thread(opt.where.client)) {
    std::fprintf(stderr, "tour: sched_setaffinity to CPU %s: %s\n",
                 cpu_list_text(opt.where.client).c_str(), std::strerror(errno));
    return 2;
  }
  std::printf(
      "The tour: %zu echo servers; %s. Each: behaviour checks and %s short connections, then "
      "%s of %s clients (a ramp-up, then %s of steady state), interleaved across servers.\n\n",
      args.approaches.size(), opt.where.text().c_str(), with_commas(opt.churn).c_str(),
      plural(opt.rounds, "round", "rounds").c_str(), clients_list(opt).c_str(),
      human_seconds(opt.duration.count() / 1e3).c_str());
  std::vector<row> rows;
  for (const approach& a : args.approaches) {
    rows.emplace_back();
    rows.back().what = a;
  }
  auto progress = [](const std::string& step) {
    std::printf(" %s", step.c_str());
    std::fflush(stdout);
  };
  auto finished = [](const row& r, clock::time_point start) {
    std::printf(" %s\n",
                r.error.empty()
                    ? ("(" + human_seconds(seconds_between(start, clock::now())) + ")").c_str()
                    : ("FAILED: " + r.error).c_str());
  };
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::printf("[%zu/%zu] %-26s", i + 1, rows.size(), rows[i].what.name.c_str());
    std::fflush(stdout);
    const auto start = clock::now();
    measure_behaviour(rows[i], opt, progress);
    finished(rows[i], start);
  }
  // Rounds run the servers in turn, forwards then backwards, so a slow minute of the
  // machine falls on every server rather than on one.
  for (int round = 1; round <= opt.rounds; ++round) {
    std::printf("Round %d of %d, clients:\n", round, opt.rounds);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::size_t i = round % 2 == 1 ? k : rows.size() - 1 - k;
      if (!rows[i].error.empty()) continue;
      std::printf("  %-26s", rows[i].what.name.c_str());
      std::fflush(stdout);
      const auto start = clock::now();
      measure_loads(rows[i], opt, progress);
      finished(rows[i], start);
    }
  }
  for (auto& r : rows) summarise(r);
  const std::string table = text_table(rows, opt);
  const std::string words = reading(rows, opt);
  std::printf("\n%s\n%s\n\nWhat it shows:\n%s", table.c_str(), legend(opt).c_str(), words.c_str());

  const std::string machine = machine_and_date();
  const std::string markdown =
      "# The tour: Chapter 12's echo servers side by side\n\n"
      "Measured by `tour` (tools/tour.cpp) on " +
      machine +
      ".\n"
      "Each server ran alone, on port 0, with its clients on the same machine (" +
      opt.where.text() + "): " + std::to_string(args.approaches.size()) +
      " servers; behaviour checks and " + with_commas(opt.churn) +
      " short connections each; then loads of " + clients_list(opt) + " clients (lines of " +
      bytes_text(opt.line_size) + ", one round trip at a time per client), each a ramp-up and " +
      human_seconds(opt.duration.count() / 1e3) + " of steady state, in " +
      plural(opt.rounds, "round", "rounds") + " interleaved across the servers.\n\n" + legend(opt) +
      "\n\n" + markdown_table(rows, opt) +
      "\n![round trips per second, server CPU per round trip and p99 against clients](tour.svg)"
      "\n\n## Who is served when\n\n"
      "Each server once more, with 12 clients that connect together, leave 0.2 s after their "
      "first echo, and one more (the top bar) that sends half a line and the rest 0.4 s later. "
      "Grey: connected and waiting; blue: served; nothing: gone.\n\n"
      "![one bar per client over time, a panel per server](timeline.svg)\n\n"
      "## What it shows\n\n" +
      words;
  std::vector<std::string> written = {"tour.md", "tour.csv", "tour.svg", "timeline.svg"};
  std::vector<timeline_run> timelines;
  for (const auto& r : rows)
    if (r.error.empty()) {
      timelines.push_back(r.timeline);
      written.push_back("timeline-" + r.what.file_name() + ".svg");
      write_file(args.out + "/" + written.back(), timeline_panel_svg(r.timeline));
    }
  write_file(args.out + "/tour.md", markdown);
  write_file(args.out + "/tour.csv", csv_table(rows, opt));
  write_file(args.out + "/tour.svg", svg_chart(rows, opt));
  write_file(args.out + "/timeline.svg", timeline_svg(timelines));
  std::printf(
      "\nWritten: %s/tour.md, tour.csv, tour.svg, timeline.svg and a timeline-*.svg per server "
      "(server logs in %s)\n",
      args.out.c_str(), opt.log_dir.c_str());
  if (!args.bench_md.empty()) {
    write_file(args.bench_md, bench_markdown(rows, opt, args.command_line));
    std::printf("Written: %s\n", args.bench_md.c_str());
  }
  if (args.update_notes) {
    for (const auto& name : written)
      write_file(std::string(CSAPP_NOTES_DIR) + "/" + name, slurp_file(args.out + "/" + name));
    std::printf("Copied into %s/\n", CSAPP_NOTES_DIR);
  }
  for (const auto& r : rows)
    if (!r.error.empty()) return 1;
  return 0;
}
