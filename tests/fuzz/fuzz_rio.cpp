// tests/fuzz/fuzz_rio.cpp - a libFuzzer target for the buffered line reader (csapp/rio.hpp),
// checked call by call against a model of what each call must return.
//
// Why a fuzzer on top of tests/test_rio.cpp: the unit tests pick the edges someone thought
// of; the fuzzer picks byte streams, delivery schedules, request sizes and faults nobody
// thought of, and the model says what the answer must be for any of them.
//
// One input is one run: a byte stream goes through a real descriptor (a pipe or a
// socketpair) and one face of the reader (the book's rio_readlineb/rio_readnb on a rio_t,
// the checked Rio_* of csapp.h, or csapp::reader with a buffer of 1 byte to 64 KiB) takes
// it back with a scripted series of calls. Every result is compared with the model below,
// which knows only the stream and the documented contracts, never the reader's buffer:
//   - rio_readlineb(maxlen): the bytes up to and including the first newline, at most
//     maxlen-1 of them, NUL-terminated; 0 at end of file; maxlen 0 stores nothing;
//   - rio_readnb(n) and rio_readn(n): min(n, bytes left), short only at end of file;
//   - an error comes back as -1 and errno (book face), 0 for a reset peer (Rio_*), or a
//     std::system_error carrying the errno (csapp::reader); EINTR never comes back;
//   - reader::read_line(std::string&, limit): a line of at most limit bytes, false when
//     nothing was read; a moved-from reader fails with EBADF, one moved onto itself reads on;
//   - bytes read from the descriptor = bytes handed out + buffered(), and has_line() says
//     whether those buffered bytes hold a newline; when it says so, the next line needs no
//     read(2).
//
// The run is single-threaded and deterministic: the program is linked with
// -Wl,--wrap=read, so the reader's read(2) calls on the descriptor under test come here
// first (__wrap_read below). When the descriptor holds nothing, the writer's next chunk is
// written (non-blocking) just before the real read, so no read ever blocks; when the stream
// is all written, the writer end is closed, shut down, or reset. The same wrapper injects
// faults the script arms: EINTR, short reads, and a hard error (ECONNRESET or EIO).
//
// Not covered here: writen/rio_writen/write_all (the writer side is the harness's own
// non-blocking write), the reader's refusal of a 0 or >1 GiB buffer, and real signals
// (EINTR is injected; tests/test_rio.cpp raises real ones). A pipe's "reset" is injected
// too; a socketpair's is the kernel's own ECONNRESET.
//
// Input format (everything optional: a short input means zeros):
//   byte 0     transport (bit 0: pipe or socketpair), face (bits 1-2), end (bits 3-4:
//              close, shutdown, reset)
//   byte 1     low nibble: csapp::reader buffer size; high nibble: the writer's chunk size
//   byte 2     how many times the stream seed is repeated (reach 8 KiB+ from small inputs)
//   bytes 3-4  seed length L, little-endian, cut to what is there; then L bytes of seed
//   the rest   the script, two bytes per step: opcode and argument (see run_step)
// After the script the rest of the stream is read line by line to its end, then twice past it.
#include "csapp.h"

#include <csapp/rio.hpp>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <vector>

extern "C" ssize_t __real_read(int fd, void* buf, size_t count);
extern "C" ssize_t __wrap_read(int fd, void* buf, size_t count);

