// loses_pipelined - a thread-per-client echo server that drops lines arriving together.
//
// The flaw: each read(2) may return more than one line, and this server echoes only up to
// the first newline of what it read and throws the rest away. A client that waits for each
// echo before sending the next line never notices; one that sends several lines in one write
// loses all but the first. (The book's select server had the same loss in another form: it
// copied each client's rio buffer and dropped what was buffered.) echo-check must report it
// in the pipelined scenario; it inherently also fails echo, whose input includes two lines
// sent in one write.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "broken_server.hpp"

namespace {

void serve(int fd) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // end of file, or the client reset
    const auto* newline =
        static_cast<const char*>(std::memchr(buf, '\n', static_cast<std::size_t>(n)));
    // The flaw: anything after the first newline is discarded.
    const std::size_t keep = newline != nullptr ? static_cast<std::size_t>(newline - buf) + 1
                                                : static_cast<std::size_t>(n);
    if (csapp::writen(fd, buf, keep) < 0) return;
  }
}

}  // namespace

int main(int argc, char** argv) { broken::serve_each_client_in_a_thread(argc, argv, serve); }
