/* zstd: compress text at a few levels and decompress it again. */
#include "common.h"
#include "zstd.h"

int main(int argc, char **argv) {
  int scale = scale_arg(argc, argv, 4);
  size_t n = (size_t)scale << 20;
  unsigned char *in = malloc(n), *out = malloc(n);
  size_t cap = ZSTD_compressBound(n);
  unsigned char *comp = malloc(cap);
  gen_text(in, n);
  uint64_t h = FNV_INIT;
  static const int levels[] = {1, 3, 9};
  for (int l = 0; l < 3; l++) {
    size_t c = ZSTD_compress(comp, cap, in, n, levels[l]);
    if (ZSTD_isError(c)) { printf("compress: %s\n", ZSTD_getErrorName(c)); return 1; }
    size_t d = ZSTD_decompress(out, n, comp, c);
    if (ZSTD_isError(d) || d != n || memcmp(in, out, n) != 0) { printf("round trip failed\n"); return 1; }
    h = fnv(h, comp, c);
    printf("level %d: %zu -> %zu\n", levels[l], n, c);
  }
  printf("checksum %016llx\n", (unsigned long long)h);
  return 0;
}
