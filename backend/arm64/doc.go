// Package arm64 selects and encodes AArch64 machine instructions for wasmc.
//
// The assembler (asm*.go) mirrors backend/amd64's: an Asm appends
// instruction words, label references are resolved by Finish (which also
// turns B.cond/CBZ/TBZ branches whose target is out of reach into an
// inverted branch over a B), calls to functions and stubs are relocations
// the linker resolves (link.go), and trap checks branch to per-function
// out-of-line trap sites (a BL to the trap stub, so LR is TrapPC).
// Registers distinguish SP from XZR (both encode as 31) so every operand
// position is checked; operand errors are returned by Finish, never
// panics.
//
// stubs*.go hold the calling convention (Layout), prologue/epilogue and
// the module's stubs per docs/abi.md's arm64 section: the exit stub pushes
// LR so WasmSP points at it and pops the Go side's LR from GoSP, the
// handshake stackswitch's arm64 Enter and Resume implement.
package arm64
