// csapp.h - the book's support library (CS:APP 3rd ed.), as one C++ header.
//
// Use: `g++ -std=c++17 prog.c -pthread` (g++, not gcc: this is C++17). Leave the book's
// csapp.c and sbuf.c out of the build: this header and sbuf.h already define all of it.
//
// Every name of the book's csapp.h, with the book's return conventions: lowercase functions
// return -1 and set errno (open_clientfd/open_listenfd return -2 for resolver errors);
// Capitalized wrappers check the result and, on failure, print "msg: reason" and exit.
// Each function is a thin layer over the C++ face in include/csapp/, so there is one
// implementation of every algorithm. Parameters are const where the book passes literals.
//
// Deliberate differences from the book (book-notes/deviations.md says why, with tests):
//   - failures exit with status 1, not 0, and each report is one thread-safe write;
//   - nothing dies on EINTR: P, Accept, Read, Write, Wait, Waitpid and RIO restart, and an
//     interrupted Select waits again for the time that remains (a signal is not a timeout);
//   - Accept retries ECONNABORTED/EPROTO and survives running out of descriptors; after a
//     stop (csapp/stop.hpp) it returns -1/EINTR instead of waiting for the next client;
//   - a server (a process that called open_listenfd) ignores SIGPIPE, so a stdout nobody
//     reads any more costs it its log lines, not its life; Execve restores the default;
//   - a peer that resets or closes early ends that connection, not the server: Rio_* treat
//     ECONNRESET/EPIPE as end of file, and writes never raise SIGPIPE on a socket;
//   - rio_readlineb scans with memchr (same results, many times faster);
//   - open_listenfd takes IPv4 and IPv6 clients and works on a loopback-only machine;
//     Open_listenfd("0") prints the port the kernel chose ("listening on port N");
//   - Malloc, Calloc, Realloc and Mmap return a pointer that converts to any object pointer
//     type, so `int *p = Malloc(n);` compiles as C++ exactly as it does in C;
//   - where unnamed POSIX semaphores do not work (macOS), or with CSAPP_PORTABLE_SEMAPHORE
//     defined, sem_t names a semaphore built on a mutex and a condition variable (see the
//     POSIX semaphores section), so Sem_init, P, V and sbuf still work.
#ifndef CSAPP_BOOK_CSAPP_H
#define CSAPP_BOOK_CSAPP_H

// Compiled as C or as C++ older than C++17, stop with one line that names the fix. Compilers
// go on after #error; an #include of a file that cannot exist ends the compilation at once,
// so the #error stays the only message instead of the head of a cascade.
#ifndef __cplusplus
#error "csapp.h is C++, not C: compile with g++ -std=c++17 prog.c -pthread (and no csapp.c)"
#include "csapp.h stops here: see the error above"
#elif __cplusplus < 201703L
#error "csapp.h needs C++17 or later: compile with -std=c++17 (g++ -std=c++17 prog.c -pthread)"
#include "csapp.h stops here: see the error above"
#endif

// The book's csapp.c (or sbuf.c) compiled next to this header would define every function a
// second time: a page of redefinition errors. This one comes first and says what to do.
// (__BASE_FILE__ is the file named on the command line; GCC and clang define it.)
#ifdef __BASE_FILE__
namespace csapp::detail {
// Whether `path` names a file called `name`, in any directory.
constexpr bool is_file_named(const char* path, const char* name) noexcept {
  const char* base = path;
  for (const char* p = path; *p != '\0'; ++p)
    if (*p == '/') base = p + 1;
  for (; *base != '\0' && *base == *name; ++base, ++name) {
  }
  return *base == '\0' && *name == '\0';
}
}  // namespace csapp::detail
static_assert(!csapp::detail::is_file_named(__BASE_FILE__, "csapp.c"),
              "csapp.h is header-only: leave the book's csapp.c out of your build "
              "(compile only your own .c files: g++ -std=c++17 prog.c -pthread)");
static_assert(!csapp::detail::is_file_named(__BASE_FILE__, "sbuf.c"),
              "sbuf.h is header-only: leave the book's sbuf.c out of your build "
              "(compile only your own .c files: g++ -std=c++17 prog.c -pthread)");
#endif

