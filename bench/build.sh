#!/usr/bin/env bash
# Builds the suite's programs into $BENCH_WORK/out: each C workload for
# wasm32-wasi (clang -O2 + wasi-libc) and natively (gcc -O2), and the Go
# standard library test binaries for GOOS=wasip1 and natively. A workload
# whose sources or tools are missing is reported and skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_WORK:-$here/.work}
src=$work/src
out=$work/out
mkdir -p "$out"
GO=${GO:-go}

CLANG=${CLANG:-clang}
wasmflags="--target=wasm32-wasi -O2 -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID"
wasmlibs="-lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-mman -lwasi-emulated-getpid -Wl,-z,stack-size=1048576"
have_wasm=1; have_gcc=1
command -v "$CLANG" >/dev/null && command -v wasm-ld >/dev/null || { echo "build: no clang/wasm-ld: skipping wasm builds of C"; have_wasm=0; }
command -v gcc >/dev/null || { echo "build: no gcc: skipping native builds of C"; have_gcc=0; }

# build NAME "CFLAGS" files...: one program for both targets; the inputs'
# newest mtime decides whether to rebuild.
build() {
  local name=$1 cflags=$2; shift 2
  local files=("$@") newest
  newest=$(ls -t "${files[@]}" "$here/c/common.h" "$0" | head -1)
  if [ "$have_wasm" = 1 ] && [ ! "$out/$name.wasm" -nt "$newest" ]; then
    echo "build: $name.wasm"
    $CLANG $wasmflags $cflags -o "$out/$name.wasm" "${files[@]}" $wasmlibs -lm 2>"$out/$name.wasm.log" ||
      { echo "build: $name.wasm failed (see $out/$name.wasm.log)"; rm -f "$out/$name.wasm"; }
  fi
  if [ "$have_gcc" = 1 ] && [ ! "$out/$name.native" -nt "$newest" ]; then
    echo "build: $name.native"
    gcc -O2 $cflags -o "$out/$name.native" "${files[@]}" -lm 2>"$out/$name.native.log" ||
      { echo "build: $name.native failed (see $out/$name.native.log)"; rm -f "$out/$name.native"; }
  fi
}

d=$(ls -d "$src"/libzstd-*/ 2>/dev/null | head -1)
if [ -n "$d" ]; then
  build zstd "-I${d}lib -I${d}lib/common -DZSTD_DISABLE_ASM -w" \
    "$here/c/zstd_bench.c" "${d}"lib/common/*.c "${d}"lib/compress/*.c "${d}"lib/decompress/*.c
else echo "build: no zstd sources"; fi

d=$(ls -d "$src"/brotli-*/ 2>/dev/null | head -1)
if [ -n "$d" ]; then
  build brotli "-I${d}c/include -w" "$here/c/brotli_bench.c" "${d}"c/common/*.c "${d}"c/enc/*.c "${d}"c/dec/*.c
else echo "build: no brotli sources"; fi

d=$(ls -d "$src"/zopfli-*/ 2>/dev/null | head -1)
if [ -n "$d" ]; then
  zf=$(ls "${d}"src/zopfli/*.c | grep -v zopfli_bin.c)
  build zopfli "-I${d}src/zopfli -w" "$here/c/zopfli_bench.c" $zf
else echo "build: no zopfli sources"; fi

if [ -e "$src/sqlite/sqlite3.c" ]; then
  build sqlite "-I$src/sqlite -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_TEMP_STORE=3 -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_RANDOMNESS -DSQLITE_DEFAULT_MEMSTATUS=0 -w" \
    "$here/c/sqlite_bench.c" "$src/sqlite/sqlite3.c"
else echo "build: no sqlite sources"; fi

# Go standard library test binaries (GOSTD: space-separated packages).
for pkg in ${GOSTD:-strconv sort compress/flate crypto/sha256 regexp}; do
  n=go-$(echo "$pkg" | tr / _)
  [ -e "$out/$n.wasm" ] || { echo "build: $n.wasm"; GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $GO test -c -o "$out/$n.wasm" "$pkg" || echo "build: $n.wasm failed"; }
  [ -e "$out/$n.native" ] || { echo "build: $n.native"; CGO_ENABLED=0 $GO test -c -o "$out/$n.native" "$pkg" || echo "build: $n.native failed"; }
done
exit 0
