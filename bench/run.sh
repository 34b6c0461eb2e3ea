#!/usr/bin/env bash
# The benchmark suite (make bench): installs what it needs (Debian packages,
# Debian source packages, npm, Go modules), builds the programs, then runs
# them interleaved under native, wasmc, wazero's compiler and node, and
# measures compilation. Writes the report to $BENCH_WORK/report.md.
#   BENCH_ROUNDS   timed rounds (default 5)   BENCH_ONLY  regexp of workloads
#   BENCH_SKIP_COMPILE=1  skip the compile-time section
#   BENCH_COMPILE_ROUNDS  compile rounds (default 5)
#   BENCH_SKIP_ARM64=1    skip the arm64 output check (qemu user-mode)
#   BENCH_SKIP_HOSTCALL=1 skip the host call section
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
export BENCH_WORK=${BENCH_WORK:-$here/.work}
GO=${GO:-go}
mkdir -p "$BENCH_WORK"
cd "$repo"
"$here/fetch.sh"
"$here/build.sh"
CGO_ENABLED=0 $GO build -o bin/wasmc ./cmd/wasmc || echo "run: building wasmc failed"
CGO_ENABLED=0 $GO build -o "$BENCH_WORK/benchrun" ./bench/cmd/benchrun || { echo "run: building benchrun failed"; exit 1; }
# For the arm64 check: wasmc and the kernel runner built for arm64.
CGO_ENABLED=0 GOARCH=arm64 $GO build -o bin/wasmc-arm64 ./cmd/wasmc || echo "run: building wasmc for arm64 failed"
CGO_ENABLED=0 GOARCH=arm64 $GO build -o "$BENCH_WORK/benchrun-arm64" ./bench/cmd/benchrun || echo "run: building benchrun for arm64 failed"
report=$BENCH_WORK/report.md
{
  echo "# wasmc benchmark run"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
  echo "- tools: $($GO version | cut -d' ' -f3), $(clang --version 2>/dev/null | head -1), $(gcc --version 2>/dev/null | head -1), node $(node --version 2>/dev/null), wasmc $(git rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "## Run time"
  echo
  "$BENCH_WORK/benchrun" run -repo "$repo" -work "$BENCH_WORK" -rounds "${BENCH_ROUNDS:-5}" -only "${BENCH_ONLY:-}"
  if [ -z "${BENCH_SKIP_ARM64:-}" ]; then
    echo
    echo "## arm64 under qemu: outputs"
    echo
    "$BENCH_WORK/benchrun" arm64 -repo "$repo" -work "$BENCH_WORK" -only "${BENCH_ONLY:-}"
  fi
  if [ -z "${BENCH_SKIP_COMPILE:-}" ]; then
    echo
    echo "## Compilation"
    echo
    "$BENCH_WORK/benchrun" compile -repo "$repo" -work "$BENCH_WORK" -rounds "${BENCH_COMPILE_ROUNDS:-5}"
  fi
  if [ -z "${BENCH_SKIP_HOSTCALL:-}" ]; then
    echo
    echo "## Host calls"
    echo
    GO=$GO "$BENCH_WORK/benchrun" hostcall -repo "$repo" -work "$BENCH_WORK" -rounds "${BENCH_ROUNDS:-5}"
  fi
} | tee "$report"
echo "run: report in $report"
