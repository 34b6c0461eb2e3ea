#!/usr/bin/env bash
# Installs the toolchains and fetches the C library sources the suite builds:
# Debian packages (clang, wasi-libc, gcc), Debian source packages (zstd,
# brotli, zopfli) through a private deb-src list that leaves the system's
# apt configuration alone, and SQLite's amalgamation from the npm tarball of
# better-sqlite3. Idempotent: what is already there is kept.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_WORK:-$here/.work}
src=$work/src
mkdir -p "$src"

need() { command -v "$1" >/dev/null 2>&1; }
if [ "$(id -u)" = 0 ] && need apt-get; then
  missing=""
  need clang || missing="$missing clang"
  need wasm-ld || missing="$missing lld"
  need gcc || missing="$missing gcc"
  need dpkg-source || missing="$missing dpkg-dev"
  need xz || missing="$missing xz-utils"
  need qemu-aarch64-static || missing="$missing qemu-user-static"
  [ -e /usr/lib/wasm32-wasi/libc.a ] || missing="$missing wasi-libc"
  ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || missing="$missing libclang-rt-dev-wasm32"
  if [ -n "$missing" ]; then
    echo "fetch: installing$missing"
    apt-get update -qq && apt-get install -y -qq $missing >/dev/null || echo "fetch: apt-get install failed"
  fi
fi

# Debian source packages: a private apt state directory with deb-src only.
debsrc() { # package dir-glob
  ls -d "$src"/$2 >/dev/null 2>&1 && return 0
  need apt-get || { echo "fetch: no apt-get, skipping $1"; return 1; }
  local apt=$work/apt
  mkdir -p "$apt/parts" "$apt/lists/partial"
  if [ ! -e "$apt/parts/src.sources" ]; then
    local suite
    suite=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-bookworm}")
    cat >"$apt/parts/src.sources" <<EOS
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
  fi
  local o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts -o Dir::State::Lists=$apt/lists"
  ls "$apt/lists/"*Sources* >/dev/null 2>&1 || apt-get $o update -qq >/dev/null 2>&1
  (cd "$src" && apt-get $o source -qq "$1" >/dev/null 2>&1)
  ls -d "$src"/$2 >/dev/null 2>&1 || { echo "fetch: apt-get source $1 failed"; return 1; }
}
debsrc libzstd 'libzstd-*/'
debsrc brotli 'brotli-*/'
debsrc zopfli 'zopfli-*/'

if [ ! -e "$src/sqlite/sqlite3.c" ]; then
  if need npm; then
    tmp=$(mktemp -d)
    if (cd "$tmp" && npm pack -q better-sqlite3@13.2.0 >/dev/null 2>&1) && tar xzf "$tmp"/better-sqlite3-*.tgz -C "$tmp"; then
      mkdir -p "$src/sqlite" && cp "$tmp"/package/deps/sqlite3/sqlite3.[ch] "$src/sqlite/"
    else
      echo "fetch: npm pack better-sqlite3 failed"
    fi
    rm -rf "$tmp"
  else
    echo "fetch: no npm, skipping sqlite"
  fi
fi
exit 0
