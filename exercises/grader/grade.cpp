// exercises/grader/grade.cpp - the grader: runs each problem's checks and says, in plain words,
// what a submission got wrong.
//
// `exercises/grade` builds this program and execs it; it then (re)configures the exercises'
// build for the submission (--dir), builds each chosen problem, and runs its checks. The CI
// proofs and the `exercises` preset call it with --manifest instead: everything is built
// already, so it only judges.
//
// A check is one doctest test case of the problem's tests, named "[POINTS] what it checks". A
// stretch check, "[+POINTS] what it checks", is worth extra points: it runs and is reported like
// any other, but its points are counted apart (never in a problem's total, the overall total or
// the exit status), so a problem's optional part can be checked without changing what "full
// marks" means. Each
// runs in a process of its own, so a check that hangs is stopped at the problem's time limit
// and one that crashes is named by its signal, and neither takes the other checks with it.
// Checks run a few at a time: most of them wait (for a timeout, a thread, a client), not compute.
//
// What a failed check says: the lines its test printed as "verdict: ..." (support/exercise.hpp),
// which name the mistake. Without one (a crash, a kit bug), the test's own first error lines.
//
// Exit status: 0 full marks (stretch checks aside), 1 graded with points lost (a hang or a crash is
// a lost check, like any other wrong answer), 2 could not grade: bad arguments, unknown problem,
// missing file, a submission that does not compile (the compiler's first errors are shown).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <echocheck/cli.hpp>
#include <echocheck/report.hpp>
#include <echocheck/spawn.hpp>

#include "../support/run.hpp"

namespace {

using namespace std::chrono_literals;
using echo_check::cli::usage_error;
using millis = std::chrono::milliseconds;

const char usage_text[] =
    "usage: exercises/grade [PROBLEM...] [--dir PATH] [--json] [--gradescope FILE] [--jobs N]\n"
    "       exercises/grade --list\n"
    "  PROBLEM         12.16, 12.16-hello or hello; all problems when none is named\n"
    "  --dir PATH      grade the files under PATH (laid out as exercises/: PATH/12.16-hello/...)\n"
    "                  instead of the ones in place\n"
    "  --json          print the results as JSON instead of text\n"
    "  --gradescope F  also write Gradescope's results.json to F\n"
    "  --jobs N        run up to N checks at once (default 4)\n"
    "  --list          list the problems and exit\n"
    "exit status: 0 full marks, 1 points lost, 2 could not grade (usage, missing file, does not\n"
    "compile)\n";

// One problem as the build describes it (manifest.tsv, written by exercises/CMakeLists.txt).
struct problem {
  std::string id;        // "12.16", the book's numbering
  std::string slug;      // "hello": the folder is id-slug
  std::string title;     // one line, for the report
  std::string target;    // what to build for it ("ex_12_16"); empty with --manifest
  std::string tests;     // the test program
  std::string programs;  // where the submission's programs are (EXERCISE_PROGRAMS)
  int limit_s = 20;      // per check
  std::string missing;   // a student file that is not there (nothing is built then)
};

struct check_result {
  std::string name;                   // what it checks
  int points = 0;                     // what it is worth
  bool stretch = false;               // "[+N]": extra points, counted apart
  int score = 0;                      // what it got
  std::string status;                 // pass, fail, timeout, crash
  std::vector<std::string> verdicts;  // the mistake, in words
  std::string output;                 // the test's output, for the JSON and Gradescope
};

struct problem_result {
  problem what;
  std::string status = "graded";  // graded, missing, does-not-compile, kit-error
  std::string message;            // why it could not be graded
  std::vector<check_result> checks;
  // The regular checks' points (what full marks and the exit status are about) ...
  int score() const { return sum(false, &check_result::score); }
  int max_score() const { return sum(false, &check_result::points); }
  // ... and the stretch checks', counted apart.
  int stretch_score() const { return sum(true, &check_result::score); }
  int stretch_max_score() const { return sum(true, &check_result::points); }

