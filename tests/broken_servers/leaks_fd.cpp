// leaks_fd - a thread-per-client echo server that leaks one descriptor per client.
//
// The flaw: each client's thread opens /dev/null (standing in for a log file or any other
// per-client resource) and never closes it. Every client sees a correct server; only the
// process's descriptor table grows, until the descriptor limit turns new clients away.
// echo-check can only see this from outside through /proc, so it must be reported
// by the resources scenario (given --pid) and by nothing else.
#include <fcntl.h>

#include "broken_server.hpp"

int main(int argc, char** argv) {
  broken::serve_each_client_in_a_thread(argc, argv, [](int fd) {
    ::open("/dev/null", O_RDONLY);  // the flaw: opened for this client, never closed
    broken::echo_lines(fd);
  });
}
