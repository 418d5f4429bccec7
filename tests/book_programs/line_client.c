/* Sends each line of stdin to host:port and prints what comes back. */
#include "csapp.h"

int main(int argc, char **argv)
{
    char line[MAXLINE];
    rio_t from_server;
    int fd;

    if (argc != 3) {
        fprintf(stderr, "usage: %s <host> <port>\n", argv[0]);
        exit(2);
    }
    fd = Open_clientfd(argv[1], argv[2]);
    Rio_readinitb(&from_server, fd);
    while (Fgets(line, MAXLINE, stdin) != NULL) {
        Rio_writen(fd, line, strlen(line));
        if (Rio_readlineb(&from_server, line, MAXLINE) == 0)
            break;
        Fputs(line, stdout);
    }
    Close(fd);
    exit(0);
}