// The book's header brings in all of these; programs written against it rely on that.
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>  // Select: std::max
#include <chrono>     // Select: the deadline of a restarted wait

#include "csapp/error.hpp"
#include "csapp/fd.hpp"
#include "csapp/rio.hpp"
#include "csapp/semaphore.hpp"
#include "csapp/signal.hpp"
#include "csapp/socket.hpp"

/* ---------------------------------------------------------------------------------------
 * Constants and types
 * ------------------------------------------------------------------------------------- */

#define DEF_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)
#define DEF_UMASK (S_IWGRP | S_IWOTH)
#define RIO_BUFSIZE 8192
#define MAXLINE 8192 /* max text line length */
#define MAXBUF 8192  /* max I/O buffer size */
#define LISTENQ 1024 /* second argument to listen() */

static_assert(RIO_BUFSIZE == csapp::rio_bufsize, "the book's RIO_BUFSIZE is the C++ face's");

typedef struct sockaddr SA;
typedef csapp::rio_state rio_t;
typedef void handler_t(int);

// The book declares it; <unistd.h> does too, but only under _GNU_SOURCE (g++ sets it, a C++
// compiler on macOS does not), so the book's programs need this line to build everywhere.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace csapp {
namespace book {

// What Malloc and friends return: C converts void* to any object pointer silently, C++ does
// not, so this converts on assignment instead (`int *p = Malloc(n);`, `Free(p)`).
class any_ptr {
 public:
  explicit any_ptr(void* p) noexcept : p_(p) {}
  template <class T>
  operator T*() const noexcept {
    return static_cast<T*>(p_);
  }

 private:
  void* p_;  // the untyped result
};

// "The peer went away": for one connection an end, not an error worth ending a server for.
inline bool peer_gone(int err) noexcept { return err == ECONNRESET || err == EPIPE; }

}  // namespace book
}  // namespace csapp

/* ---------------------------------------------------------------------------------------
 * Error handlers
 * ------------------------------------------------------------------------------------- */

[[noreturn]] inline void unix_error(const char* msg) { csapp::fail_errno(msg, errno); }
[[noreturn]] inline void posix_error(int code, const char* msg) { csapp::fail_errno(msg, code); }
// glibc has its own gai_error(struct gaicb *); this overload is the book's.
[[noreturn]] inline void gai_error(int code, const char* msg) {
  csapp::fail(msg, gai_strerror(code));
}
// These two carry no errno: the message is the whole report.
[[noreturn]] inline void app_error(const char* msg) { csapp::fail(msg, nullptr); }
[[noreturn]] inline void dns_error(const char* msg) { csapp::fail(msg, nullptr); }

/* ---------------------------------------------------------------------------------------
 * Process control
 * ------------------------------------------------------------------------------------- */

inline pid_t Fork(void) {
  const pid_t pid = fork();
  if (pid < 0) unix_error("Fork error");
  return pid;
}

// A server ignores SIGPIPE from its first listening socket on (csapp/socket.hpp); an ignored
// signal stays ignored across exec, so the program it starts (Tiny's CGI programs) gets the
// default back: one that writes to a client that left should end, not loop on EPIPE.
inline void Execve(const char* filename, char* const argv[], char* const envp[]) {
  if (csapp::detail::sigpipe_ignored_here().load()) signal(SIGPIPE, SIG_DFL);
  if (execve(filename, argv, envp) < 0) unix_error("Execve error");
}

inline pid_t Wait(int* status) {
  const pid_t pid = csapp::retry_on_eintr([&] { return wait(status); });
  if (pid < 0) unix_error("Wait error");
  return pid;
}

inline pid_t Waitpid(pid_t pid, int* iptr, int options) {
  const pid_t done = csapp::retry_on_eintr([&] { return waitpid(pid, iptr, options); });
  if (done < 0) unix_error("Waitpid error");
  return done;
}

inline void Kill(pid_t pid, int signum) {
  if (kill(pid, signum) < 0) unix_error("Kill error");
}

inline void Pause(void) { (void)pause(); }

inline unsigned int Sleep(unsigned int secs) { return sleep(secs); }

inline unsigned int Alarm(unsigned int seconds) { return alarm(seconds); }

