// Problem 12.32 - a typical wrong solution: select's first argument is the number of
// descriptors to look at (the highest one plus 1), not a count of descriptors in the set.
// select(1, ...) looks at descriptor 0 only, so a stream that is not stdin never looks ready.
// verdict: a line written before the call: tfgets returned NULL after 5
#include "tfgets.h"
#include "csapp.h"

static bool has_buffered_input(FILE* stream) { return stream->_IO_read_ptr < stream->_IO_read_end; }

char* tfgets(char* s, int size, FILE* stream) {
  if (!has_buffered_input(stream)) {
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(fileno(stream), &ready);
    struct timeval timeout = {5, 0};
    if (Select(1, &ready, NULL, NULL, &timeout) == 0) return NULL;  // one descriptor in the set
  }
  return fgets(s, size, stream);
}
