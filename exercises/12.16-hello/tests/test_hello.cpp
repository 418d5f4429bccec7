// Problem 12.16's checks: hello with n joinable threads.
//
// The program is linked with the thread probe (support/thread_probe.cpp): its threads start
// only once main waits for one of them, so a program that does not join shows it every time.
#include "exercise.hpp"

#include <algorithm>

namespace {

int hellos(const exercise::run_result& r) {
  const auto lines = r.lines();
  return static_cast<int>(std::count(lines.begin(), lines.end(), "Hello, world!"));
}

}  // namespace

TEST_CASE("[3] hello n prints Hello, world! n times and exits 0") {
  for (int n : {1, 4, 64}) {
    const auto r = exercise::run({exercise::program("hello"), std::to_string(n)});
    if (!exercise::expect(r.exited_with(0), "hello " + std::to_string(n) + " " + r.how +
                                                ", not with status 0" +
                                                (r.err.empty() ? "" : "; it said: " + r.err)))
      return;
    const int got = hellos(r);
    if (!exercise::expect(got == n && r.lines().size() == static_cast<std::size_t>(n),
                          "hello " + std::to_string(n) + " said Hello, world! " +
                              exercise::times(got) + " in " + std::to_string(r.lines().size()) +
                              (r.lines().size() == 1 ? " line" : " lines") + " of output, not " +
                              exercise::times(n)))
      return;
  }
}

TEST_CASE("[4] creates n joinable threads and joins every one before it exits") {
  for (int n : {1, 8}) {
    const auto [r, probe] = exercise::run_probed({exercise::program("hello"), std::to_string(n)});
    const std::string cmd = "hello " + std::to_string(n);
    if (!exercise::expect(probe.present,
                          cmd + " " + r.how + " without ending through exit or a return from main"))
      return;
    if (!exercise::expect(probe.created == n, cmd + " created " + std::to_string(probe.created) +
                                                  (probe.created == 1 ? " thread" : " threads") +
                                                  ", not " + std::to_string(n)))
      return;
    if (!exercise::expect(
            probe.detached == 0,
            cmd + " detaches its threads (" + std::to_string(probe.detached) + " of " +
                std::to_string(n) +
                "): a detached thread cannot be joined, so main cannot know when it has "
                "printed; create them joinable and join them" +
                (probe.slept > 0 ? " (a sleep is no substitute: it guarantees nothing)" : "")))
      return;
    if (!exercise::expect(
            probe.joined == n,
            cmd + " created " + std::to_string(n) + (n == 1 ? " thread" : " threads") +
                " and joined " + std::to_string(probe.joined) +
                " of them; when the process ended, " + std::to_string(probe.finished) + " of " +
                std::to_string(n) +
                " had finished (the process ends when main returns or calls exit, and takes "
                "every thread with it: join each one first)"))
      return;
    exercise::expect(probe.finished == n, cmd + ": only " + std::to_string(probe.finished) +
                                              " of " + std::to_string(n) +
                                              " threads had finished when it exited");
  }
}

TEST_CASE("[3] a bad n gets a usage message on stderr and exit status 2") {
  const std::vector<std::vector<std::string>> bad = {
      {}, {"abc"}, {"5x"}, {""}, {"0"}, {"-3"}, {"1001"}, {"99999999999999999999"}, {"4", "4"}};
  for (const auto& args : bad) {
    std::vector<std::string> argv = {exercise::program("hello")};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string shown = "hello";
    for (const auto& a : args) shown += " '" + a + "'";
    if (args.empty()) shown += " (no n)";
    const auto [r, probe] = exercise::run_probed(argv);
    if (!exercise::expect(
            r.exited_with(2) && !r.err.empty() && hellos(r) == 0 && probe.created == 0,
            shown + " " + r.how + " after creating " + std::to_string(probe.created) +
                (probe.created == 1 ? " thread" : " threads") + " and printing " +
                std::to_string(r.lines().size()) + (r.lines().size() == 1 ? " line" : " lines") +
                (r.err.empty() ? " and nothing on stderr" : "") +
                "; a bad n wants a usage line on stderr, no threads, and exit status 2"))
      return;
  }
}
