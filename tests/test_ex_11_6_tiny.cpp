// Tests of examples/11.6-tiny: Tiny serves its files byte for byte, runs the adder, answers
// every bad request with the right status and goes on, survives clients that reset or leave,
// and leaves no CGI child unreaped. Each "differs from the book" of tiny.hpp is proved here.
//
// Tiny runs in a document root (the build's www, or a temporary one for files made here) and
// is spoken to with raw requests: send the bytes, read to end of file (Tiny closes after each
// response), split the status line, the headers and the body.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/clients.hpp"
#include "support/programs.hpp"

#include "../examples/11.6-tiny/tiny.hpp"

namespace {

using namespace test_support;

const std::string tiny_dir = std::string(EXAMPLES_DIR) + "/11.6-tiny";
const std::string www = tiny_dir + "/www";

// Tiny started on port 0 in `root`; its stdout (a block of headers per request) goes to a
// log, so that a pipe nobody reads never stops it.
struct tiny_server {
  echo_check::child_process process;
  int port;
  explicit tiny_server(const std::string& root = www)
      : process({"/bin/sh", "-c", "cd \"$0\" && exec \"$1\" 0", root, tiny_dir + "/tiny"},
                {false, temp_dir("tiny") + "/log", {}}),
        port(process.wait_for_port(event_limit)) {}
};

struct response {
  std::string status_line;                     // "HTTP/1.0 200 OK", without CRLF
  int status = 0;                              // 200, or 0 if no status line came
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

response parse(const std::string& raw) {
  response r;
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return r;
  r.body = raw.substr(end + 4);
  std::size_t at = raw.find("\r\n");
  r.status_line = raw.substr(0, at);
  if (r.status_line.rfind("HTTP/1.0 ", 0) == 0) r.status = std::atoi(r.status_line.c_str() + 9);
  while (at < end) {
    const std::size_t from = at + 2, next = raw.find("\r\n", from);
    const std::string line = raw.substr(from, next - from);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    at = next;
  }
  return r;
}

// Sends `request` and reads the answer up to end of file: Tiny closes after each response,
// so an answer that never ends is a failure here (bounded by event_limit).
response ask(int port, const std::string& request) {
  csapp::unique_fd conn = connect_client(port);
  REQUIRE(echo_check::send_all(conn.get(), request));
  const std::string raw = read_exactly(conn.get(), SIZE_MAX);
  CHECK(answers_within(conn.get(), 0ms));  // end of file: the connection was closed
  return parse(raw);
}

response get(int port, const std::string& uri) {
  return ask(port, "GET " + uri + " HTTP/1.0\r\nHost: localhost\r\n\r\n");
}

// The server is alive and serves the home page, after whatever came before.
void check_still_serves(tiny_server& tiny) {
  CHECK_FALSE(tiny.process.exited());
  CHECK(get(tiny.port, "/").status == 200);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

}  // namespace

TEST_CASE("tiny.GET / is home.html byte for byte, as text/html with its length") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  const std::string file = read_file(www + "/home.html");
  REQUIRE(file.find("<img src=\"tiny.png\"") != std::string::npos);
  for (const char* uri : {"/", "/home.html"}) {
    CAPTURE(uri);
    const response r = get(tiny.port, uri);
    CHECK(r.status_line == "HTTP/1.0 200 OK");
    CHECK(r.header("content-type") == "text/html");
    CHECK(r.header("content-length") == std::to_string(file.size()));
    CHECK(r.body == file);
  }
}

TEST_CASE("tiny.the image comes byte for byte as image/png") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  const std::string file = read_file(www + "/tiny.png");
  REQUIRE(file.rfind("\x89PNG", 0) == 0);
  const response r = get(tiny.port, "/tiny.png");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "image/png");
  CHECK(r.header("content-length") == std::to_string(file.size()));
  CHECK(r.body == file);
}

TEST_CASE("tiny.the adder adds two numbers, also from a form's name=value pairs") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  for (const char* query : {"15000&213", "first=15000&second=213"}) {
    CAPTURE(query);
    const response r = get(tiny.port, std::string("/cgi-bin/adder?") + query);
    CHECK(r.status == 200);
    CHECK(r.header("content-type") == "text/html");
    CHECK(r.header("content-length") == std::to_string(r.body.size()));
    CHECK(r.body.find("15000 + 213 = 15213") != std::string::npos);
  }
  CHECK(get(tiny.port, "/cgi-bin/adder?-5&2").body.find("-5 + 2 = -3") != std::string::npos);
}

