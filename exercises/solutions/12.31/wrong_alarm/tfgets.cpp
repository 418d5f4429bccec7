// Problem 12.31 - a typical wrong solution: it times fgets with alarm, which the problem rules
// out (the point is to build the timer from a process and a signal).
// verdict: tfgets called alarm
#include "tfgets.h"
#include "csapp.h"

static sigjmp_buf timed_out;
static volatile sig_atomic_t waiting;

static void timer_went_off(int sig) {
  (void)sig;
  if (waiting) siglongjmp(timed_out, 1);
}

char* tfgets(char* s, int size, FILE* stream) {
  struct sigaction action, previous;
  memset(&action, 0, sizeof action);
  action.sa_handler = timer_went_off;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  if (sigaction(SIGALRM, &action, &previous) < 0) unix_error("sigaction error");

  alarm(5);
  char* volatile line = NULL;
  if (sigsetjmp(timed_out, 1) == 0) {
    waiting = 1;
    line = fgets(s, size, stream);
  }
  waiting = 0;
  alarm(0);
  if (sigaction(SIGALRM, &previous, NULL) < 0) unix_error("sigaction error");
  return line;
}
