// bench/harness.hpp - what the benchmark programs share: a reporter that keeps Google
// Benchmark's results for the Markdown page, and the interleaved runs that give the ratios.
//
// Why both. Google Benchmark measures one benchmark after another; on a 2-core machine
// shared with other builds, the load can change between the baseline's run and the
// candidate's, and a ratio of two such numbers measures the load as much as the code. So
// every ratio that is compared with a goal comes from a second, separate phase: the two
// sides of a pair run alternately (A B B A A B ...), one unit of identical work at a time,
// and each round yields one ratio; the page reports the median round and the spread. A
// burst of load then spoils a round or two instead of one side of the comparison.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bench {

// One Google Benchmark result, as the page shows it.
struct result {
  std::string name;    // benchmark name, arguments included
  double ms_per_iter;  // wall-clock milliseconds per iteration
  double rate;         // bytes or items per second, 0 when the benchmark set neither
  bool bytes;          // true: rate is bytes/s; false: items/s
  std::map<std::string, double> extra;  // the benchmark's own counters, by name
};

// Prints what the console reporter prints and keeps a copy of every successful run.
class recording_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred || run.iterations == 0) continue;
      result r{run.benchmark_name(), run.real_accumulated_time * 1e3 / run.iterations, 0, true, {}};
      if (auto it = run.counters.find("bytes_per_second"); it != run.counters.end()) {
        r.rate = it->second.value;
      } else if (auto items = run.counters.find("items_per_second"); items != run.counters.end()) {
        r.rate = items->second.value;
        r.bytes = false;
      }
      for (const auto& [name, counter] : run.counters)
        if (name != "bytes_per_second" && name != "items_per_second") r.extra[name] = counter.value;
      results.push_back(std::move(r));
    }
  }
  std::vector<result> results;  // in run order
};

// Two ways to do the same unit of work, compared with each other. Each function performs
// the unit once; the harness times it.
struct pair {
  std::string what;            // the row's label
  std::string candidate_name;  // e.g. "rio_readlineb"
  std::string baseline_name;   // e.g. "fgets"
  double goal;                 // candidate speed / baseline speed wanted; 0: no goal
  std::function<void()> candidate;
  std::function<void()> baseline;
  double unit;            // work per call, in `unit_name`s (for the throughput columns)
  std::string unit_name;  // "MB" or "M items"
};

// The outcome of one pair's interleaved rounds.
struct ratio {
  const pair* p;
  double median, low, high;              // candidate speed / baseline speed
  double candidate_rate, baseline_rate;  // median throughput of each side, unit_name/s
};

inline double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs every pair `rounds` times. A round runs each pair once, both sides back to back, and
// the order of the two sides flips every round, so neither always runs second (on warm
// caches, or just after the other side's threads went to sleep). Rounds go over all the
// pairs in turn rather than finishing one pair first, so a burst of load from elsewhere
// spoils a round of many pairs instead of every round of one. One untimed call of each side
// warms up first.
inline std::vector<ratio> interleave(const std::vector<pair>& pairs, int rounds) {
  const std::size_t n = pairs.size();
  std::vector<std::vector<double>> ratios(n), cand(n), base(n);
  for (const pair& p : pairs) {
    p.candidate();
    p.baseline();
  }
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < n; ++i) {
      const pair& p = pairs[i];
      double tc = 0, tb = 0;
      if (round % 2 == 0) {
        tc = seconds_of(p.candidate);
        tb = seconds_of(p.baseline);
      } else {
        tb = seconds_of(p.baseline);
        tc = seconds_of(p.candidate);
      }
      ratios[i].push_back(tb / tc);
      cand[i].push_back(p.unit / tc);
      base[i].push_back(p.unit / tb);
    }
  }
  std::vector<ratio> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto [low, high] = std::minmax_element(ratios[i].begin(), ratios[i].end());
    out.push_back(
        {&pairs[i], median_of(ratios[i]), *low, *high, median_of(cand[i]), median_of(base[i])});
  }
  return out;
}

inline std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char text[512];
  std::snprintf(text, sizeof text, fmt, a, b, c);
  return text;
}

