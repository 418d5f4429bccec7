// tools/tour/csv.hpp - one CSV field as RFC 4180 writes it. The tour's CSV carries names
// with commas ("event loop, partial lines") and error messages that may hold anything, so
// every field goes through csv_field: no row can gain a column or lose its end.
#pragma once

#include <string>
#include <string_view>

namespace tour {

// A field holding a quote, a comma or a line break is quoted, its quotes doubled
// (`say "hi"` -> `"say ""hi"""`); any other field is written as it is.
inline std::string csv_field(std::string_view text) {
  if (text.find_first_of("\",\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Fields joined by commas, each escaped, ended by a newline: one record.
template <class Fields>
std::string csv_record(const Fields& fields) {
  std::string out;
  bool first = true;
  for (const auto& field : fields) {
    if (!first) out += ',';
    out += csv_field(field);
    first = false;
  }
  return out + "\n";
}

}  // namespace tour