namespace {

[[noreturn]] void fail(int line, const char* what, const char* detail) {
  std::fprintf(stderr, "fuzz_rio.cpp:%d: check failed: %s (%s)\n", line, what, detail);
  std::abort();
}
// A broken promise is a finding: abort, so libFuzzer saves the input. Not assert(): the
// preset builds with NDEBUG.
#define FUZZ_CHECK(cond, detail)                  \
  do {                                            \
    if (!(cond)) fail(__LINE__, #cond, (detail)); \
  } while (0)

// ---- The descriptor under test and its scripted writer ----

enum class end_mode { close, shutdown, reset };

struct fault {
  enum kind_t { eintr, short_read, error } kind;  // what the next read(2) on the fd gets
  std::size_t limit;                              // short_read: the most it may return
  int err;                                        // error: the errno
};

struct feed_state {
  int rfd = -1;         // the reader's end: its read(2) calls come through the script
  int wfd = -1;         // the writer's end (non-blocking); -1 once closed
  bool socket = false;  // socketpair (true) or pipe
  const std::string* stream = nullptr;  // every byte the writer will send
  std::size_t written = 0;              // how much of it the kernel has taken
  std::size_t chunk = 1;                // how much the writer sends when the reader finds nothing
  end_mode end = end_mode::close;
  bool finished = false;     // the end (close, shutdown or reset) has happened
  std::deque<fault> faults;  // armed, one per coming read(2)
  std::size_t reads = 0;     // read(2) calls on rfd that reached the kernel
  std::size_t bytes_in = 0;  // bytes those calls returned
  int injected_errno = 0;    // an armed hard error returned since last cleared, or 0
};
feed_state feed;

// Sends up to n more bytes of the stream without blocking; what does not fit stays unsent.
void push(std::size_t n) {
  const std::string& s = *feed.stream;
  n = std::min(n, s.size() - feed.written);
  while (n > 0 && feed.wfd >= 0) {
    const char* at = s.data() + feed.written;
    const ssize_t put = feed.socket ? ::send(feed.wfd, at, n, MSG_NOSIGNAL | MSG_DONTWAIT)
                                    : ::write(feed.wfd, at, n);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return;  // full (EAGAIN): the rest goes once the reader has drained some
    feed.written += static_cast<std::size_t>(put);
    n -= static_cast<std::size_t>(put);
  }
}

// Every read(2) on rfd comes through __wrap_read, so the bookkeeping knows what waits in the
// kernel without asking it (an ioctl per read would cost as much as the read).
std::size_t unread_in_kernel() { return feed.written - feed.bytes_in; }

// The end of the stream, once every byte has been read: end of file, or a reset.
// Returns true when the caller should report ECONNRESET itself (a pipe cannot be reset).
bool finish() {
  feed.finished = true;
  if (feed.end == end_mode::shutdown && feed.socket) {
    ::shutdown(feed.wfd, SHUT_WR);
    return false;
  }
  // A socket closed with unread data of its own is reset: the peer's next read(2), once it
  // has drained what was sent, fails with ECONNRESET, and later reads see end of file.
  ::close(feed.wfd);
  feed.wfd = -1;
  return feed.end == end_mode::reset && !feed.socket;
}

}  // namespace

extern "C" ssize_t __wrap_read(int fd, void* buf, size_t count) {
  if (fd != feed.rfd || fd < 0) return __real_read(fd, buf, count);
  if (!feed.faults.empty()) {
    const fault f = feed.faults.front();
    feed.faults.pop_front();
    if (f.kind == fault::eintr) {
      errno = EINTR;
      return -1;
    }
    if (f.kind == fault::error) {
      feed.injected_errno = f.err;
      errno = f.err;
      return -1;
    }
    count = std::min(count, f.limit);
  }
  if (unread_in_kernel() == 0) {
    if (feed.written < feed.stream->size()) {
      push(feed.chunk);
      // An empty descriptor always takes some bytes; if not, fail rather than block forever.
      FUZZ_CHECK(unread_in_kernel() > 0, "the writer could not send into an empty descriptor");
    } else if (!feed.finished && finish()) {
      errno = ECONNRESET;
      return -1;
    }
  }
  const ssize_t got = __real_read(fd, buf, count);
  ++feed.reads;
  if (got > 0) feed.bytes_in += static_cast<std::size_t>(got);
  return got;
}

namespace {

// ---- The model: what a call must return, from the stream alone ----

struct model {
  const std::string* stream;  // the whole stream
  std::size_t pos = 0;        // bytes the caller has been given (or lost to an error)
  bool reset_due = false;     // the end is a reset not yet reported

  std::size_t left() const { return stream->size() - pos; }

