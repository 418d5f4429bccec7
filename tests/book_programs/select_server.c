/* An event loop over Select: every client's rio_t lives in a table indexed by slot and is
 * never copied, so lines that arrive together are all served. Ends after serving the given
 * number of clients. */
#include "common_echo.h"

struct client_table {
    int fd[FD_SETSIZE];
    rio_t rio[FD_SETSIZE];
    fd_set watched;
    int top;
};

static void serve_ready_line(struct client_table *t, int slot, int *closed)
{
    char line[MAXLINE];
    ssize_t len;

    /* Serve every whole line already buffered, not just one: select only knows about the
     * descriptor, not about bytes sitting in the rio_t. */
    do {
        len = Rio_readlineb(&t->rio[slot], line, MAXLINE);
        if (len == 0) {
            FD_CLR(t->fd[slot], &t->watched);
            Close(t->fd[slot]);
            t->fd[slot] = -1;
            (*closed)++;
            return;
        }
        Rio_writen(t->fd[slot], line, len);
    } while (csapp::rio_has_line(t->rio[slot]));
}

int main(int argc, char **argv)
{
    int limit = client_limit(argc, argv);
    static struct client_table table;
    int lfd, i, accepted = 0, closed = 0;
    fd_set ready;

    lfd = Open_listenfd(argv[1]);
    FD_ZERO(&table.watched);
    FD_SET(lfd, &table.watched);
    table.top = lfd;
    for (i = 0; i < FD_SETSIZE; i++)
        table.fd[i] = -1;

    while (closed < limit) {
        ready = table.watched;
        if (Select(table.top + 1, &ready, NULL, NULL, NULL) == 0)
            continue;
        if (accepted < limit && FD_ISSET(lfd, &ready)) {
            int fd = Accept(lfd, NULL, NULL);
            for (i = 0; table.fd[i] >= 0; i++)
                ;
            table.fd[i] = fd;
            Rio_readinitb(&table.rio[i], fd);
            FD_SET(fd, &table.watched);
            if (fd > table.top)
                table.top = fd;
            if (++accepted == limit)
                FD_CLR(lfd, &table.watched);
        }
        for (i = 0; i < FD_SETSIZE; i++)
            if (table.fd[i] >= 0 && FD_ISSET(table.fd[i], &ready))
                serve_ready_line(&table, i, &closed);
    }
    Close(lfd);
    exit(0);
}