 private:
  int sum(bool stretch, int check_result::*field) const {
    int s = 0;
    for (const auto& c : checks)
      if (c.stretch == stretch) s += c.*field;
    return s;
  }
};

// Every field between separators, the empty last one included ("a\t" is two fields).
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  for (auto end = text.find(sep); end != std::string::npos; end = text.find(sep, at)) {
    parts.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  parts.push_back(text.substr(at));
  return parts;
}

std::vector<problem> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) usage_error("cannot read " + path + " (was the exercises' build configured?)");
  std::vector<problem> problems;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line, '\t');
    if (f.size() < 8) usage_error(path + ": a line with " + std::to_string(f.size()) + " fields");
    problem p;
    p.id = f[0];
    p.slug = f[1];
    p.title = f[2];
    p.target = f[3];
    p.tests = f[4];
    p.programs = f[5];
    p.limit_s = std::atoi(f[6].c_str());
    p.missing = f[7];
    problems.push_back(p);
  }
  return problems;
}

// The grader reads what a run printed as one text: stdout, then stderr.
exercise::run_result run(const std::vector<std::string>& argv, millis limit) {
  exercise::run_result r = exercise::run(argv, limit);
  r.out += r.err;
  return r;
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV (a bad memory access)";
    case SIGABRT:
      return "SIGABRT (abort: a failed assertion, a double free, a sanitizer)";
    case SIGBUS:
      return "SIGBUS (a bad memory access)";
    case SIGFPE:
      return "SIGFPE (an arithmetic error)";
    case SIGILL:
      return "SIGILL (an illegal instruction)";
    case SIGPIPE:
      return "SIGPIPE (it wrote to a connection or pipe nobody reads)";
    case SIGKILL:
      return "SIGKILL";
    default:
      return "signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
  }
}

// The checks of a test program: each test case named "[POINTS] what it checks" or, for a stretch
// check, "[+POINTS] what it checks".
std::vector<check_result> list_checks(const problem& p, std::string& error) {
  const auto listing = run({p.tests, "--list-test-cases", "--no-version"}, 30s);
  std::vector<check_result> checks;
  for (const auto& line : split(listing.out, '\n')) {
    if (line.empty() || line[0] != '[' || line.rfind("[doctest]", 0) == 0) continue;
    const auto close = line.find("] ");
    if (close == std::string::npos) continue;
    check_result c;
    c.stretch = line[1] == '+';
    c.points = std::atoi(line.substr(c.stretch ? 2 : 1, close - (c.stretch ? 2 : 1)).c_str());
    c.name = line.substr(close + 2);
    if (c.points > 0) checks.push_back(c);
  }
  if (checks.empty()) error = "its tests list no checks:\n" + listing.out;
  return checks;
}

// doctest's test-case filter is a wildcard list split at commas: a name is matched with '?'
// standing for each character that would mean something else.
std::string filter_for(const check_result& c) {
  std::string name = std::string(c.stretch ? "[+" : "[") + std::to_string(c.points) + "] " + c.name;
  for (char& ch : name)
    if (ch == ',' || ch == '*' || ch == '\\' || ch == '?') ch = '?';
  return name;
}

void judge(const problem& p, check_result& c) {
  const auto out = run({p.tests, "--test-case=" + filter_for(c), "--no-version", "--no-colors"},
                       std::chrono::seconds(p.limit_s));
  c.output = out.out;
  for (const auto& line : split(out.out, '\n'))
    if (line.rfind("verdict: ", 0) == 0 &&
        std::find(c.verdicts.begin(), c.verdicts.end(), line.substr(9)) == c.verdicts.end())
      c.verdicts.push_back(line.substr(9));
  if (!out.status) {
    c.status = "timeout";
    c.verdicts.insert(c.verdicts.begin(),
                      "did not finish within " + std::to_string(p.limit_s) +
                          " s and was stopped: something waits forever (a thread never joined "
                          "or never woken, a read that never returns)");
  } else if (WIFSIGNALED(*out.status)) {
    c.status = "crash";
    c.verdicts.insert(c.verdicts.begin(),
                      "crashed: killed by " + signal_name(WTERMSIG(*out.status)));
  } else if (WEXITSTATUS(*out.status) == 0 &&
             out.out.find("Status: SUCCESS") != std::string::npos) {
    c.status = "pass";
    c.score = c.points;
    c.verdicts.clear();
  } else {
    c.status = "fail";
    if (c.verdicts.empty()) {
      // No verdict: say what the test itself said (a sanitizer report, an exception).
      for (const auto& line : split(out.out, '\n'))
        if (line.find("ERROR") != std::string::npos ||
            line.find("Sanitizer") != std::string::npos ||
            line.find("exception") != std::string::npos) {
          c.verdicts.push_back(line);
          if (c.verdicts.size() == 3) break;
        }
      if (c.verdicts.empty()) c.verdicts.push_back("failed (see the output with --json)");
    }
  }
}

