// echoservert - a concurrent echo server built on threads (Section 12.3): one peer thread
// per client.
//
// Threads are cheaper than processes and share one address space and one descriptor table,
// which is both the gain and the danger: nothing has to be passed through a pipe, and
// nothing is private unless the program makes it so. Two places below show it.
//
// Usage: echoservert PORT   (PORT 0: the kernel picks one; the server prints it)
#include "11.4-echo/echo.hpp"
#include "csapp.h"
#include "csapp/stop.hpp"

void* thread(void* vargp);

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    exit(2);
  }
  csapp::stop_on_signals();  // SIGINT/SIGTERM: leave the loop below and exit 0

  int listenfd = Open_listenfd(argv[1]);
  printf("listening on port %u\n", csapp::local_port(listenfd));
  fflush(stdout);

  while (csapp::wait_readable(listenfd)) {
    struct sockaddr_storage clientaddr; /* big enough for IPv4 and IPv6 peers */
    socklen_t clientlen = sizeof(clientaddr);
    /* Each thread gets the connected descriptor in a block of its own. Passing &connfd, the
     * address of one variable of main's, would be a race: the new thread reads it at some
     * later moment, and if the loop has accepted the next client by then, two threads serve
     * the same descriptor and one client is never served. */
    int* connfdp = Malloc(sizeof(int));
    *connfdp = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    pthread_t tid;
    /* pthread_create, not Pthread_create: out of threads (EAGAIN), one client is turned
     * away; the server and the clients it already serves go on. */
    int rc = pthread_create(&tid, NULL, thread, connfdp);
    if (rc != 0) {
      csapp::report("echoservert: cannot start a thread; turning one client away",
                    csapp::errno_message(rc).c_str());
      Close(*connfdp);
      Free(connfdp);
    }
  }
  /* exit ends the peer threads wherever they are, and the kernel closes every descriptor,
   * so each connected client sees end of file. */
  Close(listenfd);
  exit(0);
}

/* Serves one client, then ends. */
void* thread(void* vargp) {
  int connfd = *((int*)vargp);
  /* Nobody will join this thread. A joinable thread that ends keeps its resources (stack,
   * result) until it is joined; a detached one gives them back as soon as it ends, so a
   * long-running server does not leak one per client. */
  Pthread_detach(pthread_self());
  Free(vargp); /* this thread owns the block: the main thread no longer touches it */
  echo(connfd);
  Close(connfd);
  return NULL;
}