  // What a request for at most `room` bytes, stopping after a newline when `line`, gets:
  // the byte count and whether it must fail instead (a reset at the end of the stream).
  struct answer {
    std::size_t n;  // bytes it returns, or the bytes consumed and lost when it fails
    bool fails;     // it reaches past the stream's end, where the end is a reset
  };
  answer ask(std::size_t room, bool line) const {
    const std::size_t avail = left();
    const std::size_t span = std::min(room, avail);
    if (line) {
      const void* nl = std::memchr(stream->data() + pos, '\n', span);
      if (nl != nullptr) {
        return {static_cast<std::size_t>(static_cast<const char*>(nl) - (stream->data() + pos)) + 1,
                false};
      }
    }
    return {span, room > avail && reset_due};
  }
  void take(const answer& a) {
    pos += a.n;
    if (a.fails) reset_due = false;  // reported once; end of file after that
  }
  const char* at() const { return stream->data() + pos; }
};

// ---- The faces ----

enum class face { book, checked, reader };

const char* face_name(face f) {
  switch (f) {
    case face::book:
      return "book rio_*";
    case face::checked:
      return "book Rio_*";
    case face::reader:
      return "csapp::reader";
  }
  return "?";
}

struct result {
  bool failed = false;  // the call reported an error (-1, or threw)
  int err = 0;          // its errno
  std::size_t n = 0;    // its count otherwise
};

// Runs a call of the C++ face, turning a std::system_error into a result.
template <class Call>
result catching(Call&& call) {
  result r;
  try {
    r.n = call();
  } catch (const std::system_error& e) {
    FUZZ_CHECK(e.code().category() == std::generic_category(), "errno in generic_category");
    r.failed = true;
    r.err = e.code().value();
  }
  return r;
}

result from_rc(ssize_t rc) {
  result r;
  if (rc < 0) {
    r.failed = true;
    r.err = errno;
  } else {
    r.n = static_cast<std::size_t>(rc);
  }
  return r;
}

constexpr std::size_t reader_sizes[] = {
    1, 2, 3, 5, 16, 100, 4095, 8192, csapp::reader::default_buffer};
constexpr std::size_t chunk_sizes[] = {1, 2, 3, 7, 64, 511, 4096, 8193, 65536, SIZE_MAX};
constexpr std::size_t repeats[] = {1, 1, 1, 1, 2, 3, 5, 16, 100, 1000};
// Keeps one run in milliseconds: at most 256 KiB, and at most 16 buffers' worth (4 KiB for
// the tiny buffers), since each refill is a read(2) and a 1-byte buffer reads byte by byte.
constexpr std::size_t max_stream = std::size_t{256} * 1024;
constexpr std::size_t min_stream_cap = 4096;
constexpr std::size_t max_steps = 256;
constexpr std::size_t max_faults = 32;

class run {
 public:
  run(face f, std::size_t reader_size, const std::string& stream, end_mode end)
      : face_(f), model_{&stream} {
    model_.reset_due = end == end_mode::reset;
    buffer_size_ = f == face::reader ? reader_size : RIO_BUFSIZE;
    if (f == face::reader) {
      // The one-argument constructor when the size is its default, to cover both.
      reader_ = reader_size == csapp::reader::default_buffer
                    ? std::make_unique<csapp::reader>(feed.rfd)
                    : std::make_unique<csapp::reader>(feed.rfd, reader_size);
    } else {
      rio_ = std::make_unique<rio_t>();  // on the heap, so ASan sees past its buffer
      if (f == face::book)
        rio_readinitb(rio_.get(), feed.rfd);
      else
        Rio_readinitb(rio_.get(), feed.rfd);
    }
  }

  bool alive() const { return alive_; }
  bool checked() const { return face_ == face::checked; }

  // A request size: the edges (0, 1, 2, MAXLINE±1, the buffer's size±1, what is left±1)
  // or a small number from the argument.
  std::size_t pick(unsigned sel, unsigned arg) const {
    const std::size_t left = model_.left();
    switch (sel % 16) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return 2;
      case 3:
        return 3;
      case 4:
        return arg;
      case 5:
        return arg * 37 + 4;
      case 6:
        return MAXLINE - 1;
      case 7:
        return MAXLINE;
      case 8:
        return MAXLINE + 1;
      case 9:
        return buffer_size_ - 1;
      case 10:
        return buffer_size_;
      case 11:
        return buffer_size_ + 1;
      case 12:
        return 2 * buffer_size_ + arg;
      case 13:
        return left;
      case 14:
        return left + 1;
      default:
        return left + arg;
    }
  }

