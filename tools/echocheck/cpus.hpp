// tools/echocheck/cpus.hpp - which CPUs a server and its load generator run on.
//
// On a machine of 2 CPUs, a load generator of one thread and a server of 1,000 threads share
// the scheduler: the server's threads outnumber the client's one, the client gets a small
// share, and the client, not the server, sets the pace. Measured numbers then rank load
// generators, not servers. So the tour gives the server one set of CPUs and the client a
// disjoint one (sched affinity), and says which. Lists use the kernel's notation: "0-3,8".
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "proc.hpp"

namespace echo_check {

using cpu_list = std::vector<int>;

// "0-3,8" -> {0,1,2,3,8}; nullopt for anything else (empty, "a", "3-1", "1,,2").
inline std::optional<cpu_list> parse_cpu_list(const std::string& text) {
  cpu_list cpus;
  std::size_t at = 0;
  auto number = [&](int& out) {
    std::size_t end = at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at || end - at > 4) return false;
    out = std::atoi(text.substr(at, end - at).c_str());
    at = end;
    return out < CPU_SETSIZE;
  };
  while (at < text.size()) {
    int lo = 0, hi = 0;
    if (!number(lo)) return std::nullopt;
    hi = lo;
    if (at < text.size() && text[at] == '-') {
      ++at;
      if (!number(hi) || hi < lo) return std::nullopt;
    }
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    if (at < text.size() && (text[at] != ',' || ++at == text.size())) return std::nullopt;
  }
  if (cpus.empty()) return std::nullopt;
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

// {0,1,2,3,8} -> "0-3,8".
inline std::string cpu_list_text(const cpu_list& cpus) {
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    text += (text.empty() ? "" : ",") + std::to_string(cpus[i]);
    if (j > i) text += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return text;
}

inline cpu_set_t to_cpu_set(const cpu_list& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (const int c : cpus) CPU_SET(c, &set);
  return set;
}

// The CPUs this thread may run on (empty if the kernel would not say: then nothing is
// placed).
inline cpu_list allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) < 0) return {};
  cpu_list cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

// The CPUs a process may run on, as the kernel reports them (empty if it is gone): how a
// test or a reader checks that the placement really happened.
inline cpu_list cpus_of(pid_t pid) {
  const std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
  const std::string key = "Cpus_allowed_list:";
  const auto at = status.find(key);
  if (at == std::string::npos) return {};
  const auto start = status.find_first_not_of(" \t", at + key.size());
  const auto end = status.find('\n', start);
  return parse_cpu_list(status.substr(start, end - start)).value_or(cpu_list{});
}

// Restricts the calling thread (and the threads and processes it starts later) to `cpus`.
// False, with errno set, if the kernel refused.
inline bool pin_this_thread(const cpu_list& cpus) {
  const cpu_set_t set = to_cpu_set(cpus);
  return ::sched_setaffinity(0, sizeof set, &set) == 0;
}

// Where the server and the load generator run; empty lists: wherever the scheduler likes.
struct placement {
  cpu_list server, client;

  bool pinned() const { return !server.empty(); }
  std::string text() const {
    return pinned() ? "server on CPU " + cpu_list_text(server) + ", clients on CPU " +
                          cpu_list_text(client)
                    : "server and clients share every CPU (not pinned)";
  }
};

// The default: the allowed CPUs split in two halves, the server on the first; no pinning on
// a machine of one CPU.
inline placement split_cpus(const cpu_list& allowed) {
  if (allowed.size() < 2) return {};
  const auto half = static_cast<std::ptrdiff_t>(allowed.size() / 2);
  return {cpu_list(allowed.begin(), allowed.begin() + half),
          cpu_list(allowed.begin() + half, allowed.end())};
}

// True when the two lists share no CPU.
inline bool disjoint(const cpu_list& a, const cpu_list& b) {
  return std::none_of(a.begin(), a.end(),
                      [&](int c) { return std::find(b.begin(), b.end(), c) != b.end(); });
}

}  // namespace echo_check
