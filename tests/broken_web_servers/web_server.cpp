// web_server - a small web server for http-check's own tests, built once correct and once per
// deliberate flaw (FLAW_... below, one per build; CMakeLists.txt names each build).
//
// It serves its working directory the way the book's Tiny does (HTTP/1.0, GET only, "/" is
// home.html, /cgi-bin/PROGRAM?ARGS runs PROGRAM with QUERY_STRING, one response per
// connection), with a thread per connection. Built with no flaw it is the good server that
// passes every scenario; each flaw is one mistake a student's Tiny is known to make, and
// http-check must name it:
//   FLAW_NEVER_CLOSES_CONNFD  the connection is never closed (clients never see the end)
//   FLAW_ONE_AT_A_TIME        one client at a time, its request read with blocking reads
//   FLAW_NEVER_REAPS_CGI      CGI children are never waited for (zombies)
//   FLAW_SERVES_ESCAPES       ".." in a URI (decoded from %2e%2e) is not refused
//   FLAW_WRONG_CONTENT_LENGTH Content-Length is the file's size plus the header's own length
//   FLAW_DIES_ON_RESET        a failed write to one client ends the whole server
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <csapp/socket.hpp>

namespace {

constexpr std::size_t line_limit = 8192;  // longer request or header lines get 400

void send(int fd, const std::string& text) {
#ifdef FLAW_DIES_ON_RESET
  if (csapp::writen(fd, text.data(), text.size()) < 0) {
    std::perror("write");  // the flaw: this client's trouble ends everyone's server
    std::_Exit(1);
  }
#else
  csapp::write_all(fd, text);  // throws: ends this client only
#endif
}

void client_error(int fd, int status, const char* reason, const std::string& why) {
  const std::string body =
      "<html><body>" + std::to_string(status) + " " + reason + ": " + why + "</body></html>\n";
  send(fd, "HTTP/1.0 " + std::to_string(status) + " " + reason +
               "\r\nContent-type: text/html\r\nContent-length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body);
}

// %XX decoded; false for a malformed escape.
bool decode(const std::string& in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
      return false;
    out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return true;
}

#ifndef FLAW_SERVES_ESCAPES
// True when a segment of `path` is "..".
bool climbs(const std::string& path) {
  std::size_t at = 0;
  while (at <= path.size()) {
    auto slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    if (path.compare(at, slash - at, "..") == 0 && slash - at == 2) return true;
    at = slash + 1;
  }
  return false;
}
#endif

std::string file_type(const std::string& name) {
  auto ends = [&](const char* ext) {
    const std::string e = ext;
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html";
  if (ends(".gif")) return "image/gif";
  if (ends(".png")) return "image/png";
  if (ends(".jpg")) return "image/jpeg";
  return "text/plain";
}

void serve_static(int fd, const std::string& name, const struct stat& st) {
  csapp::unique_fd file(::open(name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file) return client_error(fd, 403, "Forbidden", "cannot read the file");
  std::string body(static_cast<std::size_t>(st.st_size), '\0');
  if (csapp::readn(file.get(), body.data(), body.size()) != static_cast<ssize_t>(body.size()))
    return client_error(fd, 500, "Internal Server Error", "short read");
  std::string head = "HTTP/1.0 200 OK\r\nServer: http-check test server\r\nConnection: close\r\n";
  std::size_t length = body.size();
#ifdef FLAW_WRONG_CONTENT_LENGTH
  length += head.size();  // the flaw: counts the header lines written so far as body
#endif
  head += "Content-length: " + std::to_string(length) + "\r\nContent-type: " + file_type(name) +
          "\r\n\r\n";
  send(fd, head);
  send(fd, body);
}

void serve_dynamic(int fd, const std::string& name, const std::string& args) {
  send(fd, "HTTP/1.0 200 OK\r\nServer: http-check test server\r\n");
  const pid_t pid = ::fork();
  if (pid < 0) return;
  if (pid == 0) {
    ::setenv("QUERY_STRING", args.c_str(), 1);
    ::dup2(fd, STDOUT_FILENO);
    ::execl(name.c_str(), name.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
#ifndef FLAW_NEVER_REAPS_CGI
  int status = 0;
  csapp::retry_on_eintr([&] { return ::waitpid(pid, &status, 0); });
#endif
}

void serve(int fd) {
  csapp::reader in(fd, line_limit);
  std::string line;
  if (!in.read_line(line, line_limit)) return;  // closed without a byte
  if (line.back() != '\n') return client_error(fd, 400, "Bad Request", "request line too long");
  char method[64], uri[line_limit], version[64];
  if (std::sscanf(line.c_str(), "%63s %8191s %63s", method, uri, version) != 3 ||
      std::string(version).rfind("HTTP/", 0) != 0)
    return client_error(fd, 400, "Bad Request", "malformed request line");
  for (;;) {  // the headers, until the blank line
    if (!in.read_line(line, line_limit)) return;
    if (line.back() != '\n') return client_error(fd, 400, "Bad Request", "header line too long");
    if (line == "\r\n" || line == "\n") break;
  }
  if (std::string(method) != "GET") return client_error(fd, 501, "Not Implemented", method);
  std::string raw = uri, path, args;
  if (const auto q = raw.find('?'); q != std::string::npos) {
    args = raw.substr(q + 1);
    raw.resize(q);
  }
  if (!decode(raw, path) || path.empty() || path[0] != '/')
    return client_error(fd, 400, "Bad Request", "malformed URI");
#ifndef FLAW_SERVES_ESCAPES
  if (climbs(path)) return client_error(fd, 403, "Forbidden", "outside the document root");
#endif
  std::string name = "." + path;
  if (path.back() == '/') name += "home.html";
  struct stat st {};
  if (::stat(name.c_str(), &st) < 0) return client_error(fd, 404, "Not found", "no such file");
  const bool cgi = path.rfind("/cgi-bin/", 0) == 0;
  if (!S_ISREG(st.st_mode) || !(st.st_mode & (cgi ? S_IXUSR : S_IRUSR)))
    return client_error(fd, 403, "Forbidden", "not allowed");
  if (cgi) return serve_dynamic(fd, name, args);
  serve_static(fd, name, st);
}

void serve_and_close(csapp::unique_fd conn) {
  try {
    serve(conn.get());
  } catch (const std::system_error&) {
    // reset or closed early: this client only
  }
#ifdef FLAW_NEVER_CLOSES_CONNFD
  (void)conn.release();  // the flaw: the connection is never closed
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  csapp::unique_fd listener = csapp::listen_on(argv[1]);
  std::printf("listening on port %u\n", csapp::local_port(listener.get()));
  std::fflush(stdout);
  for (;;) {
    csapp::unique_fd conn = csapp::accept_from(listener.get());
#ifdef FLAW_ONE_AT_A_TIME
    serve_and_close(std::move(conn));  // the flaw: the next client waits for this one
#else
    std::thread(serve_and_close, std::move(conn)).detach();
#endif
  }
}
