/* C-style helpers shared by the programs in this folder. These programs are written the
 * way a student writes against the book's csapp.h (C idioms: void * from Malloc into typed
 * pointers, SA casts, handlers without SA flags) and are compiled as C++ to prove that
 * such code needs no edits. They are our own programs, not the book's figures. */
#ifndef BOOK_PROGRAMS_COMMON_ECHO_H
#define BOOK_PROGRAMS_COMMON_ECHO_H
#include "csapp.h"

/* Sends every line back until the peer is done; returns the bytes echoed. */
static inline long serve_lines(int fd)
{
    rio_t in;
    char line[MAXLINE];
    ssize_t len;
    long total = 0;

    Rio_readinitb(&in, fd);
    for (;;) {
        len = Rio_readlineb(&in, line, MAXLINE);
        if (len == 0)
            break;
        Rio_writen(fd, line, len);
        total += len;
    }
    return total;
}

static inline int client_limit(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <port> <clients-to-serve>\n", argv[0]);
        exit(2);
    }
    return atoi(argv[2]);
}
#endif
