// Problem 12.39 - reference solution: a concurrent proxy, a thread per connection. Each thread
// reads the client's request, refuses it with a 403 page when the block list names its host or
// path, else opens its own connection to the origin, sends the request on in HTTP/1.0 form and
// copies the answer back as it comes; then it logs one line. The threads share the block list
// (read once, before any thread starts), the log (one lock, one line at a time) and, for the
// stretch part, a cache of whole answers: a readers-writers problem, solved as in the book's
// Figure 12.26 (readers first), with each object's "last used" time kept under a lock of its own
// so a hit needs only the readers' side.
#include "csapp.h"

#define MAXBLOCK 256
#define MAX_CACHE_SIZE (1024 * 1024) /* bytes of cached answers in all */
#define MAX_OBJECT_SIZE (100 * 1024) /* the largest answer that is cached */

typedef struct {        /* one request, as the client sent it */
  char method[MAXLINE]; /* GET */
  char url[MAXLINE];    /* http://host[:port]/path */
  char host[MAXLINE];   /* host, without the port */
  char port[16];        /* the port, 80 when the URL names none */
  char path[MAXLINE];   /* /path */
  char headers[MAXBUF]; /* the client's other headers, to be passed on */
} request_t;

typedef struct {                      /* what main hands a new thread */
  int connfd;                         /* the client's connection */
  socklen_t clientlen;                /* its address's length */
  struct sockaddr_storage clientaddr; /* its address */
} client_t;

typedef struct cache_obj { /* one cached answer */
  char* url;               /* its key: the URL as the client sent it */
  char* data;              /* the whole answer: status line, headers and body */
  size_t size;             /* bytes of data */
  int status;              /* its status code, for the log */
  unsigned long used;      /* when it was last used: use_clock's value then */
  struct cache_obj* next;  /* the next object, in no particular order */
} cache_obj;

cache_obj* cache;        /* the cached objects */
size_t cache_size;       /* bytes of data in all the objects */
int readcnt;             /* readers inside the cache (Figure 12.26) */
sem_t mutex, w;          /* readcnt's lock; the writers' (and the first reader's) */
sem_t use_mutex;         /* guards use_clock and every object's `used`: hits write them */
unsigned long use_clock; /* counts uses: a larger `used` is a more recent one */

char* blocked[MAXBLOCK]; /* the block list: "host" or "host/path-prefix" */
int nblocked;            /* entries in it */
FILE* logfile;           /* proxy.log, in the working directory */
pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void* thread(void* vargp);
void serve(int connfd, const char* client);
int read_request(rio_t* rp, request_t* req);
int parse_url(request_t* req);
int is_blocked(const request_t* req);
long refuse(int fd, const char* status, const char* shortmsg, const char* longmsg, const char* url);
long forward(int connfd, const request_t* req, int* status);
void log_request(const char* client, const char* url, int status, long bytes);
void read_blocklist(const char* path);
void cache_init(void);
int cache_find(const char* url, char** data, size_t* size, int* status);
void cache_add(const char* url, const char* data, size_t size, int status);
int complete_answer(const char* data, size_t size);
int keep(char* object, size_t* objsize, const char* buf, size_t n);

int main(int argc, char** argv) {
  int listenfd;
  client_t* c;
  pthread_t tid;

  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s <port> [blocklist]\n", argv[0]);
    exit(2);
  }
  if (argc == 3) read_blocklist(argv[2]);
  cache_init();
  logfile = fopen("proxy.log", "a");
  if (logfile == NULL) unix_error("proxy.log");
  listenfd = Open_listenfd(argv[1]);
  while (1) {
    c = (client_t*)Malloc(sizeof(client_t)); /* each thread its own: no race on connfd */
    c->clientlen = sizeof(c->clientaddr);
    c->connfd = Accept(listenfd, (SA*)&c->clientaddr, &c->clientlen);
    Pthread_create(&tid, NULL, thread, c);
  }
}