  void readline(std::size_t maxlen) {
    // Exactly maxlen bytes on the heap: a byte stored past them is an ASan report.
    std::unique_ptr<char[]> buf(new char[maxlen]);
    const bool line_buffered = has_line();
    const model::answer want = maxlen == 0 ? model::answer{0, false} : model_.ask(maxlen - 1, true);
    const std::size_t reads_before = feed.reads;
    result got;
    switch (face_) {
      case face::book:
        got = from_rc(rio_readlineb(rio_.get(), buf.get(), maxlen));
        break;
      case face::checked:
        got = from_rc(Rio_readlineb(rio_.get(), buf.get(), maxlen));
        break;
      case face::reader:
        got = catching([&] { return reader_->read_line(buf.get(), maxlen); });
        break;
    }
    if (!judge(got, want, "readlineb")) return;
    if (maxlen > 0) {
      FUZZ_CHECK(std::memcmp(buf.get(), model_.at(), want.n) == 0, "readlineb: the line's bytes");
      FUZZ_CHECK(buf[want.n] == '\0', "readlineb: NUL after the line");
    }
    // A whole line was buffered and there is room for it: no read(2) may be needed.
    if (line_buffered && want.n < maxlen && want.n > 0 && model_.at()[want.n - 1] == '\n')
      FUZZ_CHECK(feed.reads == reads_before, "has_line() promised a line without read(2)");
    model_.take(want);
  }

  void readnb(std::size_t n, bool unbuffered) {
    std::unique_ptr<char[]> buf(new char[n]);
    const model::answer want = model_.ask(n, false);
    // readn bypasses the buffer, so it may only be used when nothing is buffered.
    unbuffered = unbuffered && buffered() == 0;
    result got;
    switch (face_) {
      case face::book:
        got = from_rc(unbuffered ? rio_readn(feed.rfd, buf.get(), n)
                                 : rio_readnb(rio_.get(), buf.get(), n));
        break;
      case face::checked:
        got = from_rc(unbuffered ? Rio_readn(feed.rfd, buf.get(), n)
                                 : Rio_readnb(rio_.get(), buf.get(), n));
        break;
      case face::reader:
        got = unbuffered ? from_rc(csapp::readn(feed.rfd, buf.get(), n))
                         : catching([&] { return reader_->read(buf.get(), n); });
        break;
    }
    if (!judge(got, want, unbuffered ? "readn" : "readnb")) return;
    FUZZ_CHECK(std::memcmp(buf.get(), model_.at(), want.n) == 0, "readnb: the bytes");
    model_.take(want);
  }

  // reader::read_line(std::string&, limit); the book faces have no such call.
  void read_string_line(std::size_t limit) {
    if (face_ != face::reader) return readline(std::min<std::size_t>(limit, MAXLINE) + 1);
    const model::answer want = model_.ask(limit, true);
    std::string line = "stale";
    bool more = false;
    const result got = catching([&] {
      more = reader_->read_line(line, limit);
      return line.size();
    });
    if (!judge(got, want, "read_line(string)")) return;
    FUZZ_CHECK(more == (want.n > 0), "read_line(string): false only when nothing was read");
    FUZZ_CHECK(line.compare(0, std::string::npos, model_.at(), want.n) == 0,
               "read_line(string): the line");
    model_.take(want);
  }

  // Moves the reader into a new object (constructor or assignment), maybe checks that the
  // moved-from one holds nothing and fails with EBADF, maybe moves it onto itself.
  void move_reader(unsigned how) {
    if (face_ != face::reader) return;
    std::unique_ptr<csapp::reader> next;
    if (how & 1) {
      next = std::make_unique<csapp::reader>(std::move(*reader_));
    } else {
      next = std::make_unique<csapp::reader>(-1, 3);
      *next = std::move(*reader_);
    }
    FUZZ_CHECK(next->fd() == feed.rfd, "the moved-to reader has the descriptor");
    FUZZ_CHECK(next->buffer_size() == buffer_size_, "the moved-to reader has the buffer");
    if (how & 2) {
      csapp::reader& old = *reader_;
      FUZZ_CHECK(old.fd() == -1 && old.buffered() == 0 && !old.has_line(), "moved-from is empty");
      char byte = 0;
      const result r = catching([&] { return old.read(&byte, 1); });
      FUZZ_CHECK(r.failed && r.err == EBADF, "a read on a moved-from reader fails with EBADF");
    }
    reader_ = std::move(next);
    if (how & 4) {
      // Assigned to itself, through a second name (the warning catches the plain spelling),
      // a reader must keep its descriptor and buffered bytes; the run goes on reading it.
      csapp::reader& same = *reader_;
      *reader_ = std::move(same);
      FUZZ_CHECK(reader_->fd() == feed.rfd, "a self-moved reader keeps its descriptor");
    }
  }

