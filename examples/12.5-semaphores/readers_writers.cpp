// CS:APP3e Figure 12.26 (conc/rw1.c): the first readers-writers solution, readers favoured.
// The first reader in takes w and the last reader out gives it back, so readers share the
// object and a writer has it alone; a stream of readers can starve the writers.
// readers_writers_check runs this and the writers-favoured solution with an overlap check.
#include "csapp.h"

int readcnt;    /* readers inside now */
sem_t mutex, w; /* mutex guards readcnt; w: the object, for a writer or the readers */

long niters; /* differs from the book: each thread's rounds (the book loops forever) */
long object; /* differs from the book: the object, which only writers change */

void* reader(void*) { /* differs from the book: a thread routine, not void reader(void) */
  long seen = 0;
  for (long i = 0; i < niters; i++) { /* differs from the book: not while (1) */
    P(&mutex);
    readcnt++;
    if (readcnt == 1) /* the first reader locks the writers out */
      P(&w);
    V(&mutex);

    seen = object; /* other readers may be here too, never a writer */

    P(&mutex);
    readcnt--;
    if (readcnt == 0) /* the last reader lets them in */
      V(&w);
    V(&mutex);
  }
  return (void*)seen;
}

void* writer(void*) { /* differs from the book: a thread routine, not void writer(void) */
  for (long i = 0; i < niters; i++) { /* differs from the book: not while (1) */
    P(&w);

    object = object + 1; /* alone with the object */

    V(&w);
  }
  return NULL;
}

/* differs from the book: the figure has no main; this one runs READERS readers and WRITERS
 * writers for NITERS rounds each, and prints how often the object was written */
int main(int argc, char** argv) {
  long nreaders = 4, nwriters = 2;
  char *end1 = NULL, *end2 = NULL, *end3 = NULL;
  niters = 2000;
  if (argc == 4) {
    nreaders = strtol(argv[1], &end1, 10);
    nwriters = strtol(argv[2], &end2, 10);
    niters = strtol(argv[3], &end3, 10);
  }
  if ((argc != 1 && argc != 4) ||
      (argc == 4 && (*end1 != '\0' || *end2 != '\0' || *end3 != '\0' || nreaders < 0 ||
                     nreaders > 1000 || nwriters < 0 || nwriters > 1000 || niters < 1))) {
    fprintf(stderr,
            "usage: %s [READERS WRITERS NITERS]   (0..1000 threads each; default 4 2 2000)\n",
            argv[0]);
    exit(2);
  }
  Sem_init(&mutex, 0, 1);
  Sem_init(&w, 0, 1);

  pthread_t* tid = Malloc((size_t)(nreaders + nwriters + 1) * sizeof(pthread_t));
  for (long i = 0; i < nreaders + nwriters; i++)
    Pthread_create(&tid[i], NULL, i < nreaders ? reader : writer, NULL);
  for (long i = 0; i < nreaders + nwriters; i++) Pthread_join(tid[i], NULL);
  Free(tid);

  printf("%ld readers, %ld writers, %ld rounds each: object written %ld times\n", nreaders,
         nwriters, niters, object);
  exit(0);
}
