# wasmc: build, test and measure. Everything is pure Go (CGO_ENABLED=0).
GO       ?= go
export CGO_ENABLED = 0
QEMU     ?= qemu-aarch64-static
FUZZTIME ?= 10m
PKGS     := ./...

.PHONY: all build test test-amd64 test-arm64 check qemu fuzz bench gostd gostd-ci clean

all: build

build:
	$(GO) build -o bin/wasmc ./cmd/wasmc

# The README's test command: static checks, the tests on this machine, and
# the same tests for arm64 under qemu user-mode emulation.
test: check test-amd64 test-arm64

check:
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet $(PKGS)

test-amd64:
	GOARCH=amd64 $(GO) test $(PKGS)

test-arm64: qemu
	GOARCH=arm64 $(GO) test -exec $(QEMU) $(PKGS)

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

clean:
	rm -rf bin
