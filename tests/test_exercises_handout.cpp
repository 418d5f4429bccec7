// The exercises' handout, as a student gets it: csapp-exercises-<version>.tar.gz unpacked in an
// empty folder, far from this repository, graded there with its own grade script.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "exercise.hpp"

namespace {

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace

TEST_CASE(
    "exercises.handout: unpacked in an empty folder, it grades a starter (fails) and a solution "
    "(passes)") {
  char dir[] = "/tmp/csapp-handout-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string root = dir;
  const auto unpacked = exercise::run(
      {CMAKE_COMMAND, "-E", "chdir", root, CMAKE_COMMAND, "-E", "tar", "xzf", HANDOUT},
      std::chrono::minutes(1));
  REQUIRE_MESSAGE(unpacked.exited_with(0), unpacked.err);
  const std::string kit = root + "/" + HANDOUT_NAME;
  REQUIRE(exists(kit + "/grade"));
  CHECK(exists(kit + "/include/csapp.h"));
  CHECK(exists(kit + "/single_include/csapp.h"));
  CHECK(exists(kit + "/tools/echocheck/checker.hpp"));
  CHECK(exists(kit + "/tools/httpcheck/checker.hpp"));  // the web-server problems' checker
  // Tiny's pieces, which a web-server problem's tiny.cpp includes and its checks build on.
  CHECK(exists(kit + "/examples/11.6-tiny/tiny.hpp"));
  CHECK(exists(kit + "/examples/11.6-tiny/adder.cpp"));
  CHECK(exists(kit + "/examples/11.6-tiny/www/home.html"));
  CHECK(exists(kit + "/12.16-hello/README.md"));
  CHECK(exists(kit + "/12.16-hello/tests/test_hello.cpp"));
  CHECK_FALSE(exists(kit + "/solutions"));  // no solution leaves with the handout

  // The grade script builds in the kit's own folder; the repository is never looked at.
  const std::string grade = kit + "/grade";
  const auto starter = exercise::run({grade, "12.16"}, std::chrono::minutes(4));
  CAPTURE(starter.out);
  CAPTURE(starter.err);
  CHECK(starter.exited_with(1));
  CHECK(starter.out.find("hello 4 said Hello, world! 1 time") != std::string::npos);

  // A reference solution, copied in: full marks, exit 0.
  const auto copied = exercise::run(
      {CMAKE_COMMAND, "-E", "copy", std::string(EXERCISES_SOURCE) + "/solutions/12.16/hello.cpp",
       kit + "/12.16-hello/"},
      std::chrono::minutes(1));
  REQUIRE(copied.exited_with(0));
  const auto solved = exercise::run({grade, "12.16"}, std::chrono::minutes(4));
  CAPTURE(solved.out);
  CHECK(solved.exited_with(0));
  CHECK(solved.out.find("total 10/10") != std::string::npos);

  // A submission that does not compile: exit 2, and the compiler's own words.
  write(kit + "/12.16-hello/hello.cpp",
        "#include \"csapp.h\"\nint main() { return undeclared_name; }\n");
  const auto broken = exercise::run({grade, "12.16"}, std::chrono::minutes(4));
  CAPTURE(broken.out);
  CHECK(broken.exited_with(2));
  CHECK(broken.out.find("does not compile") != std::string::npos);
  CHECK(broken.out.find("undeclared_name") != std::string::npos);

  // Grading a copy elsewhere (--dir), with a file missing.
  const std::string other = root + "/elsewhere";
  REQUIRE(exercise::run({CMAKE_COMMAND, "-E", "make_directory", other + "/12.16-hello"},
                        std::chrono::minutes(1))
              .exited_with(0));
  const auto missing = exercise::run({grade, "12.16", "--dir", other}, std::chrono::minutes(4));
  CHECK(missing.exited_with(2));
  CHECK(missing.out.find("missing file " + other + "/12.16-hello/hello.cpp") != std::string::npos);

  exercise::run({CMAKE_COMMAND, "-E", "rm", "-rf", root}, std::chrono::minutes(1));
}
