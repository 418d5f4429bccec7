// Problem 12.31 - a typical wrong solution: it installs its handler and never puts the caller's
// back, so after a call the caller's SIGUSR1 goes to tfgets's handler.
// verdict: SIGUSR1's action is a handler of tfgets
#include "tfgets.h"
#include "csapp.h"

static sigjmp_buf timed_out;
static volatile sig_atomic_t waiting;

static void timer_went_off(int sig) {
  (void)sig;
  if (waiting) siglongjmp(timed_out, 1);
}

char* tfgets(char* s, int size, FILE* stream) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = timer_went_off;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  if (sigaction(SIGUSR1, &action, NULL) < 0) unix_error("sigaction error");

  const pid_t parent = getpid();
  const pid_t timer = Fork();
  if (timer == 0) {
    Sleep(5);
    kill(parent, SIGUSR1);
    _exit(0);
  }

  char* volatile line = NULL;
  if (sigsetjmp(timed_out, 1) == 0) {
    waiting = 1;
    line = fgets(s, size, stream);
  }
  waiting = 0;

  kill(timer, SIGKILL);
  Waitpid(timer, NULL, 0);
  return line;
}
