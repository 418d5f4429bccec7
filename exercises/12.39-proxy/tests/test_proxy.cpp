// Problem 12.39's checks: a concurrent proxy that logs and refuses blocked addresses.
//
// The proxy runs as the grader's child, on port 0, in a folder of its own that holds its block
// list (its log, proxy.log, appears there). The origin server is the check's own: an HTTP/1.0
// server in this process, on loopback, that serves the HTTP checker's files (tools/httpcheck
// root.hpp: every byte known), writes down every request that reaches it, and has two addresses
// that misbehave on purpose: /slow answers only when the check says so, /cut sends half an answer
// and closes. Owning the origin is what makes the checks exact: "blocked" means the origin never
// saw the request, and "a slow origin does not stall another client" is arranged, not hoped for.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <httpcheck/checker.hpp>
#include <httpcheck/spawn.hpp>

#include "exercise.hpp"

namespace {

using echo_check::clock;
using exercise::expect;
using exercise::millis;
using exercise::verdict;

constexpr millis patience{4000};     // how long a client waits before "not served"
constexpr millis event_limit{5000};  // the bound for what must happen

std::string secs(millis m) { return echo_check::human_seconds(m.count() / 1000.0); }

// The origin: a thread per connection, each request line written down.
class origin {
 public:
  origin() {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(listener_);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), len) == 0);
    REQUIRE(::listen(listener_.get(), 64) == 0);
    REQUIRE(::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~origin() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
      released_ = true;
    }
    cv_.notify_all();
    acceptor_.join();
    for (auto& t : workers_) t.join();
  }
  origin(const origin&) = delete;
  origin& operator=(const origin&) = delete;

  int port() const { return port_; }
  // The request lines (and Host headers) that reached the origin so far.
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(m_);
    return requests_;
  }
  bool wait_for_request(const std::string& path, millis limit) {
    return exercise::wait_until(
        [&] {
          for (const auto& r : requests())
            if (r.rfind("GET " + path + " ", 0) == 0) return true;
          return false;
        },
        limit);
  }
  void release_slow() {
    {
      std::lock_guard<std::mutex> lock(m_);
      released_ = true;
    }
    cv_.notify_all();
  }
  // What /slow answers once released.
  static std::string slow_body() { return "the slow answer, at last\n"; }

 private:
  void accept_loop() {
    for (;;) {
      pollfd p{listener_.get(), POLLIN, 0};
      ::poll(&p, 1, 50);  // wakes to see whether the check has ended
      {
        std::lock_guard<std::mutex> lock(m_);
        if (stopping_) return;
      }
      if (!(p.revents & POLLIN)) continue;
      const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(m_);
      workers_.emplace_back([this, fd] { serve(csapp::unique_fd(fd)); });
    }
  }

  void serve(csapp::unique_fd fd) {
    std::string request;
    const auto deadline = clock::now() + event_limit;
    while (request.find("\r\n\r\n") == std::string::npos &&
           request.find("\n\n") == std::string::npos) {
      const std::string more = echo_check::read_up_to(fd.get(), 1, deadline);
      if (more.empty()) return;
      request += more;
    }
    std::string first = request.substr(0, request.find_first_of("\r\n"));
    std::string host;
    std::istringstream lines(request);
    for (std::string line; std::getline(lines, line);)
      if (http_check::lower(line.substr(0, 5)) == "host:") host = http_check::trim(line.substr(5));
    {
      std::lock_guard<std::mutex> lock(m_);
      requests_.push_back(first + " | Host: " + host);
    }
    std::istringstream words(first);
    std::string method, path;
    words >> method >> path;
    if (path == "/slow") {
      std::unique_lock<std::mutex> lock(m_);
      cv_.wait_for(lock, std::chrono::seconds(20), [&] { return released_; });
      lock.unlock();
      send_file(fd.get(), slow_body(), "text/plain");
      return;
    }
    if (path == "/cut") {
      const std::string content = http_check::large_file().content;
      echo_check::send_all(
          fd.get(), "HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: " +
                        std::to_string(content.size()) + "\r\n\r\n" + content.substr(0, 100000));
      return;  // closes in the middle of the body
    }
    for (const auto& f : http_check::root_files())
      if (f.uri == path) {
        send_file(fd.get(), f.content, f.content_type);
        return;
      }
    echo_check::send_all(fd.get(), "HTTP/1.0 404 Not found\r\nContent-Length: 0\r\n\r\n");
  }
  static void send_file(int fd, const std::string& content, const std::string& type) {
    echo_check::send_all(fd, "HTTP/1.0 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " +
                                 std::to_string(content.size()) + "\r\n\r\n" + content);
  }

  csapp::unique_fd listener_;
  int port_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;              // the check is over: the acceptor ends
  bool released_ = false;              // /slow may answer
  std::vector<std::string> requests_;  // "GET /path HTTP/1.0 | Host: h"
  std::vector<std::thread> workers_;   // one per connection, joined at the end
  std::thread acceptor_;               // last: it uses everything above
};

