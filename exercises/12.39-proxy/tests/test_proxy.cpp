// Problem 12.39's checks: a concurrent proxy that logs and refuses blocked addresses.
//
// The proxy runs as the grader's child, on port 0, in a folder of its own that holds its block
// list (its log, proxy.log, appears there). The origin server is the check's own: an HTTP/1.0
// server in this process, on loopback, that serves the HTTP checker's files (tools/httpcheck
// root.hpp: every byte known), writes down every request that reaches it, and has two addresses
// that misbehave on purpose: /slow answers only when the check says so, /cut sends half an answer
// and closes; /obj/NAME-BYTES.bin is an object of BYTES bytes made up from its name, for the
// cache (the stretch checks: "[+N]", extra points). Owning the origin is what makes the checks
// exact: "blocked" means the origin never saw the request, and "a slow origin does not stall
// another client" is arranged, not hoped for.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdint>
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
  // How many requests for `path` reached the origin so far.
  std::size_t count(const std::string& path) {
    std::size_t n = 0;
    for (const auto& r : requests()) n += r.rfind("GET " + path + " ", 0) == 0;
    return n;
  }
  // What /slow answers once released.
  static std::string slow_body() { return "the slow answer, at last\n"; }
  // The path of an object of `bytes` bytes, and its body: bytes that depend on the whole path,
  // so two objects never look alike and a mixed-up answer shows.
  static std::string object_path(const std::string& name, std::size_t bytes) {
    return "/obj/" + name + "-" + std::to_string(bytes) + ".bin";
  }
  static std::string object_body(const std::string& path) {
    const auto dash = path.rfind('-');
    const std::size_t bytes = std::strtoul(path.c_str() + dash + 1, nullptr, 10);
    std::uint32_t x = 2166136261u;  // FNV-1a of the path seeds a xorshift generator
    for (const char c : path) x = (x ^ static_cast<unsigned char>(c)) * 16777619u;
    std::string body(bytes, '\0');
    for (auto& b : body) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      b = static_cast<char>(x);
    }
    return body;
  }

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
    if (path.rfind("/obj/", 0) == 0 && path.rfind('-') != std::string::npos) {
      send_file(fd.get(), object_body(path), "application/octet-stream");
      return;
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

// ---- Stretch: the cache (README, "Stretch: a cache") ----
//
// Each check counts the requests that reach the origin: a hit is an answer the origin never
// heard of. The objects' sizes keep well clear of the limits, so counting an object as its body
// or as its whole response (about 90 bytes of status line and headers more) makes no difference.

namespace {

constexpr std::size_t KiB = 1024;

std::string kib(std::size_t bytes) {
  return echo_check::with_commas(static_cast<long long>(bytes / KiB)) + " KiB";
}
std::string times(std::size_t n) {
  return echo_check::plural(static_cast<long long>(n), "time", "times");
}

// One object through the proxy; the verdict (and false) when its body is not the object's.
bool fetch(origin& o, proxy_server& p, const std::string& path, http_check::response& r,
           const std::string& when) {
  const std::string u = url("127.0.0.1", o.port(), path);
  r = through(p, u, event_limit);
  return expect(r.status == 200 && r.body == origin::object_body(path),
                "GET " + u + " " + when + " got " + http_check::describe(r) + " with " +
                    std::to_string(r.body.size()) + " bytes of body, expected 200 and the " +
                    std::to_string(origin::object_body(path).size()) + " bytes of the object" +
                    p.gone());
}

bool fetch(origin& o, proxy_server& p, const std::string& path, const std::string& when) {
  http_check::response r;
  return fetch(o, p, path, r, when);
}

}  // namespace

TEST_CASE("[+2] cache: a second GET of the same URL is answered from the cache, byte for byte") {
  with_proxy([](origin& o, proxy_server& p) {
    const std::string path = origin::object_path("hit", 20 * KiB);
    const std::string u = url("127.0.0.1", o.port(), path);
    http_check::response first, second;
    if (!fetch(o, p, path, first, "the first time")) return;
    if (!fetch(o, p, path, second, "the second time")) return;
    if (!expect(o.count(path) == 1,
                "GET " + u + " reached the origin " + times(o.count(path)) +
                    " in two requests: the second should have been a cache hit, answered "
                    "without asking the origin (an object of 20 KiB fits the cache)"))
      return;
    if (!expect(second.raw == first.raw,
                "the cache hit for " + u +
                    " was not byte for byte the answer the first request "
                    "got (" +
                    std::to_string(second.raw.size()) + " bytes, not " +
                    std::to_string(first.raw.size()) +
                    "): a cache keeps the whole answer, status line and headers too"))
      return;
    // A hit is logged like any request, with the bytes it sent.
    const std::string line = "127.0.0.1 " + u + " 200 " + std::to_string(second.raw.size());
    std::vector<std::string> lines;
    exercise::wait_until([&] { return (lines = p.log_lines()).size() >= 2; }, event_limit);
    expect(lines.size() == 2 && lines[0] == line && lines[1] == line,
           "after a miss and a hit for " + u + ", proxy.log held " +
               echo_check::plural(static_cast<long long>(lines.size()), "line", "lines") +
               (lines.size() >= 2 ? " (\"" + lines[0] + "\", \"" + lines[1] + "\")" : "") +
               ", expected \"" + line + "\" twice: a hit is logged like any request");
  });
}

TEST_CASE("[+2] cache: an answer over 100 KiB is never cached, one up to it is") {
  with_proxy([](origin& o, proxy_server& p) {
    const std::string big = origin::object_path("big", 150 * KiB);
    for (int i = 0; i < 2; ++i)
      if (!fetch(o, p, big, i == 0 ? "the first time" : "the second time")) return;
    if (!expect(o.count(big) == 2,
                "an object of 150 KiB reached the origin " + times(o.count(big)) +
                    " in two requests: an object over MAX_OBJECT_SIZE (100 KiB) is "
                    "forwarded but never cached"))
      return;
    const std::string near = origin::object_path("near", 99 * KiB);
    for (int i = 0; i < 2; ++i)
      if (!fetch(o, p, near, i == 0 ? "the first time" : "the second time")) return;
    expect(o.count(near) == 1,
           "an object of 99 KiB reached the origin " + times(o.count(near)) +
               " in two requests: an answer up to MAX_OBJECT_SIZE (100 KiB) should be "
               "cached, and the second request a hit");
  });
}

TEST_CASE("[+2] cache: when full, the least recently used objects are evicted") {
  with_proxy([](origin& o, proxy_server& p) {
    // A and B first; then 12 objects of 90 KiB (1,080 KiB: more than the cache holds), with A
    // used again after each. The last one does not fit: B, never used since, goes first, then
    // the oldest of the 90 KiB objects; A and the other eleven (1,000 KiB in all) stay.
    const std::string a = origin::object_path("used-often", 10 * KiB);
    const std::string b = origin::object_path("used-once", 10 * KiB);
    if (!fetch(o, p, a, "the first time") || !fetch(o, p, b, "the first time")) return;
    std::vector<std::string> filler;
    for (int i = 0; i < 12; ++i) {
      filler.push_back(origin::object_path("filler" + std::to_string(i), 90 * KiB));
      if (!fetch(o, p, filler.back(), "the first time") || !fetch(o, p, a, "again")) return;
    }
    const std::string total = kib(20 * KiB + 12 * 90 * KiB);
    if (!expect(o.count(a) == 1,
                url("127.0.0.1", o.port(), a) + " (10 KiB), used after every other object, " +
                    "reached the origin " + times(o.count(a)) + " while " + total +
                    " of objects went through the proxy: it was the most recently used and "
                    "should have stayed in the cache (evict the least recently used, and count "
                    "a hit as a use)"))
      return;
    if (!fetch(o, p, filler[1], "after all the others")) return;
    if (!expect(o.count(filler[1]) == 1,
                "the second 90 KiB object reached the origin again although the cache held only "
                "1,000 KiB of newer objects besides it: the cache should hold up to 1 MiB "
                "(MAX_CACHE_SIZE) and evict only as much as a new object needs"))
      return;
    if (!fetch(o, p, b, "after all the others")) return;
    expect(o.count(b) == 2,
           url("127.0.0.1", o.port(), b) + " (10 KiB, used once, before " + total +
               " of other objects) was still answered from the cache: a cache that never evicts "
               "grows without bound; at most MAX_CACHE_SIZE (1 MiB) may be cached, and the least "
               "recently used objects go first");
  });
}

TEST_CASE("[+1] cache: many clients at once get their hits, each byte for byte") {
  with_proxy([](origin& o, proxy_server& p) {
    std::vector<std::string> paths;
    for (int i = 0; i < 4; ++i) {
      paths.push_back(origin::object_path("shared" + std::to_string(i), (20 + 10 * i) * KiB));
      if (!fetch(o, p, paths.back(), "the first time")) return;
    }
    constexpr int clients = 16, rounds = 4;
    std::vector<std::string> wrong(clients);  // what each client found wrong, if anything
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&, c] {
        for (int i = 0; i < rounds && wrong[c].empty(); ++i) {
          const std::string& path = paths[(c + i) % paths.size()];
          const http_check::response r = through(p, url("127.0.0.1", o.port(), path));
          if (r.status != 200 || r.body != origin::object_body(path))
            wrong[c] = "GET " + url("127.0.0.1", o.port(), path) + " got " +
                       http_check::describe(r) + " with " + std::to_string(r.body.size()) +
                       " bytes of body, not the object's " +
                       std::to_string(origin::object_body(path).size());
        }
      });
    for (auto& t : threads) t.join();
    for (const auto& w : wrong)
      if (!expect(w.empty(), "with " + std::to_string(clients) +
                                 " clients asking for cached objects at once, " + w + p.gone()))
        return;
    expect(o.requests().size() == paths.size(),
           "with " + std::to_string(clients) + " clients asking at once for " +
               std::to_string(paths.size()) + " objects already cached, " +
               std::to_string(o.requests().size() - paths.size()) +
               " requests reached the origin: every one should have been a hit");
  });
}
