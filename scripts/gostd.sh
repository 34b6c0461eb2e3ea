#!/usr/bin/env bash
# gostd.sh runs Go standard library tests built for GOOS=wasip1 under
# `wasmc run`, the way the issue's acceptance asks: each package directly
# from its .wasm test binary (go test -exec), and from a native object
# compiled beforehand (go test -c, wasmc compile, wasmc run the object).
#
# usage: scripts/gostd.sh [-m wasm|object|both] [pkg...]
#
# WASMC is the wasmc binary (default: bin/wasmc, built by make build);
# GOSTD_OUT is where logs, test binaries and objects go (default: a fresh
# temporary directory, removed if every package passed); GOSTD_TESTFLAGS adds test flags (such as -test.short).
# It prints one line per package and mode and exits 1 if any failed; a
# failure's log keeps the failing tests' names and first errors.
set -uo pipefail

mode=both
if [ "${1:-}" = "-m" ]; then mode=$2; shift 2; fi
case $mode in wasm|object|both) ;; *) echo "gostd.sh: -m wants wasm, object or both, not $mode" >&2; exit 2;; esac
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  pkgs=(strconv sort strings bytes unicode/utf8 math math/big regexp encoding/json
        encoding/base64 compress/flate crypto/sha256 hash/crc32 container/heap time)
fi

root=$(cd "$(dirname "$0")/.." && pwd)
wasmc=$(cd "$root" && realpath "${WASMC:-bin/wasmc}")
[ -x "$wasmc" ] || { echo "gostd.sh: $wasmc is missing; run make build" >&2; exit 2; }
out=${GOSTD_OUT:-}
if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/gostd.XXXXXX")
  cleanup=1 # a temporary directory goes once everything passed
fi
mkdir -p "$out"
flags=(-test.paniconexit0 -test.timeout=20m ${GOSTD_TESTFLAGS:-})
export GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0

failed=0
# report PKG STATUS SECONDS LOG MODE prints a package's result, and for a
# failure the failing tests and the first lines of the first error.
report() {
  local name=$1 status=$2 secs=$3 log=$4
  if [ "$status" -eq 0 ]; then
    printf '%-8s %-18s %-7s %4ss\n' ok "$name" "$5" "$secs"
    return
  fi
  failed=1
  printf '%-8s %-18s %-7s %4ss  exit %d, log %s\n' FAIL "$name" "$5" "$secs" "$status" "$log"
  grep -E '^\s*--- FAIL' "$log" | head -20 | sed 's/^/         /'
  grep -m1 -A4 -E '_test\.go:[0-9]+:|^panic:|wasm trap|^wasmc run:|^fatal error' "$log" | head -6 | sed 's/^/         | /'
}

for pkg in "${pkgs[@]}"; do
  name=${pkg//\//_}
  if [ "$mode" != object ]; then
    log=$out/$name.wasm.log
    start=$SECONDS
    go test -count=1 -exec "$wasmc run" "$pkg" ${GOSTD_TESTFLAGS:+-args $GOSTD_TESTFLAGS} >"$log" 2>&1
    report "$pkg" $? $((SECONDS - start)) "$log" wasm
  fi
  if [ "$mode" != wasm ]; then
    log=$out/$name.object.log
    start=$SECONDS
    {
      dir=$(go list -f '{{.Dir}}' "$pkg") &&
      go test -c -o "$out/$name.wasm" "$pkg" &&
      "$wasmc" compile -o "$out/$name.o" "$out/$name.wasm" &&
      (cd "$dir" && "$wasmc" run "$out/$name.o" "${flags[@]}")
    } >"$log" 2>&1
    report "$pkg" $? $((SECONDS - start)) "$log" object
  fi
done
if [ "$failed" -eq 0 ] && [ -n "${cleanup:-}" ]; then rm -rf "$out"; fi
exit $failed
