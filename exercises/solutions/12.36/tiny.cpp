// Problem 12.36 - reference solution: Tiny as an event-driven server. One select loop watches the
// listening socket, every client whose request is still coming (read set) and every client whose
// response is still going (write set). Each ready client gets one small step that cannot block:
// one read, whose bytes are cut into lines kept in the client's own buffer, or one write of as
// much of its response as the socket takes. Tiny's answers are the figure's (tiny.hpp's
// uri_stays_inside, parse_uri and get_filetype decide them); a CGI request is handed to its child,
// which writes the answer itself, and the parent goes on at once.
#include "11.6-tiny/tiny.hpp"
#include "csapp.h"

typedef struct {            /* one client's connection */
  int fd;                   /* its socket (non-blocking), -1 when the slot is free */
  int reading;              /* 1 while the request comes in, 0 while the response goes out */
  char line[MAXLINE];       /* the line being read, up to MAXLINE - 1 bytes of it */
  size_t linelen;           /* bytes in line */
  int overlong;             /* the line did not fit: the request gets 400 */
  int nlines;               /* lines of the request read so far */
  int badline;              /* the request line was malformed */
  int badheader;            /* a header was malformed */
  char method[MAXLINE];     /* from the request line */
  char uri[MAXLINE];        /* from the request line */
  char head[MAXBUF];        /* the response's headers, or a whole error page */
  size_t headlen, headsent; /* bytes in head, and sent of them */
  char* body;               /* the file, mapped (NULL for an error page) */
  size_t bodylen, bodysent; /* its size, and bytes sent of it */
} conn_t;

conn_t conns[FD_SETSIZE]; /* a client per slot */
int maxi = -1;            /* highest slot ever used: the scans stop there */

void add_client(int fd);
void close_client(conn_t* c);
void read_request(conn_t* c);
void end_of_line(conn_t* c);
void answer(conn_t* c);
void error_page(conn_t* c, const char* cause, const char* errnum, const char* shortmsg,
                const char* longmsg);
void static_answer(conn_t* c, char* filename, size_t filesize);
void dynamic_answer(conn_t* c, char* filename, char* cgiargs);
void write_response(conn_t* c);
void reap(int sig);

int main(int argc, char** argv) {
  int i, listenfd, connfd, maxfd;
  fd_set read_set, write_set;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <port>\n", argv[0]);
    exit(2);
  }
  Signal(SIGCHLD, reap); /* CGI children are reaped as they end */
  listenfd = Open_listenfd(argv[1]);
  /* non-blocking: a client that leaves between select and accept makes accept fail at once
     instead of keeping everyone waiting for the next client */
  fcntl(listenfd, F_SETFL, fcntl(listenfd, F_GETFL) | O_NONBLOCK);
  for (i = 0; i < FD_SETSIZE; i++) conns[i].fd = -1;

  while (1) {
    FD_ZERO(&read_set);
    FD_ZERO(&write_set);
    FD_SET(listenfd, &read_set);
    maxfd = listenfd;
    for (i = 0; i <= maxi; i++) {
      if (conns[i].fd < 0) continue;
      FD_SET(conns[i].fd, conns[i].reading ? &read_set : &write_set);
      if (conns[i].fd > maxfd) maxfd = conns[i].fd;
    }
    Select(maxfd + 1, &read_set, &write_set, NULL, NULL);

    if (FD_ISSET(listenfd, &read_set)) {
      connfd = accept(listenfd, NULL, NULL);
      if (connfd >= 0) add_client(connfd);
    }
    for (i = 0; i <= maxi; i++) {
      conn_t* c = &conns[i];
      if (c->fd < 0) continue;
      if (c->reading && FD_ISSET(c->fd, &read_set))
        read_request(c);
      else if (!c->reading && FD_ISSET(c->fd, &write_set))
        write_response(c);
    }
  }
}

/* add_client - watch a new connection, if select can watch it */
void add_client(int fd) {
  int i;
  if (fd >= FD_SETSIZE) { /* FD_SET would write past the end of the set */
    Close(fd);
    return;
  }
  for (i = 0; i < FD_SETSIZE; i++)
    if (conns[i].fd < 0) break;
  conn_t* c = &conns[i];
  memset(c, 0, sizeof *c);
  c->fd = fd;
  c->reading = 1;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (i > maxi) maxi = i;
}

void close_client(conn_t* c) {
  if (c->body) Munmap(c->body, c->bodylen);
  c->body = NULL;
  Close(c->fd);
  c->fd = -1;
}

/* read_request - one read: whatever has come, cut into lines; at the blank line, the answer */
void read_request(conn_t* c) {
  char buf[MAXBUF];
  ssize_t i, n = read(c->fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) { /* the client left (or reset) before its request was whole */
    close_client(c);
    return;
  }
  for (i = 0; i < n && c->reading; i++) {
    if (c->linelen < MAXLINE - 1)
      c->line[c->linelen++] = buf[i];
    else
      c->overlong = 1;
    if (buf[i] == '\n') end_of_line(c);
  }
  /* bytes after the blank line (a pipelined second request) are not Tiny's business: HTTP/1.0
     closes after one response */
}

