// Problem 12.36's checks: Tiny made concurrent with I/O multiplexing (select).
//
// The server runs as the grader's child, in a document root laid out by the HTTP checker
// (support/tiny_server.hpp), and is tried with the checker's scenarios for what Tiny already did
// right (files, CGI, errors, bad clients) and with two checks of this problem's own, each built so
// that no race decides it:
//   - a client sends its request one byte at a time, and each byte is read by the server (the
//     kernel's receive queue of the server's end is empty) before the next is sent. Half-way, a
//     second client asks for the home page. A server that reads a request with blocking reads
//     is inside the first client's request and stays there until that request ends, which it
//     does not until the second client has been answered or given up on.
//   - a client asks for a file larger than every buffer between the server and it (the client's
//     receive buffer is made small, the file is larger than the most the kernel lets a send
//     buffer grow to) and does not read. A server that writes the file with blocking writes is
//     inside that write for as long as the client does not read: then a second client asks.
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <limits.h>
#include <unistd.h>

#include <fstream>

#include "echo_server.hpp"  // unacknowledged, unread: what the kernel knows of a connection
#include "tiny_server.hpp"

namespace {

using echo_check::clock;
using exercise::expect;
using exercise::seconds_text;
using exercise::tiny_server;
using exercise::verdict;

constexpr exercise::millis patience = tiny_server::patience;
constexpr exercise::millis event_limit = tiny_server::event_limit;

template <class Body>
void with_server(Body body) {
  exercise::with_tiny_server("tiny", body);
}

// GET /home.html on a connection of its own: "" when the home page came back whole within the
// patience, else what came, for a verdict.
std::string home_page_problem(tiny_server& s) {
  const http_check::response r = s.get("/home.html");
  if (r.status == 200 && r.body == http_check::home_page()) return "";
  if (r.raw.empty()) return "got no answer within " + seconds_text(patience);
  return "got " + http_check::describe(r);
}

// Sends `bytes` one at a time, each one read by the server before the next: false when the
// server did not read one within the patience.
bool trickle(int fd, const std::string& bytes) {
  for (char byte : bytes) {
    if (!echo_check::send_all(fd, std::string(1, byte))) return false;
    if (!exercise::wait_until(
            [&] { return exercise::unacknowledged(fd) == 0 && exercise::unread(fd) == 0; },
            patience))
      return false;
  }
  return true;
}

// The most a send buffer may grow to (the third number of tcp_wmem), 4 MiB if unknown.
std::size_t largest_send_buffer() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_wmem");
  std::size_t least = 0, initial = 0, most = 0;
  if (in >> least >> initial >> most && most > 0) return most;
  return std::size_t{4} << 20;
}

}  // namespace

TEST_CASE("[2] serves Tiny's files byte for byte and runs the CGI adder") {
  with_server([](tiny_server& s) { exercise::http_scenarios(s, {"static", "cgi"}); });
}

TEST_CASE("[1] answers bad requests as Tiny does, and goes on serving") {
  with_server([](tiny_server& s) { exercise::http_scenarios(s, {"errors", "escape"}); });
}

TEST_CASE("[3] a client that sends its request one byte at a time does not stall the others") {
  with_server([](tiny_server& s) {
    const std::string request = http_check::get_request("/notes.txt");
    const std::size_t half = request.size() / 2;
    csapp::unique_fd slow = s.connect();
    if (!expect(trickle(slow.get(), request.substr(0, half)),
                "the server did not read the first bytes of a request within " +
                    seconds_text(patience) + s.gone()))
      return;
    if (const std::string p = home_page_problem(s); !p.empty()) {
      verdict(
          "a client that sends its request one byte at a time stalls everyone: while it had "
          "sent " +
          std::to_string(half) + " of the " + std::to_string(request.size()) +
          " bytes of its request, another client's GET /home.html " + p + s.gone() +
          " (a server that reads a request with blocking reads, such as Rio_readlineb until "
          "the blank line, waits inside that one client; read once when select says so, keep "
          "the bytes with that client, and answer when its blank line has come)");
      return;
    }
    if (!expect(trickle(slow.get(), request.substr(half)),
                "the server did not read the rest of a request sent one byte at a time within " +
                    seconds_text(patience) + s.gone()))
      return;
    const http_check::response r =
        http_check::read_response(slow.get(), clock::now() + event_limit);
    const auto& notes = http_check::root_files()[1];
    expect(http_check::static_problem(r, notes, notes.uri).empty() && r.closed,
           "a request sent one byte at a time got " + http_check::describe(r) +
               (r.status == 200 && !r.closed ? " but the connection was not closed" : "") +
               ", expected " + notes.uri + " byte for byte" +
               (r.status == 200 ? ": " + http_check::static_problem(r, notes, notes.uri) : ""));
  });
}

