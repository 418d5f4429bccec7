// The exercises' proofs and the grader's own tests.
//
// exercises.proof grades, for one problem (EXERCISE_PROOF=12.16; every problem without it),
// its starter, its reference solution and each typical wrong solution, all built by this
// project (exercises/CMakeLists.txt), and holds the kit to its promises: the starter loses
// points with the verdict its README states, the reference scores full marks and every stretch
// point, and each wrong solution loses points with the verdict its file names: regular points,
// or, for a wrong solution of a problem's stretch part that keeps full marks, stretch points
// (with exit status 0, since stretch points never decide it). A check that passes a starter or a
// wrong solution, or fails the reference, fails here. A build configured with
// CSAPP_EXERCISE_PROOF_VARIANTS=solution (the tsan preset) proves the reference alone.
#include <doctest/doctest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "exercise.hpp"
#include "support/json.hpp"

namespace {

using test_support::json;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The text after `marker` on the line that holds it, in any file of `dir` (or in `file`).
std::string marked(const std::string& text, const std::string& marker,
                   const std::string& end = "\n") {
  const auto at = text.find(marker);
  if (at == std::string::npos) return "";
  const auto from = at + marker.size();
  return text.substr(from, text.find(end, from) - from);
}

struct graded {
  exercise::run_result run;
  json results;
};

exercise::run_result run_grader(const std::vector<std::string>& args,
                                std::chrono::milliseconds limit = std::chrono::minutes(4)) {
  std::vector<std::string> argv = {GRADE_JUDGE};
  argv.insert(argv.end(), args.begin(), args.end());
  return exercise::run(argv, limit);
}

graded parse(exercise::run_result r) {
  graded g;
  g.run = std::move(r);
  INFO("grader: " << g.run.how << "\nstdout:\n" << g.run.out << "\nstderr:\n" << g.run.err);
  if (g.run.out.rfind("{", 0) == 0) g.results = json::parse(g.run.out);
  return g;
}

graded grade(const std::vector<std::string>& args) { return parse(run_grader(args)); }

// Every verdict of every check that lost points, one per line.
std::string lost_verdicts(const json& problem) {
  std::string all;
  for (const auto& c : problem["checks"].items)
    if (c["score"].n < c["max_score"].n)
      for (const auto& v : c["verdicts"].items) all += v.s + "\n";
  return all;
}

void prove(const std::string& id) {
  const std::string manifests = std::string(EXERCISES_BUILD) + "/manifests/" + id;
  const auto variants = entries(manifests);
  std::string folder;
  for (const auto& name : entries(EXERCISES_SOURCE))
    if (name.rfind(id + "-", 0) == 0) folder = std::string(EXERCISES_SOURCE) + "/" + name;
  REQUIRE_MESSAGE(!folder.empty(), "no folder for problem " << id);
  // Two variants are graded at a time: most checks wait (for a timeout, a client, a thread)
  // rather than compute. Their results are judged here, in this thread, one by one.
  std::vector<std::future<exercise::run_result>> runs;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    runs.push_back(
        std::async(std::launch::deferred, run_grader,
                   std::vector<std::string>{"--manifest", manifests + "/" + variants[i], "--json"},
                   std::chrono::minutes(4)));
  }
  std::vector<exercise::run_result> results(variants.size());
  for (std::size_t i = 0; i < variants.size(); i += 2) {
    auto second = i + 1 < variants.size()
                      ? std::async(std::launch::async, [&, i] { return runs[i + 1].get(); })
                      : std::future<exercise::run_result>();
    results[i] = runs[i].get();
    if (second.valid()) results[i + 1] = second.get();
  }
  int wrongs = 0;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string& file = variants[i];
    const std::string variant = file.substr(0, file.size() - 4);  // without .tsv
    CAPTURE(id);
    CAPTURE(variant);
    const auto g = parse(std::move(results[i]));
    REQUIRE(g.results.type == json::kind::object);
    const json& p = g.results["problems"].items.at(0);
    REQUIRE_MESSAGE(p["status"].s == "graded", p["message"].s);
    const double score = p["score"].n, max_score = p["max_score"].n;
    const double stretch = p["stretch_score"].n, stretch_max = p["stretch_max_score"].n;
    REQUIRE(max_score > 0);
    const std::string verdicts = lost_verdicts(p);
    CAPTURE(verdicts);
    if (variant == "solution") {
      CHECK_MESSAGE(score == max_score, "the reference solution lost points");
      CHECK_MESSAGE(stretch == stretch_max, "the reference solution lost stretch points");
      CHECK(g.run.exited_with(0));
      continue;
    }
    std::string expected;
    if (variant == "starter") {
      expected = marked(slurp(folder + "/README.md"), "<!-- starter-verdict: ", " -->");
      REQUIRE_MESSAGE(!expected.empty(),
                      folder << "/README.md has no <!-- starter-verdict: ... --> line");
    } else {
      ++wrongs;
      const std::string dir = std::string(EXERCISES_SOURCE) + "/solutions/" + id + "/" + variant;
      for (const auto& name : entries(dir))
        if (expected.empty()) expected = marked(slurp(dir + "/" + name), "// verdict: ");
      REQUIRE_MESSAGE(!expected.empty(), dir << " has no file with a '// verdict: ...' line");
    }
    CAPTURE(expected);
    if (variant != "starter" && score == max_score && stretch_max > 0) {
      // A wrong solution of the stretch part: proven by a stretch check it fails.
      CHECK_MESSAGE(stretch < stretch_max, variant << " scored full marks and every stretch point");
      CHECK(g.run.exited_with(0));
    } else {
      CHECK_MESSAGE(score < max_score, variant << " scored full marks");
      CHECK(g.run.exited_with(1));
    }
    CHECK_MESSAGE(verdicts.find(expected) != std::string::npos,
                  variant << " lost points, but not with the verdict it names");
  }
  CHECK_MESSAGE(std::count(variants.begin(), variants.end(), "solution.tsv") == 1,
                "no reference solution for " << id);
