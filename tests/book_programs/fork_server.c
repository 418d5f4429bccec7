/* One child process per client; the parent reaps finished children from a SIGCHLD
 * handler installed with the book's Signal. Serves a fixed number of clients, then waits
 * for its children and exits 0. */
#include "common_echo.h"

static volatile sig_atomic_t reaped = 0;

void on_child_exit(int signum)
{
    int saved = errno;
    (void)signum;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        reaped = reaped + 1; /* not ++: C++20 deprecates it on volatile */
    errno = saved;
}

int main(int argc, char **argv)
{
    int limit = client_limit(argc, argv);
    int lfd, cfd, started;
    struct sockaddr_storage peer;
    socklen_t peerlen;
    sigset_t block_child, previous;

    Signal(SIGCHLD, on_child_exit);
    lfd = Open_listenfd(argv[1]);
    for (started = 0; started < limit; started++) {
        peerlen = sizeof(peer);
        cfd = Accept(lfd, (SA *)&peer, &peerlen);
        if (Fork() == 0) {
            Close(lfd);
            serve_lines(cfd);
            Close(cfd);
            exit(0);
        }
        Close(cfd);
    }
    Close(lfd);

    /* Wait for the last children with SIGCHLD blocked between test and sleep. */
    Sigemptyset(&block_child);
    Sigaddset(&block_child, SIGCHLD);
    Sigprocmask(SIG_BLOCK, &block_child, &previous);
    while (reaped < limit)
        Sigsuspend(&previous);
    Sigprocmask(SIG_SETMASK, &previous, NULL);
    printf("reaped %d children\n", (int)reaped);
    exit(0);
}
