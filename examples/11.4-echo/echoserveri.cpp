// echoserveri - the iterative echo server (Section 11.4): one client at a time.
//
// The point of the chapter starts here: while echo() serves one client, the loop is not
// back in Accept, so a second client's connection waits in the listen queue, however
// little it wants. Chapter 12 is three ways out of that.
//
// Usage: echoserveri PORT   (PORT 0: the kernel picks one; the server prints it)
#include "11.4-echo/echo.hpp"
#include "csapp.h"
#include "csapp/stop.hpp"

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
    struct sockaddr_storage clientaddr;  // big enough for IPv4 and IPv6 peers
    socklen_t clientlen = sizeof(clientaddr);
    int connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    char host[MAXLINE], port[MAXLINE];
    Getnameinfo((SA*)&clientaddr, clientlen, host, MAXLINE, port, MAXLINE,
                NI_NUMERICHOST | NI_NUMERICSERV);
    printf("connected to (%s, %s)\n", host, port);
    fflush(stdout);
    csapp::shutdown_on_stop(connfd);  // SIGTERM while serving: echo() sees end of file
    echo(connfd);
    csapp::shutdown_on_stop(-1);
    Close(connfd);
  }
  Close(listenfd);
  exit(0);
}