#ifdef EXERCISE_PROOF_REFERENCE_ONLY
  // This build proves the reference alone (CSAPP_EXERCISE_PROOF_VARIANTS=solution).
  CHECK_MESSAGE(variants.size() == 1, id << ": only the reference should be built here");
#else
  CHECK_MESSAGE(std::count(variants.begin(), variants.end(), "starter.tsv") == 1,
                "no starter for " << id);
  CHECK_MESSAGE(wrongs >= 2, id << " has " << wrongs
                                << " typical wrong solutions; every problem needs two or more");
#endif
}

// A manifest for the fixture: its checks hang at a 2 s limit. `programs` reaches the fixture as
// EXERCISE_PROGRAMS: "full-marks" makes every regular check pass.
std::string fixture_manifest(const std::string& missing = "",
                             const std::string& programs = "/tmp") {
  char path[] = "/tmp/csapp-fixture-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream out(path);
  out << "0.0\tfixture\tthe grader's own fixture\t\t" << GRADER_FIXTURE << "\t" << programs
      << "\t2\t" << missing << "\n";
  return path;
}

}  // namespace

TEST_CASE(
    "exercises.proof: starters lose points, references score full marks, wrong solutions are "
    "caught") {
  const char* one = std::getenv("EXERCISE_PROOF");
  std::vector<std::string> ids;
  if (one) {
    ids.emplace_back(one);
  } else {
    ids = entries(std::string(EXERCISES_BUILD) + "/manifests");
  }
  REQUIRE(!ids.empty());
  for (const auto& id : ids) prove(id);
}