/* thread - one client, from its request to its log line */
void* thread(void* vargp) {
  client_t* c = (client_t*)vargp;
  char client[MAXLINE];

  Pthread_detach(pthread_self());
  if (getnameinfo((SA*)&c->clientaddr, c->clientlen, client, MAXLINE, NULL, 0, NI_NUMERICHOST) != 0)
    strcpy(client, "?");
  serve(c->connfd, client);
  Close(c->connfd);
  Free(c);
  return NULL;
}

void serve(int connfd, const char* client) {
  rio_t rio;
  request_t req;
  int status = 0;
  long bytes;
  char* cached;
  size_t size;

  Rio_readinitb(&rio, connfd);
  if (!read_request(&rio, &req)) return; /* the client left before its request was whole */
  if (strcasecmp(req.method, "GET")) {
    bytes = refuse(connfd, "501", "Not implemented", "The proxy forwards GET only", req.method);
    log_request(client, req.url, 501, bytes);
    return;
  }
  if (!parse_url(&req)) {
    bytes =
        refuse(connfd, "400", "Bad request", "The proxy wants http://host[:port]/path", req.url);
    log_request(client, req.url, 400, bytes);
    return;
  }
  if (is_blocked(&req)) {
    bytes =
        refuse(connfd, "403", "Forbidden", "This address is on the proxy's block list", req.url);
    log_request(client, req.url, 403, bytes);
    return;
  }
  if (cache_find(req.url, &cached, &size, &status)) { /* a hit: the origin is not asked */
    bytes = rio_writen(connfd, cached, size) < 0 ? 0 : (long)size;
    Free(cached);
    log_request(client, req.url, status, bytes);
    return;
  }
  bytes = forward(connfd, &req, &status);
  log_request(client, req.url, status, bytes);
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

/* is_blocked - the host is on the list, or host + path begins with an entry that has a path */
int is_blocked(const request_t* req) {
  char where[2 * MAXLINE];
  int i;
  snprintf(where, sizeof where, "%s%s", req->host, req->path);
  for (i = 0; i < nblocked; i++) {
    if (strchr(blocked[i], '/') == NULL) {
      if (!strcasecmp(blocked[i], req->host)) return 1;
    } else if (!strncmp(where, blocked[i], strlen(blocked[i]))) {
      return 1;
    }
  }
  return 0;
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
   sent to the client and the origin's status (502 when the origin could not be reached). A 200
   answer that came whole and fits MAX_OBJECT_SIZE is kept in the cache as well. */
long forward(int connfd, const request_t* req, int* status) {
  char buf[MAXBUF];
  rio_t rio;
  ssize_t n;
  long bytes = 0;
  char* object = (char*)Malloc(MAX_OBJECT_SIZE); /* the answer so far, while it fits */
  size_t objsize = 0;
  int fits = 1, whole = 1;
  int originfd = open_clientfd(req->host, req->port);

  if (originfd < 0) {
    *status = 502;
    Free(object);
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
    fits = keep(object, &objsize, buf, n);
    while ((n = Rio_readnb(&rio, buf, MAXBUF)) > 0) {
      if (rio_writen(connfd, buf, n) < 0) { /* the client left: so does this copy */
        whole = 0;
        break;
      }
      bytes += n;
      fits = fits && keep(object, &objsize, buf, n);
    }
    if (*status == 200 && fits && whole && complete_answer(object, objsize))
      cache_add(req->url, object, objsize, *status);
  }
  Close(originfd);
  Free(object);
  return bytes;
}

/* log_request - one line per request, written whole under the lock */
void log_request(const char* client, const char* url, int status, long bytes) {
  pthread_mutex_lock(&log_lock);
  fprintf(logfile, "%s %s %d %ld\n", client, url, status, bytes);
  fflush(logfile);
  pthread_mutex_unlock(&log_lock);
}

/* read_blocklist - one entry a line; blank lines and lines starting with # are skipped */
void read_blocklist(const char* path) {
  char line[MAXLINE];
  FILE* f = fopen(path, "r");
  if (f == NULL) unix_error(path);
  while (nblocked < MAXBLOCK && fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, " \t\r\n")] = '\0';
    if (line[0] == '\0' || line[0] == '#') continue;
    blocked[nblocked++] = strdup(line);
  }
  fclose(f);
}

