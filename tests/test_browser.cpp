// A real browser loads Tiny's home page: headless Chromium (Debian's chromium package, which
// .ci/deps installs) through the figure's Tiny, through each reference solution of problems
// 12.35-12.38, and through the reference proxy of 12.39 in front of Tiny (Chromium's proxy
// setting; the proxy's log must then name the page, the frame and the picture).
//
// What a person would see is checked from inside the browser. The test serves a copy of
// Tiny's document root with one page added, probe.html: it shows the home page in a frame and,
// once the frame has loaded, writes down the frame's visible text and, for each image, whether
// it was decoded and its natural size. Chromium prints the probe page's DOM (--dump-dom) after
// its load event, which waits for the frame and the frame's images. The expected text comes
// from home.html and the expected size from the PNG's own header, so nothing here is a copy of
// what it checks.
//
// Without Chromium the test exits with status 77, which CTest reports as skipped
// (SKIP_RETURN_CODE), after saying how to install it: never a silent pass.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include <echocheck/spawn.hpp>
#include <httpcheck/spawn.hpp>

namespace {

using echo_check::child_process;
using echo_check::millis;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The browser, or a skip that says how to get one.
std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + name + " > /dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  std::fprintf(stderr,
               "SKIPPED: no Chromium here. The browser test needs Debian's chromium package: "
               "sudo apt-get install chromium (sh .ci/deps installs it)\n");
  std::exit(77);
}

// A scratch folder, removed at the end.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    char name[] = "/tmp/csapp-browser.XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = name;
  }
  ~scratch_dir() { (void)!std::system(("rm -rf '" + path + "'").c_str()); }
};

constexpr const char* probe_page = R"(<html><body>
<pre id="seen">the frame never finished loading</pre>
<iframe id="page" src="/" width="640" height="480"></iframe>
<script>
const frame = document.getElementById('page');
frame.addEventListener('load', () => {
  const doc = frame.contentDocument;
  const lines = ['text: ' + doc.body.innerText.replace(/\s+/g, ' ').trim()];
  for (const img of doc.images)
    lines.push('image ' + img.getAttribute('src') + ' complete=' + img.complete +
               ' natural=' + img.naturalWidth + 'x' + img.naturalHeight);
  document.getElementById('seen').textContent = lines.join('\n');
});
</script></body></html>
)";

// The document root: a copy of the build's www (home page, image, cgi-bin/adder) plus probe.html.
std::string make_root(const scratch_dir& dir) {
  const std::string root = dir.path + "/www";
  const std::string copy = "cp -R '" + std::string(EXAMPLES_DIR) + "/11.6-tiny/www' '" + root + "'";
  REQUIRE(std::system(copy.c_str()) == 0);
  std::ofstream(root + "/probe.html") << probe_page;
  return root;
}

// What a person should see: the home page's first paragraph, without tags or extra spaces.
std::string expected_text(const std::string& root) {
  const std::string home = slurp(root + "/home.html");
  std::smatch m;
  REQUIRE(std::regex_search(home, m, std::regex("<p>([^<]*)")));
  return std::regex_replace(m[1].str(), std::regex("\\s+"), " ");
}

// The PNG's size from its IHDR chunk: bytes 16-19 width, 20-23 height, big-endian.
std::string png_size(const std::string& path) {
  const std::string png = slurp(path);
  REQUIRE(png.size() > 24);
  REQUIRE(png.compare(1, 3, "PNG") == 0);
  auto be32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return std::to_string(be32(16)) + "x" + std::to_string(be32(20));
}

// Chromium's DOM of `url`; through the proxy at `proxy_port` when it is not 0.
std::string dump_dom(const scratch_dir& dir, const std::string& url, int proxy_port) {
  std::vector<std::string> argv = {chromium(),       "--headless",
                                   "--no-sandbox",   "--disable-gpu",
                                   "--no-first-run", "--user-data-dir=" + dir.path + "/profile",
                                   "--dump-dom"};
  if (proxy_port != 0) {
    argv.push_back("--proxy-server=http://127.0.0.1:" + std::to_string(proxy_port));
    argv.push_back("--proxy-bypass-list=<-loopback>");  // loopback bypasses a proxy by default
  }
  argv.push_back(url);
  echo_check::spawn_options opt;
  opt.log_path = dir.path + "/chromium.log";
  child_process browser(argv, opt);
  return browser.read_rest(millis(60000));
}

