// Tests for tools/tour/csv.hpp: the tour's CSV fields as RFC 4180 writes them. A field with
// a quote, a comma or a line break is quoted and its quotes doubled; every other field is
// written as it is. Read back by an RFC 4180 reader, each record has its own fields again,
// and so does every row of the tour's own table (csv_table), whatever its names and errors.
#include "../tools/tour/csv.hpp"

#include "../tools/tour/table.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

// An RFC 4180 reader for one text of records: quoted fields may hold commas, doubled quotes
// and line breaks. Independent of the writer, so the two cannot share a mistake.
std::vector<std::vector<std::string>> read_records(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record(1);
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"')
        record.back() += c;
      else if (i + 1 < text.size() && text[i + 1] == '"')
        record.back() += text[++i];
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.emplace_back();
    } else if (c == '\n') {
      records.push_back(record);
      record.assign(1, "");
    } else {
      record.back() += c;
    }
  }
  return records;
}

}  // namespace

TEST_CASE("tour_csv.plain_fields_are_written_as_they_are") {
  CHECK(tour::csv_field("") == "");
  CHECK(tour::csv_field("iterative") == "iterative");
  CHECK(tour::csv_field("12.2-io-multiplexing/echoservers") == "12.2-io-multiplexing/echoservers");
  CHECK(tour::csv_field("1.5e-05") == "1.5e-05");
  CHECK(tour::csv_field("did not print 'listening on port N'") ==
        "did not print 'listening on port N'");
}

TEST_CASE("tour_csv.a_comma_or_line_break_quotes_the_field") {
  CHECK(tour::csv_field("event loop, partial lines") == "\"event loop, partial lines\"");
  CHECK(tour::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(tour::csv_field("cr\r") == "\"cr\r\"");
  CHECK(tour::csv_field(",") == "\",\"");
}

TEST_CASE("tour_csv.quotes_are_doubled_inside_a_quoted_field") {
  CHECK(tour::csv_field("\"") == "\"\"\"\"");
  CHECK(tour::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(tour::csv_field("connect: \"127.0.0.1\", refused") ==
        "\"connect: \"\"127.0.0.1\"\", refused\"");
}

TEST_CASE("tour_csv.records_read_back_field_for_field") {
  const std::vector<std::string> nasty = {
      "event loop, partial lines", "", "say \"hi\", twice: \"\"", "line one\nline two", "plain",
      "\"quoted from the start\"", ""};
  const std::vector<std::string> plain = {"iterative", "11.4", "0"};
  const std::string text = tour::csv_record(plain) + tour::csv_record(nasty);
  const auto records = read_records(text);
  REQUIRE(records.size() == 2);
  CHECK(records[0] == plain);
  CHECK(records[1] == nasty);
  CHECK(tour::csv_record(std::vector<std::string>{"", "a"}) == ",a\n");
}

TEST_CASE("tour_csv.the_tour_table_escapes_every_field") {
  tour::tour_options opt;
  opt.clients = {1, 10};
  tour::row measured;
  measured.what = *echo_check::find_example_server("echoserver_nb");
  measured.flaws = {"load", "churn"};
  measured.loads = {{1, 1000, 1e-5, 2e-5, 0}, {10, 9000, 1e-4, 2e-4, 3}};
  tour::row failed;
  failed.what.name = "say \"hi\"";
  failed.what.section = "12.3";
  failed.what.program = "odd,name/server";
  failed.error = "did not print \"listening on port N\",\nsee \"logs/odd,name.log\"";
  const auto records = read_records(tour::csv_table({measured, failed}, opt));
  REQUIRE(records.size() == 3);
  const auto& names = records[0];
  CHECK(names.front() == "approach");
  CHECK(names.back() == "error");
  for (const auto& record : records) CHECK(record.size() == names.size());
  CHECK(records[1][0] == measured.what.name);
  CHECK(records[1][2] == measured.what.program);
  CHECK(records[1].back().empty());
  CHECK(records[2][0] == failed.what.name);
  CHECK(records[2][2] == failed.what.program);
  CHECK(records[2].back() == failed.error);
}