TEST_CASE("tiny.the adder explains a missing or bad query instead of crashing") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  for (const char* uri : {"/cgi-bin/adder", "/cgi-bin/adder?15000", "/cgi-bin/adder?ten&2",
                          "/cgi-bin/adder?1&", "/cgi-bin/adder?99999999999999999999&1"}) {
    CAPTURE(uri);
    const response r = get(tiny.port, uri);
    CHECK(r.status == 200);  // Tiny sent it before adder ran, as in the book
    CHECK(r.header("content-length") == std::to_string(r.body.size()));
    CHECK(r.body.find("adder needs two whole numbers") != std::string::npos);
  }
}

TEST_CASE("tiny.malformed, empty and over-long requests get 400 and the server goes on") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  const std::string long_uri = "/" + std::string(MAXLINE + 100, 'a');
  const std::string long_header = "X-Long: " + std::string(MAXLINE + 100, 'b') + "\r\n";
  const std::vector<std::string> requests = {
      "\r\n",                                                  // an empty request line
      "hello\r\n\r\n",                                         // garbage
      "GET /\r\n\r\n",                                         // no version
      "GET / FTP/1.0\r\n\r\n",                                 // not HTTP
      "GET " + long_uri + " HTTP/1.0\r\n\r\n",                 // request line > MAXLINE
      "GET / HTTP/1.0\r\n" + long_header + "\r\n",             // header > MAXLINE
      "GET / HTTP/1.0\r\nno colon here\r\n\r\n",               // a header without a name
      "GET / HTTP/1.0\r\nHost: x\r\n" + long_header + "\r\n",  // the long one not first
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CAPTURE(i);
    const response r = ask(tiny.port, requests[i]);
    CHECK(r.status_line == "HTTP/1.0 400 Bad request");
    CHECK(r.header("content-type") == "text/html");
    CHECK(r.header("content-length") == std::to_string(r.body.size()));
    check_still_serves(tiny);
  }
}

TEST_CASE("tiny.an unknown method gets 501 and the server goes on") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  for (const char* method : {"POST", "DELETE", "BREW"}) {
    CAPTURE(method);
    const response r = ask(tiny.port, std::string(method) + " / HTTP/1.0\r\n\r\n");
    CHECK(r.status_line == "HTTP/1.0 501 Not implemented");
    CHECK(r.body.find(method) != std::string::npos);
    check_still_serves(tiny);
  }
}

// The build's www sits beside the tiny program itself: the book's Tiny sent its own binary
// for /../tiny and ran it as a CGI program for /cgi-bin/../../tiny.
TEST_CASE(
    "tiny.a URI that climbs out of the document root is refused and nothing outside is served") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  for (const char* uri : {"/../tiny", "/cgi-bin/../../tiny", "/./../tiny", "/..", "/../",
                          "/tiny.png/../../tiny", "../tiny", "tiny"}) {
    CAPTURE(uri);
    const response r = get(tiny.port, uri);
    CHECK(r.status == 403);
    CHECK(r.body.find("ELF") == std::string::npos);
  }
  // Tiny does not decode %XX, so these are names of files that do not exist.
  for (const char* uri : {"/%2e%2e/tiny", "/%2E%2E/tiny", "/cgi-bin/%2e%2e/%2e%2e/tiny",
                          "/..%2ftiny", "/%2e%2e%2ftiny"}) {
    CAPTURE(uri);
    const response r = get(tiny.port, uri);
    CHECK((r.status == 403 || r.status == 404));
    CHECK(r.body.find("ELF") == std::string::npos);
  }
  // A name that merely contains two dots is a name.
  CHECK(get(tiny.port, "/..tiny.png").status == 404);
  check_still_serves(tiny);
}

TEST_CASE("tiny.a missing file gets 404, an unreadable one 403, an empty one 200 with no body") {
  const std::string root = temp_dir("tiny-root");
  write_file(root + "/home.html", "<p>home</p>");
  write_file(root + "/secret.txt", "not for you");
  write_file(root + "/empty.txt", "");
  REQUIRE(::chmod((root + "/secret.txt").c_str(), 0) == 0);
  tiny_server tiny(root);
  REQUIRE(tiny.port > 0);

  const response missing = get(tiny.port, "/nothing.html");
  CHECK(missing.status_line == "HTTP/1.0 404 Not found");
  CHECK(missing.header("content-length") == std::to_string(missing.body.size()));

  const response secret = get(tiny.port, "/secret.txt");
  CHECK(secret.status_line == "HTTP/1.0 403 Forbidden");
  CHECK(secret.body.find("not for you") == std::string::npos);

  // The book's Mmap of 0 bytes failed (EINVAL) and ended the server.
  const response empty = get(tiny.port, "/empty.txt");
  CHECK(empty.status == 200);
  CHECK(empty.header("content-type") == "text/plain");
  CHECK(empty.header("content-length") == "0");
  CHECK(empty.body.empty());
  check_still_serves(tiny);
}

