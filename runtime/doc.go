// Package runtime instantiates and runs modules compiled by package backend:
// executable code mappings, linear memories, tables, globals, element and
// data segments, imports and exports linked across instances, host
// functions written in Go, and traps with Wasm backtraces.
//
// Wasm never runs on a goroutine stack: a call takes a pooled execution
// context (an mmap'd abi.ExecCtx block with its own Wasm stack) and enters
// it through package stackswitch. Compiled code polls the goroutine's
// preemption word and yields to the scheduler when asked, so a
// long-running Wasm function neither blocks the garbage collector nor
// starves other goroutines. docs/abi.md describes the contract with the code generator.
//
// Values cross the API as uint64 slots: i32 zero-extended, floats as their
// IEEE bits, funcref as the address of a FuncRef record (0 is null) and
// externref as a host handle (0 is null).
package runtime
