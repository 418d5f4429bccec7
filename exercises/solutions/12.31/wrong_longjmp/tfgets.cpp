// Problem 12.31 - a typical wrong solution: it jumps out of the handler with longjmp to a
// setjmp, which do not save and restore the signal mask. The kernel blocks SIGUSR1 while its
// handler runs; the handler never returns, so after a timeout SIGUSR1 stays blocked, and the
// next timeout can never come.
// verdict: left blocked (after a jump out of a handler
#include "tfgets.h"
#include "csapp.h"

static jmp_buf timed_out;
static volatile sig_atomic_t waiting;

static void timer_went_off(int sig) {
  (void)sig;
  if (waiting) longjmp(timed_out, 1);
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
  if (setjmp(timed_out) == 0) {
    waiting = 1;
    line = fgets(s, size, stream);
  }
  waiting = 0;

  kill(timer, SIGKILL);
  Waitpid(timer, NULL, 0);
  if (sigaction(SIGUSR1, &previous, NULL) < 0) unix_error("sigaction error");
  return line;
}
