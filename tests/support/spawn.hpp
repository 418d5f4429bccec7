// tests/support/spawn.hpp - the tests start programs with echo-check's spawner
// (tools/echocheck/spawn.hpp), so a test and the checker start, read and stop a server the
// same way. This adds only the tests' default bound, event_limit, to every wait.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <echocheck/spawn.hpp>

#include "support.hpp"

namespace test_support {

class spawned : public echo_check::child_process {
 public:
  // Starts `path` with `args`; stdin is /dev/null unless `with_stdin`, stdout is piped to
  // us, stderr is inherited (it shows up in the test log).
  spawned(const std::string& path, const std::vector<std::string>& args, bool with_stdin = false)
      : child_process(command(path, args), {with_stdin, "", {}}) {}

  std::optional<std::string> read_line(std::chrono::milliseconds limit = event_limit) {
    return child_process::read_line(limit);
  }
  std::string read_rest(std::chrono::milliseconds limit = event_limit) {
    return child_process::read_rest(limit);
  }
  int wait_for_port(std::chrono::milliseconds limit = event_limit) {
    return child_process::wait_for_port(limit);
  }
  std::optional<int> wait_exit(std::chrono::milliseconds limit = event_limit) {
    return child_process::wait_exit(limit);
  }

 private:
  static std::vector<std::string> command(const std::string& path,
                                          const std::vector<std::string>& args) {
    std::vector<std::string> argv{path};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
};

}  // namespace test_support
