// fd_limit - runs a program that may hold at most N open descriptors (RLIMIT_NOFILE, soft and
// hard), so a few dozen clients run a server out of them.
//
//   fd_limit N PROGRAM [ARGS...]
//
// Both limits are set: a server that raises its soft limit to the hard one at start (the epoll
// server does) is held to N too. The limit is inherited across exec and by every child.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  char* end = nullptr;
  const long n = argc >= 3 ? std::strtol(argv[1], &end, 10) : 0;
  if (argc < 3 || end == argv[1] || *end != '\0' || n < 1) {
    std::fprintf(stderr, "usage: %s N PROGRAM [ARGS...]\n", argv[0]);
    return 2;
  }
  const rlimit limit{static_cast<rlim_t>(n), static_cast<rlim_t>(n)};
  if (::setrlimit(RLIMIT_NOFILE, &limit) < 0) {
    std::perror("fd_limit: setrlimit");
    return 127;
  }
  ::execvp(argv[2], argv + 2);
  std::perror("fd_limit: exec");
  return 127;
}
