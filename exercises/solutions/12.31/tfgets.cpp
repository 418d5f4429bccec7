// Problem 12.31 - reference solution: tfgets with a timer process, a signal and a nonlocal jump.
//
// A child process, the timer, sleeps 5 s and sends SIGUSR1 to its parent. If fgets is still
// waiting then, the handler jumps out of it, back into tfgets, which returns NULL. Whichever
// comes first, tfgets then kills the timer, reaps it and puts back the caller's action for
// SIGUSR1, so that it leaves nothing behind.
#include "tfgets.h"
#include "csapp.h"

static sigjmp_buf timed_out;  // where the handler jumps to
static volatile sig_atomic_t
    waiting;  // 1 while fgets may be interrupted: a late signal must not jump

static void timer_went_off(int sig) {
  (void)sig;
  if (waiting) siglongjmp(timed_out, 1);
}

char* tfgets(char* s, int size, FILE* stream) {
  // No SA_RESTART: the signal interrupts the read fgets is blocked in (a runtime that delays
  // handlers to the end of a system call, as ThreadSanitizer does, must see that read end).
  struct sigaction action, previous;
  memset(&action, 0, sizeof action);
  action.sa_handler = timer_went_off;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  if (sigaction(SIGUSR1, &action, &previous) < 0) unix_error("sigaction error");

  const pid_t parent = getpid();
  const pid_t timer = Fork();
  if (timer == 0) {  // the timer
    Sleep(5);
    kill(parent, SIGUSR1);
    _exit(0);
  }

  char* volatile line = NULL;          // volatile: it must survive the jump
  if (sigsetjmp(timed_out, 1) == 0) {  // 1: the jump puts the signal mask back too
    waiting = 1;
    line = fgets(s, size, stream);
  }
  waiting = 0;

  kill(timer, SIGKILL);  // when the line came first; a timer that went off is a zombie: no harm
  Waitpid(timer, NULL, 0);
  if (sigaction(SIGUSR1, &previous, NULL) < 0) unix_error("sigaction error");
  return line;
}
