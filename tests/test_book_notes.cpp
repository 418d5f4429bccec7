// The notes cannot rot: every "try it" block in book-notes/ is run against this build, and
// what the note says you should see must appear in what the commands print. Every file a
// note names must exist.
//
// A try-it block in a note is written as
//
//   <!-- try-it -->
//   ```sh
//   build/dev/examples/12.5-semaphores/badcnt 100000
//   ```
//   <!-- expect -->
//   ```text
//   BOOM! cnt=...
//   ```
//
// The commands run with bash from the top of the source tree, stderr merged into stdout,
// with "build/dev/" standing for this build's folder (so the asan and tsan builds run the
// same notes). Each expected line must appear in the output, in order; "..." in it matches
// anything, and runs of white space count as one space (so wrapped output matches too).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/spawn.hpp"
#include "support/support.hpp"
#include <echocheck/proc.hpp>

namespace {

const std::string notes_dir = NOTES_DIR;
const std::string source_dir = SOURCE_DIR;
const std::string build_dir = BUILD_DIR;

struct try_it {
  std::string where;        // "12.1-processes.md:42"
  bool tsan_skips = false;  // marked "<!-- try-it, not under ThreadSanitizer: why -->"
  std::string commands;
  std::vector<std::string> expected;  // lines that must appear, in order
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return lines;
}

std::vector<std::string> markdown_files() {
  std::vector<std::string> files;
  for (const auto& name : echo_check::list_dir(notes_dir))
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".md") == 0) files.push_back(name);
  std::sort(files.begin(), files.end());
  return files;
}

// The fenced block that starts at lines[i] (the ``` line); i is left after its closing fence.
std::vector<std::string> fenced_block(const std::vector<std::string>& lines, std::size_t& i) {
  std::vector<std::string> body;
  for (++i; i < lines.size() && lines[i].rfind("```", 0) != 0; ++i) body.push_back(lines[i]);
  ++i;
  return body;
}

// The next non-blank line at or after i.
std::size_t skip_blank(const std::vector<std::string>& lines, std::size_t i) {
  while (i < lines.size() && lines[i].find_first_not_of(" \t") == std::string::npos) ++i;
  return i;
}

std::vector<try_it> blocks_of(const std::string& file) {
  const auto lines = lines_of(test_support::read_file(notes_dir + "/" + file));
  std::vector<try_it> blocks;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string tsan_marker = "<!-- try-it, not under ThreadSanitizer: ";
    if (lines[i] != "<!-- try-it -->" && lines[i].rfind(tsan_marker, 0) != 0) continue;
    try_it block;
    block.where = file + ":" + std::to_string(i + 1);
    block.tsan_skips = lines[i] != "<!-- try-it -->";
    i = skip_blank(lines, i + 1);
    REQUIRE_MESSAGE(i < lines.size(), (block.where));
    REQUIRE_MESSAGE(lines[i].rfind("```", 0) == 0, (block.where + ": try-it without a code block"));
    for (const auto& l : fenced_block(lines, i)) block.commands += l + "\n";
    i = skip_blank(lines, i);
    REQUIRE_MESSAGE((i < lines.size() && lines[i] == "<!-- expect -->"),
                    (block.where + ": try-it without <!-- expect -->"));
    i = skip_blank(lines, i + 1);
    REQUIRE_MESSAGE((i < lines.size() && lines[i].rfind("```", 0) == 0),
                    (block.where + ": expect without a code block"));
    for (const auto& l : fenced_block(lines, i))
      if (l.find_first_not_of(" \t") != std::string::npos) block.expected.push_back(l);
    --i;
    blocks.push_back(block);
  }
  return blocks;
}