void judge_all(const problem& p, std::vector<check_result>& checks, int jobs) {
  // The tests find the submission's programs here (support/exercise.hpp).
  ::setenv("EXERCISE_PROGRAMS", p.programs.c_str(), 1);
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j)
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < checks.size(); i = next++) judge(p, checks[i]);
    });
  for (auto& w : workers) w.join();
}

// The compiler's first error lines in a build's output (the lines around the first "error").
std::string first_errors(const std::string& output) {
  const auto lines = split(output, '\n');
  std::string shown;
  int count = 0;
  for (std::size_t i = 0; i < lines.size() && count < 12; ++i) {
    const auto& l = lines[i];
    if (l.find("error") == std::string::npos && l.find(" | ") == std::string::npos &&
        l.find("In function") == std::string::npos)
      continue;
    if (l.rfind("ninja:", 0) == 0 || l.rfind("gmake", 0) == 0 || l.rfind("make", 0) == 0) continue;
    shown += "    " + l + "\n";
    ++count;
  }
  return shown.empty() ? output.substr(0, 2000) : shown;
}

// A stretch check's points are shown with a plus ("+2/+3"), its problem's stretch total on a
// line of its own, never in the total above it.
void print_text(const std::vector<problem_result>& results) {
  int score = 0, max_score = 0, complete = 0, stretch = 0, stretch_max = 0;
  for (const auto& r : results) {
    std::printf("%s %s: %s\n", r.what.id.c_str(), r.what.slug.c_str(), r.what.title.c_str());
    if (r.status != "graded") {
      std::printf("  cannot grade: %s\n\n", r.message.c_str());
      continue;
    }
    for (const auto& c : r.checks) {
      const char* mark = c.status == "pass"      ? "ok"
                         : c.status == "timeout" ? "TIME"
                         : c.status == "crash"   ? "CRASH"
                                                 : "FAIL";
      if (c.stretch)
        std::printf("  %-5s %2s/%-2s  %s\n", mark, ("+" + std::to_string(c.score)).c_str(),
                    ("+" + std::to_string(c.points)).c_str(), c.name.c_str());
      else
        std::printf("  %-5s %2d/%-2d  %s\n", mark, c.score, c.points, c.name.c_str());
      for (const auto& v : c.verdicts)
        std::printf("%s", echo_check::wrap(v, 14, 100).insert(0, 14, ' ').c_str()),
            std::printf("\n");
    }
    std::printf("  total %d/%d\n", r.score(), r.max_score());
    if (r.stretch_max_score() > 0)
      std::printf("  stretch: %d/%d (extra points, not in the total)\n", r.stretch_score(),
                  r.stretch_max_score());
    std::printf("\n");
    score += r.score();
    max_score += r.max_score();
    stretch += r.stretch_score();
    stretch_max += r.stretch_max_score();
    if (r.score() == r.max_score()) ++complete;
  }
  std::printf("overall %d/%d: %d of %zu problem%s with full marks", score, max_score, complete,
              results.size(), results.size() == 1 ? "" : "s");
  if (stretch_max > 0) std::printf("; stretch %d/%d", stretch, stretch_max);
  std::printf("\n");
}

using echo_check::json_string;