inline void Setpgid(pid_t pid, pid_t pgid) {
  if (setpgid(pid, pgid) < 0) unix_error("Setpgid error");
}

inline pid_t Getpgrp(void) { return getpgrp(); }

/* ---------------------------------------------------------------------------------------
 * Signals
 * ------------------------------------------------------------------------------------- */

inline handler_t* Signal(int signum, handler_t* handler) {
  const csapp::signal_handler previous = csapp::install_handler(signum, handler);
  if (previous == SIG_ERR) unix_error("Signal error");
  return previous;
}

inline void Sigprocmask(int how, const sigset_t* set, sigset_t* oldset) {
  if (sigprocmask(how, set, oldset) < 0) unix_error("Sigprocmask error");
}

inline void Sigemptyset(sigset_t* set) {
  if (sigemptyset(set) < 0) unix_error("Sigemptyset error");
}

inline void Sigfillset(sigset_t* set) {
  if (sigfillset(set) < 0) unix_error("Sigfillset error");
}

inline void Sigaddset(sigset_t* set, int signum) {
  if (sigaddset(set, signum) < 0) unix_error("Sigaddset error");
}

inline void Sigdelset(sigset_t* set, int signum) {
  if (sigdelset(set, signum) < 0) unix_error("Sigdelset error");
}

inline int Sigismember(const sigset_t* set, int signum) {
  const int rc = sigismember(set, signum);
  if (rc < 0) unix_error("Sigismember error");
  return rc;
}

// sigsuspend always returns -1; EINTR is its normal outcome (a handler ran).
inline int Sigsuspend(const sigset_t* set) {
  const int rc = sigsuspend(set);
  if (errno != EINTR) unix_error("Sigsuspend error");
  return rc;
}

/* ---------------------------------------------------------------------------------------
 * Async-signal-safe output (the Sio package)
 * ------------------------------------------------------------------------------------- */

inline ssize_t sio_puts(const char s[]) { return csapp::sio::puts(s); }
inline ssize_t sio_putl(long v) { return csapp::sio::putl(v); }
[[noreturn]] inline void sio_error(const char s[]) { csapp::sio::error(s); }

inline ssize_t Sio_puts(const char s[]) {
  const ssize_t n = sio_puts(s);
  if (n < 0) sio_error("Sio_puts error");
  return n;
}

inline ssize_t Sio_putl(long v) {
  const ssize_t n = sio_putl(v);
  if (n < 0) sio_error("Sio_putl error");
  return n;
}

[[noreturn]] inline void Sio_error(const char s[]) { sio_error(s); }

/* ---------------------------------------------------------------------------------------
 * Unix I/O
 * ------------------------------------------------------------------------------------- */

inline int Open(const char* pathname, int flags, mode_t mode) {
  const int fd = csapp::retry_on_eintr([&] { return open(pathname, flags, mode); });
  if (fd < 0) unix_error("Open error");
  return fd;
}

inline ssize_t Read(int fd, void* buf, size_t count) {
  const ssize_t n = csapp::retry_on_eintr([&] { return read(fd, buf, count); });
  if (n < 0) unix_error("Read error");
  return n;
}

inline ssize_t Write(int fd, const void* buf, size_t count) {
  const ssize_t n = csapp::retry_on_eintr([&] { return write(fd, buf, count); });
  if (n < 0) unix_error("Write error");
  return n;
}

inline off_t Lseek(int fildes, off_t offset, int whence) {
  const off_t pos = lseek(fildes, offset, whence);
  if (pos < 0) unix_error("Lseek error");
  return pos;
}

// EINTR from close still releases the descriptor on Linux, so it is not a failure here.
inline void Close(int fd) {
  if (close(fd) < 0 && errno != EINTR) unix_error("Close error");
}

