/* brotli: compress text at two qualities and decompress it again. */
#include "common.h"
#include <brotli/decode.h>
#include <brotli/encode.h>

int main(int argc, char **argv) {
  int scale = scale_arg(argc, argv, 2);
  size_t n = (size_t)scale << 20;
  unsigned char *in = malloc(n), *out = malloc(n);
  size_t cap = BrotliEncoderMaxCompressedSize(n);
  unsigned char *comp = malloc(cap);
  gen_text(in, n);
  uint64_t h = FNV_INIT;
  static const int quals[] = {5, 9};
  for (int q = 0; q < 2; q++) {
    size_t c = cap;
    if (!BrotliEncoderCompress(quals[q], BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, n, in, &c, comp)) {
      printf("compress failed\n");
      return 1;
    }
    size_t d = n;
    if (BrotliDecoderDecompress(c, comp, &d, out) != BROTLI_DECODER_RESULT_SUCCESS || d != n ||
        memcmp(in, out, n) != 0) {
      printf("round trip failed\n");
      return 1;
    }
    h = fnv(h, comp, c);
    printf("quality %d: %zu -> %zu\n", quals[q], n, c);
  }
  printf("checksum %016llx\n", (unsigned long long)h);
  return 0;
}