/* end_of_line - one whole line of the request, as tiny.hpp's doit and read_requesthdrs judge it */
void end_of_line(conn_t* c) {
  char version[MAXLINE];
  c->line[c->linelen] = '\0';
  if (c->nlines++ == 0) {
    printf("Request: %s", c->line);
    fflush(stdout);
    if (c->overlong || sscanf(c->line, "%s %s %s", c->method, c->uri, version) != 3 ||
        strncmp(version, "HTTP/", 5) != 0)
      c->badline = 1;
  } else if (!strcmp(c->line, "\r\n") || !strcmp(c->line, "\n")) {
    answer(c); /* the blank line: the request is whole */
  } else if (c->overlong || !strchr(c->line, ':')) {
    c->badheader = 1;
  }
  c->linelen = 0;
  c->overlong = 0;
}

/* answer - the response to a whole request, prepared to be written as the client takes it */
void answer(conn_t* c) {
  char filename[MAXLINE], cgiargs[MAXLINE];
  struct stat sbuf;
  int is_static;

  c->reading = 0;
  if (c->badline) {
    error_page(c, "request line", "400", "Bad request", "Tiny could not parse the request");
    return;
  }
  if (strcasecmp(c->method, "GET")) {
    error_page(c, c->method, "501", "Not implemented", "Tiny does not implement this method");
    return;
  }
  if (c->badheader) {
    error_page(c, "header", "400", "Bad request", "Tiny could not parse a request header");
    return;
  }
  if (!uri_stays_inside(c->uri)) {
    error_page(c, c->uri, "403", "Forbidden", "Tiny serves only the files under its root");
    return;
  }
  is_static = parse_uri(c->uri, filename, cgiargs);
  if (stat(filename, &sbuf) < 0) {
    error_page(c, filename, "404", "Not found", "Tiny couldn't find this file");
    return;
  }
  if (is_static) {
    if (!S_ISREG(sbuf.st_mode) || !(S_IRUSR & sbuf.st_mode))
      error_page(c, filename, "403", "Forbidden", "Tiny couldn't read the file");
    else
      static_answer(c, filename, sbuf.st_size);
  } else {
    if (!S_ISREG(sbuf.st_mode) || !(S_IXUSR & sbuf.st_mode))
      error_page(c, filename, "403", "Forbidden", "Tiny couldn't run the CGI program");
    else
      dynamic_answer(c, filename, cgiargs);
  }
}

/* error_page - clienterror's page, kept to be written instead of written at once */
void error_page(conn_t* c, const char* cause, const char* errnum, const char* shortmsg,
                const char* longmsg) {
  char body[MAXBUF];
  snprintf(body, sizeof body,
           "<html><title>Tiny Error</title><body bgcolor=\"ffffff\">\r\n"
           "%s: %s\r\n<p>%s: %.512s\r\n<hr><em>The Tiny Web server</em>\r\n",
           errnum, shortmsg, longmsg, cause);
  c->headlen = snprintf(c->head, sizeof c->head,
                        "HTTP/1.0 %s %s\r\nContent-type: text/html\r\n"
                        "Content-length: %d\r\n\r\n%s",
                        errnum, shortmsg, (int)strlen(body), body);
}

/* static_answer - serve_static's headers, and the file mapped to be written from */
void static_answer(conn_t* c, char* filename, size_t filesize) {
  char filetype[32];
  int srcfd = open(filename, O_RDONLY, 0);
  if (srcfd < 0) {
    error_page(c, filename, "403", "Forbidden", "Tiny couldn't read the file");
    return;
  }
  get_filetype(filename, filetype);
  c->headlen = snprintf(c->head, sizeof c->head,
                        "HTTP/1.0 200 OK\r\nServer: Tiny Web Server\r\nConnection: close\r\n"
                        "Content-length: %zu\r\nContent-type: %s\r\n\r\n",
                        filesize, filetype);
  if (filesize > 0) {
    c->body = (char*)Mmap(0, filesize, PROT_READ, MAP_PRIVATE, srcfd, 0);
    c->bodylen = filesize;
  }
  Close(srcfd);
}

/* dynamic_answer - the child writes the whole answer; the parent lets the connection go */
void dynamic_answer(conn_t* c, char* filename, char* cgiargs) {
  char buf[MAXLINE], *emptylist[] = {NULL};
  pid_t pid = fork();
  if (pid == 0) {
    /* the child may block on its own client: the socket's non-blocking flag is shared with the
       parent, which closes its copy right away */
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
    sprintf(buf, "HTTP/1.0 200 OK\r\nServer: Tiny Web Server\r\n");
    Rio_writen(c->fd, buf, strlen(buf));
    setenv("QUERY_STRING", cgiargs, 1);
    Dup2(c->fd, STDOUT_FILENO);
    Execve(filename, emptylist, environ);
  }
  if (pid < 0) {
    error_page(c, filename, "500", "Internal error", "Tiny could not start the CGI program");
    return;
  }
  close_client(c);
}

/* write_response - one write of what is left, as much as the socket takes now */
void write_response(conn_t* c) {
  ssize_t n;
  if (c->headsent < c->headlen)
    n = write(c->fd, c->head + c->headsent, c->headlen - c->headsent);
  else
    n = write(c->fd, c->body + c->bodysent, c->bodylen - c->bodysent);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0) { /* the client left (EPIPE, ECONNRESET): that connection ends, nothing else */
    close_client(c);
    return;
  }
  if (c->headsent < c->headlen)
    c->headsent += n;
  else
    c->bodysent += n;
  if (c->headsent == c->headlen && c->bodysent == c->bodylen) close_client(c);
}

/* reap - every CGI child that has ended */
void reap(int sig) {
  int olderrno = errno;
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  errno = olderrno;
}