TEST_CASE("tiny.a client that resets mid-response or closes before reading does not end it") {
  const std::string root = temp_dir("tiny-root");
  write_file(root + "/home.html", "<p>home</p>");
  std::string big(8 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  write_file(root + "/big.txt", big);
  tiny_server tiny(root);
  REQUIRE(tiny.port > 0);
  const std::string request = "GET /big.txt HTTP/1.0\r\n\r\n";

  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    {  // reads the start of the answer, then resets: Tiny is still writing
      csapp::unique_fd conn = connect_client(tiny.port);
      REQUIRE(echo_check::send_all(conn.get(), request));
      CHECK(read_exactly(conn.get(), 4096).size() == 4096);
      echo_check::reset_on_close(conn.get());
    }
    check_still_serves(tiny);
    {  // leaves before reading a byte: Tiny's writes meet a closed socket (SIGPIPE in the book)
      csapp::unique_fd conn = connect_client(tiny.port);
      REQUIRE(echo_check::send_all(conn.get(), request));
    }
    check_still_serves(tiny);
    {  // the same with the adder: its child writes to a closed socket
      csapp::unique_fd conn = connect_client(tiny.port);
      REQUIRE(echo_check::send_all(conn.get(), "GET /cgi-bin/adder?1&2 HTTP/1.0\r\n\r\n"));
    }
    check_still_serves(tiny);
    {  // leaves in the middle of the headers
      csapp::unique_fd conn = connect_client(tiny.port);
      REQUIRE(echo_check::send_all(conn.get(), "GET / HTTP/1.0\r\nHost: loc"));
    }
    check_still_serves(tiny);
  }
  // And the whole file, for a client that reads it.
  const response r = get(tiny.port, "/big.txt");
  CHECK(r.header("content-length") == std::to_string(big.size()));
  CHECK(r.body == big);
}

// A zombie is still listed among its parent's children, so no child at all means every CGI
// child was reaped. Tiny waits for the child before it closes the connection, and the client
// sees end of file only after both have closed it: by then the child must be gone already.
TEST_CASE("tiny.every CGI child is reaped") {
  tiny_server tiny;
  REQUIRE(tiny.port > 0);
  for (int i = 0; i < 20; ++i) {
    CAPTURE(i);
    const response r = get(tiny.port, "/cgi-bin/adder?" + std::to_string(i) + "&1");
    CHECK(r.body.find(" = " + std::to_string(i + 1)) != std::string::npos);
    CHECK(echo_check::child_pids(tiny.process.pid()).empty());
  }
}

namespace {

// serve_dynamic of tiny.hpp, called in this process on one end of a socket pair; returns the
// other end's whole answer.
std::string serve_dynamic_here(const char* query) {
  auto [ours, tinys] = socket_pair();
  std::string filename = www + "/cgi-bin/adder";
  std::string cgiargs = query;
  serve_dynamic(tinys.get(), filename.data(), cgiargs.data());
  tinys.reset();
  return read_exactly(ours.get(), SIZE_MAX);
}

}  // namespace

// In a concurrent Tiny another connection's CGI child may end first: Wait(NULL) would reap it
// and return while ours still runs. Here that other child is a zombie before serve_dynamic
// starts, so Wait(NULL) would take it at once.
TEST_CASE("tiny.serve_dynamic reaps its own child and leaves others' alone") {
  const pid_t other = ::fork();
  REQUIRE(other >= 0);
  if (other == 0) ::_exit(7);
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(other), &info, WEXITED | WNOWAIT) == 0);

  const std::string answer = serve_dynamic_here("2&3");
  CHECK(answer.find("2 + 3 = 5") != std::string::npos);
  CHECK(echo_check::child_pids(::getpid()) == std::vector<pid_t>{other});
  int status = 0;
  CHECK(::waitpid(other, &status, 0) == other);  // still there for its own parent to reap
  CHECK(WEXITSTATUS(status) == 7);
}

// With SIGCHLD ignored the kernel reaps every child itself and waitpid fails with ECHILD,
// as it may when the program's own SIGCHLD handler got there first: no error, Tiny goes on
// (the book's Wait(NULL) would end the whole server with "Wait error").
TEST_CASE("tiny.serve_dynamic takes a child already reaped by someone else in its stride") {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  REQUIRE(::sigaction(SIGCHLD, &ignore, &previous) == 0);
  const std::string answer = serve_dynamic_here("40&2");
  ::sigaction(SIGCHLD, &previous, nullptr);
  CHECK(answer.find("40 + 2 = 42") != std::string::npos);
}

TEST_CASE("tiny.with a bad argument prints usage and exits 2") {
  const section_programs section(tiny_dir + "/");
  section.check_usage("tiny", {});
  section.check_usage("tiny", {"0", "extra"});
}
