// echoclient - sends each line typed on stdin to an echo server and prints the reply
// (Section 11.4).
//
// Usage: echoclient HOST PORT
#include "csapp.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
    exit(2);
  }
  int clientfd = Open_clientfd(argv[1], argv[2]);
  rio_t rio;
  Rio_readinitb(&rio, clientfd);

  char buf[MAXLINE];
  while (Fgets(buf, MAXLINE, stdin) != NULL) {
    Rio_writen(clientfd, buf, strlen(buf));
    // The server closed the connection (it stopped, or dropped us): say so, do not loop.
    if (Rio_readlineb(&rio, buf, MAXLINE) == 0) {
      fprintf(stderr, "%s: the server closed the connection\n", argv[0]);
      exit(1);
    }
    Fputs(buf, stdout);
  }
  Close(clientfd);  // the server's read returns 0: end of file
  exit(0);
}
