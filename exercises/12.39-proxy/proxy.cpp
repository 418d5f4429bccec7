// Problem 12.39 - starter: a proxy that works, one client at a time. It reads a client's
// request, sends it on to the origin in HTTP/1.0 form and copies the answer back; then it takes
// the next client. While it waits for one origin, every other client waits too; it keeps no log,
// and the block list on its command line is not read yet. README.md says what to do.
#include "csapp.h"

typedef struct {        /* one request, as the client sent it */
  char method[MAXLINE]; /* GET */
  char url[MAXLINE];    /* http://host[:port]/path */
  char host[MAXLINE];   /* host, without the port */
  char port[16];        /* the port, 80 when the URL names none */
  char path[MAXLINE];   /* /path */
  char headers[MAXBUF]; /* the client's other headers, to be passed on */
} request_t;

void serve(int connfd, const char* client);
int read_request(rio_t* rp, request_t* req);
int parse_url(request_t* req);
long refuse(int fd, const char* status, const char* shortmsg, const char* longmsg, const char* url);
long forward(int connfd, const request_t* req, int* status);

int main(int argc, char** argv) {
  int listenfd, connfd;
  socklen_t clientlen;
  struct sockaddr_storage clientaddr;
  char client[MAXLINE];

  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s <port> [blocklist]\n", argv[0]);
    exit(2);
  }
  listenfd = Open_listenfd(argv[1]);
  while (1) {
    clientlen = sizeof(clientaddr);
    connfd = Accept(listenfd, (SA*)&clientaddr, &clientlen);
    if (getnameinfo((SA*)&clientaddr, clientlen, client, MAXLINE, NULL, 0, NI_NUMERICHOST) != 0)
      strcpy(client, "?");
    serve(connfd, client);
    Close(connfd);
  }
}

void serve(int connfd, const char* client) {
  rio_t rio;
  request_t req;
  int status = 0;
  long bytes;

  Rio_readinitb(&rio, connfd);
  if (!read_request(&rio, &req)) return; /* the client left before its request was whole */
  if (strcasecmp(req.method, "GET")) {
    bytes = refuse(connfd, "501", "Not implemented", "The proxy forwards GET only", req.method);
    return;
  }
  if (!parse_url(&req)) {
    bytes =
        refuse(connfd, "400", "Bad request", "The proxy wants http://host[:port]/path", req.url);
    return;
  }
  bytes = forward(connfd, &req, &status);
  (void)client; /* for the log, when there is one */
  (void)bytes;
}

/* read_request - the request line and the headers up to the blank line: 0 if the client left */
int read_request(rio_t* rp, request_t* req) {
  char line[MAXLINE], version[MAXLINE];
  size_t used = 0, len;

  if (Rio_readlineb(rp, line, MAXLINE) <= 0) return 0;
  if (sscanf(line, "%s %s %s", req->method, req->url, version) != 3) {
    strcpy(req->method, "?");
    strcpy(req->url, "?");
  }
  req->headers[0] = '\0';
  while (1) {
    if (Rio_readlineb(rp, line, MAXLINE) <= 0) return 0;
    if (!strcmp(line, "\r\n") || !strcmp(line, "\n")) return 1;
    /* the proxy speaks for itself about these */
    if (!strncasecmp(line, "Host:", 5) || !strncasecmp(line, "Connection:", 11) ||
        !strncasecmp(line, "Proxy-Connection:", 17))
      continue;
    len = strlen(line);
    if (used + len < sizeof req->headers) { /* headers beyond MAXBUF are dropped */
      memcpy(req->headers + used, line, len + 1);
      used += len;
    }
  }
}

/* parse_url - http://host[:port][/path] into its parts: 0 if it is no such URL */
int parse_url(request_t* req) {
  const char* p = req->url;
  size_t n;

  if (strncasecmp(p, "http://", 7)) return 0;
  p += 7;
  n = strcspn(p, ":/");
  if (n == 0 || n >= sizeof req->host) return 0;
  memcpy(req->host, p, n);
  req->host[n] = '\0';
  p += n;
  strcpy(req->port, "80");
  if (*p == ':') {
    n = strspn(p + 1, "0123456789");
    if (n == 0 || n >= sizeof req->port) return 0;
    memcpy(req->port, p + 1, n);
    req->port[n] = '\0';
    p += n + 1;
  }
  strcpy(req->path, *p == '/' ? p : "/");
  return 1;
}

/* refuse - an error page of the proxy's own; returns the bytes sent */
long refuse(int fd, const char* status, const char* shortmsg, const char* longmsg,
            const char* url) {
  char body[MAXBUF], head[MAXLINE];
  snprintf(body, sizeof body,
           "<html><head><title>%s %s</title></head><body>\r\n<h1>%s %s</h1>\r\n"
           "<p>%s: %.1000s</p>\r\n<hr><em>the proxy</em></body></html>\r\n",
           status, shortmsg, status, shortmsg, longmsg, url);
  snprintf(head, sizeof head,
           "HTTP/1.0 %s %s\r\nContent-type: text/html\r\nContent-length: %d\r\n"
           "Connection: close\r\n\r\n",
           status, shortmsg, (int)strlen(body));
  Rio_writen(fd, head, strlen(head));
  Rio_writen(fd, body, strlen(body));
  return (long)(strlen(head) + strlen(body));
}

/* forward - the request to the origin, its answer to the client as it comes; returns the bytes
   sent to the client and the origin's status (502 when the origin could not be reached) */
long forward(int connfd, const request_t* req, int* status) {
  char buf[MAXBUF];
  rio_t rio;
  ssize_t n;
  long bytes = 0;
  int originfd = open_clientfd(req->host, req->port);

  if (originfd < 0) {
    *status = 502;
    return refuse(connfd, "502", "Bad gateway", "The proxy could not reach", req->url);
  }
  snprintf(buf, sizeof buf,
           "GET %.4000s HTTP/1.0\r\nHost: %.1000s:%s\r\nConnection: close\r\n"
           "Proxy-Connection: close\r\n",
           req->path, req->host, req->port);
  Rio_writen(originfd, buf, strlen(buf));
  Rio_writen(originfd, req->headers, strlen(req->headers));
  Rio_writen(originfd, "\r\n", 2);
  Rio_readinitb(&rio, originfd);
  *status = 0;
  /* the status line first, for the log; then the rest as it comes */
  if ((n = Rio_readlineb(&rio, buf, MAXLINE)) > 0) {
    sscanf(buf, "HTTP/%*s %d", status);
    Rio_writen(connfd, buf, n);
    bytes += n;
    while ((n = Rio_readnb(&rio, buf, MAXBUF)) > 0) {
      if (rio_writen(connfd, buf, n) < 0) break; /* the client left: so does this copy */
      bytes += n;
    }
  }
  Close(originfd);
  return bytes;
}
