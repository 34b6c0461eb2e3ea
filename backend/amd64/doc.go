// Package amd64 is wasmc's x86-64 backend: the instruction encoder (Asm,
// asm*.go), the fixed stubs every module carries (entry shims, host and
// builtin stubs, trap stubs and the exit path, stubs*.go, following
// docs/abi.md), the function prologue and epilogue, and the linker that
// joins functions and stubs into one position-independent blob (link.go).
//
// Jumps to labels not yet bound are emitted with a rel32; Finish then
// shrinks those whose target lies within a rel8's reach and moves the code
// after them (asm_relax.go), so offsets an encoder needs after Finish are
// kept as labels. Code refers to functions and stubs only through Relocs, which are all
// PC-relative, so the blob runs wherever the runtime maps it.
package amd64