  // Reads the rest line by line: to the end, through the end (a reset is reported once),
  // then twice past it, where every call must see end of file.
  void drain() {
    while (alive_ && (model_.left() > 0 || model_.reset_due)) {
      readline(MAXLINE);
      if (alive_) check_invariants();
    }
    for (int i = 0; i < 2 && alive_; ++i) {
      readline(MAXLINE);
      if (alive_) check_invariants();
    }
  }

  // Bytes read from the descriptor = bytes handed out + bytes buffered; has_line() is
  // whether the buffered bytes (the next ones of the stream) hold a newline.
  void check_invariants() const {
    const std::size_t b = buffered();
    FUZZ_CHECK(b <= buffer_size_, "buffered() fits the buffer");
    FUZZ_CHECK(b <= model_.left(), "buffered() holds only bytes of the stream");
    FUZZ_CHECK(feed.bytes_in == model_.pos + b, "bytes read = bytes handed out + buffered()");
    const bool nl = std::memchr(model_.at(), '\n', b) != nullptr;
    FUZZ_CHECK(has_line() == nl, "has_line() is whether a newline is buffered");
  }

 private:
  std::size_t buffered() const {
    return face_ == face::reader ? reader_->buffered() : rio_buffered(*rio_);
  }
  bool has_line() const {
    return face_ == face::reader ? reader_->has_line() : rio_has_line(*rio_);
  }

  // Compares a call's outcome with the model's. Returns false when the call failed as it
  // had to, which ends the run (the bytes it consumed are lost, as documented).
  bool judge(const result& got, const model::answer& want, const char* call) {
    const int injected = std::exchange(feed.injected_errno, 0);
    if (injected != 0) {
      // An armed error was returned by a read(2) this call made: the call must report it.
      if (face_ == face::checked)
        FUZZ_CHECK(!got.failed && got.n == 0, call);  // Rio_*: a reset peer reads as EOF
      else
        FUZZ_CHECK(got.failed && got.err == injected, call);
      alive_ = false;
      return false;
    }
    FUZZ_CHECK(!(got.failed && got.err == EINTR), "EINTR reached the caller");
    if (want.fails) {
      if (face_ == face::checked)
        FUZZ_CHECK(!got.failed && got.n == 0, call);
      else
        FUZZ_CHECK(got.failed && got.err == ECONNRESET, call);
      model_.take(want);
      return false;
    }
    if (got.failed) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "%s failed with errno %d on %s", call, got.err,
                    face_name(face_));
      fail(__LINE__, "an unexpected failure", detail);
    }
    if (got.n != want.n) {
      char detail[160];
      std::snprintf(detail, sizeof detail, "%s on %s returned %zu, the model says %zu", call,
                    face_name(face_), got.n, want.n);
      fail(__LINE__, "the count", detail);
    }
    return true;
  }

  face face_;                              // which API the run calls
  model model_;                            // what the calls must return
  std::size_t buffer_size_ = 0;            // the reader's buffer
  std::unique_ptr<rio_t> rio_;             // the book faces' state
  std::unique_ptr<csapp::reader> reader_;  // the C++ face
  bool alive_ = true;                      // false after an armed error was reported
};

// Reads the input front to back; past its end every byte is 0.
struct input {
  const std::uint8_t* at;  // next byte
  std::size_t left;        // bytes after it
  unsigned byte() {
    if (left == 0) return 0;
    --left;
    return *at++;
  }
};

