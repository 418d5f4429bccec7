// Tests for csapp/fd.hpp: unique_fd owns exactly one descriptor. It closes it when it goes
// away, hands it over on a move (the old owner is left empty, the old target is closed),
// gives it up on release(), and keeps errno intact across reset().
#include <csapp/fd.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <system_error>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <vector>

#include "support/support.hpp"

namespace {

// Whether `fd` names an open descriptor of this process. F_GETFD has no side effects and
// fails with EBADF exactly when the descriptor is not open.
bool is_open(int fd) {
  errno = 0;
  if (::fcntl(fd, F_GETFD) != -1) return true;
  return errno != EBADF;  // any other failure would be a surprise: report it as "open"
}

bool is_closed(int fd) {
  errno = 0;
  return ::fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

// A fresh descriptor this test owns by hand (the read end of a pipe; the write end closed).
int raw_descriptor() {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[1]);
  return fds[0];
}

// Self-move through a reference, so the compiler's -Wself-move does not object to a test
// that does it on purpose.
template <class T>
void assign_from(T& target, T& source) {
  target = std::move(source);
}

}  // namespace

static_assert(!std::is_copy_constructible_v<csapp::unique_fd>, "one owner per descriptor");
static_assert(!std::is_copy_assignable_v<csapp::unique_fd>, "one owner per descriptor");
static_assert(std::is_nothrow_move_constructible_v<csapp::unique_fd>);
static_assert(std::is_nothrow_move_assignable_v<csapp::unique_fd>);
static_assert(std::is_nothrow_destructible_v<csapp::unique_fd>);
static_assert(!std::is_convertible_v<csapp::unique_fd, bool>, "operator bool is explicit");
static_assert(!std::is_convertible_v<int, csapp::unique_fd>, "taking ownership is explicit");

TEST_CASE("fd.an empty owner holds -1 and is false") {
  const csapp::unique_fd empty;
  CHECK(empty.get() == -1);
  CHECK_FALSE(empty);

  const csapp::unique_fd explicit_none(-1);
  CHECK_FALSE(explicit_none);
}

TEST_CASE("fd.operator bool is true for any owned descriptor, including 0") {
  const int raw = raw_descriptor();
  csapp::unique_fd owner(raw);
  CHECK(owner);
  CHECK(owner.get() == raw);

  // Descriptor 0 is a real descriptor; only negative values mean "none".
  csapp::unique_fd zero(0);
  CHECK(zero);
  CHECK(zero.release() == 0);  // never close our stdin
}

TEST_CASE("fd.the destructor closes the descriptor") {
  const int before = test_support::open_fd_count();
  int raw = -1;
  {
    csapp::unique_fd owner(raw_descriptor());
    raw = owner.get();
    REQUIRE(is_open(raw));
    CHECK(test_support::open_fd_count() == before + 1);
  }
  CHECK(is_closed(raw));
  CHECK(test_support::open_fd_count() == before);
}

TEST_CASE("fd.move construction transfers ownership and leaves the source empty") {
  const int raw = raw_descriptor();
  int moved_to = -1;
  {
    csapp::unique_fd target;
    {
      csapp::unique_fd source(raw);
      csapp::unique_fd taken(std::move(source));
      CHECK(source.get() == -1);  // NOLINT(bugprone-use-after-move): the state is the point
      CHECK_FALSE(source);
      CHECK(taken.get() == raw);
      target = std::move(taken);
    }
    // Both earlier owners are gone; the descriptor must have survived them.
    moved_to = target.get();
    CHECK(moved_to == raw);
    CHECK(is_open(raw));
  }
  CHECK(is_closed(raw));
}

TEST_CASE("fd.move assignment closes the target's old descriptor and takes the new one") {
  const int first = raw_descriptor();
  const int second = raw_descriptor();
  csapp::unique_fd source(first);
  csapp::unique_fd target(second);

  target = std::move(source);
  CHECK(target.get() == first);
  CHECK(source.get() == -1);  // NOLINT(bugprone-use-after-move)
  CHECK(is_closed(second));   // the old target was closed, not leaked
  CHECK(is_open(first));

  // Assigning an empty owner closes what the target held.
  target = csapp::unique_fd();
  CHECK(target.get() == -1);
  CHECK(is_closed(first));
}

