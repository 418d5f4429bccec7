// Problem 12.32 - a typical wrong solution: the timeout in the wrong unit. tv_usec counts
// microseconds, so {0, 5000} is 5 milliseconds, not 5 seconds.
// verdict: tfgets returned NULL after 0.0 s
#include "tfgets.h"
#include "csapp.h"

static bool has_buffered_input(FILE* stream) { return stream->_IO_read_ptr < stream->_IO_read_end; }

char* tfgets(char* s, int size, FILE* stream) {
  if (!has_buffered_input(stream)) {
    const int fd = fileno(stream);
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(fd, &ready);
    struct timeval timeout = {0, 5000};  // meant as 5000 ms
    if (Select(fd + 1, &ready, NULL, NULL, &timeout) == 0) return NULL;
  }
  return fgets(s, size, stream);
}