// The block list every check gives the proxy.
const char* const block_list =
    "# hosts, and host/path prefixes\n"
    "localhost\n"
    "127.0.0.1/private/\n";

// The student's proxy, started in a folder of its own with the block list; stopped, and the
// folder removed, when it goes out of scope.
class proxy_server {
 public:
  proxy_server() {
    char dir[] = "/tmp/csapp-proxy-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    dir_ = dir;
    http_check::write_file(dir_ + "/blocklist.txt", block_list);
    echo_check::stop_children_on_signals();
    echo_check::spawn_options o;
    o.log_path = dir_ + "/server.out";
    http_check::spawn_in(proc_, dir_, {exercise::program("proxy"), "0", "blocklist.txt"}, o);
    port_ = proc_->wait_for_port(event_limit);
    if (port_ > 0) ep_ = echo_check::resolve("127.0.0.1", std::to_string(port_));
  }
  ~proxy_server() {
    proc_.reset();
    for (const char* f : {"/blocklist.txt", "/server.out", "/proxy.log"})
      ::unlink((dir_ + f).c_str());
    ::rmdir(dir_.c_str());
  }
  proxy_server(const proxy_server&) = delete;
  proxy_server& operator=(const proxy_server&) = delete;

  bool started() {
    return expect(port_ > 0, "proxy 0 blocklist.txt did not print \"listening on port N\" within " +
                                 secs(event_limit) + gone());
  }
  std::string gone() {
    if (!proc_->exited()) return "";
    const auto said = proc_->log_lines();
    return " (the proxy " + proc_->how_it_ended() +
           (said.empty() ? "" : "; its last words: \"" + said.back() + "\"") + ")";
  }
  const echo_check::endpoint& endpoint() const { return ep_; }
  std::vector<std::string> log_lines() {
    std::vector<std::string> lines;
    std::ifstream in(dir_ + "/proxy.log");
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  std::string dir_;
  std::optional<echo_check::child_process> proc_;
  int port_ = 0;
  echo_check::endpoint ep_;
};

std::string url(const std::string& host, int port, const std::string& path) {
  return "http://" + host + ":" + std::to_string(port) + path;
}

std::string proxy_request(const std::string& u) {
  const auto slash = u.find('/', 7);
  return "GET " + u + " HTTP/1.0\r\nHost: " + u.substr(7, slash - 7) +
         "\r\nUser-Agent: proxy-check\r\n\r\n";
}

// One request through the proxy, read until the proxy closes (or the patience runs out).
http_check::response through(proxy_server& p, const std::string& u, millis limit = patience) {
  return http_check::exchange(p.endpoint(), proxy_request(u), limit);
}

template <class Body>
void with_proxy(Body body) {
  origin o;
  proxy_server p;
  if (!p.started()) return;
  try {
    body(o, p);
  } catch (const std::system_error& e) {
    verdict(std::string("the proxy stopped answering: ") + e.what() + p.gone());
  }
}

}  // namespace

TEST_CASE("[3] forwards GET requests to the origin and their answers back, byte for byte") {
  with_proxy([](origin& o, proxy_server& p) {
    for (const auto& f : http_check::root_files()) {
      const std::string u = url("127.0.0.1", o.port(), f.uri);
      const http_check::response r = through(p, u, event_limit);
      if (const std::string problem = http_check::static_problem(r, f, u); !problem.empty()) {
        verdict("through the proxy, " + problem + p.gone());
        return;
      }
    }
    bool ok = true;
    for (const auto& line : o.requests())
      ok = ok && line.rfind("GET /", 0) == 0 &&
           line.find(" HTTP/1.0 | Host: 127.0.0.1") != std::string::npos;
    expect(ok && !o.requests().empty(),
           "the origin was sent \"" + (o.requests().empty() ? std::string() : o.requests()[0]) +
               "\": a proxy sends the origin the path only (GET /home.html HTTP/1.0), with a Host "
               "header naming the origin");
  });
}