TEST_CASE("fd.self move assignment keeps the descriptor open and owned") {
  const int raw = raw_descriptor();
  {
    csapp::unique_fd owner(raw);
    assign_from(owner, owner);
    CHECK(owner.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK(is_closed(raw));  // and it is still closed exactly once, at the end
}

TEST_CASE("fd.release gives up ownership without closing") {
  const int raw = raw_descriptor();
  int released = -1;
  {
    csapp::unique_fd owner(raw);
    released = owner.release();
    CHECK(owner.get() == -1);
    CHECK_FALSE(owner);
  }
  CHECK(released == raw);
  CHECK(is_open(raw));  // the owner's destructor left it alone
  ::close(raw);
}

TEST_CASE("fd.reset closes the old descriptor and takes the new one") {
  const int first = raw_descriptor();
  const int second = raw_descriptor();
  csapp::unique_fd owner(first);

  owner.reset(second);
  CHECK(owner.get() == second);
  CHECK(is_closed(first));
  CHECK(is_open(second));

  owner.reset();
  CHECK(owner.get() == -1);
  CHECK(is_closed(second));

  owner.reset();  // resetting an empty owner is harmless
  CHECK(owner.get() == -1);
}

TEST_CASE("fd.reset to the descriptor it already owns does not close it") {
  const int raw = raw_descriptor();
  csapp::unique_fd owner(raw);
  owner.reset(raw);
  CHECK(owner.get() == raw);
  CHECK(is_open(raw));
}

TEST_CASE("fd.reset preserves errno, even when close itself fails") {
  SUBCASE("close succeeds") {
    csapp::unique_fd owner(raw_descriptor());
    const int raw = owner.get();
    errno = EXDEV;
    owner.reset();
    CHECK(errno == EXDEV);
    CHECK(is_closed(raw));
  }
  SUBCASE("close fails with EBADF") {
    // Someone else already closed the descriptor behind the owner's back, so the owner's
    // close(2) fails and sets errno; reset must still hand back the caller's errno. Only
    // this thread runs here, so the number cannot have been reused in between.
    const int raw = raw_descriptor();
    csapp::unique_fd owner(raw);
    REQUIRE(::close(raw) == 0);
    errno = ENOSPC;
    owner.reset();
    CHECK(errno == ENOSPC);
    CHECK(owner.get() == -1);
  }
  SUBCASE("the destructor does the same") {
    const int raw = raw_descriptor();
    {
      csapp::unique_fd owner(raw);
      REQUIRE(::close(raw) == 0);
      errno = ENOSPC;
    }
    CHECK(errno == ENOSPC);
  }
}

TEST_CASE("fd.owners in a growing vector close each descriptor exactly once") {
  const int before = test_support::open_fd_count();
  std::vector<int> raws;
  {
    std::vector<csapp::unique_fd> owners;
    for (int i = 0; i < 64; ++i) {  // push_back reallocates several times: every move counts
      owners.emplace_back(raw_descriptor());
      raws.push_back(owners.back().get());
    }
    CHECK(test_support::open_fd_count() == before + 64);
    for (std::size_t i = 0; i < raws.size(); ++i) CHECK(owners[i].get() == raws[i]);
  }
  CHECK(test_support::open_fd_count() == before);
  for (const int raw : raws) CHECK(is_closed(raw));
}

TEST_CASE("fd.checked_fd owns a valid descriptor and throws system_error for -1") {
  SUBCASE("success") {
    const int raw = raw_descriptor();
    {
      const csapp::unique_fd owner = csapp::checked_fd(raw, "pipe");
      CHECK(owner.get() == raw);
    }
    CHECK(is_closed(raw));
  }
  SUBCASE("a failed open") {
    try {
      const csapp::unique_fd owner =
          csapp::checked_fd(::open("/nonexistent-csapp-dir/file", O_RDONLY), "open settings");
      FAIL("checked_fd returned for -1");
    } catch (const std::system_error& e) {
      CHECK(e.code() == std::errc::no_such_file_or_directory);
      CHECK(e.code().category() == std::generic_category());
      CHECK(std::string(e.what()).find("open settings") != std::string::npos);
    }
  }
  SUBCASE("the errno of the moment is the one reported") {
    for (const int err : {EMFILE, EACCES}) {
      CAPTURE(err);
      errno = err;
      try {
        (void)csapp::checked_fd(-1, "socket");
        FAIL("checked_fd returned for -1");
      } catch (const std::system_error& e) {
        CHECK(e.code().value() == err);
        CHECK(e.code().category() == std::generic_category());
      }
    }
  }
}
