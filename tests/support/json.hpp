// tests/support/json.hpp - a small, strict JSON reader for the tests that check what our tools
// write (the grader's --json and Gradescope's results.json): it parses the whole text or throws,
// so a test that reads a field knows the document was valid JSON to begin with.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

struct json {
  enum class kind { null, boolean, number, string, array, object };
  kind type = kind::null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<json> items;              // an array's elements
  std::map<std::string, json> members;  // an object's members

  bool has(const std::string& key) const { return type == kind::object && members.count(key) > 0; }
  const json& operator[](const std::string& key) const {
    const auto it = members.find(key);
    if (type != kind::object || it == members.end()) throw std::runtime_error("no member " + key);
    return it->second;
  }

  static json parse(const std::string& text) {
    std::size_t at = 0;
    json value = parse_value(text, at);
    skip_space(text, at);
    if (at != text.size()) fail(text, at, "text after the value");
    return value;
  }

 private:
  [[noreturn]] static void fail(const std::string& text, std::size_t at, const std::string& what) {
    throw std::runtime_error("invalid JSON at byte " + std::to_string(at) + " (" + what +
                             "): " + text.substr(at, 40));
  }
  static void skip_space(const std::string& t, std::size_t& at) {
    while (at < t.size() && (t[at] == ' ' || t[at] == '\n' || t[at] == '\t' || t[at] == '\r')) ++at;
  }
  static void expect_word(const std::string& t, std::size_t& at, const char* word) {
    const std::string w = word;
    if (t.compare(at, w.size(), w) != 0) fail(t, at, "expected " + w);
    at += w.size();
  }
  static std::string parse_string(const std::string& t, std::size_t& at) {
    if (at >= t.size() || t[at] != '"') fail(t, at, "expected a string");
    ++at;
    std::string out;
    while (at < t.size() && t[at] != '"') {
      const char c = t[at++];
      if (static_cast<unsigned char>(c) < 0x20) fail(t, at - 1, "control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= t.size()) fail(t, at, "unfinished escape");
      const char e = t[at++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (at + 4 > t.size()) fail(t, at, "short \\u escape");
          const long code = std::strtol(t.substr(at, 4).c_str(), nullptr, 16);
          at += 4;
          out += code < 0x80 ? static_cast<char>(code) : '?';  // enough for these tests
          break;
        }
        default:
          fail(t, at - 1, "unknown escape");
      }
    }
    if (at >= t.size()) fail(t, at, "unfinished string");
    ++at;
    return out;
  }
  static json parse_value(const std::string& t, std::size_t& at) {
    skip_space(t, at);
    if (at >= t.size()) fail(t, at, "expected a value");
    json v;
    const char c = t[at];
    if (c == '{') {
      v.type = kind::object;
      ++at;
      skip_space(t, at);
      if (at < t.size() && t[at] == '}') return ++at, v;
      for (;;) {
        skip_space(t, at);
        std::string key = parse_string(t, at);
        skip_space(t, at);
        if (at >= t.size() || t[at] != ':') fail(t, at, "expected ':'");
        ++at;
        v.members[key] = parse_value(t, at);
        skip_space(t, at);
        if (at < t.size() && t[at] == ',') {
          ++at;
          continue;
        }
        if (at < t.size() && t[at] == '}') return ++at, v;
        fail(t, at, "expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.type = kind::array;
      ++at;
      skip_space(t, at);
      if (at < t.size() && t[at] == ']') return ++at, v;
      for (;;) {
        v.items.push_back(parse_value(t, at));
        skip_space(t, at);
        if (at < t.size() && t[at] == ',') {
          ++at;
          continue;
        }
        if (at < t.size() && t[at] == ']') return ++at, v;
        fail(t, at, "expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.type = kind::string;
      v.s = parse_string(t, at);
      return v;
    }
    if (c == 't') {
      expect_word(t, at, "true");
      v.type = kind::boolean;
      v.b = true;
      return v;
    }
    if (c == 'f') {
      expect_word(t, at, "false");
      v.type = kind::boolean;
      return v;
    }
    if (c == 'n') {
      expect_word(t, at, "null");
      return v;
    }
    const char* begin = t.c_str() + at;
    char* end = nullptr;
    v.n = std::strtod(begin, &end);
    if (end == begin) fail(t, at, "expected a value");
    v.type = kind::number;
    at += static_cast<std::size_t>(end - begin);
    return v;
  }
};

}  // namespace test_support
