// tests/support/programs.hpp - running a section's non-server programs to completion.
//
// spawned (spawn.hpp) leaves a program's stderr to the test log; these helpers capture it,
// because a usage message or a sanitizer report on stderr is part of what a test checks.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "support.hpp"

namespace test_support {

// The programs of one examples folder.
class section_programs {
 public:
  explicit section_programs(std::string dir) : dir_(std::move(dir)) {}

  // Runs dir/name with args to completion (bounded by run_in_child's limit) and captures
  // its stdout, stderr and exit status.
  child_result run(const std::string& name, const std::vector<std::string>& args) const {
    const std::string path = dir_ + name;
    return run_in_child([&] {
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(path.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::close_range(3, ~0U, 0);  // nothing of the test's leaks into it
      ::execv(path.c_str(), argv.data());
      ::_exit(127);
    });
  }

  // Bad arguments: a usage line on stderr, nothing on stdout, exit status 2.
  void check_usage(const std::string& name, const std::vector<std::string>& args) const {
    CAPTURE(name);
    CAPTURE(args.size());
    const child_result result = run(name, args);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("usage: ") != std::string::npos);
    CHECK(result.out.empty());
  }

 private:
  std::string dir_;  // the folder of built programs, ending in '/'
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// badcnt and race race ON PURPOSE: that is their lesson. Under ThreadSanitizer the race is
// reported (on the program's stderr, which run captures) and, by default, the program then
// exits with status 66. While this guard lives, the programs we start inherit TSAN_OPTIONS
// that keep the reports but let the program finish with its own exit status, so the same
// assertions hold in every build. Outside a TSan build the variable is ignored.
class tolerate_intended_races {
 public:
  tolerate_intended_races() {
    if (const char* old = std::getenv("TSAN_OPTIONS")) saved_ = old;
    ::setenv("TSAN_OPTIONS", "report_signal_unsafe=0:halt_on_error=0:exitcode=0", 1);
  }
  tolerate_intended_races(const tolerate_intended_races&) = delete;
  tolerate_intended_races& operator=(const tolerate_intended_races&) = delete;
  ~tolerate_intended_races() {
    if (saved_.empty())
      ::unsetenv("TSAN_OPTIONS");
    else
      ::setenv("TSAN_OPTIONS", saved_.c_str(), 1);
  }

 private:
  std::string saved_;  // the test's own TSAN_OPTIONS, if any
};

}  // namespace test_support