std::string squeeze(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Where `expected` (with "..." wildcards) matches in `output` at or after `from`; npos if not.
std::size_t match(const std::string& output, const std::string& expected, std::size_t from) {
  std::size_t at = from, start = std::string::npos;
  std::size_t piece_start = 0;
  const std::string pattern = squeeze(expected);
  while (piece_start <= pattern.size()) {
    const auto dots = pattern.find("...", piece_start);
    std::string piece = pattern.substr(
        piece_start, dots == std::string::npos ? std::string::npos : dots - piece_start);
    // Around a wildcard, the spaces belong to the wildcard.
    while (!piece.empty() && piece.front() == ' ') piece.erase(0, 1);
    while (!piece.empty() && piece.back() == ' ') piece.pop_back();
    if (!piece.empty()) {
      const auto found = output.find(piece, at);
      if (found == std::string::npos) return std::string::npos;
      if (start == std::string::npos) start = found;
      at = found + piece.size();
    }
    if (dots == std::string::npos) break;
    piece_start = dots + 3;
  }
  return at;
}

std::string run(const std::string& commands) {
  // A note's badcnt or race has a data race on purpose; in the ThreadSanitizer build the
  // report must not stop the program before it prints what the note promises.
  const std::string script =
      "cd '" + source_dir + "' && exec 2>&1\n" +
      "export TSAN_OPTIONS=\"${TSAN_OPTIONS:-}:halt_on_error=0:exitcode=0\"\n" +
      replace_all(commands, "build/dev/", build_dir + "/");
  test_support::spawned shell("/bin/bash", {"-c", script});
  std::string out;
  while (auto line = shell.read_line(std::chrono::seconds(120))) out += *line + "\n";
  shell.wait_exit(std::chrono::seconds(120));
  return out;
}

}  // namespace

TEST_CASE("book_notes.every_section_has_a_note_with_try_it_blocks") {
  for (const std::string name :
       {"11.4-echo.md", "12.1-processes.md", "12.2-io-multiplexing.md", "12.3-threads.md",
        "12.4-sharing.md", "12.5-semaphores.md", "12.6-parallelism.md", "12.7-issues.md"}) {
    CAPTURE(name);
    CHECK(!blocks_of(name).empty());
  }
  CHECK(!test_support::read_file(notes_dir + "/README.md").empty());
  CHECK(!test_support::read_file(notes_dir + "/deviations.md").empty());
}

TEST_CASE("book_notes.try_it_blocks_show_what_they_promise") {
  int blocks = 0;
  for (const auto& file : markdown_files())
    for (const auto& block : blocks_of(file)) {
      ++blocks;
#if defined(__SANITIZE_THREAD__)
      if (block.tsan_skips) {
        MESSAGE(block.where << ": not run under ThreadSanitizer (the note says why)");
        continue;
      }
#endif
      const std::string output = squeeze(run(block.commands));
      INFO(block.where);
      INFO("commands:\n" << block.commands);
      INFO("output: " << output);
      std::size_t at = 0;
      for (const auto& line : block.expected) {
        CAPTURE(line);
        const auto next = match(output, line, at);
        CHECK(next != std::string::npos);
        if (next != std::string::npos) at = next;
      }
    }
  CHECK(blocks > 0);
}

TEST_CASE("book_notes.every_named_file_exists") {
  // `examples/...`, `include/...`, `tools/...` and the like, in backquotes, and links to
  // other notes: each must exist, so a rename cannot leave a note pointing at nothing.
  const std::regex named(
      "`((examples|include|tools|tests|bench|single_include|book-notes|exercises)/"
      "[^`: ]*[^`:/ ])[`:]");
  const std::regex link("\\]\\(([A-Za-z0-9_.-]+\\.(md|svg|csv))\\)");
  int checked = 0;
  for (const auto& file : markdown_files()) {
    const std::string text = test_support::read_file(notes_dir + "/" + file);
    for (std::sregex_iterator it(text.begin(), text.end(), named), end; it != end; ++it) {
      const std::string path = (*it)[1];
      CAPTURE(file);
      CAPTURE(path);
      ++checked;
      if (path.find('*') != std::string::npos) continue;  // a pattern, not a file
      CHECK(::access((source_dir + "/" + path).c_str(), F_OK) == 0);
    }
    for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
      const std::string target = (*it)[1];
      CAPTURE(file);
      CAPTURE(target);
      ++checked;
      CHECK(::access((notes_dir + "/" + target).c_str(), F_OK) == 0);
    }
  }
  CHECK(checked > 0);
}

