// CS:APP3e Figures 11.30-11.35 (netp/tiny/tiny.c): Tiny's work on one connection: doit,
// clienterror, read_requesthdrs, parse_uri, serve_static with get_filetype, serve_dynamic.
//
// A header of inline functions, so that the chapter-12 problems (12.35-12.38) can make Tiny
// concurrent by writing only a new main. Every function here is safe to call from a process
// per connection, a thread per connection or a pool: buffers are on the caller's stack, no
// strtok or other hidden static state, and serve_dynamic waits for its own CGI child only.
// Tiny serves the files under its working directory, as in the book.
// book-notes/11.6-tiny.md tells the story; each "differs from the book" is in deviations.md.
#pragma once

#include "csapp.h"

// One request line or header, read whole: 1 if it ended in a newline, 0 at end of file with
// nothing read, -1 if it did not fit in MAXLINE (the rest of it is read and dropped, so the
// next read starts at the next line) or the client stopped in the middle of it.
// differs from the book: ours; the book reads with Rio_readlineb and takes what it got
inline int read_wholeline(rio_t* rp, char* buf) {
  ssize_t n = Rio_readlineb(rp, buf, MAXLINE);
  if (n == 0) return 0;
  if (buf[n - 1] == '\n') return 1;
  char rest[MAXLINE];
  const char* last = buf;
  while (n == MAXLINE - 1 && last[n - 1] != '\n') {
    n = Rio_readlineb(rp, rest, MAXLINE);
    if (n == 0) break;
    last = rest;
  }
  return -1;
}

// The URI, relative to the document root, names nothing outside it: it starts with '/' and
// no part between two slashes is "..". The query string is not told apart (for static content
// the book does not strip it, so it is part of the file name); a ".." there is refused too.
// Tiny does not decode %XX (nor does the book's), so "%2e%2e" is a name like any other and
// cannot climb.
// differs from the book: ours; the book's "GET /../x HTTP/1.0" served ./../x
inline bool uri_stays_inside(const char* uri) {
  if (uri[0] != '/') return false;
  for (const char* p = uri; *p == '/';) {
    const char* seg = p + 1;
    const size_t len = strcspn(seg, "/");
    if (len == 2 && seg[0] == '.' && seg[1] == '.') return false;
    p = seg + len;
  }
  return true;
}

inline void clienterror(int fd, const char* cause, const char* errnum, const char* shortmsg,
                        const char* longmsg);
inline int read_requesthdrs(rio_t* rp);
inline int parse_uri(char* uri, char* filename, char* cgiargs);
inline void serve_static(int fd, char* filename, int filesize);
inline void get_filetype(char* filename, char* filetype);
inline void serve_dynamic(int fd, char* filename, char* cgiargs);