TEST_CASE("exercises.grader: points, verdicts, a hang and a crash, each in words") {
  const auto manifest = fixture_manifest();
  const auto g = grade({"--manifest", manifest, "--json"});
  ::unlink(manifest.c_str());
  CHECK(g.run.exited_with(1));
  const json& p = g.results["problems"].items.at(0);
  REQUIRE(p["checks"].items.size() == 7);  // the case without points is not a check
  std::map<std::string, const json*> by_name;
  for (const auto& c : p["checks"].items) by_name[c["name"].s] = &c;
  const json& pass = *by_name.at("passes");
  CHECK(pass["status"].s == "pass");
  CHECK(pass["score"].n == 2);
  const json& comma = *by_name.at("passes, with a comma and a * in its name");
  CHECK(comma["status"].s == "pass");
  CHECK(comma["score"].n == 4);
  const json& mistake = *by_name.at("names its mistake");
  CHECK(mistake["status"].s == "fail");
  CHECK(mistake["score"].n == 0);
  REQUIRE(mistake["verdicts"].items.size() == 1);
  CHECK(mistake["verdicts"].items[0].s ==
        "the parent never closes connfd: 3 descriptors before, 103 after");
  const json& hang = *by_name.at("hangs");
  CHECK(hang["status"].s == "timeout");
  CHECK(hang["verdicts"].items.at(0).s.find("did not finish within 2 s") != std::string::npos);
  const json& crash = *by_name.at("crashes");
  CHECK(crash["status"].s == "crash");
  CHECK(crash["verdicts"].items.at(0).s.find("SIGABRT") != std::string::npos);
  for (const auto& c : p["checks"].items) CHECK(c["stretch"].type == json::kind::boolean);
  CHECK(pass["stretch"].b == false);
  const json& extra = *by_name.at("a stretch check that passes");
  CHECK(extra["stretch"].b == true);
  CHECK(extra["status"].s == "pass");
  CHECK(extra["score"].n == 2);
  const json& extra_lost = *by_name.at("a stretch check that names its mistake");
  CHECK(extra_lost["stretch"].b == true);
  CHECK(extra_lost["status"].s == "fail");
  CHECK(extra_lost["score"].n == 0);
  CHECK(extra_lost["max_score"].n == 3);
  REQUIRE(extra_lost["verdicts"].items.size() == 1);
  CHECK(extra_lost["verdicts"].items[0].s ==
        "the cache never evicts: the oldest answer was still a hit");
  // The totals are the regular checks'; the stretch checks' are apart.
  CHECK(p["score"].n == 6);
  CHECK(p["max_score"].n == 11);
  CHECK(p["stretch_score"].n == 2);
  CHECK(p["stretch_max_score"].n == 5);
  CHECK(g.results["score"].n == 6);
  CHECK(g.results["max_score"].n == 11);
  CHECK(g.results["stretch_score"].n == 2);
  CHECK(g.results["stretch_max_score"].n == 5);

  // The same results as text: one line per check with its points, the verdict under it.
  const auto manifest2 = fixture_manifest();
  const auto text = exercise::run({GRADE_JUDGE, "--manifest", manifest2}, std::chrono::minutes(1));
  ::unlink(manifest2.c_str());
  CHECK(text.exited_with(1));
  CHECK(text.out.find("FAIL   0/3   names its mistake") != std::string::npos);
  CHECK(text.out.find("the parent never closes connfd") != std::string::npos);
  CHECK(text.out.find("TIME   0/1   hangs") != std::string::npos);
  CHECK(text.out.find("CRASH  0/1   crashes") != std::string::npos);
  CHECK(text.out.find("total 6/11\n") != std::string::npos);
  CHECK(text.out.find("ok    +2/+2  a stretch check that passes") != std::string::npos);
  CHECK(text.out.find("FAIL  +0/+3  a stretch check that names its mistake") != std::string::npos);
  CHECK(text.out.find("the cache never evicts") != std::string::npos);
  CHECK(text.out.find("stretch: 2/5 (extra points, not in the total)") != std::string::npos);
  CHECK(text.out.find("overall 6/11: 0 of 1 problem with full marks; stretch 2/5") !=
        std::string::npos);
}

TEST_CASE("exercises.grader: stretch points count apart and never change the exit status") {
  // Every regular check passes, one stretch check fails: full marks, exit status 0, and the
  // stretch points lost are reported in text, JSON and Gradescope's format.
  const auto manifest = fixture_manifest("", "full-marks");
  const auto g = grade({"--manifest", manifest, "--json"});
  CHECK(g.run.exited_with(0));
  const json& p = g.results["problems"].items.at(0);
  CHECK(p["score"].n == 11);
  CHECK(p["max_score"].n == 11);
  CHECK(p["stretch_score"].n == 2);
  CHECK(p["stretch_max_score"].n == 5);

  const auto text = exercise::run({GRADE_JUDGE, "--manifest", manifest}, std::chrono::minutes(1));
  CHECK(text.exited_with(0));
  CHECK(text.out.find("total 11/11\n  stretch: 2/5") != std::string::npos);
  CHECK(text.out.find("overall 11/11: 1 of 1 problem with full marks; stretch 2/5") !=
        std::string::npos);

  char path[] = "/tmp/csapp-results-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  const auto r = exercise::run({GRADE_JUDGE, "--manifest", manifest, "--gradescope", path},
                               std::chrono::minutes(1));
  ::unlink(manifest.c_str());
  CHECK(r.exited_with(0));
  const json results = json::parse(slurp(path));
  ::unlink(path);
  REQUIRE(results["tests"].type == json::kind::array);
  std::map<std::string, const json*> by_name;
  for (const auto& t : results["tests"].items) by_name[t["name"].s] = &t;
  const json& won = *by_name.at("0.0 fixture: stretch: a stretch check that passes");
  CHECK(won["score"].n == 2);
  CHECK(won["max_score"].n == 0);  // above max_score: Gradescope's extra credit
  CHECK(won["status"].s == "passed");
  const json& lost = *by_name.at("0.0 fixture: stretch: a stretch check that names its mistake");
  CHECK(lost["score"].n == 0);
  CHECK(lost["max_score"].n == 0);
  CHECK(lost["status"].s == "failed");
  CHECK(lost["output"].s.find("the cache never evicts") != std::string::npos);
  CHECK(results["score"].n == 13);  // 11 regular points and 2 stretch points
}

