// bench/bench_rio.cpp - how fast RIO reads lines and byte runs, against the alternatives a
// student would reach for and against what the kernel can deliver.
//
// Two sources, one stream of text: a file that sits in the page cache (read(2) is a copy
// from kernel memory), and a Unix socketpair fed by a writer thread (every byte crosses the
// socket once, and the writer competes for the same two cores). Line readers:
//   rio_readlineb      the book API over this library's RIO (memchr + memcpy per line)
//   csapp::reader      the C++ face's read_line over the same code, with 64 KiB refills
//   bytewise           the book's algorithm, a one-byte buffered read per character
//   fgets, getline     stdio
//   std::getline       iostreams (libstdc++'s stdio_filebuf over the descriptor)
//   limit              read(2) of 64 KiB and a memchr count of the newlines: no copy
//                      out, no per-line call; no line reader can beat it
// and byte runs: rio_readnb against plain read(2), in 4 KiB and 64 KiB requests. Plain read(2)
// in 8 KiB calls, rio_t's refill size, is the ceiling of any reader built on rio_t; the
// notes compare it with each goal.
#include "csapp.h"

#include <benchmark/benchmark.h>
#include <ext/stdio_filebuf.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <istream>
#include <iterator>
#include <string>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <vector>

#include "harness.hpp"

namespace {

constexpr std::size_t stream_bytes = 8 << 20;  // one unit of work: 8 MiB of lines
constexpr std::size_t limit_chunk = 64 << 10;  // the limit's read(2) size

// ---- The baseline: the book's byte-at-a-time line reader, described here in our words ----
//
// A buffered reader whose only primitive hands out up to n bytes from an 8 KiB buffer,
// refilling the buffer with one read(2) when it is empty. The line reader asks that
// primitive for one byte at a time, stores it, and stops after a newline or when the line
// is full. Every character therefore pays a call, a bounds check, a one-byte copy and a
// compare; that per-byte cost is what the memchr version removes.
struct bytewise_reader {
  int fd;          // descriptor read from
  int count;       // unread bytes in buf
  char* next;      // first unread byte
  char buf[8192];  // same size as RIO_BUFSIZE, so only the per-byte work differs
};

ssize_t bytewise_read(bytewise_reader& r, char* to, std::size_t n) {
  while (r.count <= 0) {
    const ssize_t got = ::read(r.fd, r.buf, sizeof r.buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return got;
    r.count = static_cast<int>(got);
    r.next = r.buf;
  }
  const std::size_t take = std::min(n, static_cast<std::size_t>(r.count));
  std::memcpy(to, r.next, take);
  r.next += take;
  r.count -= static_cast<int>(take);
  return static_cast<ssize_t>(take);
}

ssize_t bytewise_readline(bytewise_reader& r, char* out, std::size_t maxlen) {
  std::size_t stored = 0;
  while (stored + 1 < maxlen) {
    char c;
    const ssize_t got = bytewise_read(r, &c, 1);
    if (got < 0) return -1;
    if (got == 0) break;
    out[stored++] = c;
    if (c == '\n') break;
  }
  out[stored] = '\0';
  return static_cast<ssize_t>(stored);
}

// ---- The readers: each reads its descriptor to EOF and returns how many lines or bytes ----

using read_fn = std::size_t (*)(int fd);

std::size_t lines_rio(int fd) {
  rio_t rio;
  rio_readinitb(&rio, fd);
  char line[MAXLINE];
  std::size_t lines = 0;
  while (rio_readlineb(&rio, line, MAXLINE) > 0) ++lines;
  return lines;
}

std::size_t lines_reader(int fd) {
  csapp::reader in(fd);
  char line[MAXLINE];
  std::size_t lines = 0;
  while (in.read_line(line, MAXLINE) > 0) ++lines;
  return lines;
}

std::size_t lines_bytewise(int fd) {
  // Static: the reader holds 8 KiB, and each call starts it afresh anyway.
  static bytewise_reader r;
  r.fd = fd;
  r.count = 0;
  r.next = r.buf;
  char line[MAXLINE];
  std::size_t lines = 0;
  while (bytewise_readline(r, line, MAXLINE) > 0) ++lines;
  return lines;
}

// stdio and iostreams own what they open and close it, so they get a duplicate.
std::size_t lines_fgets(int fd) {
  FILE* f = fdopen(dup(fd), "r");
  char line[MAXLINE];
  std::size_t lines = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) ++lines;
  std::fclose(f);
  return lines;
}

std::size_t lines_getline(int fd) {
  FILE* f = fdopen(dup(fd), "r");
  char* line = nullptr;
  std::size_t capacity = 0;
  std::size_t lines = 0;
  while (getline(&line, &capacity, f) > 0) ++lines;
  std::free(line);
  std::fclose(f);
  return lines;
}

std::size_t lines_std_getline(int fd) {
  __gnu_cxx::stdio_filebuf<char> buf(dup(fd), std::ios::in);
  std::istream in(&buf);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) ++lines;
  return lines;
}

