// CS:APP3e Figure 12.14 (conc/echoservert.c): a concurrent echo server with a thread per
// client.
//
// Look at connfdp: each thread gets the descriptor in a block of its own, because passing
// &connfd would race with the next Accept. And at Pthread_detach: nobody joins these
// threads, so each gives its resources back when it ends. book-notes/12.3-threads.md tells
// the story.
#include "11.4-echo/echo.hpp"
#include "csapp.h"

void* thread(void* vargp);

int main(int argc, char** argv) {
  int listenfd, *connfdp;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  pthread_t tid;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);  // differs from the book: a usage error exits 2, not 0
  }
  listenfd = Open_listenfd(argv[1]);

  while (1) {
    clientlen = sizeof(struct sockaddr_storage);
    connfdp = Malloc(sizeof(int));
    *connfdp = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    // differs from the book: pthread_create, not Pthread_create: out of threads, this one
    // client is turned away instead of the whole server exiting
    int rc = pthread_create(&tid, NULL, thread, connfdp);
    if (rc != 0) {
      fprintf(stderr, "echoservert: pthread_create: %s\n", strerror(rc));
      Close(*connfdp);
      Free(connfdp);
    }
  }
}

/* each peer thread serves one client, then ends */
void* thread(void* vargp) {
  int connfd = *((int*)vargp);
  Pthread_detach(pthread_self());
  Free(vargp);
  echo(connfd);
  Close(connfd);
  return NULL;
}