TEST_CASE("exercises.gradescope: results.json has Gradescope's shape") {
  const auto manifest = fixture_manifest();
  char path[] = "/tmp/csapp-results-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  const auto r = exercise::run({GRADE_JUDGE, "--manifest", manifest, "--gradescope", path},
                               std::chrono::minutes(1));
  ::unlink(manifest.c_str());
  CHECK(r.exited_with(1));
  const json results = json::parse(slurp(path));
  ::unlink(path);
  REQUIRE(results.type == json::kind::object);
  REQUIRE(results["score"].type == json::kind::number);
  REQUIRE(results["tests"].type == json::kind::array);
  REQUIRE(results["tests"].items.size() == 7);
  double sum = 0;
  int stretch = 0;
  for (const auto& t : results["tests"].items) {
    CHECK(t["name"].type == json::kind::string);
    CHECK(t["name"].s.rfind("0.0 fixture: ", 0) == 0);
    CHECK(t["score"].type == json::kind::number);
    CHECK(t["max_score"].type == json::kind::number);
    CHECK((t["status"].s == "passed" || t["status"].s == "failed"));
    if (t["name"].s.rfind("0.0 fixture: stretch: ", 0) == 0) {
      ++stretch;  // worth nothing; a pass scores above it (extra credit)
      CHECK(t["max_score"].n == 0);
      CHECK((t["status"].s == "passed") == (t["score"].n > 0));
    } else {
      CHECK(t["score"].n <= t["max_score"].n);
      CHECK((t["status"].s == "passed") == (t["score"].n == t["max_score"].n));
    }
    CHECK(t["output"].type == json::kind::string);
    sum += t["score"].n;
  }
  CHECK(stretch == 2);
  CHECK(results["score"].n == sum);
  CHECK(sum == 8);  // 6 regular points and 2 stretch points
}

TEST_CASE("exercises.grader: bad input is named, with exit status 2") {
  const auto bad = [](const std::vector<std::string>& args, const std::string& said) {
    std::vector<std::string> argv = {GRADE_JUDGE};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = exercise::run(argv, std::chrono::minutes(1));
    CAPTURE(r.err);
    CHECK(r.exited_with(2));
    CHECK(r.err.find(said) != std::string::npos);
  };
  const auto manifest = fixture_manifest();
  bad({"--manifest", manifest, "12.99"}, "no problem '12.99'; the problems are: 0.0-fixture");
  bad({"--manifest", manifest, "--frobnicate"}, "unknown option --frobnicate");
  bad({"--manifest", manifest, "--jobs", "0"}, "--jobs wants a number from 1 to 64");
  bad({}, "run it as exercises/grade");
  ::unlink(manifest.c_str());
  // A file the problem needs is missing: nothing is graded, and the file is named.
  const auto missing = fixture_manifest("/tmp/sub/0.0-fixture/hello.cpp");
  const auto r = exercise::run({GRADE_JUDGE, "--manifest", missing}, std::chrono::minutes(1));
  ::unlink(missing.c_str());
  CHECK(r.exited_with(2));
  CHECK(r.out.find("cannot grade: missing file /tmp/sub/0.0-fixture/hello.cpp") !=
        std::string::npos);
}

TEST_CASE("exercises.readme: the list in exercises/README.md is the table's list") {
  // The table (exercises/CMakeLists.txt) is the one list; the README's must not drift from it.
  const std::string readme = slurp(std::string(EXERCISES_SOURCE) + "/README.md");
  std::vector<std::string> ids;  // the first field of each line of the build's manifest
  std::istringstream manifest(slurp(std::string(EXERCISES_BUILD) + "/manifest.tsv"));
  for (std::string line; std::getline(manifest, line);)
    if (!line.empty()) ids.push_back(line.substr(0, line.find('\t')));
  REQUIRE(ids.size() >= 12);
  for (const auto& id : ids) {
    std::string folder;
    for (const auto& name : entries(EXERCISES_SOURCE))
      if (name.rfind(id + "-", 0) == 0) folder = name;
    CAPTURE(id);
    CHECK(readme.find("| " + id + " | [" + folder + "](" + folder + "/) |") != std::string::npos);
  }
  std::size_t rows = 0;
  for (auto at = readme.find("\n| 12."); at != std::string::npos;
       at = readme.find("\n| 12.", at + 1))
    ++rows;
  CHECK(rows == ids.size());
}
