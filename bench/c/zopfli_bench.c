/* zopfli: optimal deflate (gzip container) of text. */
#include "common.h"
#include "zopfli.h"

int main(int argc, char **argv) {
  int scale = scale_arg(argc, argv, 128);
  size_t n = (size_t)scale << 10;
  unsigned char *in = malloc(n);
  gen_text(in, n);
  ZopfliOptions opt;
  ZopfliInitOptions(&opt);
  opt.numiterations = 5;
  unsigned char *out = 0;
  size_t outsize = 0;
  ZopfliCompress(&opt, ZOPFLI_FORMAT_GZIP, in, n, &out, &outsize);
  printf("gzip: %zu -> %zu\n", n, outsize);
  printf("checksum %016llx\n", (unsigned long long)fnv(FNV_INIT, out, outsize));
  free(out);
  return 0;
}
