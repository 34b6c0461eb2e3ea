//go:build amd64 || arm64

package stackswitch

import (
	"unsafe"

	"github.com/wasmc/wasmc/runtime/abi"
)

// Enter runs the entry shim at address shim on the Wasm stack of the
// execution context ec (an mmap'd abi.ExecCtx block), as described in the
// package documentation. It returns when Wasm returns or exits; the
// ExecCtx's Status says which.
//
//go:noescape
func Enter(ec unsafe.Pointer, shim uintptr)

// Resume continues the Wasm code suspended by an exit of the execution
// context ec (after a host call, a builtin or a yield). It returns at the
// next exit or when the entered function returns.
//
//go:noescape
func Resume(ec unsafe.Pointer)

// currentG returns the address of the running goroutine's runtime.g.
func currentG() unsafe.Pointer

// ExecCtx offsets for the assembly (exported to it through go_asm.h).
const (
	execGoSP    = abi.ExecGoSP
	execGoBP    = abi.ExecGoBP
	execWasmSP  = abi.ExecWasmSP
	execWasmBP  = abi.ExecWasmBP
	execStatus  = abi.ExecStatus
	execVMCtx   = abi.ExecVMCtx
	execPreempt = abi.ExecPreempt
	statusDone  = uint32(abi.StatusDone)
)

// Supported reports whether this architecture can run Wasm code.
const Supported = true