TEST_CASE("[3] a client that does not read a large file does not stall the others") {
  with_server([](tiny_server& s) {
    // A file larger than the server's send buffer can ever be, plus the client's receive buffer.
    const std::size_t size = largest_send_buffer() + (std::size_t{2} << 20);
    const std::string content = http_check::pseudo_random_bytes(size, 1236);
    // tiny_server's root is the server's working directory; its log lies beside it.
    char cwd[PATH_MAX];
    const std::string link = "/proc/" + std::to_string(s.pid()) + "/cwd";
    const ssize_t len = ::readlink(link.c_str(), cwd, sizeof cwd - 1);
    REQUIRE(len > 0);
    const std::string root(cwd, static_cast<std::size_t>(len));
    http_check::write_file(root + "/huge.bin", content);
    const std::string what = "/huge.bin (" + echo_check::approx_bytes(double(size)) + ")";

    struct remove_after {  // the root's remover knows only its own files
      std::string path;
      ~remove_after() { ::unlink(path.c_str()); }
    } remove{root + "/huge.bin"};

    // A client whose receive buffer is small (set before connecting: the window stays small).
    const echo_check::endpoint& ep = s.endpoint();
    csapp::unique_fd lazy(::socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(lazy);
    const int small = 16 * 1024;
    ::setsockopt(lazy.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    // Loopback, to a server that listens: the handshake is the kernel's, done at once.
    REQUIRE(::connect(lazy.get(), reinterpret_cast<const sockaddr*>(&ep.addr), ep.addr_len) == 0);
    echo_check::send_all(lazy.get(), http_check::get_request("/huge.bin"));
    // The response has begun: the server is in the middle of it.
    const bool begun = exercise::wait_until(
        [&] {
          int n = 0;
          return ::ioctl(lazy.get(), FIONREAD, &n) == 0 && n > 0;
        },
        event_limit);
    if (!expect(begun,
                "GET " + what + " got no answer within " + seconds_text(event_limit) + s.gone()))
      return;
    if (const std::string p = home_page_problem(s); !p.empty()) {
      verdict("a client that does not read its response stalls everyone: while " + what +
              " was being sent to it, another client's GET /home.html " + p + s.gone() +
              " (a blocking write of the whole file, such as one Rio_writen, waits until that "
              "client reads; write what the socket takes when select says it is writable, and "
              "keep the rest for the next time)");
      return;
    }
    // Nothing to do but wait for the lazy client: the server should be asleep in select.
    if (!expect(exercise::wait_until([&] { return echo_check::process_state(s.pid()) == 'S'; },
                                     event_limit),
                "with one client not reading and nothing else to do, the server never went to "
                "sleep within " +
                    seconds_text(event_limit) +
                    ": it runs in a loop (a select with a zero timeout, a client in the write set "
                    "with nothing to send, or a write retried at once on EAGAIN)"))
      return;
    // Now it reads: every byte must come, in order.
    const http_check::response r =
        http_check::read_response(lazy.get(), clock::now() + event_limit);
    const http_check::served_file huge{"/huge.bin", "huge.bin", content, "text/plain"};
    const std::string p = http_check::static_problem(r, huge, "/huge.bin");
    expect(p.empty(), "once the client that had stopped reading read again, " +
                          (p.empty() ? std::string() : p) +
                          " (every byte the socket did not take must be sent later, in order)");
  });
}

TEST_CASE("[1] survives clients that leave early, and keeps no descriptor or child") {
  with_server([](tiny_server& s) { exercise::http_scenarios(s, {"bad-clients", "resources"}); });
}
