// Problem 12.31 - a typical wrong solution: it kills the timer but never reaps it, so every call
// leaves a zombie child behind (and a process that calls tfgets often fills the process table).
// verdict: zombie child process
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
  if (sigaction(SIGUSR1, &action, &previous) < 0) unix_error("sigaction error");

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

  kill(timer, SIGKILL);  // and no waitpid
  if (sigaction(SIGUSR1, &previous, NULL) < 0) unix_error("sigaction error");
  return line;
}
