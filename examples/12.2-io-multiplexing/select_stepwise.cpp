// select_stepwise - ours, not a figure: Figure 12.6's select server, changed so that it answers two
// parties at once: a client on the network and the person typing on its stdin (Section
// 12.2, and the question the section asks about select.c).
//
// The book's version (select.cpp), once a client connects, echoes it to the end before
// looking at stdin again: the terminal goes unanswered for as long as the client stays. Here the
// connected client is one more descriptor in the set, and each round does one step for
// whoever is ready: a command line, a new connection, or whatever bytes the client has
// sent. That "one small step per ready descriptor" is the event-driven idea that
// echoservers then applies to many clients; this program still serves one client at a
// time (the next one waits in the listen queue until the current one leaves).
//
// Commands on stdin: "status" reports what the server has done; any other line is
// answered with "stdin: <line>". At end of file on stdin the server keeps serving clients.
//
// Usage: select_stepwise PORT   (PORT 0: the kernel picks one; the server prints it)
#include "csapp.h"

namespace {

long clients_served = 0;  // connections accepted so far
long bytes_echoed = 0;    // bytes sent back to clients

// Answers one line typed on stdin.
void command(const char* line, bool client_connected) {
  if (strcmp(line, "status") == 0)
    printf("status: %ld clients served, %ld bytes echoed, %s\n", clients_served, bytes_echoed,
           client_connected ? "a client is connected" : "no client connected");
  else
    printf("stdin: %s\n", line);
  fflush(stdout);
}

// Reads what is there on stdin (one read(2): select said it will not block) and answers
// every whole line. stdio's fgets would not do: it may pull several lines into its own
// buffer, where select cannot see them, and then wait on a half line.
// Returns false at end of file.
bool read_commands(bool client_connected) {
  static char pending[MAXLINE];  // typed bytes not yet ending in a newline
  static size_t used = 0;        // how many of them
  const ssize_t n = read(STDIN_FILENO, pending + used, sizeof(pending) - 1 - used);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {  // end of file (or stdin unusable): a last unfinished line still counts
    if (used > 0) {
      pending[used] = '\0';
      command(pending, client_connected);
      used = 0;
    }
    return false;
  }
  used += (size_t)n;
  char* start = pending;
  char* newline;
  while ((newline = (char*)memchr(start, '\n', used - (size_t)(start - pending))) != NULL) {
    *newline = '\0';
    command(start, client_connected);
    start = newline + 1;
  }
  used -= (size_t)(start - pending);
  memmove(pending, start, used);
  if (used == sizeof(pending) - 1) {  // a line too long for the buffer: answer what we have
    pending[used] = '\0';
    command(pending, client_connected);
    used = 0;
  }
  return true;
}

// Echoes whatever the client has sent (one read(2): select said it will not block).
// Rio_readlineb would wait for the end of a line, and a client that sent half a line
// would then keep stdin waiting too. (A client that never reads its echo still holds us
// in Rio_writen: echoserver_nb deals with that.) Returns false when the client is done.
bool echo_step(int connfd) {
  char buf[MAXBUF];
  const ssize_t n = read(connfd, buf, sizeof(buf));
  if (n < 0 && errno == EINTR) return true;
  if (n == 0 || (n < 0 && errno == ECONNRESET)) return false;  // closed or reset
  if (n < 0) unix_error("read error");
  Rio_writen(connfd, buf, (size_t)n);  // a client that left loses its echo, nothing more
  bytes_echoed += n;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  // Is there a stdin at all? Checked before anything opens a descriptor, which would
  // otherwise take number 0 and be mistaken for it.
  bool stdin_open = fcntl(STDIN_FILENO, F_GETFD) != -1;

  const int listenfd = Open_listenfd(argv[1]);
  // Non-blocking: a client that vanishes between select and Accept cannot stall us.
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);

  int connfd = -1;  // the client being served, if any
  for (;;) {
    fd_set ready_set;
    FD_ZERO(&ready_set);
    int maxfd = -1;
    // stdin at end of file stays "readable" for ever: watching it then would spin.
    if (stdin_open) FD_SET(STDIN_FILENO, &ready_set);
    // One client at a time: while one is connected the listening socket is left out,
    // otherwise a waiting client would make select return at once, round after round.
    const int other = connfd >= 0 ? connfd : listenfd;
    FD_SET(other, &ready_set);
    if (other > maxfd) maxfd = other;

    Select(maxfd + 1, &ready_set, NULL, NULL, NULL);

    if (stdin_open && FD_ISSET(STDIN_FILENO, &ready_set)) stdin_open = read_commands(connfd >= 0);
    if (connfd < 0 && FD_ISSET(listenfd, &ready_set)) {
      connfd = Accept(listenfd, NULL, NULL);  // -1: the client already left
      if (connfd >= 0) clients_served++;
    } else if (connfd >= 0 && FD_ISSET(connfd, &ready_set) && !echo_step(connfd)) {
      Close(connfd);
      connfd = -1;
    }
  }
}
