// stdout_gone - runs a server whose stdout goes away once it has said where it listens, as
// `echoserveri 0 | head -1` does to it.
//
//   stdout_gone PROGRAM [ARGS...]
//
// PROGRAM's stdout is a pipe. A helper process reads the first line from it (a server started
// on port 0 prints "listening on port N" first), closes the pipe's last read end and only
// then passes the line on to our own stdout. So once the caller has the line, every later
// write PROGRAM makes to its stdout meets a pipe nobody reads: EPIPE, or SIGPIPE at its
// default action. This process becomes PROGRAM (exec), so its pid and process group are
// the server's, and how it ends is the server's.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace {

// write(2) until all of `text` is out or it fails.
bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The helper: the first line of the pipe, then the read end closed, then the line passed on.
[[noreturn]] void relay_first_line(int pipe_read) {
  std::string line;
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(pipe_read, &c, 1);  // byte by byte: nothing past the line is taken
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line += c;
    if (c == '\n') break;
  }
  ::close(pipe_read);  // the last read end: from now on the server writes into nothing
  ::_exit(write_all(STDOUT_FILENO, line) ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
    return 2;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) {
    std::perror("stdout_gone: pipe");
    return 127;
  }
  const pid_t helper = ::fork();
  if (helper < 0) {
    std::perror("stdout_gone: fork");
    return 127;
  }
  if (helper == 0) {
    ::close(fds[1]);
    relay_first_line(fds[0]);
  }
  // The server keeps no read end (the pipe is close-on-exec) and gets the write end as stdout.
  // The helper stays its child; once the server ends, whoever reaps the group reaps it.
  ::close(fds[0]);
  if (::dup2(fds[1], STDOUT_FILENO) < 0) {
    std::perror("stdout_gone: dup2");
    return 127;
  }
  ::execvp(argv[1], argv + 1);
  std::perror("stdout_gone: exec");
  return 127;
}