inline std::string verdict(const ratio& r) {
  if (r.p->goal <= 0) return "(no goal)";
  return r.median >= r.p->goal ? "PASS" : "MISS";
}

// The ratio table, in Markdown (also readable as plain text on the terminal).
inline std::string ratio_table(const std::vector<ratio>& ratios, int rounds) {
  std::string t =
      "| comparison | candidate | baseline | candidate rate | baseline rate | ratio (median) | "
      "range of " +
      std::to_string(rounds) +
      " rounds | goal | verdict |\n|---|---|---|--:|--:|--:|--:|--:|---|\n";
  for (const ratio& r : ratios) {
    const pair& p = *r.p;
    const char* rate_format = p.unit_name == "MB" ? "%.0f " : "%.2f ";
    t += "| " + p.what + " | `" + p.candidate_name + "` | `" + p.baseline_name + "` | " +
         format(rate_format, r.candidate_rate) + p.unit_name + "/s | " +
         format(rate_format, r.baseline_rate) + p.unit_name + "/s | " + format("%.2f×", r.median) +
         " | " + format("%.2f–%.2f", r.low, r.high) + " | " +
         (p.goal > 0 ? format("≥ %.2f×", p.goal) : std::string("—")) + " | " + verdict(r) + " |\n";
  }
  return t;
}

// Google Benchmark's results, in Markdown.
inline std::string results_table(const std::vector<result>& results) {
  std::string t = "| benchmark | time per iteration | throughput | counters |\n|---|--:|--:|---|\n";
  for (const result& r : results) {
    std::string rate = "—";
    if (r.rate > 0)
      rate = r.bytes ? format("%.0f MB/s", r.rate / 1e6) : format("%.2f M items/s", r.rate / 1e6);
    std::string counters;
    for (const auto& [name, value] : r.extra)
      counters += (counters.empty() ? "" : ", ") + name + format(" %.3g", value);
    t += "| `" + r.name + "` | " + format("%.2f ms", r.ms_per_iter) + " | " + rate + " | " +
         counters + " |\n";
  }
  return t;
}

// The options this harness adds to Google Benchmark's own (which it removes from argv
// before Google Benchmark parses the rest).
struct options {
  std::string markdown;  // --md=FILE: write this program's fragment of the page there
  int rounds = 15;       // --rounds=N: interleaved rounds per pair
};

inline options take_options(int& argc, char** argv) {
  options o;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--md=", 5) == 0) {
      o.markdown = argv[i] + 5;
    } else if (std::strncmp(argv[i], "--rounds=", 9) == 0) {
      o.rounds = std::max(0, std::atoi(argv[i] + 9));  // 0: Google Benchmark only
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  return o;
}

// Runs Google Benchmark, then the interleaved pairs; prints the ratio table and, with
// --md, writes `heading`, `intro`, both tables and `notes` as one Markdown fragment.
// `notes` turns the measurements into the text under the table (what limits each side).
using notes_fn = std::function<std::string(const std::vector<ratio>&, const std::vector<result>&)>;
inline int run(int argc, char** argv, const std::string& heading, const std::string& intro,
               const std::vector<pair>& pairs, const notes_fn& notes) {
  const options o = take_options(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  recording_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  if (o.rounds == 0) return 0;
  std::printf("\nInterleaved ratios (%d rounds per pair; candidate speed / baseline speed):\n",
              o.rounds);
  std::fflush(stdout);
  const std::vector<ratio> ratios = interleave(pairs, o.rounds);
  const std::string table = ratio_table(ratios, o.rounds);
  const std::string text = notes(ratios, reporter.results);
  std::printf("%s\n%s\n", table.c_str(), text.c_str());

  if (!o.markdown.empty()) {
    std::ofstream md(o.markdown);
    md << "## " << heading << "\n\n"
       << intro << "\n\n### Ratios against the goals (interleaved runs)\n\n"
       << table << "\n"
       << text << "\n\n### Google Benchmark results\n\n"
       << results_table(reporter.results) << "\n";
    if (!md) {
      std::fprintf(stderr, "cannot write %s\n", o.markdown.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace bench
