// Problem 12.26 - a typical wrong solution: under the lock, it copies the struct hostent but not
// the strings and arrays it points to, which stay in gethostbyname's static buffer.
// verdict: is a shallow copy
#include "gethostbyname_ts.h"
#include "csapp.h"

static sem_t mutex; /* one thread at a time inside gethostbyname and its static result */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_mutex(void) { Sem_init(&mutex, 0, 1); }

struct hostent* gethostbyname_ts(const char* name) {
  struct hostent *sharedp, *privatep = NULL;

  Pthread_once(&once, init_mutex);
  P(&mutex);
  sharedp = gethostbyname(name); /* on failure h_errno is set, in this thread */
  if (sharedp != NULL) {
    privatep = Malloc(sizeof(struct hostent));
    *privatep = *sharedp; /* the struct only: its pointers still lead into the static buffer */
  }
  V(&mutex); /* only now: the copy is done */
  return privatep;
}

void freehostent_ts(struct hostent* h) {
  if (h == NULL) return;
  Free(h);
}