std::size_t lines_limit(int fd) {
  static std::vector<char> buf(limit_chunk);
  std::size_t lines = 0;
  ssize_t got;
  while ((got = ::read(fd, buf.data(), buf.size())) > 0) {
    const char* at = buf.data();
    const char* end = at + got;
    while (const void* nl = std::memchr(at, '\n', static_cast<std::size_t>(end - at))) {
      ++lines;
      at = static_cast<const char*>(nl) + 1;
    }
  }
  return lines;
}

template <std::size_t Chunk>
std::size_t bytes_readnb(int fd) {
  static std::vector<char> buf(Chunk);
  rio_t rio;
  rio_readinitb(&rio, fd);
  std::size_t total = 0;
  ssize_t got;
  while ((got = rio_readnb(&rio, buf.data(), Chunk)) > 0) total += static_cast<std::size_t>(got);
  return total;
}

template <std::size_t Chunk>
std::size_t bytes_read(int fd) {
  static std::vector<char> buf(Chunk);
  std::size_t total = 0;
  ssize_t got;
  while ((got = ::read(fd, buf.data(), Chunk)) > 0) total += static_cast<std::size_t>(got);
  return total;
}

// ---- The sources ----

// `stream_bytes` of text in lines of `length` bytes, newline included.
std::string make_lines(std::size_t length) {
  std::string text;
  text.reserve(stream_bytes);
  for (std::size_t i = 0; text.size() + length <= stream_bytes; ++i) {
    for (std::size_t j = 0; j + 1 < length; ++j) text += static_cast<char>('a' + (i + j) % 26);
    text += '\n';
  }
  return text;
}

// One stream of text, readable from a page-cached file or through a fresh socketpair.
class source {
 public:
  explicit source(std::size_t line_length)
      : text_(make_lines(line_length)), lines_(text_.size() / line_length) {
    char name[] = "/tmp/csapp-bench-rio-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0 || csapp::writen(fd, text_.data(), text_.size()) < 0) die("temporary file");
    ::close(fd);
    path_ = name;
  }
  source(const source&) = delete;
  source& operator=(const source&) = delete;
  ~source() { ::unlink(path_.c_str()); }

  std::size_t lines() const { return lines_; }
  std::size_t bytes() const { return text_.size(); }

  // Opens the file afresh (offset 0, pages already cached) and reads it with `read`.
  std::size_t from_file(read_fn read) const {
    const int fd = ::open(path_.c_str(), O_RDONLY);
    if (fd < 0) die("open");
    const std::size_t got = read(fd);
    ::close(fd);
    return got;
  }

  // A writer thread sends the text and closes its end; `read` reads to that EOF. The
  // writer runs concurrently, as a client would, so both share the machine's cores.
  std::size_t from_socket(read_fn read) const {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) die("socketpair");
    std::thread writer([&] {
      if (csapp::writen(sv[1], text_.data(), text_.size()) < 0) die("write");
      ::close(sv[1]);
    });
    const std::size_t got = read(sv[0]);
    writer.join();
    ::close(sv[0]);
    return got;
  }

 private:
  [[noreturn]] static void die(const char* what) {
    std::perror(what);
    std::exit(1);
  }

  std::string text_;   // the stream
  std::size_t lines_;  // lines in it
  std::string path_;   // the file holding it
};

// A benchmark that returns a wrong count measured nothing: stop the run.
void expect(std::size_t got, std::size_t want, const char* what) {
  if (got == want) return;
  std::fprintf(stderr, "%s: counted %zu, expected %zu\n", what, got, want);
  std::exit(1);
}

struct reader_kind {
  const char* name;
  read_fn read;
  bool counts_lines;  // false: counts bytes
};

const reader_kind line_readers[] = {
    {"rio_readlineb", lines_rio, true}, {"csapp::reader", lines_reader, true},
    {"bytewise", lines_bytewise, true}, {"fgets", lines_fgets, true},
    {"getline", lines_getline, true},   {"std::getline", lines_std_getline, true},
    {"limit", lines_limit, true},
};
// In pairs (candidate, baseline), as the interleaved runs compare them. The last pair is no
// RIO at all: it prices the read(2) calls an 8 KiB buffer needs, for the notes.
const reader_kind byte_readers[] = {
    {"rio_readnb 4KiB", bytes_readnb<4096>, false},   {"read 4KiB", bytes_read<4096>, false},
    {"rio_readnb 64KiB", bytes_readnb<65536>, false}, {"read 64KiB", bytes_read<65536>, false},
    {"read 8KiB", bytes_read<8192>, false},           {"read 64KiB", bytes_read<65536>, false},
};
// The refills of an 8 KiB buffer and nothing else: what any reader of rio_t could reach.
const reader_kind& refills_only = byte_readers[4];

