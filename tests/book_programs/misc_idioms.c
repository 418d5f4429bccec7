/* The rest of the book's library, used with C idioms and checked by its output: files and
 * directories, mmap into a char *, processes and signals, threads passing longs through
 * void *, semaphores, the resolver helpers, and the async-signal-safe printers.
 * Usage: misc_idioms <scratch-directory> */
#include "csapp.h"

#define NTHREADS 4

static sem_t lock;
static long shared_sum;
static volatile sig_atomic_t alarms;

void *add_range(void *vargp)
{
    long id = (long)vargp, i, local = 0;
    for (i = id * 1000; i < (id + 1) * 1000; i++)
        local += i;
    P(&lock);
    shared_sum += local;
    V(&lock);
    return (void *)id;
}

void on_alarm(int sig)
{
    (void)sig;
    alarms = 1;
    Sio_puts("alarm handler ran, sig ");
    Sio_putl(sig);
    Sio_puts("\n");
}

int main(int argc, char **argv)
{
    char path[MAXLINE], buf[MAXBUF], *mapped, text[INET_ADDRSTRLEN];
    int fd, status, count = 0;
    long i;
    struct stat st;
    DIR *dir;
    struct dirent *entry;
    pid_t pid;
    pthread_t tids[NTHREADS];
    void *ret;
    struct in_addr addr;
    struct addrinfo hints, *list, *p;
    FILE *fp;
    sigset_t mask, prev;

    if (argc != 2) {
        fprintf(stderr, "usage: %s <scratch-directory>\n", argv[0]);
        exit(2);
    }

    /* Files: DEF_MODE & ~DEF_UMASK is the 0644 the book's examples rely on. */
    umask(DEF_UMASK);
    sprintf(path, "%s/idioms.txt", argv[1]);
    fd = Open(path, O_CREAT | O_TRUNC | O_WRONLY, DEF_MODE);
    Write(fd, "mapped text\n", 12);
    Close(fd);
    Stat(path, &st);
    printf("mode %o size %ld\n", (unsigned)(st.st_mode & 0777), (long)st.st_size);
    fflush(stdout); /* before Write: stdio's buffer and Write would reorder the output */
    fd = Open(path, O_RDONLY, 0);
    Fstat(fd, &st);
    mapped = Mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    Write(STDOUT_FILENO, mapped, st.st_size);
    Munmap(mapped, st.st_size);
    Lseek(fd, 7, SEEK_SET);
    buf[Read(fd, buf, 4)] = '\0';
    printf("after seek: %s\n", buf);
    Close(fd);
    fflush(stdout);

    /* Standard I/O over a descriptor. */
    fd = Open(path, O_RDONLY, 0);
    fp = Fdopen(fd, "r");
    while (Fgets(buf, MAXBUF, fp) != NULL)
        Fputs(buf, stdout);
    Fclose(fp);

    dir = Opendir(argv[1]);
    while ((entry = Readdir(dir)) != NULL)
        if (strcmp(entry->d_name, "idioms.txt") == 0)
            count++;
    Closedir(dir);
    printf("found in directory: %d\n", count);

    /* Processes: a child that exits 7, reaped with Waitpid. Flush first, or the child's
     * exit would print our buffered output a second time. */
    fflush(stdout);
    if ((pid = Fork()) == 0)
        exit(7);
    Waitpid(pid, &status, 0);
    printf("child exited %d\n", WEXITSTATUS(status));

    /* Signals: Alarm with the handler's output from Sio; wait with Sigsuspend. */
    Signal(SIGALRM, on_alarm);
    Sigemptyset(&mask);
    Sigaddset(&mask, SIGALRM);
    Sigprocmask(SIG_BLOCK, &mask, &prev);
    fflush(stdout);
    Alarm(1);
    while (!alarms)
        Sigsuspend(&prev);
    Sigprocmask(SIG_SETMASK, &prev, NULL);
    printf("LONG_MIN via Sio: ");
    fflush(stdout);
    Sio_putl(LONG_MIN);
    Sio_puts("\n");

    /* Threads: ids passed as longs through void *, a sum guarded by P and V. */
    Sem_init(&lock, 0, 1);
    for (i = 0; i < NTHREADS; i++)
        Pthread_create(&tids[i], NULL, add_range, (void *)i);
    for (i = 0; i < NTHREADS; i++) {
        Pthread_join(tids[i], &ret);
        if ((long)ret != i)
            app_error("thread returned the wrong id");
    }
    printf("sum %ld\n", shared_sum);

    /* Addresses and the resolver. */
    Inet_pton(AF_INET, "127.0.0.1", &addr);
    Inet_ntop(AF_INET, &addr, text, INET_ADDRSTRLEN);
    printf("address %s = 0x%x\n", text, ntohl(addr.s_addr));
    memset(&hints, 0, sizeof(struct addrinfo));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    Getaddrinfo("localhost", NULL, &hints, &list);
    for (p = list; p; p = p->ai_next) {
        Getnameinfo(p->ai_addr, p->ai_addrlen, buf, MAXLINE, NULL, 0, NI_NUMERICHOST);
        printf("localhost is %s\n", buf);
        break;
    }
    Freeaddrinfo(list);
    exit(0);
}
