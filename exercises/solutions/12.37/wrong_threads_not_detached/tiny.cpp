// Problem 12.37 - a typical wrong solution: a thread per connection, each with its own copy of
// the descriptor, but nobody detaches or joins the threads: each one that ends keeps its stack
// (and the rest of its resources) for as long as the server runs.
// verdict: finished threads are never reclaimed
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

void* thread(void* vargp) {
  int connfd = *((int*)vargp);
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
