// Tests for csapp/error.hpp: thread-safe messages, the single EINTR loop, and the book
// face's policy of reporting "msg: reason" and exiting with status 1.
#include <csapp/error.hpp>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "support/support.hpp"

TEST_CASE("error.errno_message gives the system's text for an errno value") {
  CHECK(csapp::errno_message(ENOENT) == std::strerror(ENOENT));
  CHECK(csapp::errno_message(EPIPE) == std::strerror(EPIPE));
}

TEST_CASE("error.throw_errno throws system_error in the generic category") {
  try {
    csapp::throw_errno("open config", ENOENT);
    FAIL("throw_errno returned");
  } catch (const std::system_error& e) {
    CHECK(e.code() == std::errc::no_such_file_or_directory);
    CHECK(e.code().category() == std::generic_category());
    CHECK(std::string(e.what()).find("open config") != std::string::npos);
  }
}

TEST_CASE("error.retry_on_eintr repeats a call only while it fails with EINTR") {
  int calls = 0;
  const int rc = csapp::retry_on_eintr([&] {
    ++calls;
    if (calls < 4) {
      errno = EINTR;
      return -1;
    }
    return 7;
  });
  CHECK(rc == 7);
  CHECK(calls == 4);

  calls = 0;
  const int failed = csapp::retry_on_eintr([&] {
    ++calls;
    errno = EBADF;
    return -1;
  });
  CHECK(failed == -1);
  CHECK(errno == EBADF);
  CHECK(calls == 1);
}

TEST_CASE("error.fail prints 'msg: reason' on stderr and exits with status 1") {
  const auto result = test_support::run_in_child([] { csapp::fail_errno("Open error", ENOENT); });
  CHECK(result.exit_code == 1);
  CHECK(result.err == std::string("Open error: ") + std::strerror(ENOENT) + "\n");
  CHECK(result.out.empty());
}

TEST_CASE("error.report keeps errno and truncates an overlong message to one line") {
  const auto result = test_support::run_in_child([] {
    const std::string huge(5000, 'x');
    errno = EAGAIN;
    csapp::report(huge.c_str(), "reason");
    if (errno != EAGAIN) ::_exit(3);
  });
  CHECK(result.exit_code == 0);
  REQUIRE(!result.err.empty());
  CHECK(result.err.back() == '\n');
  CHECK(result.err.size() < 1100);
  CHECK(result.err.find('\n') == result.err.size() - 1);
}

TEST_CASE("error.report from many threads at once never interleaves two reports") {
  const auto result = test_support::run_in_child([] {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([t] {
        const std::string msg(200, static_cast<char>('a' + t));
        for (int i = 0; i < 200; ++i) csapp::report(msg.c_str(), "same reason");
      });
    for (auto& th : threads) th.join();
  });
  REQUIRE(result.exit_code == 0);
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < result.err.size()) {
    const std::size_t end = result.err.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string line = result.err.substr(start, end - start);
    // Each line is one thread's whole report: 200 copies of one letter, then the reason.
    CHECK(line == std::string(200, line[0]) + ": same reason");
    ++lines;
    start = end + 1;
  }
  CHECK(lines == 8 * 200);
}