namespace {

// The cells of each row of the Markdown table under `heading` in `text`.
std::vector<std::vector<std::string>> table_rows(const std::string& text,
                                                 const std::string& heading) {
  std::vector<std::vector<std::string>> rows;
  const auto lines = lines_of(text);
  std::size_t i = 0;
  while (i < lines.size() && lines[i] != heading) ++i;
  while (i < lines.size() && lines[i].rfind('|', 0) != 0) ++i;          // the header row
  for (i += 2; i < lines.size() && lines[i].rfind('|', 0) == 0; ++i) {  // past the --- row
    std::vector<std::string> cells;
    std::size_t at = 1;
    for (auto bar = lines[i].find('|', at); bar != std::string::npos;
         at = bar + 1, bar = lines[i].find('|', at)) {
      std::string cell = lines[i].substr(at, bar - at);
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    rows.push_back(cells);
  }
  return rows;
}

// The `examples/...` paths in backquotes in a cell.
std::vector<std::string> example_paths(const std::string& cell) {
  std::vector<std::string> paths;
  const std::regex path("`(examples/[^`]+)`");
  for (std::sregex_iterator it(cell.begin(), cell.end(), path), end; it != end; ++it)
    paths.push_back((*it)[1]);
  return paths;
}

std::string first_line(const std::string& path) {
  const std::string text = test_support::read_file(source_dir + "/" + path);
  return text.substr(0, text.find('\n'));
}

}  // namespace

TEST_CASE("book_notes.figure_index_has_every_example_and_each_file_says_what_its_row_says") {
  const auto rows = table_rows(test_support::read_file(notes_dir + "/README.md"),
                               "## Figure index: from the book to the code");
  REQUIRE(rows.size() > 20);
  std::set<std::string> indexed;
  const std::regex figure("([0-9]+\\.[0-9]+)([,–-].*)?");  // "12.5", "12.8–12.11", "11.18, 11.19"
  const std::regex section("§([0-9.]+)");
  for (const auto& cells : rows) {
    REQUIRE(cells.size() == 4);
    CAPTURE(cells[0]);
    CAPTURE(cells[2]);
    for (const std::string& path : example_paths(cells[2])) {
      CAPTURE(path);
      indexed.insert(path);
      REQUIRE(::access((source_dir + "/" + path).c_str(), F_OK) == 0);
      const std::string head = first_line(path);
      CAPTURE(head);
      std::smatch m;
      if (std::regex_match(cells[0], m, figure)) {
        // "// CS:APP3e Figure 12.5 (conc/echoserverp.c): ..." names the figure and the file.
        CHECK(head.rfind("// CS:APP3e Figure", 0) == 0);
        CHECK(head.find(" " + m[1].str()) != std::string::npos);
        const auto book_file = cells[1].substr(1, cells[1].find('`', 1) - 1);
        if (cells[1].rfind('`', 0) == 0)
          CHECK(head.find("(" + book_file + ")") != std::string::npos);
      } else if (std::regex_match(cells[0], m, section)) {
        CHECK(head.rfind("// CS:APP3e Section " + m[1].str(), 0) == 0);
      } else {
        CHECK(cells[0].rfind("*ours*", 0) == 0);
        CHECK(head.find(" - ours, not a figure") != std::string::npos);
      }
    }
  }
  // Every program and header of examples/ has its row.
  for (const auto& folder : echo_check::list_dir(source_dir + "/examples")) {
    if (folder.find('.') == std::string::npos || folder == "CMakeLists.txt") continue;
    for (const auto& name : echo_check::list_dir(source_dir + "/examples/" + folder)) {
      const auto dot = name.rfind('.');
      if (dot == std::string::npos || (name.substr(dot) != ".cpp" && name.substr(dot) != ".hpp"))
        continue;
      const std::string path = "examples/" + folder + "/" + name;
      CAPTURE(path);
      CHECK(indexed.count(path) == 1);
    }
  }
}
