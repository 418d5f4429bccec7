// CS:APP3e Figure 12.39 (conc/rand_r.c): rand_r, the reentrant version of rand.
// The state that rand keeps in a global is now the caller's, passed by pointer: each thread
// that passes its own seed gets its own sequence (implicitly reentrant).
#include <stdio.h> /* differs from the book: no <stdlib.h>, which declares the C library's rand_r */

/* the same step as rand, on a seed the caller owns: no state survives between calls */
int rand_r(unsigned int* nextp) {
  *nextp = *nextp * 1103515245 + 12345;
  return (unsigned int)(*nextp / 65536) % 32768;
}

int main() {
  unsigned int next = 1;

  printf("%d\n", rand_r(&next));
  printf("%d\n", rand_r(&next));
  printf("%d\n", rand_r(&next));
  return 0; /* differs from the book: return, not exit(0), which needs <stdlib.h> */
}
