// echo.hpp - the per-connection loop that every echo server in these examples shares
// (Section 11.4): read a line, write it back, until the client is done.
//
// With the book's Rio_ wrappers from csapp.h, a client that resets the connection or
// closes before reading its echo ends this loop like an ordinary end of file; it never
// ends the server.
#pragma once

#include "csapp.h"

inline void echo(int connfd) {
  size_t n;
  char buf[MAXLINE];
  rio_t rio;

  Rio_readinitb(&rio, connfd);
  // A line longer than MAXLINE-1 bytes arrives in pieces; each piece is echoed as it comes,
  // so the client gets back exactly the bytes it sent.
  while ((n = Rio_readlineb(&rio, buf, MAXLINE)) != 0) Rio_writen(connfd, buf, n);
}
