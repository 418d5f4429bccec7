// Problem 12.32 - reference solution: tfgets with select.
//
// select waits, at most 5 s, for the stream's descriptor to have something to read; then fgets
// reads the line. One catch: stdio reads ahead. The read that brought in one line may have
// brought in the next ones too, and those sit in the stream's buffer, where select (which knows
// only the descriptor) cannot see them. So when the buffer still holds input, tfgets goes
// straight to fgets.
#include "tfgets.h"
#include "csapp.h"

// Whether the stream holds input it has read from its descriptor but not handed out yet.
// (glibc's FILE; there is no portable call for it. A BSD or macOS FILE calls it _r > 0.)
static bool has_buffered_input(FILE* stream) { return stream->_IO_read_ptr < stream->_IO_read_end; }

char* tfgets(char* s, int size, FILE* stream) {
  if (!has_buffered_input(stream)) {
    const int fd = fileno(stream);
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(fd, &ready);
    struct timeval timeout = {5, 0};                                     // 5 s and 0 microseconds
    if (Select(fd + 1, &ready, NULL, NULL, &timeout) == 0) return NULL;  // 5 s, and nothing to read
  }
  return fgets(s, size, stream);  // input, or end of file: either way fgets answers at once
}
