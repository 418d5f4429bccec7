// tools/httpcheck/spawn.hpp - starting a web server in its document root.
//
// A web server like the book's Tiny serves files relative to its working directory, so
// http-check --spawn starts it inside the root it made. echo-check's spawner starts a child
// in the caller's directory; the child inherits the directory at fork, so this changes
// directory around the start and changes back (the caller is single-threaded at that point:
// the spawner's own thread starts only later). A relative program name ("./tiny") is made
// absolute first, since it was meant relative to where the user typed it.
#pragma once

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <echocheck/spawn.hpp>

namespace http_check {

// `program` as an absolute path when it names a file by a path ("./tiny", "build/tiny");
// a bare name ("tiny") is left to PATH, as a shell would.
inline std::string absolute_program(const std::string& program) {
  if (program.find('/') == std::string::npos) return program;
  char resolved[PATH_MAX];
  if (::realpath(program.c_str(), resolved) == nullptr) return program;  // exec will say why
  return resolved;
}

// Starts argv in `dir` (its working directory). Throws std::system_error as child_process.
inline void spawn_in(std::optional<echo_check::child_process>& child, const std::string& dir,
                     std::vector<std::string> argv, const echo_check::spawn_options& opt) {
  argv[0] = absolute_program(argv[0]);
  csapp::unique_fd here(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!here) csapp::throw_errno("open .");
  if (::chdir(dir.c_str()) < 0) csapp::throw_errno(("chdir " + dir).c_str());
  try {
    child.emplace(argv, opt);
  } catch (...) {
    (void)!::fchdir(here.get());
    throw;
  }
  if (::fchdir(here.get()) < 0) csapp::throw_errno("fchdir back");
}

// The adder next to a spawned server, where the build puts one: PROGRAM's directory, its
// cgi-bin/, or its www/cgi-bin/ (the book's Tiny is built so). "" when none is there.
inline std::string adder_next_to(const std::string& program) {
  const std::string path = absolute_program(program);
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  const std::string dir = path.substr(0, slash);
  for (const char* where : {"/adder", "/cgi-bin/adder", "/www/cgi-bin/adder"})
    if (::access((dir + where).c_str(), X_OK) == 0) return dir + where;
  return "";
}

}  // namespace http_check
