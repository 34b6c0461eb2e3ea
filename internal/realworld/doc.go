// Package realworld holds end-to-end tests that run real programs under
// wasmc and WASI: Go programs built for GOOS=wasip1 and C programs built
// with clang and wasi-libc. Each program's output and exit code must equal
// those of the native build of the same source. The tests run only on
// amd64, the one architecture wasmc executes code for today.
package realworld
