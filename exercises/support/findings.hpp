// exercises/support/findings.hpp - a checker's findings turned into a check's outcome.
//
// The echo-server and web-server problems run the checkers' scenarios (tools/echocheck,
// tools/httpcheck) and judge what they found the same way: the first flaw is the check's
// verdict, and a scenario that did not run (a name the checker does not know) is one too.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <echocheck/checker.hpp>

#include "exercise.hpp"

namespace exercise {

// True when every scenario in `names` ran and passed; otherwise false, with a verdict: the
// first flaw's, followed by `suffix` (how the server ended, when it did), or the scenario that
// did not run.
inline bool judge_findings(const std::vector<echo_check::finding>& findings,
                           const std::vector<std::string>& names, const std::string& suffix = "") {
  for (const auto& f : findings)
    if (!expect(f.passed, f.verdict + suffix)) return false;
  for (const auto& name : names)  // a name the checker does not know runs nothing
    if (std::none_of(findings.begin(), findings.end(),
                     [&](const echo_check::finding& f) { return f.scenario == name; })) {
      verdict("the " + name + " scenario did not run");
      return false;
    }
  return true;
}

}  // namespace exercise