// A handler that returns makes select fail with EINTR, whatever SA_RESTART says (the kernel
// never restarts it). That is neither an error nor a timeout: Select waits again, on the same
// sets, for the time that remains (computed here: POSIX leaves the timeout undefined after an
// error). It returns 0 only when the time is really up. A program that must notice a signal
// in its loop puts the read end of a self-pipe in the set (csapp/stop.hpp's stop_fd()), which
// the handler makes readable.
inline int Select(int n, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                  struct timeval* timeout) {
  fd_set* const sets[3] = {readfds, writefds, exceptfds};
  fd_set asked[3];
  for (int i = 0; i < 3; i++)
    if (sets[i] != nullptr) asked[i] = *sets[i];
  using clock = std::chrono::steady_clock;
  const auto deadline = timeout == nullptr ? clock::time_point::max()
                                           : clock::now() + std::chrono::seconds(timeout->tv_sec) +
                                                 std::chrono::microseconds(timeout->tv_usec);
  for (;;) {
    const int rc = select(n, readfds, writefds, exceptfds, timeout);
    if (rc >= 0) return rc;
    if (errno != EINTR) unix_error("Select error");
    for (int i = 0; i < 3; i++)
      if (sets[i] != nullptr) *sets[i] = asked[i];
    if (timeout != nullptr) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          std::max(deadline - clock::now(), clock::duration::zero()));
      timeout->tv_sec = static_cast<time_t>(left.count() / 1000000);
      timeout->tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
    }
  }
}

inline int Dup2(int fd1, int fd2) {
  const int fd = csapp::retry_on_eintr([&] { return dup2(fd1, fd2); });
  if (fd < 0) unix_error("Dup2 error");
  return fd;
}

inline void Stat(const char* filename, struct stat* buf) {
  if (stat(filename, buf) < 0) unix_error("Stat error");
}

inline void Fstat(int fd, struct stat* buf) {
  if (fstat(fd, buf) < 0) unix_error("Fstat error");
}

/* ---------------------------------------------------------------------------------------
 * Directories
 * ------------------------------------------------------------------------------------- */

inline DIR* Opendir(const char* name) {
  DIR* dirp = opendir(name);
  if (dirp == nullptr) unix_error("opendir error");
  return dirp;
}

// NULL with errno unchanged is the end of the directory; NULL with errno set is a failure.
inline struct dirent* Readdir(DIR* dirp) {
  errno = 0;
  struct dirent* dep = readdir(dirp);
  if (dep == nullptr && errno != 0) unix_error("readdir error");
  return dep;
}

inline int Closedir(DIR* dirp) {
  const int rc = closedir(dirp);
  if (rc < 0) unix_error("closedir error");
  return rc;
}

/* ---------------------------------------------------------------------------------------
 * Memory mapping
 * ------------------------------------------------------------------------------------- */

inline csapp::book::any_ptr Mmap(void* addr, size_t len, int prot, int flags, int fd,
                                 off_t offset) {
  void* p = mmap(addr, len, prot, flags, fd, offset);
  if (p == MAP_FAILED) unix_error("mmap error");
  return csapp::book::any_ptr(p);
}

inline void Munmap(void* start, size_t length) {
  if (munmap(start, length) < 0) unix_error("munmap error");
}

/* ---------------------------------------------------------------------------------------
 * Standard I/O
 * ------------------------------------------------------------------------------------- */

inline void Fclose(FILE* fp) {
  if (fclose(fp) != 0) unix_error("Fclose error");
}

inline FILE* Fdopen(int fd, const char* type) {
  FILE* fp = fdopen(fd, type);
  if (fp == nullptr) unix_error("Fdopen error");
  return fp;
}

// NULL at end of file is not an error; NULL with the stream's error flag set is.
inline char* Fgets(char* ptr, int n, FILE* stream) {
  char* line = fgets(ptr, n, stream);
  if (line == nullptr && ferror(stream)) app_error("Fgets error");
  return line;
}

inline FILE* Fopen(const char* filename, const char* mode) {
  FILE* fp = fopen(filename, mode);
  if (fp == nullptr) unix_error("Fopen error");
  return fp;
}

inline void Fputs(const char* ptr, FILE* stream) {
  if (fputs(ptr, stream) == EOF) unix_error("Fputs error");
}

inline size_t Fread(void* ptr, size_t size, size_t nmemb, FILE* stream) {
  const size_t n = fread(ptr, size, nmemb, stream);
  if (n < nmemb && ferror(stream)) unix_error("Fread error");
  return n;
}

inline void Fwrite(const void* ptr, size_t size, size_t nmemb, FILE* stream) {
  if (fwrite(ptr, size, nmemb, stream) < nmemb) unix_error("Fwrite error");
}

