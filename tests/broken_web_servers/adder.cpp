// adder - a CGI program for http-check's tests: QUERY_STRING "A&B" -> a page with A + B.
// (The examples have the book's own adder, examples/11.6-tiny/adder.cpp; the tests of the
// checker must not wait for it.)
#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  const char* query = std::getenv("QUERY_STRING");
  const std::string q = query ? query : "";
  const auto amp = q.find('&');
  const long a = std::atol(q.substr(0, amp).c_str());
  const long b = amp == std::string::npos ? 0 : std::atol(q.c_str() + amp + 1);
  const std::string body = "<html><body>The sum: " + std::to_string(a) + " + " + std::to_string(b) +
                           " = " + std::to_string(a + b) + "</body></html>\n";
  std::printf("Connection: close\r\nContent-length: %zu\r\nContent-type: text/html\r\n\r\n%s",
              body.size(), body.c_str());
  return 0;
}
