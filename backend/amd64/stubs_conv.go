package amd64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// Fixed registers of the calling convention (docs/abi.md).
const (
	ExecReg  = R14 // the ExecCtx; callee-saved, never allocated
	VMCtxReg = R15 // the current instance's vmctx; callee-saved
	// MemBaseReg holds memory 0's base address ([VMCtxReg+abi.VMMemBase0])
	// throughout Wasm code: whatever sets VMCtxReg sets it too (entry
	// shims, indirect calls, the stubs that call back into Go).
	MemBaseReg = R12
	// GuardReg holds the address of the running goroutine's preemption
	// word (what ExecPreempt holds) throughout Wasm code: stackswitch's
	// Enter sets it, nothing allocates it, and stubs that use RBP for a
	// frame of their own restore it (docs/abi.md).
	GuardReg = RBP
	// ScratchGPR is the code generator's scratch. The allocator may keep a
	// value in it only between instructions that leave it alone
	// (keepsScratch, regalloc.go): an instruction whose encoding uses it
	// must not be listed there.
	ScratchGPR = R11
	ScratchXMM = X15
)

// IntArgRegs and FloatArgRegs carry parameters and results in order.
var (
	IntArgRegs   = [...]Reg{RAX, RBX, RCX, RDX, RSI, RDI, R8, R9}
	FloatArgRegs = [...]Reg{X0, X1, X2, X3, X4, X5, X6, X7}
)

// CalleeSaved are the allocatable registers a Wasm call preserves (a
// function saves those it writes; host and builtin stubs save them around
// the call to Go). None on amd64: with 11 allocatable registers (before
// R12 held the memory base), making
// some callee-saved measured no better (instructions executed on the C
// workloads: R8-R13 with 6 argument registers -0.4..+1.7%, no better with
// fewer or with leaves that skip the saves; docs/performance.md), so
// every call clobbers them all. arm64 keeps X21-X26.
var CalleeSaved = [...]Reg{}

// Loc is where one parameter or result lives at a call: a register, or
// (OnStack, Reg == NoReg) the stack slot at [RSP+Offset] just before the call,
// which the callee sees at [RBP+16+Offset].
type Loc = mach.Loc[Reg]

// CallLayout places a signature's parameters and results.
type CallLayout = mach.CallLayout[Reg]

// IsFloat reports whether values of type t travel in floating-point
// registers; it fails for types this backend does not pass (v128).
func IsFloat(t wasm.ValType) (bool, error) { return mach.IsFloat("amd64", t) }

// Layout places a signature per the calling convention: IntArgRegs,
// FloatArgRegs, then 8-byte stack slots.
func Layout(sig *wasm.FuncType) (*CallLayout, error) {
	return mach.Layout("amd64", sig, IntArgRegs[:], FloatArgRegs[:], NoReg)
}

// None reports whether r is NoReg (a stack slot in a Loc).
func (r Reg) None() bool { return r == NoReg }
