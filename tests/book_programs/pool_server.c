/* A fixed set of worker threads fed connected descriptors through the book's sbuf; the
 * workers share a byte counter whose semaphore is created once with Pthread_once. */
#include "common_echo.h"
#include "sbuf.h"

#define WORKERS 3
#define QUEUE_SLOTS 8

static sbuf_t queue;
static sem_t counter_lock, finished;
static long bytes_total;
static pthread_once_t counter_once = PTHREAD_ONCE_INIT;

static void make_counter(void)
{
    Sem_init(&counter_lock, 0, 1);
}

void *worker(void *unused)
{
    (void)unused;
    Pthread_once(&counter_once, make_counter);
    for (;;) {
        int fd = sbuf_remove(&queue);
        long n = serve_lines(fd);
        Close(fd);
        P(&counter_lock);
        bytes_total += n;
        V(&counter_lock);
        V(&finished);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int limit = client_limit(argc, argv);
    int lfd, i;
    pthread_t tid;

    Sem_init(&finished, 0, 0);
    sbuf_init(&queue, QUEUE_SLOTS);
    for (i = 0; i < WORKERS; i++)
        Pthread_create(&tid, NULL, worker, NULL);
    lfd = Open_listenfd(argv[1]);
    for (i = 0; i < limit; i++)
        sbuf_insert(&queue, Accept(lfd, NULL, NULL));
    for (i = 0; i < limit; i++)
        P(&finished);
    P(&counter_lock);
    printf("echoed %ld bytes\n", bytes_total);
    V(&counter_lock);
    exit(0);
}