void run_step(run& r, unsigned op, unsigned arg) {
  const unsigned sel = op >> 3;
  switch (op & 7) {
    case 0:
    case 1:
      r.readline(r.pick(sel, arg));
      break;
    case 2:
      r.readnb(r.pick(sel, arg), false);
      break;
    case 3:  // the writer sends more now, so several chunks wait together
      push(static_cast<std::size_t>(arg) << (sel % 12));
      break;
    case 4:  // arm a fault for a coming read(2)
      if (feed.faults.size() >= max_faults) break;
      switch (sel % 4) {
        case 0:
          feed.faults.push_back({fault::eintr, 0, 0});
          break;
        case 1:
          feed.faults.push_back({fault::short_read, arg % 16 + 1, 0});
          break;
        case 2:
          // Rio_* end the program on anything but a vanished peer, so they get ECONNRESET.
          feed.faults.push_back({fault::error, 0, r.checked() || !(arg & 1) ? ECONNRESET : EIO});
          break;
        default:
          for (unsigned i = 0; i <= arg % 4; ++i) feed.faults.push_back({fault::eintr, 0, 0});
          feed.faults.push_back({fault::short_read, arg % 3 + 1, 0});
          break;
      }
      break;
    case 5:
      r.readnb(r.pick(sel, arg), true);
      break;
    case 6:
      r.read_string_line(sel % 16 == 15 ? SIZE_MAX - 1 : r.pick(sel, arg));
      break;
    default:
      r.move_reader(sel);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input in{data, size};
  const unsigned setup = in.byte();
  const bool socket = (setup & 1) != 0;
  const face f = static_cast<face>(std::min((setup >> 1) & 3, 2u));
  const end_mode end = static_cast<end_mode>(((setup >> 3) & 3) % 3);
  const unsigned sizes = in.byte();
  const std::size_t reader_size = reader_sizes[(sizes & 15) % std::size(reader_sizes)];
  const std::size_t chunk = chunk_sizes[(sizes >> 4) % std::size(chunk_sizes)];
  const std::size_t repeat = repeats[in.byte() % std::size(repeats)];
  std::size_t seed_len = in.byte();
  seed_len |= static_cast<std::size_t>(in.byte()) << 8;
  seed_len = std::min(seed_len, in.left);
  const std::size_t buffer = f == face::reader ? reader_size : RIO_BUFSIZE;
  const std::size_t cap = std::min(max_stream, std::max(min_stream_cap, 16 * buffer));
  std::string stream;
  for (std::size_t i = 0; i < repeat && (i == 0 || stream.size() + seed_len <= cap); ++i)
    stream.append(reinterpret_cast<const char*>(in.at), seed_len);
  in.at += seed_len;
  in.left -= seed_len;

  int fds[2];
  const int rc = socket ? ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : ::pipe(fds);
  FUZZ_CHECK(rc == 0, "a pipe or socketpair");
  feed = feed_state{};
  feed.rfd = fds[0];
  feed.wfd = fds[1];
  feed.socket = socket;
  feed.stream = &stream;
  // At most about 512 writes per run, so a long stream does not go one byte at a time.
  feed.chunk = std::max(chunk, stream.size() / 512);
  feed.end = end;
  if (!socket) ::fcntl(feed.wfd, F_SETFL, O_NONBLOCK);
  // A byte the writer never reads: closing it with that unread makes the close a reset.
  if (socket && end == end_mode::reset) ::send(feed.rfd, "x", 1, MSG_NOSIGNAL);

  {
    run r(f, reader_size, stream, end);
    for (std::size_t step = 0; step < max_steps && in.left > 0 && r.alive(); ++step) {
      const unsigned op = in.byte();
      const unsigned arg = in.byte();
      run_step(r, op, arg);
      if (r.alive()) r.check_invariants();
    }
    // Unspent faults are dropped: the rest of the stream is read as it comes.
    feed.faults.clear();
    r.drain();
  }
  if (feed.wfd >= 0) ::close(feed.wfd);
  ::close(feed.rfd);
  feed = feed_state{};
  return 0;
}

// The wrapper is the whole point of the scripted schedule: refuse to run without it (a
// fortified build, for one, would call __read_chk instead of read).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string empty;
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  feed = feed_state{};
  feed.rfd = fds[0];
  feed.wfd = fds[1];
  feed.stream = &empty;
  rio_t rio;
  rio_readinitb(&rio, fds[0]);
  char line[4];
  (void)rio_readlineb(&rio, line, sizeof line);
  const bool wrapped = feed.reads == 1;
  if (feed.wfd >= 0) ::close(feed.wfd);
  ::close(fds[0]);
  feed = feed_state{};
  if (!wrapped) {
    std::fprintf(stderr,
                 "fuzz_rio: read(2) is not routed through __wrap_read; "
                 "link with -Wl,--wrap=read and without _FORTIFY_SOURCE\n");
    std::abort();
  }
  return 0;
}