// The probe's lines, unescaped.
std::string seen(const std::string& dom) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex("<pre id=\"seen\">([^<]*)</pre>"))) return "";
  std::string s = m[1].str();
  for (auto [from, to] : {std::pair<const char*, const char*>{"&lt;", "<"},
                          {"&gt;", ">"},
                          {"&quot;", "\""},
                          {"&amp;", "&"}})
    s = std::regex_replace(s, std::regex(from), to);
  return s;
}

// Tiny (or a concurrent Tiny) at `program` serves the home page; with `proxy`, the browser
// asks the proxy, which asks Tiny.
void check_page(const std::string& program, const std::string& proxy = "") {
  const std::string browser = chromium();  // the skip comes before anything starts
  scratch_dir dir;
  const std::string root = make_root(dir);
  std::optional<child_process> tiny, proxied;
  echo_check::spawn_options opt;
  opt.log_path = dir.path + "/server.log";
  http_check::spawn_in(tiny, root, {program, "0"}, opt);
  const int port = tiny->wait_for_port(millis(10000));
  REQUIRE_MESSAGE(port != 0, program << " never said which port it listens on");
  int proxy_port = 0;
  if (!proxy.empty()) {
    http_check::spawn_in(proxied, dir.path, {proxy, "0"}, opt);
    proxy_port = proxied->wait_for_port(millis(10000));
    REQUIRE_MESSAGE(proxy_port != 0, proxy << " never said which port it listens on");
  }
  const std::string dom =
      dump_dom(dir, "http://127.0.0.1:" + std::to_string(port) + "/probe.html", proxy_port);
  const std::string lines = seen(dom);
  INFO("what the browser saw:\n"
       << lines << "\nserver log:\n"
       << slurp(opt.log_path) << "\nbrowser log tail:\n"
       << slurp(dir.path + "/chromium.log").substr(0, 2000));
  CHECK(lines.find("text: " + expected_text(root)) != std::string::npos);
  CHECK(lines.find("image tiny.png complete=true natural=" + png_size(root + "/tiny.png")) !=
        std::string::npos);
  CHECK(tiny->stop().clean);
  if (proxied) {
    CHECK(proxied->stop().clean);
    // The proxy's log (problem 12.39's format: client, URL, status, bytes) has the page, the
    // frame's home page and the picture, each answered 200.
    const std::string log = slurp(dir.path + "/proxy.log");
    INFO("proxy.log:\n" << log);
    const std::string origin = "http://127.0.0.1:" + std::to_string(port);
    for (const char* path : {"/probe.html 200 ", "/ 200 ", "/tiny.png 200 "})
      CHECK(log.find(origin + path) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("browser.the figure's Tiny shows its home page and its picture") {
  check_page(EXAMPLES_DIR "/11.6-tiny/tiny");
}

// The reference solutions, where this build has them (tests/CMakeLists.txt defines WITH_...).
#ifdef WITH_SOLUTION_12_35
TEST_CASE("browser.12.35's Tiny, a process per connection, shows the page and the picture") {
  check_page(EXERCISES_BUILD "/12.35/solution/tiny");
}
#endif
#ifdef WITH_SOLUTION_12_36
TEST_CASE("browser.12.36's Tiny, with select, shows the page and the picture") {
  check_page(EXERCISES_BUILD "/12.36/solution/tiny");
}
#endif
#ifdef WITH_SOLUTION_12_37
TEST_CASE("browser.12.37's Tiny, a thread per connection, shows the page and the picture") {
  check_page(EXERCISES_BUILD "/12.37/solution/tiny");
}
#endif
#ifdef WITH_SOLUTION_12_38
TEST_CASE("browser.12.38's prethreaded Tiny shows the page and the picture") {
  check_page(EXERCISES_BUILD "/12.38/solution/tiny");
}
#endif
#ifdef WITH_SOLUTION_12_39
TEST_CASE("browser.12.39's proxy in front of the figure's Tiny shows the page and the picture") {
  check_page(EXAMPLES_DIR "/11.6-tiny/tiny", EXERCISES_BUILD "/12.39/solution/proxy");
}
#endif