// A problem's "score" and "max_score" are its regular checks'; "stretch_score" and
// "stretch_max_score" its stretch checks', and each check says which it is ("stretch").
std::string to_json(const std::vector<problem_result>& results) {
  int score = 0, max_score = 0, stretch = 0, stretch_max = 0;
  std::string json = "{\"problems\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    score += r.score();
    max_score += r.max_score();
    stretch += r.stretch_score();
    stretch_max += r.stretch_max_score();
    json += std::string(i > 0 ? "," : "") + "{\"id\":" + json_string(r.what.id) +
            ",\"slug\":" + json_string(r.what.slug) + ",\"title\":" + json_string(r.what.title) +
            ",\"status\":" + json_string(r.status) + ",\"message\":" + json_string(r.message) +
            ",\"score\":" + std::to_string(r.score()) +
            ",\"max_score\":" + std::to_string(r.max_score()) +
            ",\"stretch_score\":" + std::to_string(r.stretch_score()) +
            ",\"stretch_max_score\":" + std::to_string(r.stretch_max_score()) + ",\"checks\":[";
    for (std::size_t k = 0; k < r.checks.size(); ++k) {
      const auto& c = r.checks[k];
      json += std::string(k > 0 ? "," : "") + "{\"name\":" + json_string(c.name) +
              ",\"status\":" + json_string(c.status) + ",\"score\":" + std::to_string(c.score) +
              ",\"max_score\":" + std::to_string(c.points) +
              ",\"stretch\":" + (c.stretch ? "true" : "false") + ",\"verdicts\":[";
      for (std::size_t v = 0; v < c.verdicts.size(); ++v)
        json += (v > 0 ? "," : "") + json_string(c.verdicts[v]);
      json += "],\"output\":" + json_string(c.output) + "}";
    }
    json += "]}";
  }
  json += "],\"score\":" + std::to_string(score) + ",\"max_score\":" + std::to_string(max_score) +
          ",\"stretch_score\":" + std::to_string(stretch) +
          ",\"stretch_max_score\":" + std::to_string(stretch_max) + "}\n";
  return json;
}

// Gradescope's results.json: one test per check, named with its problem; a problem that could
// not be graded is one failed test worth nothing, whose output says why. A stretch check is a
// test worth nothing that scores its points when it passes (Gradescope counts a score above
// max_score as extra credit), named "stretch: ..."; the top-level score includes them.
std::string to_gradescope(const std::vector<problem_result>& results) {
  int score = 0;
  std::string tests;
  for (const auto& r : results) {
    const std::string prefix = r.what.id + " " + r.what.slug + ": ";
    if (r.status != "graded") {
      tests += std::string(tests.empty() ? "" : ",") +
               "{\"name\":" + json_string(prefix + "builds") +
               ",\"score\":0,\"max_score\":0,\"status\":\"failed\"" +
               ",\"output\":" + json_string(r.message) + "}";
      continue;
    }
    for (const auto& c : r.checks) {
      score += c.score;
      std::string output;
      for (const auto& v : c.verdicts) output += v + "\n";
      tests += std::string(tests.empty() ? "" : ",") +
               "{\"name\":" + json_string(prefix + (c.stretch ? "stretch: " : "") + c.name) +
               ",\"score\":" + std::to_string(c.score) +
               ",\"max_score\":" + std::to_string(c.stretch ? 0 : c.points) +
               ",\"status\":" + json_string(c.status == "pass" ? "passed" : "failed") +
               ",\"output\":" + json_string(output) + "}";
    }
  }
  return "{\"score\":" + std::to_string(score) + ",\"stdout_visibility\":\"visible\",\"tests\":[" +
         tests + "]}\n";
}

