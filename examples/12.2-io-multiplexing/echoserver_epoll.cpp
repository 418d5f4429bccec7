// echoserver_epoll - ours, not a figure: echoserver_nb's design with Linux's epoll(7) instead of
// select(2): thousands of clients, past FD_SETSIZE.
//
// select has two limits that grow with the number of clients: it cannot name a descriptor
// >= FD_SETSIZE (1024), and every call hands the kernel the whole set and scans it all
// again, for one or two ready clients. epoll keeps the interest set inside the kernel
// (epoll_ctl changes it only when a client's needs change) and epoll_wait returns just the
// ready descriptors. The per-client state and steps are nb_client.hpp, the same as the
// select version's; only the way of waiting differs.
//
// Each connection needs a descriptor, so the server raises its own soft RLIMIT_NOFILE to
// the hard limit at start. Beyond that, Accept drops the waiting client (EMFILE) and the
// server goes on.
//
// Usage: echoserver_epoll PORT   (PORT 0: the kernel picks one; the server prints it)
#include <sys/epoll.h>
#include <sys/resource.h>

#include <vector>

#include "12.2-io-multiplexing/nb_client.hpp"
#include "csapp.h"
#include "csapp/stop.hpp"

namespace {

std::vector<nb_client> clients;  // indexed by descriptor, grown as descriptors are handed out

void raise_descriptor_limit() {
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) < 0) unix_error("setrlimit error");
  }
}

void Epoll_ctl(int epfd, int op, int fd, unsigned events) {
  struct epoll_event ev = {};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd, op, fd, &ev) < 0) unix_error("epoll_ctl error");
}

// Tells epoll what this client needs now, if that changed (no system call otherwise).
void update_interest(int epfd, nb_client& c) {
  const unsigned want = (nb_wants_read(c) ? EPOLLIN : 0u) | (nb_wants_write(c) ? EPOLLOUT : 0u);
  if (want == c.watching) return;
  Epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, want);
  c.watching = want;
}

void add_client(int epfd, int connfd) {
  if (static_cast<std::size_t>(connfd) >= clients.size()) clients.resize(connfd + 1);
  nb_client& c = clients[connfd];
  nb_open(c, connfd);
  c.watching = EPOLLIN;
  Epoll_ctl(epfd, EPOLL_CTL_ADD, connfd, c.watching);
}

// Closing the descriptor also removes it from the epoll set (no other copy of it exists).
void drop_client(nb_client& c) { nb_close(c); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  raise_descriptor_limit();
  csapp::stop_on_signals();

  const int listenfd = Open_listenfd(argv[1]);
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  const int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) unix_error("epoll_create1 error");
  Epoll_ctl(epfd, EPOLL_CTL_ADD, listenfd, EPOLLIN);
  Epoll_ctl(epfd, EPOLL_CTL_ADD, csapp::stop_fd(), EPOLLIN);

  std::vector<struct epoll_event> events(256);  // how many ready clients one wait returns
  while (!csapp::stop_requested()) {
    // Level-triggered (the default): a client left with unread bytes is reported again
    // next round, so each one gets one read per round and none can hog the loop.
    const int nready = epoll_wait(epfd, events.data(), static_cast<int>(events.size()), -1);
    if (nready < 0) {
      if (errno == EINTR) continue;  // a signal: the loop condition looks at it
      unix_error("epoll_wait error");
    }
    bool stop = false;
    for (int i = 0; i < nready; i++) {
      const int fd = events[i].data.fd;
      const unsigned what = events[i].events;
      if (fd == csapp::stop_fd()) {
        stop = true;
      } else if (fd == listenfd) {
        // Take every client waiting now; EAGAIN (-1) means the queue is empty.
        for (int connfd; (connfd = Accept(listenfd, NULL, NULL)) >= 0;) add_client(epfd, connfd);
      } else {
        nb_client& c = clients[fd];
        if (c.fd < 0) continue;  // dropped earlier in this round
        // An error or a hang-up (reported whatever we asked for) means the client reset or
        // is otherwise gone: nothing we send can reach it any more.
        if (what & (EPOLLERR | EPOLLHUP)) {
          drop_client(c);
          continue;
        }
        bool alive = true;
        if (what & EPOLLIN) alive = nb_read(c);
        if (alive) alive = nb_flush(c);
        if (!alive || nb_finished(c))
          drop_client(c);
        else
          update_interest(epfd, c);
      }
    }
    if (stop) break;
    if (static_cast<std::size_t>(nready) == events.size()) events.resize(events.size() * 2);
  }

  for (nb_client& c : clients)
    if (c.fd >= 0) nb_close(c);
  Close(epfd);
  Close(listenfd);
  exit(0);
}
