// serve_cpp.hpp - ours, not a figure: the per-connection echo loop of the C++-API servers: what
// echo.hpp is to the book-API ones. It owns the connection: the descriptor is closed when serve
// returns, however it returns.
#pragma once

#include <cstddef>
#include <exception>
#include <string>

#include <csapp/fd.hpp>
#include <csapp/rio.hpp>

inline void serve(csapp::unique_fd conn) noexcept {
  try {
    csapp::reader in(conn.get());
    // A line longer than this comes back in pieces, echoed as they come: a client that
    // never sends a newline cannot make the server grow without bound.
    constexpr std::size_t max_line = 64 * 1024;
    std::string line;
    while (in.read_line(line, max_line)) csapp::write_all(conn.get(), line);
  } catch (const std::exception&) {
    // The client reset the connection or went away before reading its echo: this
    // connection is over, and only this one.
  }
}
