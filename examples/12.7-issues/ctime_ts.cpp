// CS:APP3e Figure 12.38 (conc/ctime_ts.c): ctime made thread-safe by lock-and-copy.
// ctime returns a pointer to one static buffer; the wrapper holds a mutex while it calls ctime
// and copies the result into the caller's buffer. ctime_ts_threads calls it from many threads.
#include "csapp.h"
#define MAXSTR 128

static sem_t mutex; /* one thread at a time inside ctime and its static buffer */

static void init_ctime_ts(void) { Sem_init(&mutex, 0, 1); }

char* ctime_ts(const time_t* timep, char* privatep) {
  char* sharedp;

  P(&mutex);
  sharedp = ctime(timep);
  strcpy(privatep, sharedp); /* copied out before the lock is let go */
  V(&mutex);
  return privatep;
}

int main() {
  char timestr[MAXSTR];
  time_t timeval;

  init_ctime_ts();
  timeval = time(NULL);
  ctime_ts(&timeval, timestr);
  printf("%s", timestr);
  exit(0);
}
