// tests/broken_servers/broken_server.hpp - what the deliberately broken servers share.
//
// Each server in this folder has exactly one flaw, so that echo-check's tests can tell
// whether the checker names that flaw and nothing else. Everything that is not the flaw
// lives here and is done right: the listening socket, the startup line the tests wait for,
// and a correct per-client echo loop for the servers whose flaw lies elsewhere.
#pragma once

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <utility>

#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>

namespace broken {

// Listens on argv[1] (0: the kernel picks a port) and prints "listening on port N", flushed,
// so a test can connect without guessing a free port.
inline csapp::unique_fd listen_and_announce(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    std::exit(2);
  }
  csapp::unique_fd listener = csapp::listen_on(argv[1]);
  std::printf("listening on port %u\n", csapp::local_port(listener.get()));
  std::fflush(stdout);
  return listener;
}

// A client that resets or leaves before reading must cost only its own connection: with
// SIGPIPE ignored, a write to it fails with EPIPE instead of killing the process.
inline void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

// The correct per-client loop: each line (a long one in pieces) goes back as it came, until
// end of file. A read or write error ends this client only.
inline void echo_lines(int fd) {
  csapp::reader in(fd);
  char piece[csapp::rio_bufsize];
  try {
    while (const std::size_t n = in.read_line(piece, sizeof piece)) csapp::write_all(fd, piece, n);
  } catch (const std::system_error&) {
    // reset or closed early: nothing more to say to this client
  }
}

// The thread-per-client main loop: listens on argv[1], announces the port, and serves each
// client with serve(fd) on a detached thread of its own, which owns the connection.
template <class Serve>
[[noreturn]] void serve_each_client_in_a_thread(int argc, char** argv, Serve serve) {
  csapp::unique_fd listener = listen_and_announce(argc, argv);
  ignore_sigpipe();
  for (;;) {
    csapp::unique_fd conn = csapp::accept_from(listener.get());
    std::thread([serve, conn = std::move(conn)] { serve(conn.get()); }).detach();
  }
}

}  // namespace broken