TEST_CASE("[2] logs each request: client address, URL, status, bytes sent") {
  with_proxy([](origin& o, proxy_server& p) {
    const std::vector<std::pair<std::string, std::string>> asked = {
        {url("127.0.0.1", o.port(), "/home.html"), "200"},
        {url("127.0.0.1", o.port(), "/no-such-file"), "404"},
        {url("localhost", o.port(), "/notes.txt"), "403"}};
    std::vector<std::string> expected;
    for (const auto& [u, status] : asked) {
      const http_check::response r = through(p, u);
      expected.push_back("127.0.0.1 " + u + " " + status + " " + std::to_string(r.raw.size()));
    }
    std::vector<std::string> lines;
    exercise::wait_until([&] { return (lines = p.log_lines()).size() >= expected.size(); },
                         event_limit);
    if (!expect(lines.size() == expected.size(),
                "after " + std::to_string(expected.size()) + " requests, proxy.log held " +
                    echo_check::plural(static_cast<long long>(lines.size()), "line", "lines") +
                    ": each request wants one line, written once its answer has gone"))
      return;
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (!expect(lines[i] == expected[i], "line " + std::to_string(i + 1) +
                                               " of proxy.log was \"" + lines[i] +
                                               "\", expected \"" + expected[i] + "\""))
        return;
  });
}

TEST_CASE("[2] refuses blocked hosts and paths with a 403 page, and asks the origin nothing") {
  with_proxy([](origin& o, proxy_server& p) {
    for (const std::string& u : {url("localhost", o.port(), "/home.html"),
                                 url("127.0.0.1", o.port(), "/private/notes.txt")}) {
      const std::size_t before = o.requests().size();
      const http_check::response r = through(p, u);
      if (!expect(o.requests().size() == before,
                  "GET " + u +
                      " was forwarded to the origin instead of refused (blocklist.txt "
                      "names " +
                      (u.find("localhost") != std::string::npos ? "the host localhost"
                                                                : "127.0.0.1/private/") +
                      ")"))
        return;
      if (!expect(r.status == 403 && r.body.find("<html") != std::string::npos,
                  "GET " + u + " (on the block list) got " + http_check::describe(r) +
                      (r.status == 403 ? " without a page" : "") +
                      ", expected 403 with a page that says why"))
        return;
    }
    const std::string ok = url("127.0.0.1", o.port(), "/notes.txt");
    const http_check::response r = through(p, ok);
    expect(r.status == 200, "GET " + ok + " (not on the block list) got " +
                                http_check::describe(r) + ", expected 200");
  });
}

TEST_CASE("[2] serves other clients while one waits for a slow origin") {
  with_proxy([](origin& o, proxy_server& p) {
    csapp::unique_fd slow = echo_check::connect_within(p.endpoint(), event_limit);
    echo_check::send_all(slow.get(), proxy_request(url("127.0.0.1", o.port(), "/slow")));
    if (!expect(
            o.wait_for_request("/slow", event_limit),
            "a request for /slow did not reach the origin within " + secs(event_limit) + p.gone()))
      return;
    const std::string u = url("127.0.0.1", o.port(), "/home.html");
    const http_check::response r = through(p, u);
    if (!expect(r.status == 200 && r.body == http_check::home_page(),
                "while the origin was slow to answer one client, another client's request through "
                "the proxy got no answer within " +
                    secs(patience) +
                    (r.raw.empty() ? "" : " (it got " + http_check::describe(r) + ")") + p.gone() +
                    ": a proxy that serves one client at a time makes everyone wait for the "
                    "slowest origin; serve each client in a thread of its own"))
      return;
    o.release_slow();
    const http_check::response s =
        http_check::read_response(slow.get(), clock::now() + event_limit);
    expect(s.status == 200 && s.body == origin::slow_body(),
           "the client of the slow origin got " + http_check::describe(s) +
               " once the origin answered, expected its answer");
  });
}

TEST_CASE("[1] survives clients and origins that close early") {
  with_proxy([](origin& o, proxy_server& p) {
    const std::string large = url("127.0.0.1", o.port(), http_check::large_file().uri);
    for (int i = 0; i < 4; ++i) {  // clients that leave while the answer is coming
      csapp::unique_fd fd = echo_check::connect_within(p.endpoint(), event_limit);
      echo_check::send_all(fd.get(), proxy_request(large));
      echo_check::read_up_to(fd.get(), 1000, clock::now() + patience);
      echo_check::reset_on_close(fd.get());
    }
    const http_check::response cut = through(p, url("127.0.0.1", o.port(), "/cut"), event_limit);
    const std::string u = url("127.0.0.1", o.port(), "/home.html");
    const http_check::response r = through(p, u);
    expect(r.status == 200 && r.body == http_check::home_page(),
           "after clients that reset mid-answer and an origin that closed mid-answer (the client "
           "got " +
               http_check::describe(cut) + "), GET " + u + " through the proxy got " +
               http_check::describe(r) + p.gone() +
               " (a write to a client that has gone fails with EPIPE; it must end that "
               "connection only)");
  });
}
