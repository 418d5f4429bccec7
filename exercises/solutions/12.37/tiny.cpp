// Problem 12.37 - the reference solution: Tiny with a thread per connection. Each thread gets
// its own copy of the connected descriptor (in memory of its own, freed by the thread), detaches
// itself so that its resources go back when it ends, serves the connection and closes it.
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

void* thread(void* vargp) {
  int connfd = *((int*)vargp);
  Pthread_detach(pthread_self());
  Free(vargp);
  doit(connfd);
  Close(connfd);
  return NULL;
}

int main(int argc, char** argv) {
  int listenfd, *connfdp;
  char hostname[MAXLINE], port[MAXLINE];
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  pthread_t tid;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }

  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfdp = (int*)Malloc(sizeof(int));
    *connfdp = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, hostname, MAXLINE, port, MAXLINE, 0);
    printf("Accepted connection from (%s, %s)\n", hostname, port);
    fflush(stdout);
    Pthread_create(&tid, NULL, thread, connfdp);
  }
}
