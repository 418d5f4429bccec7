// tools/httpcheck/root.hpp - the document root http-check serves from, and what it holds.
//
// The checker must know every byte a server should send, so it writes the files itself:
// a home page, a text file, a small binary file (every byte value, NULs included), a file
// of a few MB (pseudo-random bytes from a fixed seed: the same on every run, no pattern a
// short copy could fake), a file nobody may read (403), and the CGI adder copied in. Next
// to the root, outside it, sits a sentinel file: if its bytes ever come back, the server
// served a path that climbed out of the root.
//
//   PARENT/outside.txt          the sentinel (never to be served)
//   PARENT/www/                 the root: the server's working directory
//              home.html notes.txt pixel.png large.jpg secret.html (mode 000)
//              cgi-bin/adder    when an adder is given
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <csapp/error.hpp>
#include <csapp/fd.hpp>
#include <csapp/rio.hpp>
#include <echocheck/proc.hpp>

namespace http_check {

// One file of the root: its name under the root, its bytes, and the Content-Type the book's
// get_filetype gives its extension.
struct served_file {
  std::string uri;           // how it is asked for ("/pixel.png")
  std::string path;          // under the root ("pixel.png")
  std::string content;       // its bytes
  std::string content_type;  // what Content-Type must say
};

inline const std::string& home_page() {
  static const std::string page =
      "<html>\n<head><title>http-check</title></head>\n<body>\n"
      "<p>A home page written by http-check, to be served byte for byte.</p>\n"
      "<img src=\"pixel.png\">\n</body>\n</html>\n";
  return page;
}

// `n` bytes from a fixed-seed generator (xorshift64*): the same on every run and machine.
inline std::string pseudo_random_bytes(std::size_t n, std::uint64_t seed) {
  std::string bytes(n, '\0');
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    bytes[i] = static_cast<char>((x * 0x2545F4914F6CDD1DULL) >> 56);
  }
  return bytes;
}

inline constexpr std::size_t large_file_bytes = std::size_t{3} * 1024 * 1024 + 1234;

// The files every root holds, the big one last.
inline const std::vector<served_file>& root_files() {
  static const std::vector<served_file> files = [] {
    std::string text;
    for (int i = 1; i <= 200; ++i)
      text += "line " + std::to_string(i) + " of a plain text file, served as it is\n";
    // A PNG signature, then every byte value twice: NULs, CRs and LFs must survive.
    std::string binary = "\x89PNG\r\n\x1a\n";
    for (int round = 0; round < 2; ++round)
      for (int b = 0; b < 256; ++b) binary += static_cast<char>(b);
    return std::vector<served_file>{
        {"/home.html", "home.html", home_page(), "text/html"},
        {"/notes.txt", "notes.txt", text, "text/plain"},
        {"/pixel.png", "pixel.png", binary, "image/png"},
        {"/large.jpg", "large.jpg", pseudo_random_bytes(large_file_bytes, 15213), "image/jpeg"},
    };
  }();
  return files;
}

inline const served_file& large_file() { return root_files().back(); }

// A file larger than one connection can hold in flight: the server's largest send buffer
// (tcp_wmem's maximum) and the client's receive buffer (tcp_rmem's default; the bad clients
// shrink theirs), twice over. A server sending it is still writing when a client that stopped
// reading resets or closes, so its next write fails every time, never only when the timing
// is right. Its bytes are not compared: it exists for the bad clients.
inline std::size_t unbufferable_bytes() {
  auto field = [](const char* path, int index, long long fallback) {
    std::istringstream in(echo_check::slurp(path));
    long long v = fallback;
    for (int i = 0; i <= index && in >> v; ++i) {
    }
    return v > 0 ? v : fallback;
  };
  const long long in_flight = field("/proc/sys/net/ipv4/tcp_wmem", 2, 4 << 20) +
                              field("/proc/sys/net/ipv4/tcp_rmem", 1, 128 << 10);
  return static_cast<std::size_t>(std::max<long long>(8 << 20, 2 * in_flight));
}
inline const served_file& unbufferable_file() {
  static const served_file file{"/stream.jpg", "stream.jpg",
                                pseudo_random_bytes(unbufferable_bytes(), 1213), "image/jpeg"};
  return file;
}

