// Problem 12.26 - starter: the naive wrapper. It hands back gethostbyname's own result, which
// lives in one static struct hostent (and buffer) that the next call, by any thread, overwrites.
// Make it thread-safe by lock-and-copy; README.md says what the checks expect.
#include "gethostbyname_ts.h"
#include "csapp.h"

struct hostent* gethostbyname_ts(const char* name) {
  return gethostbyname(name); /* no lock, no copy: the caller shares the static result */
}

void freehostent_ts(struct hostent* /* h */) {
  /* nothing to free yet: the result above is gethostbyname's, not ours */
}
