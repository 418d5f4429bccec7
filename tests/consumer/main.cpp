// The package tests' client program: one line echoed over loopback, the book's way and the
// C++ way, in one process. Printing "consumer: PASS" means the headers were found, the
// program compiled and linked (threads included), and the calls work.
#include "csapp.h"
#include "sbuf.h"

#include <csapp/socket.hpp>

#include <string>

int main() {
  // The book face: listen on a port the kernel picks, connect to it, send a line.
  const int listenfd = Open_listenfd("0");
  const std::string port = std::to_string(csapp::local_port(listenfd));
  const int clientfd = Open_clientfd("127.0.0.1", port.c_str());
  const int connfd = Accept(listenfd, nullptr, nullptr);  // the connection is queued already
  const char hello[] = "hello, csapp\n";
  Rio_writen(clientfd, hello, sizeof hello - 1);

  rio_t rio;
  char line[MAXLINE];
  Rio_readinitb(&rio, connfd);
  const ssize_t n = Rio_readlineb(&rio, line, MAXLINE);

  // The C++ face: an owned descriptor, a reader, and write_all for the echo.
  csapp::unique_fd client(clientfd);
  csapp::write_all(connfd, line, static_cast<std::size_t>(n));
  csapp::reader reply(client.get());
  std::string echoed;
  reply.read_line(echoed);

  // sbuf.h, the book's bounded buffer, is part of the package too.
  sbuf_t sb;
  sbuf_init(&sb, 2);
  sbuf_insert(&sb, 42);
  const int item = sbuf_remove(&sb);
  sbuf_deinit(&sb);

  Close(connfd);
  Close(listenfd);
  if (echoed != hello || item != 42) {
    printf("consumer: FAIL (echoed \"%s\", item %d)\n", echoed.c_str(), item);
    return 1;
  }
  printf("consumer: echoed \"hello, csapp\" over 127.0.0.1 port %s: PASS\n", port.c_str());
  return 0;
}