// One unit of work: the whole stream from `where` ("file" or "socketpair"), checked.
std::size_t run_once(const source& s, bool file, const reader_kind& k) {
  const std::size_t got = file ? s.from_file(k.read) : s.from_socket(k.read);
  expect(got, k.counts_lines ? s.lines() : s.bytes(), k.name);
  return got;
}

const bench::ratio* find(const std::vector<bench::ratio>& ratios, const std::string& what,
                         const std::string& candidate, const std::string& baseline) {
  for (const bench::ratio& r : ratios)
    if (r.p->what == what && r.p->candidate_name == candidate && r.p->baseline_name == baseline)
      return &r;
  return nullptr;
}

// What limits each reader, from this run's numbers: the price of a read(2), and for every
// missed goal, whether any reader with the same buffer could have met it.
std::string notes(const std::vector<bench::ratio>& ratios, const std::vector<bench::result>&) {
  using bench::format;
  std::string t = "### What limits each approach (computed from the runs above)\n\n";
  for (const char* where : {"file", "socketpair"}) {
    const bench::ratio* calls =
        find(ratios, std::string(where) + ", byte runs", "read 8KiB", "read 64KiB");
    if (calls == nullptr) continue;
    const double us8 = 8192 / calls->candidate_rate;  // µs per read(2), since rate is MB/s
    const double us64 = 65536 / calls->baseline_rate;
    const double fixed = (us8 * 8 - us64) / 7;  // 8 small reads minus one large: 7 fixed costs
    t += "- **" + std::string(where) + "**: moving the stream with plain read(2) runs at " +
         format("%.0f MB/s in 8 KiB calls and %.0f MB/s in 64 KiB calls", calls->candidate_rate,
                calls->baseline_rate) +
         format(" (%.2f µs and %.2f µs per call), so each call has a fixed cost of about ", us8,
                us64) +
         format("%.2f µs. An 8 KiB buffer needs 122 calls per MB: %.0f µs of fixed cost per MB, ",
                fixed, fixed * 122) +
         format("against %.0f µs per MB for the whole 64 KiB transfer.\n",
                1e6 / calls->baseline_rate);
  }
  t += "\n";
  for (const bench::ratio& r : ratios) {
    const bench::pair& p = *r.p;
    if (p.goal <= 0 || r.median >= p.goal) continue;
    const std::string where = p.what.substr(0, p.what.find(','));
    const double needed = p.goal * r.baseline_rate;
    t += "- MISS, " + p.what + ", `" + p.candidate_name + "` vs `" + p.baseline_name +
         "`: " + format("%.2f× of the %.2f× goal; it needs %.0f MB/s.", r.median, p.goal, needed);
    const bench::ratio* refills = find(ratios, p.what, refills_only.name, p.baseline_name);
    if (p.candidate_name == "rio_readlineb" && refills != nullptr && refills->median < p.goal) {
      t += format(
               " The refills alone (`read 8KiB` over the same stream, no line handling "
               "at all) reach only %.2f× ",
               refills->median) +
           "`" + p.baseline_name +
           "` here, interleaved the same way, so no reader that refills the book's 8 KiB rio_t "
           "buffer can meet this goal on this machine; rio_t's size is fixed by the book API.";
      if (r.median > refills->median)
        t += format(
            " (rio_readlineb's own median, %.2f×, is above that ceiling: in this run the "
            "noise between two pairs' medians is larger than the line handling's cost; "
            "both are well short of the goal.)",
            r.median);
      if (const bench::ratio* cpp = find(ratios, p.what, "csapp::reader", p.baseline_name))
        t += format(" `csapp::reader`, the same algorithm with 64 KiB refills, reaches %.2f×.",
                    cpp->median);
    } else if (p.candidate_name == "rio_readlineb" && refills != nullptr) {
      // The refills fit within the goal, but only just: say how much time the goal leaves for
      // the line handling, in units of the refills' own time, and how much it takes.
      const double left = refills->median / p.goal - 1;
      const double used = refills->median / r.median - 1;
      t += format(
          " The refills alone (`read 8KiB`, no line handling) reach %.2f× here, so the "
          "goal leaves the line handling (a memchr and a memcpy per line into the "
          "caller's buffer) %.0f%% of the refills' own time; it takes %.0f%%.",
          refills->median, left * 100, used * 100);
      if (const bench::ratio* cpp = find(ratios, p.what, "csapp::reader", p.baseline_name))
        t += format(" With 64 KiB refills (`csapp::reader`) the same code reaches %.2f×.",
                    cpp->median);
    }
    if (p.baseline_name == "bytewise") {
      if (const bench::ratio* ceiling = find(ratios, p.what, "limit", "bytewise");
          ceiling != nullptr && ceiling->median < p.goal)
        t += format(
            " Even `limit` (read(2) of 64 KiB and memchr, no copy out) is only %.2f× "
            "`bytewise` here: the transfer itself, not the line handling, dominates "
            "this source, so no line reader can reach %.0f×.",
            ceiling->median, p.goal);
    }
    if (r.high >= p.goal)
      t += format(" The rounds ranged %.2f–%.2f×, across the goal: the machine was noisy.", r.low,
                  r.high);
    t += "\n";
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const source short_lines(64), long_lines(1024);
  struct stream {
    const source* s;
    const char* label;
  };
  const stream streams[] = {{&short_lines, "64B lines"}, {&long_lines, "1KiB lines"}};

  for (bool file : {true, false}) {
    const std::string where = file ? "file" : "socketpair";
    for (const stream& st : streams) {
      for (const reader_kind& k : line_readers) {
        const std::string name = "lines/" + where + "/" + st.label + "/" + k.name;
        benchmark::RegisterBenchmark(
            name.c_str(),
            [&k, s = st.s, file](benchmark::State& state) {
              for (auto _ : state) run_once(*s, file, k);
              state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s->bytes()));
            })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
    for (const reader_kind& k : byte_readers) {
      if (&k == &byte_readers[5]) continue;  // the same as byte_readers[3]
      const std::string name = "bytes/" + where + "/" + k.name;
      benchmark::RegisterBenchmark(
          name.c_str(),
          [&k, s = &long_lines, file](benchmark::State& state) {
            for (auto _ : state) run_once(*s, file, k);
            state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s->bytes()));
          })
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }

  // The interleaved pairs: the goals for rio_readlineb in each setting, then context.
  std::vector<bench::pair> pairs;
  const auto side = [](const source* s, bool file, const reader_kind& k) {
    return [s, file, &k] { run_once(*s, file, k); };
  };
  const auto& rio = line_readers[0];
  const auto& cpp = line_readers[1];
  const auto& bytewise = line_readers[2];
  const auto& fgets = line_readers[3];
  const auto& limit = line_readers[6];
  // For each source and line length: the goals for the book's rio_readlineb and for the C++
  // reader (64 KiB buffer), then two ceilings: limit / bytewise, the most any reader could
  // reach on the 8x goal, and 8 KiB refills alone against limit and bytewise, the most any
  // reader of the book's rio_t could reach.
  for (bool file : {true, false}) {
    const std::string where = file ? "file" : "socketpair";
    for (const stream& st : streams) {
      const double mb = static_cast<double>(st.s->bytes()) / 1e6;
      const std::string what = where + ", " + st.label;
      for (const auto& [k, base, goal] :
           {std::tuple{&rio, &limit, 0.75}, std::tuple{&rio, &fgets, 1.3},
            std::tuple{&rio, &bytewise, 8.0}, std::tuple{&cpp, &limit, 0.75},
            std::tuple{&cpp, &fgets, 1.3}, std::tuple{&cpp, &bytewise, 8.0},
            std::tuple{&limit, &bytewise, 0.0}, std::tuple{&refills_only, &limit, 0.0},
            std::tuple{&refills_only, &bytewise, 0.0}}) {
        pairs.push_back({what, k->name, base->name, goal, side(st.s, file, *k),
                         side(st.s, file, *base), mb, "MB"});
      }
    }
    for (std::size_t i = 0; i < std::size(byte_readers); i += 2) {
      const double mb = static_cast<double>(long_lines.bytes()) / 1e6;
      pairs.push_back({where + ", byte runs", byte_readers[i].name, byte_readers[i + 1].name, 0,
                       side(&long_lines, file, byte_readers[i]),
                       side(&long_lines, file, byte_readers[i + 1]), mb, "MB"});
    }
  }

  const std::string intro =
      "Each unit of work reads 8 MiB of text to end of file, either from a file in the page "
      "cache (opened afresh each time) or from a Unix socketpair that a writer thread fills "
      "concurrently. `bytewise` is the book's algorithm (one buffered one-byte read per "
      "character, 8 KiB buffer) written here as the baseline; `limit` is read(2) of 64 KiB "
      "with a memchr count of the newlines — no line is copied out. Every run checks the "
      "line (or byte) count.";
  return bench::run(argc, argv, "Line and byte reading (bench_rio)", intro, pairs, notes);
}
