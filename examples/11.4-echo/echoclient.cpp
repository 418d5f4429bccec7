// CS:APP3e Figure 11.20 (netp/echoclient.c): the echo client.
// Each line read from stdin is sent to the server with Rio_writen, and the echoed line read
// back with Rio_readlineb; at the end of stdin, Close lets the server's read see end of file.
#include "csapp.h"

int main(int argc, char** argv) {
  int clientfd;
  char *host, *port, buf[MAXLINE];
  rio_t rio;

  if (argc != 3) {
    fprintf(stderr, "usage: %s <host> <port>\n", argv[0]);
    exit(2); /* differs from the book: a usage error exits 2, not 0 */
  }
  host = argv[1];
  port = argv[2];

  clientfd = Open_clientfd(host, port);
  Rio_readinitb(&rio, clientfd);

  while (Fgets(buf, MAXLINE, stdin) != NULL) {
    Rio_writen(clientfd, buf, strlen(buf));
    if (Rio_readlineb(&rio, buf, MAXLINE) == 0) { /* differs from the book: the server closed */
      fprintf(stderr, "%s: the server closed the connection\n", argv[0]);
      exit(1);
    }
    Fputs(buf, stdout);
  }
  Close(clientfd);
  exit(0);
}