/* doit - handle one HTTP request/response transaction */
inline void doit(int fd) {
  int is_static;
  struct stat sbuf;
  char buf[MAXLINE], method[MAXLINE], uri[MAXLINE], version[MAXLINE];
  char filename[MAXLINE], cgiargs[MAXLINE];
  rio_t rio;

  /* Read request line and headers */
  Rio_readinitb(&rio, fd);
  // differs from the book: an over-long or unfinished line is refused, not cut into two
  const int got = read_wholeline(&rio, buf);
  if (got == 0) return; /* the client left without a word */
  printf("Request headers:\n");
  printf("%s", buf);
  // differs from the book: three fields and an HTTP version, or 400 (the book went on with
  // whatever sscanf left in method, uri and version: stack garbage for an empty line)
  if (got < 0 || sscanf(buf, "%s %s %s", method, uri, version) != 3 ||
      strncmp(version, "HTTP/", 5) != 0) {
    if (got < 0) read_requesthdrs(&rio); /* all of it first: closing on unread bytes resets */
    clienterror(fd, "request line", "400", "Bad request", "Tiny could not parse the request");
    return;
  }
  if (strcasecmp(method, "GET")) {
    clienterror(fd, method, "501", "Not implemented", "Tiny does not implement this method");
    return;
  }
  // differs from the book: a header that is too long, unfinished or has no ':' gets 400
  const int headers = read_requesthdrs(&rio);
  if (headers == 0) return; /* the client left before the blank line */
  if (headers < 0) {
    clienterror(fd, "header", "400", "Bad request", "Tiny could not parse a request header");
    return;
  }
  // differs from the book: a URI that would climb out of the document root gets 403
  if (!uri_stays_inside(uri)) {
    clienterror(fd, uri, "403", "Forbidden", "Tiny serves only the files under its root");
    return;
  }

  /* Parse URI from GET request */
  is_static = parse_uri(uri, filename, cgiargs);
  if (stat(filename, &sbuf) < 0) {
    clienterror(fd, filename, "404", "Not found", "Tiny couldn't find this file");
    return;
  }

  if (is_static) { /* Serve static content */
    if (!(S_ISREG(sbuf.st_mode)) || !(S_IRUSR & sbuf.st_mode)) {
      clienterror(fd, filename, "403", "Forbidden", "Tiny couldn't read the file");
      return;
    }
    serve_static(fd, filename, sbuf.st_size);
  } else { /* Serve dynamic content */
    if (!(S_ISREG(sbuf.st_mode)) || !(S_IXUSR & sbuf.st_mode)) {
      clienterror(fd, filename, "403", "Forbidden", "Tiny couldn't run the CGI program");
      return;
    }
    serve_dynamic(fd, filename, cgiargs);
  }
}

/* clienterror - returns an error message to the client */
inline void clienterror(int fd, const char* cause, const char* errnum, const char* shortmsg,
                        const char* longmsg) {
  char buf[MAXLINE], body[MAXBUF];

  /* Build the HTTP response body */
  // differs from the book: one bounded snprintf; the book appends with sprintf(body, "%s...",
  // body), whose source and target overlap, and a cause near MAXLINE long overflowed body
  snprintf(body, sizeof body,
           "<html><title>Tiny Error</title>"
           "<body bgcolor=\"ffffff\">\r\n"
           "%s: %s\r\n"
           "<p>%s: %s\r\n"
           "<hr><em>The Tiny Web server</em>\r\n",
           errnum, shortmsg, longmsg, cause);

  /* Print the HTTP response */
  sprintf(buf, "HTTP/1.0 %s %s\r\n", errnum, shortmsg);
  Rio_writen(fd, buf, strlen(buf));
  sprintf(buf, "Content-type: text/html\r\n");
  Rio_writen(fd, buf, strlen(buf));
  sprintf(buf, "Content-length: %d\r\n\r\n", (int)strlen(body));
  Rio_writen(fd, buf, strlen(buf));
  Rio_writen(fd, body, strlen(body));
}

/* read_requesthdrs - read HTTP request headers: 1 when all were well formed */
// differs from the book: returns what it found (the book's is void); it always reads up to the
// blank line, so the answer comes after the whole request
inline int read_requesthdrs(rio_t* rp) {
  char buf[MAXLINE];
  int ok = 1;

  // differs from the book: stops at end of file; the book's loop compared the same stale
  // buffer with "\r\n" forever once the client closed before the blank line
  for (;;) {
    const int got = read_wholeline(rp, buf);
    if (got == 0) return 0;
    // a bare "\n" ends the headers too (a client typed by hand, printf 'GET / HTTP/1.0\n\n')
    if (got > 0 && (!strcmp(buf, "\r\n") || !strcmp(buf, "\n"))) break;
    printf("%s", buf);
    if (got < 0 || !strchr(buf, ':')) ok = -1;
  }
  return ok;
}

/* parse_uri - parse URI into filename and CGI args: return 0 if dynamic content, 1 if static.
 * doit has checked that uri starts with '/'; the request line fits in MAXLINE with its method
 * and version, so "." + uri + "home.html" fits in filename too. */
