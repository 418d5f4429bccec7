// Every example server goes on serving when whatever read its stdout has gone away.
//
// `echoserveri 0 | head -1`: head reads the port line and exits, and the server's next
// printf ("Connected to ...") writes into a pipe nobody reads. SIGPIPE's default action would
// end the server there, at its first client. The library (open_listener, which every server
// calls) ignores SIGPIPE while it is at its default, so the printf fails with EPIPE and the
// line is lost, never the server. The figures stay the book's code.
//
// Each server runs under tests/support/stdout_gone, which closes the last read end of the
// server's stdout before it hands us the port line: from then on every line the server logs
// (echoserveri one per client, echoservert_pre one per connection) meets a closed pipe.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <system_error>

#include <csapp/socket.hpp>

#include <echocheck/servers.hpp>

#include "csapp.h"
#include "support/clients.hpp"

namespace {

using namespace test_support;

// Serves a few clients one after the other: each a round trip, then a polite end (the
// server's log line for the connection is written by the time we see its end of file).
bool serves_in_turn(int port, int clients) {
  for (int i = 0; i < clients; ++i)
    if (!polite_connection(port, "client " + std::to_string(i) + "\n")) return false;
  return true;
}

// The current action for `sig` (SIG_DFL, SIG_IGN or a handler).
void (*disposition(int sig))(int) {
  struct sigaction now {};
  ::sigaction(sig, nullptr, &now);
  return now.sa_handler;
}

}  // namespace

TEST_CASE("stdout_gone.every example server serves on after its stdout's reader went away") {
  for (const auto& server : echo_check::example_servers()) {
    CAPTURE(server.program);
    spawned process(STDOUT_GONE, {std::string(EXAMPLES_DIR) + "/" + server.program, "0"});
    const int port = process.wait_for_port();
    REQUIRE(port > 0);
    // The reader is gone now (stdout_gone closed it before passing the line on).
    try {
      CHECK(serves_in_turn(port, 3));
      // And once more with a client that stays: the server is still there after those lines.
      csapp::unique_fd conn = connect_client(port);
      CHECK(round_trip(conn.get(), "still there\n"));
    } catch (const std::system_error& e) {
      FAIL_CHECK(e.what());  // refused: nobody listens any more
    }
    CHECK_MESSAGE(!process.exited(), "it " << process.how_it_ended());
    const echo_check::stop_outcome stopped = process.stop();
    CHECK_MESSAGE(stopped.clean, stopped.how);
  }
}

TEST_CASE("stdout_gone.only a process that listens ignores SIGPIPE, and only at its default") {
  // run_in_child starts each body with SIGPIPE at its default action.
  SUBCASE("a client keeps the default: `echoclient ... | head -1` ends like any filter") {
    const auto r = run_in_child([] {
      std::error_code ec;
      if (csapp::open_client("127.0.0.1", "1", ec) >= 0) ::_exit(2);  // refused, or not: no matter
      if (disposition(SIGPIPE) != SIG_DFL) ::_exit(3);
    });
    CHECK(r.exit_code == 0);
  }
  SUBCASE("the first listening socket makes the process ignore it") {
    const auto r = run_in_child([] {
      csapp::unique_fd listener = csapp::listen_on("0");
      if (disposition(SIGPIPE) != SIG_IGN) ::_exit(3);
    });
    CHECK(r.exit_code == 0);
  }
  SUBCASE("a handler the program installed is left alone") {
    const auto r = run_in_child([] {
      static void (*const handler)(int) = [](int) {};
      std::signal(SIGPIPE, handler);
      csapp::unique_fd listener = csapp::listen_on("0");
      if (disposition(SIGPIPE) != handler) ::_exit(3);
    });
    CHECK(r.exit_code == 0);
  }
  SUBCASE("a program the server starts with Execve gets the default back") {
    // An ignored signal stays ignored across exec: Tiny's CGI programs would inherit it.
    const auto r = run_in_child([] {
      csapp::unique_fd listener = csapp::listen_on("0");
      char* const argv[] = {const_cast<char*>("cat"), const_cast<char*>("/proc/self/status"),
                            nullptr};
      Execve("/bin/cat", argv, environ);
    });
    REQUIRE(r.exit_code == 0);
    const auto at = r.out.find("SigIgn:");
    REQUIRE(at != std::string::npos);
    const unsigned long long ignored = std::stoull(r.out.substr(at + 7), nullptr, 16);
    CHECK((ignored & (1ULL << (SIGPIPE - 1))) == 0);
  }
}
