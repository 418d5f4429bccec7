// tools/echocheck/proc.hpp - what /proc says about a server: descriptors, threads, children.
//
// The checker reads these before and after it talks to a server (given --pid) to find what
// a server leaves behind: descriptors it never closed, children it never reaped. Processes
// and threads come and go while we look, so a vanished entry is an ordinary outcome, never
// an error; and /proc is read with open/read, since std::ifstream throws when a process
// disappears mid-read.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include <csapp/fd.hpp>

namespace echo_check {

// A whole small file (a /proc entry), or "" if it cannot be read.
inline std::string slurp(const std::string& path) {
  std::string text;
  csapp::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  return text;
}

// The names in a directory, without "." and "..".
inline std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* e = ::readdir(dir))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    ::closedir(dir);
  }
  return names;
}

// The pids of a process's children, from every thread's /proc children list (a child
// belongs to the thread that forked it).
inline std::vector<pid_t> child_pids(pid_t pid) {
  std::vector<pid_t> pids;
  const std::string base = "/proc/" + std::to_string(pid) + "/task/";
  for (const auto& tid : list_dir(base)) {
    const std::string text = slurp(base + tid + "/children");
    const char* at = text.c_str();
    for (;;) {
      char* end = nullptr;
      const long child = std::strtol(at, &end, 10);
      if (end == at) break;  // no number left
      pids.push_back(static_cast<pid_t>(child));
      at = end;
    }
  }
  return pids;
}

// The fields of /proc/PID/stat after the command name, which sits in parentheses and may
// itself contain spaces and parentheses: so split after the last ')'. Field 3 (the state)
// is element 0.
inline std::vector<std::string> stat_fields(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::vector<std::string> fields;
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return fields;
  std::size_t at = paren + 1;
  while (at < stat.size()) {
    const auto start = stat.find_first_not_of(' ', at);
    if (start == std::string::npos) break;
    const auto stop = stat.find(' ', start);
    fields.push_back(stat.substr(start, stop - start));
    at = stop == std::string::npos ? stat.size() : stop;
  }
  return fields;
}

// The scheduler state letter of a process ('S' asleep, 'R' running, 'Z' zombie), or '?'.
inline char process_state(pid_t pid) {
  const auto fields = stat_fields(pid);
  return fields.empty() || fields[0].empty() ? '?' : fields[0][0];
}

// True while a process exists (a zombie still exists: it has not been reaped).
inline bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// The unit of the CPU times in /proc/PID/stat.
inline double cpu_tick_seconds() { return 1.0 / static_cast<double>(::sysconf(_SC_CLK_TCK)); }

// CPU seconds used by a process (all its threads, the exited ones too) and by the children
// it has reaped. Its own time comes from its CPU clock (clock_getcpuclockid), exact to the
// nanosecond and current: the utime and stime of /proc/PID/stat are sampled at clock ticks,
// and on some kernels a live process's figure there lags its real use by seconds. Reaped
// children reach the parent only as cutime + cstime, counted in ticks, complete once reaped.
inline double cpu_seconds(pid_t pid) {
  const auto fields = stat_fields(pid);
  if (fields.size() < 15) return 0;
  double own = -1;
  clockid_t clock_id;
  timespec ts{};
  if (::clock_getcpuclockid(pid, &clock_id) == 0 && ::clock_gettime(clock_id, &ts) == 0)
    own = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  double ticks = 0;
  for (std::size_t i = own < 0 ? 11 : 13; i <= 14; ++i)
    ticks += std::strtod(fields[i].c_str(), nullptr);
  return std::max(own, 0.0) + ticks * cpu_tick_seconds();
}

// `measure` of a process plus that of all its descendants, children first found through
// /proc: a process server's work and memory are in children that have not exited yet.
template <class Measure>
auto sum_over_tree(pid_t pid, Measure measure, int depth = 0) -> decltype(measure(pid)) {
  auto total = measure(pid);
  if (depth < 8)  // a server's children, their children: deeper is a fork bomb, not a server
    for (const pid_t child : child_pids(pid)) total += sum_over_tree(child, measure, depth + 1);
  return total;
}

// CPU seconds of a process and all its descendants, alive or reaped (cpu_seconds of each).
inline double tree_cpu_seconds(pid_t pid) { return sum_over_tree(pid, cpu_seconds); }

// Private memory of one process in bytes: its RssAnon (anonymous resident pages: heap,
// stacks, buffers), from /proc/PID/status. Shared pages (the program, libraries) are not in
// it, so a thousand children of a process server do not count the program a thousand times.
// 0 for a process that is gone.
inline long long private_bytes(pid_t pid) {
  const std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("RssAnon:");
  return at == std::string::npos ? 0 : std::atoll(status.c_str() + at + 8) * 1024;  // "1234 kB"
}

// Private memory of a process and all its descendants, in bytes.
inline long long tree_private_bytes(pid_t pid) { return sum_over_tree(pid, private_bytes); }

// One look at a process.
struct proc_reading {
  int fds = -1;      // open descriptors (-1: could not read, e.g. the process is gone)
  int threads = -1;  // threads, the main one included
  int children = 0;  // child processes, zombies included
  int zombies = 0;   // children that exited and were not reaped
};

inline proc_reading read_proc(pid_t pid) {
  proc_reading r;
  const std::string base = "/proc/" + std::to_string(pid);
  // A zombie (dead, not yet reaped by its parent) lists no descriptors at all, which would
  // read as "everything closed": to us it is as gone as a reaped process.
  if (!process_exists(pid) || process_state(pid) == 'Z') return r;
  r.fds = static_cast<int>(list_dir(base + "/fd").size());
  r.threads = static_cast<int>(list_dir(base + "/task").size());
  for (pid_t child : child_pids(pid)) {
    ++r.children;
    if (process_state(child) == 'Z') ++r.zombies;
  }
  return r;
}

// The most of each reading seen over a run (processes = the server plus its children).
struct proc_peak {
  int processes = 0;
  int threads = 0;
  int fds = 0;

  void add(const proc_reading& r) {
    if (r.fds < 0) return;
    processes = std::max(processes, 1 + r.children);
    threads = std::max(threads, r.threads);
    fds = std::max(fds, r.fds);
  }
};

}  // namespace echo_check