// The unreadable file (mode 000: the book's Tiny answers 403 from the permission bits).
inline const std::string& secret_name() {
  static const std::string name = "secret.html";
  return name;
}

// The sentinel's bytes: long and unlikely, so finding them in a body is no accident.
inline const std::string& sentinel_text() {
  static const std::string text =
      "HTTP-CHECK SENTINEL 5f1c9e: this file lies outside the document root\n";
  return text;
}
inline const std::string& sentinel_name() {
  static const std::string name = "outside.txt";
  return name;
}

inline void write_file(const std::string& path, const std::string& bytes, mode_t mode = 0644) {
  ::unlink(path.c_str());  // a mode-000 file from an earlier run cannot be opened for writing
  csapp::unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) csapp::throw_errno(("open " + path).c_str());
  csapp::write_all(fd.get(), bytes);
  if (::fchmod(fd.get(), mode) < 0) csapp::throw_errno(("chmod " + path).c_str());
}

inline void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) < 0 && errno != EEXIST)
    csapp::throw_errno(("mkdir " + path).c_str());
}

// Lays out PARENT/www and PARENT/outside.txt; copies `adder` (if not empty) to
// www/cgi-bin/adder, executable. Returns the root (PARENT/www). Throws std::system_error.
inline std::string make_root(const std::string& parent, const std::string& adder) {
  make_dir(parent);
  std::string root = parent + "/www";
  make_dir(root);
  write_file(parent + "/" + sentinel_name(), sentinel_text());
  for (const auto& f : root_files()) write_file(root + "/" + f.path, f.content);
  write_file(root + "/" + unbufferable_file().path, unbufferable_file().content);
  write_file(root + "/" + secret_name(), "<html>nobody may read this</html>\n", 0);
  if (!adder.empty()) {
    const std::string program = echo_check::slurp(adder);
    if (program.empty()) {
      errno = ENOENT;
      csapp::throw_errno(("read " + adder).c_str());
    }
    make_dir(root + "/cgi-bin");
    write_file(root + "/cgi-bin/adder", program, 0755);
  }
  return root;
}

// What is wrong with `root` as a root laid out by make_root ("" when nothing is).
inline std::string check_root(const std::string& root) {
  for (const auto& f : root_files())
    if (echo_check::slurp(root + "/" + f.path) != f.content)
      return root + "/" + f.path + " is missing or differs";
  struct stat st {};
  if (::stat((root + "/" + unbufferable_file().path).c_str(), &st) < 0 ||
      static_cast<std::size_t>(st.st_size) < unbufferable_file().content.size())
    return root + "/" + unbufferable_file().path + " is missing or too small";
  if (::stat((root + "/" + secret_name()).c_str(), &st) < 0 || (st.st_mode & 0777) != 0)
    return root + "/" + secret_name() + " is missing or readable";
  if (echo_check::slurp(root + "/../" + sentinel_name()) != sentinel_text())
    return root + "/../" + sentinel_name() + " is missing or differs";
  return "";
}

inline bool has_adder(const std::string& root) {
  return ::access((root + "/cgi-bin/adder").c_str(), X_OK) == 0;
}

// Removes a root made by make_root under `parent`, and `parent` itself.
inline void remove_root(const std::string& parent) {
  const std::string root = parent + "/www";
  for (const auto& f : root_files()) ::unlink((root + "/" + f.path).c_str());
  ::unlink((root + "/" + unbufferable_file().path).c_str());
  ::unlink((root + "/" + secret_name()).c_str());
  ::unlink((root + "/cgi-bin/adder").c_str());
  ::rmdir((root + "/cgi-bin").c_str());
  ::rmdir(root.c_str());
  ::unlink((parent + "/" + sentinel_name()).c_str());
  ::rmdir(parent.c_str());
}

}  // namespace http_check