/* ---------------------------------------------------------------------------------------
 * Dynamic storage
 * ------------------------------------------------------------------------------------- */

inline csapp::book::any_ptr Malloc(size_t size) {
  void* p = malloc(size);
  if (p == nullptr) unix_error("Malloc error");
  return csapp::book::any_ptr(p);
}

inline csapp::book::any_ptr Realloc(void* ptr, size_t size) {
  void* p = realloc(ptr, size);
  if (p == nullptr) unix_error("Realloc error");
  return csapp::book::any_ptr(p);
}

inline csapp::book::any_ptr Calloc(size_t nmemb, size_t size) {
  void* p = calloc(nmemb, size);
  if (p == nullptr) unix_error("Calloc error");
  return csapp::book::any_ptr(p);
}

inline void Free(void* ptr) { free(ptr); }

/* ---------------------------------------------------------------------------------------
 * Sockets
 * ------------------------------------------------------------------------------------- */

inline int Socket(int domain, int type, int protocol) {
  const int fd = socket(domain, type, protocol);
  if (fd < 0) unix_error("Socket error");
  return fd;
}

inline void Setsockopt(int s, int level, int optname, const void* optval, int optlen) {
  if (setsockopt(s, level, optname, optval, static_cast<socklen_t>(optlen)) < 0)
    unix_error("Setsockopt error");
}

inline void Bind(int sockfd, const struct sockaddr* my_addr, int addrlen) {
  if (bind(sockfd, my_addr, static_cast<socklen_t>(addrlen)) < 0) unix_error("Bind error");
}

inline void Listen(int s, int backlog) {
  if (listen(s, backlog) < 0) unix_error("Listen error");
}

// Returns a connected descriptor. Clients that vanish before being accepted, signals, and
// running out of descriptors (that client is dropped) do not end the server. The non-fatal
// -1s: EAGAIN, from a non-blocking listening socket with nobody waiting, and EINTR once a
// stop was requested (csapp/stop.hpp), so the program's loop sees the stop.
inline int Accept(int s, struct sockaddr* addr, socklen_t* addrlen) {
  const int fd = csapp::accept_client(s, addr, addrlen);
  if (fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
      !(errno == EINTR && csapp::stop_requested()))
    unix_error("Accept error");
  return fd;
}

inline void Connect(int sockfd, const struct sockaddr* serv_addr, int addrlen) {
  if (csapp::connect_uninterrupted(sockfd, serv_addr, static_cast<socklen_t>(addrlen)) < 0)
    unix_error("Connect error");
}

/* ---------------------------------------------------------------------------------------
 * Protocol-independent wrappers
 * ------------------------------------------------------------------------------------- */

inline void Getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                        struct addrinfo** res) {
  const int rc = getaddrinfo(node, service, hints, res);
  if (rc != 0) gai_error(rc, "Getaddrinfo error");
}

inline void Getnameinfo(const struct sockaddr* sa, socklen_t salen, char* host, size_t hostlen,
                        char* serv, size_t servlen, int flags) {
  const int rc = getnameinfo(sa, salen, host, static_cast<socklen_t>(hostlen), serv,
                             static_cast<socklen_t>(servlen), flags);
  if (rc != 0) gai_error(rc, "Getnameinfo error");
}

inline void Freeaddrinfo(struct addrinfo* res) { freeaddrinfo(res); }

inline void Inet_ntop(int af, const void* src, char* dst, socklen_t size) {
  if (inet_ntop(af, src, dst, size) == nullptr) unix_error("Inet_ntop error");
}

inline void Inet_pton(int af, const char* src, void* dst) {
  const int rc = inet_pton(af, src, dst);
  if (rc == 0) app_error("Inet_pton error: invalid dotted-decimal address");
  if (rc < 0) unix_error("Inet_pton error");
}

/* ---------------------------------------------------------------------------------------
 * DNS (obsolete, kept because older programs call them)
 * ------------------------------------------------------------------------------------- */

inline struct hostent* Gethostbyname(const char* name) {
  struct hostent* p = gethostbyname(name);
  if (p == nullptr) dns_error("Gethostbyname error");
  return p;
}

