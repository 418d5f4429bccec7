/* One detached thread per client. The descriptor travels in its own heap cell, assigned
 * from Malloc to an int * with no cast, exactly as C code does it. */
#include "common_echo.h"

static sem_t finished;

void *client_thread(void *arg)
{
    int fd = *(int *)arg;
    Free(arg);
    Pthread_detach(Pthread_self());
    serve_lines(fd);
    Close(fd);
    V(&finished);
    return NULL;
}

int main(int argc, char **argv)
{
    int limit = client_limit(argc, argv);
    int lfd, i;
    int *cell;
    pthread_t tid;

    Sem_init(&finished, 0, 0);
    lfd = Open_listenfd(argv[1]);
    for (i = 0; i < limit; i++) {
        cell = Malloc(sizeof(int));
        *cell = Accept(lfd, NULL, NULL);
        Pthread_create(&tid, NULL, client_thread, cell);
    }
    for (i = 0; i < limit; i++)
        P(&finished);
    Close(lfd);
    exit(0);
}
