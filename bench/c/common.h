/* Shared by the drivers: deterministic input and a checksum, so every
   engine's output can be compared with native's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

/* Text-like data: words from a skewed vocabulary with numbers and
   punctuation, compressible roughly like prose or logs. Built by hand,
   not with snprintf: the drivers measure the libraries, and musl's
   printf (wasi-libc) is several times slower than glibc's, which made
   generating zstd's input 18% of its run under Wasm. */
static void gen_text(unsigned char *p, size_t n) {
  static const char *words[] = {
      "the", "of", "and", "a", "to", "in", "is", "you", "that", "it",
      "he", "was", "for", "on", "are", "as", "with", "his", "they", "I",
      "compiler", "register", "memory", "function", "module", "value",
      "instruction", "branch", "stack", "table", "export", "import",
      "benchmark", "native", "engine", "allocation", "pointer", "loop"};
  size_t nw = sizeof(words) / sizeof(words[0]), i = 0;
  while (i < n) {
    uint32_t r = rng();
    char buf[32];
    int len = 0;
    if (r % 11 == 0) {
      char digits[10];
      int nd = 0;
      uint32_t v = (r >> 8) % 100000;
      do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
      } while (v != 0);
      while (nd > 0) buf[len++] = digits[--nd];
    } else {
      uint32_t k = (r >> 4) % nw;
      k = k * k / nw; /* skew towards the first words */
      for (const char *w = words[k]; *w != 0; w++) buf[len++] = *w;
    }
    buf[len++] = (r >> 20) % 13 == 0 ? '\n' : ((r >> 24) % 9 == 0 ? ',' : ' ');
    for (int j = 0; j < len && i < n; j++) p[i++] = (unsigned char)buf[j];
  }
}

/* FNV-1a 64. */
static uint64_t fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}
#define FNV_INIT 14695981039346656037ull

static int scale_arg(int argc, char **argv, int def) {
  return argc > 1 ? atoi(argv[1]) : def;
}
