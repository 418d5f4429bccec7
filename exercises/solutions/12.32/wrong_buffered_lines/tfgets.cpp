// Problem 12.32 - a typical wrong solution: select on the descriptor, then fgets, every time.
// When one read brought in two lines, the second is in the stream's buffer, not in the pipe:
// select sees nothing to read and the call times out with the line right there.
// verdict: where the descriptor (and select) knows nothing of them
#include "tfgets.h"
#include "csapp.h"

char* tfgets(char* s, int size, FILE* stream) {
  const int fd = fileno(stream);
  fd_set ready;
  FD_ZERO(&ready);
  FD_SET(fd, &ready);
  struct timeval timeout = {5, 0};
  if (Select(fd + 1, &ready, NULL, NULL, &timeout) == 0) return NULL;
  return fgets(s, size, stream);
}
