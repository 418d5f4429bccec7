// echoserver_nb - ours, not a figure: an event-driven echo server that no client can stall (the
// book's homework 12.23), still with select(2).
//
// This is an answer to problem 12.23 and gives it away: if you are doing 12.23, write your own
// server before you read this file or nb_client.hpp.
//
// echoservers trusts each ready client to finish what it started: once select says a
// socket is readable it calls Rio_readlineb, which waits for the rest of the line, and
// Rio_writen, which waits until the client takes the whole echo. One client that sends
// half a line, or that never reads, stops everybody. This server never waits on a single
// client: sockets are non-blocking, each client has an input buffer (the unfinished line)
// and an output buffer (the echo not yet sent), and select watches a socket for writing
// only while its output buffer is not empty. See nb_client.hpp for the per-client steps.
//
// Like every select server it can only watch descriptors below FD_SETSIZE; a client whose
// descriptor is at or above it is refused (closed at once) and the server goes on.
// echoserver_epoll lifts that limit.
//
// Usage: echoserver_nb PORT   (PORT 0: the kernel picks one; the server prints it)
#include "12.2-io-multiplexing/nb_client.hpp"
#include "csapp.h"

namespace {

nb_client clients[FD_SETSIZE];  // indexed by descriptor
int maxfd = -1;                 // largest descriptor select must look at
long refused = 0;               // clients turned away (descriptor >= FD_SETSIZE)

void add_client(int connfd) {
  if (connfd >= FD_SETSIZE) {  // FD_SET would write past the end of the fd_set
    Close(connfd);
    refused++;
    if (refused == 1)  // once: a crowd must not flood the log
      fprintf(stderr, "echoserver_nb: refusing clients whose descriptor is >= FD_SETSIZE (%d)\n",
              FD_SETSIZE);
    return;
  }
  nb_open(clients[connfd], connfd);
  if (connfd > maxfd) maxfd = connfd;
}

void drop_client(int fd) {
  nb_close(clients[fd]);
  while (maxfd >= 0 && clients[maxfd].fd < 0) maxfd--;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  const int listenfd = Open_listenfd(argv[1]);
  // Non-blocking, so a client that vanishes between select and accept cannot stall us.
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);

  for (;;) {
    // The sets are rebuilt every round from each client's state: read while it may send
    // (and its unsent echo is not piling up), write while it has unsent echo.
    fd_set read_set, write_set;
    FD_ZERO(&read_set);
    FD_ZERO(&write_set);
    FD_SET(listenfd, &read_set);
    int top = listenfd;
    for (int fd = 0; fd <= maxfd; fd++) {
      const nb_client& c = clients[fd];
      if (c.fd < 0) continue;
      if (nb_wants_read(c)) FD_SET(fd, &read_set);
      if (nb_wants_write(c)) FD_SET(fd, &write_set);
      if (fd > top) top = fd;
    }

    int nready = Select(top + 1, &read_set, &write_set, NULL, NULL);

    if (FD_ISSET(listenfd, &read_set)) {
      nready--;
      // Every waiting client, not just one (the book's pool takes one per pass): with one
      // accept per pass, a burst of N clients needs N passes, each scanning every busy
      // descriptor, and the last of them waits long. Accept returns -1 (EAGAIN) once the
      // queue is empty, or when a client left before we got to it.
      for (int connfd; (connfd = Accept(listenfd, NULL, NULL)) >= 0;) add_client(connfd);
    }

    for (int fd = 0; fd <= maxfd && nready > 0; fd++) {
      nb_client& c = clients[fd];
      if (c.fd < 0) continue;
      const bool readable = FD_ISSET(fd, &read_set), writable = FD_ISSET(fd, &write_set);
      if (!readable && !writable) continue;
      nready -= readable + writable;
      // Read what came, then send what we can right away: most echoes leave in the same
      // round, without waiting for select to report the socket writable.
      bool alive = true;
      if (readable) alive = nb_read(c);
      if (alive) alive = nb_flush(c);
      if (!alive || nb_finished(c)) drop_client(fd);
    }
  }
}
