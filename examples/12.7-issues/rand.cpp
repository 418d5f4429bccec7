// CS:APP3e Figure 12.37 (conc/rand.c): a thread-unsafe pseudorandom number generator.
// Each call computes the next number from next_seed, a global kept between calls: threads
// calling rand share that one sequence (class 2). rand_r (Figure 12.39) is the fix; rand_threads
// shows the C library's rand and rand_r called from threads.
#include <stdio.h>

unsigned next_seed = 1;

/* the next number, from the seed the previous call left behind */
unsigned rand(void) {
  next_seed = next_seed * 1103515245 + 12543;
  return (unsigned)(next_seed >> 16) % 32768;
}

void srand(unsigned new_seed) { next_seed = new_seed; }

int main() {
  srand(100);
  printf("%u\n", rand());
  printf("%u\n", rand());
  printf("%u\n", rand());
  return 0;
}