inline struct hostent* Gethostbyaddr(const char* addr, int len, int type) {
  struct hostent* p = gethostbyaddr(addr, static_cast<socklen_t>(len), type);
  if (p == nullptr) dns_error("Gethostbyaddr error");
  return p;
}

/* ---------------------------------------------------------------------------------------
 * Pthreads (these return an error code instead of setting errno: posix_error)
 * ------------------------------------------------------------------------------------- */

inline void Pthread_create(pthread_t* tidp, const pthread_attr_t* attrp, void* (*routine)(void*),
                           void* argp) {
  const int rc = pthread_create(tidp, attrp, routine, argp);
  if (rc != 0) posix_error(rc, "Pthread_create error");
}

inline void Pthread_cancel(pthread_t tid) {
  const int rc = pthread_cancel(tid);
  if (rc != 0) posix_error(rc, "Pthread_cancel error");
}

inline void Pthread_join(pthread_t tid, void** thread_return) {
  const int rc = pthread_join(tid, thread_return);
  if (rc != 0) posix_error(rc, "Pthread_join error");
}

inline void Pthread_detach(pthread_t tid) {
  const int rc = pthread_detach(tid);
  if (rc != 0) posix_error(rc, "Pthread_detach error");
}

[[noreturn]] inline void Pthread_exit(void* retval) { pthread_exit(retval); }

inline pthread_t Pthread_self(void) { return pthread_self(); }

inline void Pthread_once(pthread_once_t* once_control, void (*init_function)()) {
  const int rc = pthread_once(once_control, init_function);
  if (rc != 0) posix_error(rc, "Pthread_once error");
}

/* ---------------------------------------------------------------------------------------
 * POSIX semaphores
 * ------------------------------------------------------------------------------------- */

// Where unnamed POSIX semaphores are missing (macOS) or CSAPP_PORTABLE_SEMAPHORE is defined,
// the book's code still declares `sem_t` and calls sem_init/sem_wait/sem_post on it. The
// system's sem_t cannot hold the fallback (on macOS it is a plain int), so from here on the
// name sem_t means csapp_sem_t, the fallback struct, and the sem_* calls get overloads for
// it: `sem_t s; Sem_init(&s, 0, 1); P(&s);`, sbuf_t's fields and raw sem_wait(&s) all
// compile unchanged. It is a macro, not a typedef, because <semaphore.h> already declared
// sem_t. Standard headers that use sem_t themselves are included first, so that they keep
// the system's type whatever a program includes after this header.
#ifdef CSAPP_PORTABLE_SEMAPHORE
#if __cplusplus >= 202002L && __has_include(<semaphore>)
#include <semaphore>
#endif
typedef csapp::condvar_sem csapp_sem_t;
#define sem_t csapp_sem_t
inline int sem_init(csapp_sem_t* sem, int pshared, unsigned int value) noexcept {
  return csapp::sem::init(sem, pshared, value);
}
inline int sem_destroy(csapp_sem_t* sem) noexcept { return csapp::sem::destroy(sem); }
inline int sem_wait(csapp_sem_t* sem) noexcept { return csapp::sem::wait(sem); }
inline int sem_timedwait(csapp_sem_t* sem, const struct timespec* abstime) noexcept {
  return csapp::sem::timedwait(sem, abstime);
}
inline int sem_trywait(csapp_sem_t* sem) noexcept { return csapp::sem::trywait(sem); }
inline int sem_post(csapp_sem_t* sem) noexcept { return csapp::sem::post(sem); }
inline int sem_getvalue(csapp_sem_t* sem, int* sval) noexcept {
  return csapp::sem::getvalue(sem, sval);
}
#endif

inline void Sem_init(sem_t* sem, int pshared, unsigned int value) {
  if (csapp::sem::init(sem, pshared, value) < 0) unix_error("Sem_init error");
}

// A signal that interrupts the wait does not end the program: P waits again.
inline void P(sem_t* s) {
  if (csapp::sem_wait_uninterrupted(s) < 0) unix_error("P error");
}

inline void V(sem_t* s) {
  if (csapp::sem::post(s) < 0) unix_error("V error");
}

/* ---------------------------------------------------------------------------------------
 * The RIO package
 * ------------------------------------------------------------------------------------- */

