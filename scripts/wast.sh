#!/usr/bin/env bash
# wast.sh runs `wasmc wast -features v2` over wazero's WebAssembly 2.0 spec
# suite minus simd_* (the files of the README's first tally), found in the
# Go module cache, and fails unless every check passed: 0 failed and
# 0 skipped.
#
# usage: scripts/wast.sh [-a amd64|arm64]
#
# -a picks the architecture of the wasmc that runs the suite (default: this
# machine's; another runs under qemu user-mode emulation). WASMC_TARGET is
# that wasmc (default: bin/wasmc for this machine, bin/wasmc-ARCH for
# another); QEMU is the emulator (default: qemu-aarch64-static for arm64,
# qemu-x86_64-static for amd64).
set -euo pipefail

host=$(go env GOHOSTARCH)
arch=$host
while getopts a: opt; do
  case $opt in
    a) arch=$OPTARG ;;
    *) echo "usage: wast.sh [-a amd64|arm64]" >&2; exit 2 ;;
  esac
done
case $arch in amd64|arm64) ;; *) echo "wast.sh: -a wants amd64 or arm64, not $arch" >&2; exit 2;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$arch" = "$host" ]; then
  runner=("$(realpath "${WASMC_TARGET:-bin/wasmc}")")
else
  runner=("${QEMU:-qemu-$([ "$arch" = arm64 ] && echo aarch64 || echo x86_64)-static}" "$(realpath "${WASMC_TARGET:-bin/wasmc-$arch}")")
fi
[ -x "${runner[-1]}" ] || { echo "wast.sh: ${runner[-1]} is missing; run make build or make build-$arch" >&2; exit 2; }

mod=github.com/tetratelabs/wazero
version=$(go list -m -f '{{.Version}}' "$mod")
go mod download "$mod@$version"
suite=$(go env GOMODCACHE)/$mod@$version/internal/integration_test/spectest/v2/testdata
files=()
for f in "$suite"/*.wast; do
  case $(basename "$f") in simd_*) ;; *) files+=("$f") ;; esac
done
[ ${#files[@]} -gt 0 ] || { echo "wast.sh: no .wast files in $suite" >&2; exit 2; }

# With -v, each failed or skipped check is listed; notes about rejection
# messages and files that fully passed are left out.
status=0
out=$("${runner[@]}" wast -v -features v2 "${files[@]}") || status=$?
grep -vE ': [0-9]+ passed, 0 failed, 0 skipped$|: note: ' <<<"$out" | sed "s|$suite/||" || true
total=$(grep '^total: ' <<<"$out" || true)
echo "$arch: ${#files[@]} files, $total"
if [ "$status" -ne 0 ] || ! grep -qE '^total: [0-9]+ passed, 0 failed, 0 skipped$' <<<"$total"; then
  echo "wast.sh: the $arch suite did not pass every check" >&2
  exit 1
fi