/* keep - adds n bytes to the object being collected; 0 once it would grow past MAX_OBJECT_SIZE */
int keep(char* object, size_t* objsize, const char* buf, size_t n) {
  if (*objsize + n > MAX_OBJECT_SIZE) return 0;
  memcpy(object + *objsize, buf, n);
  *objsize += n;
  return 1;
}

/* complete_answer - the body is as long as its Content-Length says (an answer without one ends
   where the origin closed, so whatever came is all of it); an origin that closed early has sent
   an answer that must not be served again */
int complete_answer(const char* data, size_t size) {
  const char* end = (const char*)memmem(data, size, "\r\n\r\n", 4);
  const char* line;
  if (end == NULL) return 0;
  for (line = data; line < end; line = (const char*)memchr(line, '\n', end - line) + 1) {
    if (!strncasecmp(line, "Content-Length:", 15))
      return strtoul(line + 15, NULL, 10) == (unsigned long)(size - (end + 4 - data));
    if (memchr(line, '\n', end - line) == NULL) break;
  }
  return 1;
}

/* cache_init - an empty cache and its semaphores, before any thread starts */
void cache_init(void) {
  Sem_init(&mutex, 0, 1);
  Sem_init(&w, 0, 1);
  Sem_init(&use_mutex, 0, 1);
}

/* cache_find - on a hit, a copy of the answer (the caller frees it) and 1: the copy is made
   inside the readers' section and sent after it, so a slow client never holds the cache */
int cache_find(const char* url, char** data, size_t* size, int* status) {
  cache_obj* obj;
  int found = 0;

  P(&mutex); /* readers first, as in Figure 12.26 */
  readcnt++;
  if (readcnt == 1) P(&w);
  V(&mutex);

  for (obj = cache; obj != NULL; obj = obj->next)
    if (!strcmp(obj->url, url)) {
      *data = (char*)Malloc(obj->size);
      memcpy(*data, obj->data, obj->size);
      *size = obj->size;
      *status = obj->status;
      P(&use_mutex); /* other readers may be marking this object too */
      obj->used = ++use_clock;
      V(&use_mutex);
      found = 1;
      break;
    }

  P(&mutex);
  readcnt--;
  if (readcnt == 0) V(&w);
  V(&mutex);
  return found;
}

/* cache_add - a new object; the least recently used go first until it fits. A writer: alone. */
void cache_add(const char* url, const char* data, size_t size, int status) {
  cache_obj *obj, **oldest, **at;

  if (size > MAX_OBJECT_SIZE) return;
  P(&w);
  for (obj = cache; obj != NULL; obj = obj->next)
    if (!strcmp(obj->url, url)) { /* another thread cached it meanwhile */
      V(&w);
      return;
    }
  while (cache != NULL && cache_size + size > MAX_CACHE_SIZE) {
    oldest = &cache; /* no reader is inside: every `used` holds still */
    for (at = &cache->next; *at != NULL; at = &(*at)->next)
      if ((*at)->used < (*oldest)->used) oldest = at;
    obj = *oldest;
    *oldest = obj->next;
    cache_size -= obj->size;
    Free(obj->url);
    Free(obj->data);
    Free(obj);
  }
  obj = (cache_obj*)Malloc(sizeof(cache_obj));
  obj->url = strdup(url);
  obj->data = (char*)Malloc(size);
  memcpy(obj->data, data, size);
  obj->size = size;
  obj->status = status;
  P(&use_mutex);
  obj->used = ++use_clock;
  V(&use_mutex);
  obj->next = cache;
  cache = obj;
  cache_size += size;
  V(&w);
}