inline int parse_uri(char* uri, char* filename, char* cgiargs) {
  char* ptr;

  if (!strstr(uri, "cgi-bin")) { /* Static content */
    strcpy(cgiargs, "");
    strcpy(filename, ".");
    strcat(filename, uri);
    if (uri[strlen(uri) - 1] == '/') strcat(filename, "home.html");
    return 1;
  } else { /* Dynamic content */
    ptr = strchr(uri, '?');
    if (ptr) {
      strcpy(cgiargs, ptr + 1);
      *ptr = '\0';
    } else
      strcpy(cgiargs, "");
    strcpy(filename, ".");
    strcat(filename, uri);
    return 0;
  }
}

/* serve_static - copy a file back to the client */
inline void serve_static(int fd, char* filename, int filesize) {
  int srcfd;
  // differs from the book: filetype[32], not [MAXLINE], so that the headers provably fit buf
  char *srcp, filetype[32], buf[MAXBUF];

  // differs from the book: open, not Open, before any header is sent: a file that cannot be
  // opened (not ours to read, gone since stat) gets 403; the book's Open ended the server
  srcfd = open(filename, O_RDONLY, 0);
  if (srcfd < 0) {
    clienterror(fd, filename, "403", "Forbidden", "Tiny couldn't read the file");
    return;
  }

  /* Send response headers to client */
  get_filetype(filename, filetype);
  snprintf(buf, sizeof buf,
           "HTTP/1.0 200 OK\r\n"
           "Server: Tiny Web Server\r\n"
           "Connection: close\r\n"
           "Content-length: %d\r\n"
           "Content-type: %s\r\n\r\n",
           filesize, filetype);
  Rio_writen(fd, buf, strlen(buf));
  printf("Response headers:\n");
  printf("%s", buf);

  /* Send response body to client */
  // differs from the book: an empty file is sent as no bytes; mmap of length 0 fails (EINVAL)
  // and the book's Mmap ended the server
  if (filesize > 0) {
    srcp = Mmap(0, filesize, PROT_READ, MAP_PRIVATE, srcfd, 0);
    Close(srcfd);
    Rio_writen(fd, srcp, filesize);
    Munmap(srcp, filesize);
  } else {
    Close(srcfd);
  }
}

/* get_filetype - derive file type from file name */
inline void get_filetype(char* filename, char* filetype) {
  if (strstr(filename, ".html"))
    strcpy(filetype, "text/html");
  else if (strstr(filename, ".gif"))
    strcpy(filetype, "image/gif");
  else if (strstr(filename, ".png"))
    strcpy(filetype, "image/png");
  else if (strstr(filename, ".jpg"))
    strcpy(filetype, "image/jpeg");
  else
    strcpy(filetype, "text/plain");
}

/* serve_dynamic - run a CGI program on behalf of the client */
inline void serve_dynamic(int fd, char* filename, char* cgiargs) {
  char buf[MAXLINE], *emptylist[] = {NULL};

  /* Return first part of HTTP response */
  sprintf(buf, "HTTP/1.0 200 OK\r\n");
  Rio_writen(fd, buf, strlen(buf));
  sprintf(buf, "Server: Tiny Web Server\r\n");
  Rio_writen(fd, buf, strlen(buf));

  // differs from the book: fork, not Fork: out of processes this client gets a cut-off answer
  // and the server goes on
  pid_t pid = fork();
  if (pid < 0) {
    perror("tiny: fork");
    return;
  }
  if (pid == 0) { /* Child */
    /* Real server would set all CGI vars here */
    setenv("QUERY_STRING", cgiargs, 1);
    Dup2(fd, STDOUT_FILENO);              /* Redirect stdout to client */
    Execve(filename, emptylist, environ); /* Run CGI program */
  }
  // differs from the book: waits for this child, not Wait(NULL): in a concurrent Tiny that
  // would reap another connection's child; ECHILD means a SIGCHLD handler of the program
  // reaped it first, which is no error
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}