bool names(const problem& p, const std::string& wanted) {
  return wanted == p.id || wanted == p.slug || wanted == p.id + "-" + p.slug;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string absolute(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return path;
  std::string out = real;
  std::free(real);
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  echo_check::cli::usage() = {"grade", usage_text};
  std::vector<std::string> wanted;
  std::string dir, gradescope, manifest, build, exercises;
  bool json = false, list = false;
  int jobs = 4;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " wants a value");
      return argv[++i];
    };
    if (arg == "--dir")
      dir = value();
    else if (arg == "--json")
      json = true;
    else if (arg == "--gradescope")
      gradescope = value();
    else if (arg == "--jobs")
      jobs = echo_check::cli::whole(arg, value(), 1, 64);
    else if (arg == "--list")
      list = true;
    else if (arg == "--manifest")
      manifest = value();  // prebuilt: judge only
    else if (arg == "--build")
      build = value();  // from exercises/grade
    else if (arg == "--exercises")
      exercises = value();  // from exercises/grade
    else if (arg == "-h" || arg == "--help") {
      std::fputs(usage_text, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-')
      usage_error("unknown option " + arg);
    else
      wanted.push_back(arg);
  }
  if (manifest.empty() == build.empty())
    usage_error("run it as exercises/grade (it is told --build), or with --manifest FILE");
  if (!dir.empty() && !build.empty()) {
    if (!is_dir(dir)) usage_error("--dir " + dir + ": no such folder");
    dir = absolute(dir);
  } else if (!dir.empty()) {
    usage_error("--dir needs a build to make (not --manifest)");
  }

  // Building: point the build at the submission (its own folder, or --dir's), configure.
  if (!build.empty()) {
    const std::string source = dir.empty() ? exercises : dir;
    const auto configured =
        run({"cmake", "-S", exercises, "-B", build, "-DCSAPP_EXERCISE_SOURCE=" + source}, 300s);
    if (!configured.status || *configured.status != 0) {
      std::fprintf(stderr, "grade: configuring the exercises' build failed:\n%s",
                   configured.out.c_str());
      return 2;
    }
    manifest = build + "/manifest.tsv";
  }
  const auto problems = read_manifest(manifest);
  if (list) {
    for (const auto& p : problems)
      std::printf("%-6s %-22s %s\n", p.id.c_str(), p.slug.c_str(), p.title.c_str());
    return 0;
  }
  std::vector<problem> chosen;
  for (const auto& w : wanted) {
    const auto it = std::find_if(problems.begin(), problems.end(),
                                 [&](const problem& p) { return names(p, w); });
    if (it == problems.end()) {
      std::string known;
      for (const auto& p : problems) known += " " + p.id + "-" + p.slug;
      usage_error("no problem '" + w + "'; the problems are:" + known);
    }
    if (std::find_if(chosen.begin(), chosen.end(),
                     [&](const problem& p) { return p.id == it->id; }) == chosen.end())
      chosen.push_back(*it);
  }
  if (wanted.empty()) chosen = problems;

  bool could_not_grade = false;
  std::vector<problem_result> results;
  for (const auto& p : chosen) {
    problem_result r;
    r.what = p;
    if (!p.missing.empty()) {
      r.status = "missing";
      r.message = "missing file " + p.missing;
    } else if (!build.empty()) {
      if (!json) std::fprintf(stderr, "grade: building %s-%s\n", p.id.c_str(), p.slug.c_str());
      const auto built = run({"cmake", "--build", build, "--target", p.target}, 600s);
      if (!built.status || *built.status != 0) {
        r.status = "does-not-compile";
        r.message = "does not compile; the compiler's first errors:\n" + first_errors(built.out);
      }
    }
    if (r.status == "graded") {
      std::string error;
      r.checks = list_checks(p, error);
      if (!error.empty()) {
        r.status = "kit-error";
        r.message = error;
      } else {
        judge_all(p, r.checks, jobs);
      }
    }
    if (r.status != "graded") could_not_grade = true;
    results.push_back(std::move(r));
  }

  if (json)
    std::fputs(to_json(results).c_str(), stdout);
  else
    print_text(results);
  if (!gradescope.empty()) {
    std::ofstream out(gradescope);
    out << to_gradescope(results);
    if (!out) {
      std::fprintf(stderr, "grade: cannot write %s\n", gradescope.c_str());
      return 2;
    }
  }
  if (could_not_grade) return 2;
  for (const auto& r : results)
    if (r.score() != r.max_score()) return 1;
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "grade: %s\n", e.what());
  return 2;
}
