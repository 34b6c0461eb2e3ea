#!/usr/bin/env bash
# gostd.sh runs Go standard library tests built for GOOS=wasip1 under
# `wasmc run`, the way the issues' acceptance asks: each package directly
# from its .wasm test binary (go test -exec), and from a native object
# compiled beforehand (go test -c, wasmc compile, wasmc run the object).
#
# usage: scripts/gostd.sh [-m wasm|object|both] [-a amd64|arm64] [pkg...]
#
# -a picks the architecture of the wasmc that runs the tests (default: this
# machine's). For another architecture the tests run under qemu user-mode
# emulation, and the objects are cross-compiled by this machine's wasmc
# (wasmc compile --arch). WASMC is this machine's wasmc (default:
# bin/wasmc, from make build); WASMC_TARGET is the one for -a (default:
# bin/wasmc-ARCH, from make build-arm64, or WASMC for this machine's
# architecture); QEMU is the emulator (default: qemu-aarch64-static for
# arm64, qemu-x86_64-static for amd64). GOSTD_OUT is where logs, test
# binaries and objects go (default: a fresh temporary directory, removed if
# every package passed); GOSTD_TESTFLAGS adds test flags (such as
# -test.short); GOSTD_TIMEOUT is each package's test timeout (default 20m).
# It prints one line per package and mode and exits 1 if any failed; a
# failure's log keeps the failing tests' names and first errors.
set -uo pipefail

mode=both
arch=$(go env GOHOSTARCH)
host=$arch
while getopts m:a: opt; do
  case $opt in
    m) mode=$OPTARG ;;
    a) arch=$OPTARG ;;
    *) echo "usage: gostd.sh [-m wasm|object|both] [-a amd64|arm64] [pkg...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
case $mode in wasm|object|both) ;; *) echo "gostd.sh: -m wants wasm, object or both, not $mode" >&2; exit 2;; esac
case $arch in amd64|arm64) ;; *) echo "gostd.sh: -a wants amd64 or arm64, not $arch" >&2; exit 2;; esac
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  pkgs=(strconv sort strings bytes unicode/utf8 math math/big regexp encoding/json
        encoding/base64 compress/flate crypto/sha256 hash/crc32 container/heap time)
fi

root=$(cd "$(dirname "$0")/.." && pwd)
wasmc=$(cd "$root" && realpath "${WASMC:-bin/wasmc}")
[ -x "$wasmc" ] || { echo "gostd.sh: $wasmc is missing; run make build" >&2; exit 2; }
# runner is the command that runs a module or object on the target.
if [ "$arch" = "$host" ]; then
  runner=("$(cd "$root" && realpath "${WASMC_TARGET:-$wasmc}")" run)
else
  target=$(cd "$root" && realpath "${WASMC_TARGET:-bin/wasmc-$arch}")
  [ -x "$target" ] || { echo "gostd.sh: $target is missing; run make build-$arch" >&2; exit 2; }
  qemu=${QEMU:-qemu-$([ "$arch" = arm64 ] && echo aarch64 || echo x86_64)-static}
  command -v "$qemu" >/dev/null || { echo "gostd.sh: $qemu is missing; run make qemu" >&2; exit 2; }
  runner=("$qemu" "$target" run)
fi
out=${GOSTD_OUT:-}
if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/gostd.XXXXXX")
  cleanup=1 # a temporary directory goes once everything passed
fi
mkdir -p "$out"
timeout=${GOSTD_TIMEOUT:-20m}
flags=(-test.paniconexit0 -test.timeout="$timeout" ${GOSTD_TESTFLAGS:-})
export GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0

failed=0
# report PKG STATUS SECONDS LOG MODE prints a package's result, and for a
# failure the failing tests and the first lines of the first error.
report() {
  local name=$1 status=$2 secs=$3 log=$4
  if [ "$status" -eq 0 ]; then
    printf '%-8s %-18s %-13s %4ss\n' ok "$name" "$5" "$secs"
    return
  fi
  failed=1
  printf '%-8s %-18s %-13s %4ss  exit %d, log %s\n' FAIL "$name" "$5" "$secs" "$status" "$log"
  grep -E '^\s*--- FAIL' "$log" | head -20 | sed 's/^/         /'
  grep -m1 -A4 -E '_test\.go:[0-9]+:|^panic:|wasm trap|^wasmc run:|^fatal error|^qemu' "$log" | head -6 | sed 's/^/         | /'
}

for pkg in "${pkgs[@]}"; do
  name=${pkg//\//_}
  if [ "$mode" != object ]; then
    log=$out/$name.$arch.wasm.log
    start=$SECONDS
    # go test splits -exec at spaces: the paths must have none.
    go test -count=1 -timeout "$timeout" -exec "${runner[*]}" "$pkg" ${GOSTD_TESTFLAGS:+-args $GOSTD_TESTFLAGS} >"$log" 2>&1
    report "$pkg" $? $((SECONDS - start)) "$log" "$arch/wasm"
  fi
  if [ "$mode" != wasm ]; then
    log=$out/$name.$arch.object.log
    start=$SECONDS
    {
      dir=$(go list -f '{{.Dir}}' "$pkg") &&
      go test -c -o "$out/$name.wasm" "$pkg" &&
      "$wasmc" compile --arch "$arch" -o "$out/$name.$arch.o" "$out/$name.wasm" &&
      (cd "$dir" && "${runner[@]}" "$out/$name.$arch.o" "${flags[@]}")
    } >"$log" 2>&1
    report "$pkg" $? $((SECONDS - start)) "$log" "$arch/object"
  fi
done
if [ "$failed" -eq 0 ] && [ -n "${cleanup:-}" ]; then rm -rf "$out"; fi
exit $failed
