// exercises/support/run.hpp - runs a program to its end, with a bound, and keeps what it said.
//
// The grader runs the checks this way, and the checks run the student's programs this way: one
// function for both, free of doctest, so the grader can include it too.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <csapp/error.hpp>
#include <echocheck/spawn.hpp>

namespace exercise {

// A program run to its end, or stopped at the limit.
struct run_result {
  std::string out;            // its stdout
  std::string err;            // its stderr (the last 256 KiB of it)
  std::optional<int> status;  // its wait status; nothing when it had to be stopped
  std::string how;  // "exited with status 0", "ended by SIGSEGV", "still running after 10 s"
  bool exited_with(int code) const {
    return status && WIFEXITED(*status) && WEXITSTATUS(*status) == code;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> all;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) all.push_back(line);
    return all;
  }
};

// Runs argv to its end (at most `limit`), with stdin from /dev/null, and captures its output.
// Whatever of it is still running at the limit is stopped, children included; a SIGTERM to
// this process (the grader's, at a check's limit) stops them too. Throws std::system_error.
inline run_result run(const std::vector<std::string>& argv,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  using std::chrono::steady_clock;
  echo_check::stop_children_on_signals();
  char log[] = "/tmp/csapp-exercise-XXXXXX";
  const int fd = ::mkstemp(log);
  if (fd < 0) csapp::throw_errno("mkstemp");
  ::close(fd);
  run_result r;
  {
    echo_check::spawn_options options;
    options.log_path = log;
    echo_check::child_process child(argv, options);
    const auto deadline = steady_clock::now() + limit;
    r.out = child.read_rest(limit);
    r.status = child.wait_exit(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now()));
    r.how = r.status ? echo_check::describe_wait_status(*r.status)
                     : "still running after " + echo_check::human_seconds(limit.count() / 1000.0);
    child.stop(std::chrono::seconds(2));  // what is left of its group, also after a timeout
    for (const auto& line : child.log_lines(std::size_t{256} * 1024)) r.err += line + "\n";
  }
  ::unlink(log);
  return r;
}

}  // namespace exercise
