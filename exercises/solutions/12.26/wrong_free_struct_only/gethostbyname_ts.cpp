// Problem 12.26 - a typical wrong solution: a right lock-and-copy, but freehostent_ts frees the
// struct alone and leaks every string and array of the copy.
// verdict: freehostent_ts must free all of it
#include "gethostbyname_ts.h"
#include "csapp.h"

static sem_t mutex; /* one thread at a time inside gethostbyname and its static result */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_mutex(void) { Sem_init(&mutex, 0, 1); }

static char* copy_string(const char* s) {
  char* copy = Malloc(strlen(s) + 1);
  strcpy(copy, s);
  return copy;
}

/* A NULL-terminated array of items, each copied: strings when size is 0, else size bytes */
static char** copy_list(char** list, int size) {
  int n = 0;
  while (list[n] != NULL) n++;
  char** copy = Malloc((n + 1) * sizeof(char*));
  for (int i = 0; i < n; i++) {
    if (size == 0) {
      copy[i] = copy_string(list[i]);
    } else {
      copy[i] = Malloc(size);
      memcpy(copy[i], list[i], size);
    }
  }
  copy[n] = NULL;
  return copy;
}

struct hostent* gethostbyname_ts(const char* name) {
  struct hostent *sharedp, *privatep = NULL;

  Pthread_once(&once, init_mutex);
  P(&mutex);
  sharedp = gethostbyname(name); /* on failure h_errno is set, in this thread */
  if (sharedp != NULL) {
    privatep = Malloc(sizeof(struct hostent));
    privatep->h_name = copy_string(sharedp->h_name);
    privatep->h_aliases = copy_list(sharedp->h_aliases, 0);
    privatep->h_addrtype = sharedp->h_addrtype;
    privatep->h_length = sharedp->h_length;
    privatep->h_addr_list = copy_list(sharedp->h_addr_list, sharedp->h_length);
  }
  V(&mutex); /* only now: the copy is done */
  return privatep;
}

void freehostent_ts(struct hostent* h) {
  if (h == NULL) return;
  Free(h); /* the struct; what it points to is left allocated */
}
