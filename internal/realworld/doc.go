// Package realworld holds end-to-end tests that run real programs under
// wasmc and WASI: Go programs built for GOOS=wasip1 and C programs built
// with clang and wasi-libc. Each program's output and exit code must equal
// those of the native build of the same source, made with the host's
// toolchain (under qemu-aarch64-static the tests are arm64 and the
// reference binaries the host's own). Random programs are checked against wazero's
// interpreter. The tests run where wasmc executes code: amd64 and arm64.
package realworld
