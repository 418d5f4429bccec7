// CS:APP3e Figure 11.22 (netp/echo.c): the per-connection loop every echo server here
// shares: read a line, write it back, until the client is done.
//
// Look at what ends the loop: Rio_readlineb returns 0 at end of file. With this library a
// client that resets, or closes before reading its echo, ends the loop the same way and
// never the server (book-notes/deviations.md).
#pragma once

#include "csapp.h"

inline void echo(int connfd) {  // differs from the book: inline, so a header can hold it
  size_t n;
  char buf[MAXLINE];
  rio_t rio;

  Rio_readinitb(&rio, connfd);
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) {
    // differs from the book: no "server received" line per message (under load the
    // printing, not the server, would be what is measured)
    Rio_writen(connfd, buf, n);
  }
}
