// echoservers - the event-driven echo server of Section 12.2.2: one process, one thread,
// a pool of connected clients, and select(2) deciding whose turn it is.
//
// The loop waits until some descriptor is ready, then does a little work for each ready
// one: accept a new client (add_client), or echo one line back (check_clients). Nobody
// gets a process or a thread of their own, so there is nothing to share or to lock; the
// price is that the server has to keep each client's progress itself, in the pool.
//
// Departures from the book's version, each one a failure seen when running it:
//   - each client's rio_t stays where it is in the pool and is used through a pointer.
//     Copying it (as the book's check_clients does) throws away any line that came in the
//     same read(2) as the one being served: "a\nb\n" in one write would echo only "a\n";
//   - check_clients serves every whole line already buffered, not just one: select(2)
//     reports bytes in the socket, not bytes in our buffer, so a buffered line would wait
//     until the client happened to send something else;
//   - a descriptor >= FD_SETSIZE cannot be put in an fd_set (FD_SET past the end writes
//     over memory), so such a client is refused: closed at once, counted, and the server
//     goes on. add_client never exits because the pool is full;
//   - the listening socket is non-blocking: a client can vanish between select saying
//     "someone is waiting" and our accept(2), and a blocking accept would then stall every
//     client until somebody else connects;
//   - a client that resets the connection reads as end of file (the Rio_ wrappers), so it
//     is dropped like one that closed.
//
// The flaw kept on purpose, because it is the point of the next program (echoserver_nb):
// Rio_readlineb blocks until a whole line has arrived. A client that sends half a line
// and stops holds the whole server inside that call; every other client waits until the
// line is finished. tests/test_ex_12_2_io_multiplexing.cpp asserts exactly that stall.
// (Rio_writen likewise waits for a client that does not read its echo.)
//
// Usage: echoservers PORT   (PORT 0: the kernel picks one; the server prints it)
#include "csapp.h"
#include "csapp/stop.hpp"

struct pool {                   // the clients and what select(2) should watch
  int maxfd;                    // largest descriptor in read_set
  fd_set read_set;              // every descriptor we are waiting on
  fd_set ready_set;             // the subset select(2) reported ready
  int nready;                   // how many ready descriptors are left to handle
  int maxi;                     // highest slot in use in clientfd
  int clientfd[FD_SETSIZE];     // connected descriptor per slot, -1 when free
  rio_t clientrio[FD_SETSIZE];  // each slot's read buffer: used in place, never copied
  long refused;                 // clients turned away (descriptor >= FD_SETSIZE)
};

static void init_pool(int listenfd, pool* p) {
  p->maxi = -1;
  for (int i = 0; i < FD_SETSIZE; i++) p->clientfd[i] = -1;
  p->refused = 0;
  FD_ZERO(&p->read_set);
  FD_SET(listenfd, &p->read_set);
  // The stop pipe becomes readable on SIGINT/SIGTERM: select wakes and the loop ends.
  FD_SET(csapp::stop_fd(), &p->read_set);
  p->maxfd = listenfd > csapp::stop_fd() ? listenfd : csapp::stop_fd();
}

static void add_client(int connfd, pool* p) {
  // FD_SET with a descriptor >= FD_SETSIZE writes past the end of the fd_set. The only
  // safe answer for select(2) is to turn the client away (it reads end of file).
  if (connfd >= FD_SETSIZE) {
    Close(connfd);
    p->refused++;
    if (p->refused == 1)  // once: a crowd must not flood the log
      fprintf(stderr, "echoservers: refusing clients whose descriptor is >= FD_SETSIZE (%d)\n",
              FD_SETSIZE);
    return;
  }
  for (int i = 0; i < FD_SETSIZE; i++) {
    if (p->clientfd[i] < 0) {
      p->clientfd[i] = connfd;
      Rio_readinitb(&p->clientrio[i], connfd);
      FD_SET(connfd, &p->read_set);
      if (connfd > p->maxfd) p->maxfd = connfd;
      if (i > p->maxi) p->maxi = i;
      return;
    }
  }
  // Unreachable while every descriptor is < FD_SETSIZE (one slot each), but a full pool
  // refuses the client; it does not end the server as the book's app_error would.
  Close(connfd);
  p->refused++;
}

static void remove_client(pool* p, int i) {
  Close(p->clientfd[i]);
  FD_CLR(p->clientfd[i], &p->read_set);
  p->clientfd[i] = -1;
}

static void check_clients(pool* p) {
  char buf[MAXLINE];
  for (int i = 0; i <= p->maxi && p->nready > 0; i++) {
    const int connfd = p->clientfd[i];
    if (connfd < 0 || !FD_ISSET(connfd, &p->ready_set)) continue;
    p->nready--;
    rio_t* rio = &p->clientrio[i];  // a pointer: the buffered bytes stay with the client
    // If SIGINT/SIGTERM arrives while we wait on this one client, the handler shuts the
    // connection down, the read returns end of file, and the loop can end.
    csapp::shutdown_on_stop(connfd);
    // select said the socket is readable, so the first read returns without waiting (unless
    // the line is incomplete: the documented stall). Then, every line that arrived in the
    // same read(2) is already in rio's buffer, invisible to select: serve those too.
    do {
      const ssize_t n = Rio_readlineb(rio, buf, MAXLINE);
      if (n == 0) {                   // end of file: the client closed (or reset) the connection
        csapp::shutdown_on_stop(-1);  // before the number is closed and can be reused
        remove_client(p, i);
        break;
      }
      Rio_writen(connfd, buf, (size_t)n);
    } while (csapp::rio_has_line(*rio));
    csapp::shutdown_on_stop(-1);
  }
}

static void close_all(pool* p) {
  for (int i = 0; i <= p->maxi; i++)
    if (p->clientfd[i] >= 0) remove_client(p, i);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  csapp::stop_on_signals();
  // 1024 slots of 8 KiB buffers: static, not on the stack.
  static pool pool;

  const int listenfd = Open_listenfd(argv[1]);
  // Non-blocking: Accept returns -1 (EAGAIN) instead of waiting when the client that made
  // select report the socket is already gone. On Linux, accepted sockets do not inherit
  // O_NONBLOCK, so client reads still block (the book's model).
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  init_pool(listenfd, &pool);
  printf("listening on port %u\n", csapp::local_port(listenfd));
  fflush(stdout);

  for (;;) {
    pool.ready_set = pool.read_set;
    // Interrupted by a signal, Select returns 0 with empty sets: nothing to do this round.
    pool.nready = Select(pool.maxfd + 1, &pool.ready_set, NULL, NULL, NULL);
    if (FD_ISSET(csapp::stop_fd(), &pool.ready_set) || csapp::stop_requested()) break;

    if (FD_ISSET(listenfd, &pool.ready_set)) {
      pool.nready--;
      struct sockaddr_storage clientaddr;
      socklen_t clientlen = sizeof(clientaddr);
      const int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
      if (connfd >= 0) add_client(connfd, &pool);  // -1: it left before we got to it
    }
    check_clients(&pool);
  }

  close_all(&pool);
  Close(listenfd);
  if (pool.refused > 0)
    fprintf(stderr, "echoservers: refused %ld clients over FD_SETSIZE\n", pool.refused);
  exit(0);
}
