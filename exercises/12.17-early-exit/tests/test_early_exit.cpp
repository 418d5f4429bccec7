// Problem 12.17's checks: the program whose main exits before its thread prints, fixed twice.
//
// Both programs are linked with the thread probe (support/thread_probe.cpp): the thread starts
// only once main waits for it (pthread_join) or ends itself with pthread_exit, so a program that
// merely hopes the thread runs first (a sleep) fails every time, not only on a busy machine.
#include "exercise.hpp"

namespace {

// The common part of both fixes: one greeting, exit status 0, and the thread finished.
bool greets_once(const std::string& name, const exercise::run_result& r,
                 const exercise::probe_report& p) {
  const auto lines = r.lines();
  const bool once = lines.size() == 1 && lines[0] == "Hello, world!";
  if (!once && p.slept > 0 && p.joined == 0 && p.main_exit == 0)
    return exercise::expect(
        false, name +
                   ": main slept instead of waiting for its thread, and the thread had not "
                   "run when main ended (it printed " +
                   std::to_string(lines.size()) +
                   " lines): a sleep guarantees nothing; make main wait for the thread");
  if (!exercise::expect(
          once, name + " printed " + std::to_string(lines.size()) +
                    (lines.size() == 1 ? " line" : " lines") +
                    " instead of one Hello, world!: main ended the process (exit or a return "
                    "from main) before its thread had printed"))
    return false;
  return exercise::expect(r.exited_with(0),
                          name + " printed its greeting, then " + r.how + ", not with status 0");
}

}  // namespace

TEST_CASE("[3] hello_join prints Hello, world! once, then exits 0") {
  const auto [r, p] = exercise::run_probed({exercise::program("hello_join")});
  greets_once("hello_join", r, p);
}

TEST_CASE("[2] hello_join waits for its thread with pthread_join") {
  const auto [r, p] = exercise::run_probed({exercise::program("hello_join")});
  if (!exercise::expect(p.created == 1,
                        "hello_join created " + std::to_string(p.created) + " threads, not 1"))
    return;
  exercise::expect(
      p.joined == 1 && p.finished == 1,
      "hello_join joined " + std::to_string(p.joined) + " threads (want 1) and its thread had " +
          (p.finished == 1 ? "" : "not ") +
          "finished when the process ended: main must wait for it with Pthread_join before exit");
}

TEST_CASE("[3] hello_exit prints Hello, world! once, then exits 0") {
  const auto [r, p] = exercise::run_probed({exercise::program("hello_exit")});
  greets_once("hello_exit", r, p);
}

TEST_CASE("[2] hello_exit ends main with pthread_exit, the second way") {
  const auto [r, p] = exercise::run_probed({exercise::program("hello_exit")});
  if (!exercise::expect(p.created == 1,
                        "hello_exit created " + std::to_string(p.created) + " threads, not 1"))
    return;
  exercise::expect(
      p.main_exit == 1 && p.finished == 1,
      std::string("hello_exit does not end main with pthread_exit") +
          (p.joined > 0 ? " (it joins, which is the first fix again)" : "") +
          ": the problem asks for a second, different call, one that ends main alone and lets "
          "the process live until its last thread ends");
}