inline ssize_t rio_readn(int fd, void* usrbuf, size_t n) { return csapp::readn(fd, usrbuf, n); }

inline ssize_t rio_writen(int fd, const void* usrbuf, size_t n) {
  return csapp::writen(fd, usrbuf, n);
}

inline void rio_readinitb(rio_t* rp, int fd) { csapp::rio_init(*rp, fd); }

inline ssize_t rio_readnb(rio_t* rp, void* usrbuf, size_t n) {
  return csapp::rio_readnb(*rp, usrbuf, n);
}

inline ssize_t rio_readlineb(rio_t* rp, void* usrbuf, size_t maxlen) {
  return csapp::rio_readlineb(*rp, usrbuf, maxlen);
}

// The checked reads: a peer that reset the connection reads as end of file (0), so the
// book's echo loop ends that connection and the server goes on.
inline ssize_t Rio_readn(int fd, void* usrbuf, size_t n) {
  const ssize_t got = rio_readn(fd, usrbuf, n);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readn error");
}

// A peer that has gone away (EPIPE, ECONNRESET) loses the bytes, and only that connection
// is affected: the next read on it returns end of file.
inline void Rio_writen(int fd, const void* usrbuf, size_t n) {
  if (rio_writen(fd, usrbuf, n) < 0 && !csapp::book::peer_gone(errno))
    unix_error("Rio_writen error");
}

inline void Rio_readinitb(rio_t* rp, int fd) { rio_readinitb(rp, fd); }

inline ssize_t Rio_readnb(rio_t* rp, void* usrbuf, size_t n) {
  const ssize_t got = rio_readnb(rp, usrbuf, n);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readnb error");
}

inline ssize_t Rio_readlineb(rio_t* rp, void* usrbuf, size_t maxlen) {
  const ssize_t got = rio_readlineb(rp, usrbuf, maxlen);
  if (got >= 0) return got;
  if (csapp::book::peer_gone(errno)) return 0;
  unix_error("Rio_readlineb error");
}

/* ---------------------------------------------------------------------------------------
 * Client/server helpers
 * ------------------------------------------------------------------------------------- */

// -1 with errno on a system error; -2 on a resolver error, reported on stderr as the book
// does (its errno would say nothing).
inline int open_clientfd(const char* hostname, const char* port) {
  std::error_code ec;
  const int fd = csapp::open_client(hostname, port, ec);
  if (fd >= 0) return fd;
  if (ec.category() == csapp::gai_category()) {
    char what[512];
    snprintf(what, sizeof what, "open_clientfd: getaddrinfo failed (%s:%s)", hostname, port);
    csapp::report(what, ec.message().c_str());
    return -2;
  }
  errno = ec.value();
  return -1;
}

inline int open_listenfd(const char* port) {
  std::error_code ec;
  const int fd = csapp::open_listener(port, LISTENQ, ec);
  if (fd >= 0) return fd;
  if (ec.category() == csapp::gai_category()) {
    char what[512];
    snprintf(what, sizeof what, "open_listenfd: getaddrinfo failed (port %s)", port);
    csapp::report(what, ec.message().c_str());
    return -2;
  }
  errno = ec.value();
  return -1;
}

inline int Open_clientfd(const char* hostname, const char* port) {
  const int fd = open_clientfd(hostname, port);
  if (fd == -2) app_error("Open_clientfd error: cannot resolve the address (see above)");
  if (fd < 0) unix_error("Open_clientfd error");
  return fd;
}

// Asked for port 0, the kernel picks a free port; nobody could connect without knowing it,
// so Open_listenfd says which, on stdout, flushed: "listening on port N". A server run by a
// test or a tool then needs no port of its own choosing, and a figure no extra line.
inline int Open_listenfd(const char* port) {
  const int fd = open_listenfd(port);
  if (fd == -2) app_error("Open_listenfd error: cannot resolve the address (see above)");
  if (fd < 0) unix_error("Open_listenfd error");
  if (strcmp(port, "0") == 0) {
    printf("listening on port %u\n", static_cast<unsigned>(csapp::local_port(fd)));
    fflush(stdout);
  }
  return fd;
}

#endif /* CSAPP_BOOK_CSAPP_H */
