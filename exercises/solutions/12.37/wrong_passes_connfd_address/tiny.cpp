// Problem 12.37 - a typical wrong solution: a thread per connection, but each thread is given
// the address of main's one connfd. When main accepts the next connection before the thread has
// read it, two threads serve the same connection and the earlier client is never answered.
// verdict: the first client got no answer
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

void* thread(void* vargp) {
  int connfd = *((int*)vargp);
  Pthread_detach(pthread_self());
  doit(connfd);
  Close(connfd);
  return NULL;
}

int main(int argc, char** argv) {
  int listenfd, connfd;
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
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    Getnameinfo((SA*)&clientaddr, clientlen, hostname, MAXLINE, port, MAXLINE, 0);
    printf("Accepted connection from (%s, %s)\n", hostname, port);
    fflush(stdout);
    Pthread_create(&tid, NULL, thread, &connfd);
  }
}
