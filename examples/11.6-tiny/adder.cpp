// CS:APP3e Figure 11.27 (netp/tiny/cgi-bin/adder.c): a CGI program that adds two numbers.
//
// Tiny runs it for /cgi-bin/adder?15000&213 with QUERY_STRING=15000&213 and its stdout on
// the client's socket; Tiny has sent the status line, adder writes the rest of the response.
// Each of the two arguments may also be name=number, which is what an HTML form with two
// fields sends (/cgi-bin/adder?first=15000&second=213, problem 11.10).
#include "csapp.h"

// The number in one argument, "213" or "second=213": false unless it is all digits (with an
// optional sign) and fits in a long.
// differs from the book: ours; the book's atoi took "ten" for 0
static bool parse_arg(const char* arg, long* value) {
  const char* eq = strchr(arg, '=');
  if (eq) arg = eq + 1;
  char* end;
  errno = 0;
  *value = strtol(arg, &end, 10);
  return end != arg && *end == '\0' && errno == 0;
}

int main(void) {
  char *buf, *p, arg1[MAXLINE], arg2[MAXLINE], content[MAXLINE];
  long n1 = 0, n2 = 0;

  /* Extract the two arguments */
  // differs from the book: a missing QUERY_STRING, a missing '&' or an argument that is not a
  // number gets a page that says so; the book's strchr result was NULL and adder crashed
  bool ok = false;
  if ((buf = getenv("QUERY_STRING")) != NULL && (p = strchr(buf, '&')) != NULL &&
      strlen(buf) < MAXLINE) {
    *p = '\0';
    strcpy(arg1, buf);
    strcpy(arg2, p + 1);
    ok = parse_arg(arg1, &n1) && parse_arg(arg2, &n2);
  }

  /* Make the response body */
  if (ok)
    snprintf(content, sizeof content,
             "<html><title>adder</title><body>\r\n"
             "<p>Tiny's adder, a CGI program.\r\n"
             "<p>The answer is: %ld + %ld = %lld\r\n"
             "</body></html>\r\n",
             n1, n2, (long long)n1 + n2);
  else
    snprintf(content, sizeof content,
             "<html><title>adder</title><body>\r\n"
             "<p>adder needs two whole numbers after the '?', separated by '&amp;', for "
             "example /cgi-bin/adder?15000&amp;213\r\n"
             "</body></html>\r\n");

  /* Generate the HTTP response */
  printf("Connection: close\r\n");
  printf("Content-length: %d\r\n", (int)strlen(content));
  printf("Content-type: text/html\r\n\r\n");
  printf("%s", content);
  fflush(stdout);

  exit(0);
}
