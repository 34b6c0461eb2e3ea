# wasmc: build, test and measure. Everything is pure Go (CGO_ENABLED=0).
GO       ?= go
export CGO_ENABLED = 0
QEMU     ?= qemu-aarch64-static
FUZZTIME ?= 10m
PKGS     := ./...

.PHONY: all build build-arm64 test test-amd64 test-arm64 check qemu fuzz bench \
	wast wast-arm64 cross-arm64 gostd gostd-ci gostd-arm64 gostd-arm64-ci clean

all: build

build:
	$(GO) build -o bin/wasmc ./cmd/wasmc

# wasmc for arm64, run under qemu on other machines.
build-arm64:
	GOARCH=arm64 $(GO) build -o bin/wasmc-arm64 ./cmd/wasmc

# wazero's WebAssembly 2.0 spec suite minus simd_* (from the module cache)
# under wasmc wast, natively and for arm64 under qemu: 0 failed, 0 skipped.
wast: build
	scripts/wast.sh

wast-arm64: build build-arm64 qemu
	scripts/wast.sh -a arm64

# An arm64 object cross-compiled by this machine's wasmc runs under the
# arm64 wasmc (in qemu).
cross-arm64: build build-arm64 qemu
	bin/wasmc compile --arch arm64 -o bin/calc-arm64.o cmd/wasmc/testdata/calc.wat
	test "$$($(QEMU) bin/wasmc-arm64 run --invoke twice bin/calc-arm64.o 21)" = 142

# The README's test command: static checks, the tests on this machine, and
# the same tests for arm64 under qemu user-mode emulation.
test: check test-amd64 test-arm64

check:
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet $(PKGS)

test-amd64:
	GOARCH=amd64 $(GO) test $(PKGS)

# Under emulation, -short trims the heaviest inputs (Go test binaries
# compiled inside qemu, pathological functions at full size); everything
# still runs.
test-arm64: qemu
	GOARCH=arm64 $(GO) test -short -exec $(QEMU) $(PKGS)

# Installs qemu-user-static when it is missing (Debian; needs root).
qemu:
	@command -v $(QEMU) >/dev/null || { \
	  echo "installing qemu-user-static for the arm64 tests"; \
	  apt-get update -qq && apt-get install -y -qq qemu-user-static >/dev/null; }

# Runs every fuzz target for FUZZTIME each (go test -fuzz takes one target at a time).
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./frontend/binary
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./frontend/validate
	$(GO) test -run '^$$' -fuzz '^FuzzParseModule$$' -fuzztime $(FUZZTIME) ./frontend/text
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) ./backend

# Go standard library tests built for GOOS=wasip1, run under wasmc: each
# package from its .wasm (go test -exec) and from a native object compiled
# beforehand (scripts/gostd.sh; GOSTD_MODE=wasm or object for one of them).
GOSTD_PKGS ?= strconv sort strings bytes unicode/utf8 math math/big regexp encoding/json \
	encoding/base64 compress/flate crypto/sha256 hash/crc32 container/heap time
GOSTD_MODE ?= both
# The fast ones, for CI.
GOSTD_CI   ?= unicode/utf8 container/heap encoding/base64 strconv

gostd: build
	scripts/gostd.sh -m $(GOSTD_MODE) $(GOSTD_PKGS)

gostd-ci: build
	scripts/gostd.sh -m $(GOSTD_MODE) $(GOSTD_CI)

# The same under the arm64 wasmc in qemu, the objects cross-compiled by
# this machine's wasmc. Emulation makes it slow: the .wasm mode compiles
# each test binary under qemu.
GOSTD_ARM64_CI ?= unicode/utf8 container/heap

gostd-arm64: build build-arm64 qemu
	scripts/gostd.sh -a arm64 -m $(GOSTD_MODE) $(GOSTD_PKGS)

gostd-arm64-ci: build build-arm64 qemu
	scripts/gostd.sh -a arm64 -m $(GOSTD_MODE) $(GOSTD_ARM64_CI)

# The benchmark suite of docs/performance.md: C libraries, Go standard
# library benchmarks and kernels under wasmc, wazero, node and native,
# interleaved (bench/run.sh installs what it needs). gobench runs the Go
# benchmarks of the packages (call costs, compile speed, kernels).
bench: build
	bench/run.sh

gobench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

clean:
	rm -rf bin
