// Package abi fixes the memory layouts that compiled code and the runtime
// share: the execution context, the instance context (vmctx), and the
// records it points to. docs/abi.md explains the design.
package abi

// ExecCtx field offsets. One ExecCtx per running call chain; R14 (amd64)
// points at it while Wasm runs. It is an mmap'd block of ExecCtxSize bytes:
// this header, then the argument buffer.
const (
	ExecGoSP       = 0   // Go stack pointer saved on entry
	ExecGoBP       = 8   // Go frame pointer saved on entry
	ExecWasmSP     = 16  // Wasm stack pointer: entry starts here; saved on exit
	ExecWasmBP     = 24  // Wasm frame pointer saved on exit
	ExecStackLimit = 32  // lowest SP a prologue may move to
	ExecInterrupt  = 40  // uint32; non-zero: the call was cancelled (read by Go when Wasm yields)
	ExecStatus     = 44  // uint32; a Status
	ExecTrapCode   = 48  // uint32; a TrapCode, with StatusTrap
	ExecCallIndex  = 52  // uint32; import index or CallBuiltin|Builtin (ExecCallback), or Builtin (StatusBuiltin exits)
	ExecTrapPC     = 56  // address of the trapping instruction (or the call into the exit stub)
	ExecTrapFP     = 64  // frame pointer at the trap: the backtrace walks from here
	ExecVMCtx      = 72  // vmctx of the instance that exited (host calls, builtins) or to enter
	ExecTarget     = 80  // code address the entry shim calls
	ExecPreempt    = 88  // address of the running goroutine's preemption word (PreemptRequest)
	ExecCallback   = 96  // code address host stubs call to run a host function (stackswitch)
	ExecSelf       = 104 // the runtime's record of this context, for the callback
	ExecArgs       = 256
	ExecArgsSize   = 16 << 10 // 1000 params or results of up to 16 bytes
	ExecCtxSize    = ExecArgs + ExecArgsSize
)

// LeafFrame is the largest frame of a function that calls no Wasm or host
// function and skips the prologue's stack check: its caller checked, and
// the runtime keeps more than twice this (stackMargin) free between
// ExecStackLimit and the guard region, for it and the stubs it may call.
// A function that calls and has a frame this small checks SP itself
// against the limit rather than SP - frame: its frame and a leaf's below
// it fit the margin, and its callees check again. Code compiled for guard
// pages on amd64 leaves such a frame to the guard region (the runtime's
// stackGuard, larger than twice this) unless the function calls a stub
// that uses the stack (docs/abi.md).
const LeafFrame = 4 << 10

// Status says why Wasm returned to Go.
type Status uint32

const (
	StatusDone      Status = iota // the called function returned; results are in the buffer
	StatusTrap                    // a trap; see TrapCode
	StatusBuiltin                 // run the runtime builtin CallIndex, then resume
	StatusYield                   // the preemption word asked Wasm to let Go run; resume after that
	StatusHostError               // a host function failed (the runtime has the error); the Wasm stack is abandoned
	StatusPreempted               // as StatusYield, but a signal stopped Wasm between two instructions (amd64)
)

// PreemptRequest is the value the Go runtime stores in a goroutine's
// stack guard (runtime.stackPreempt) to ask it to stop at its next safe
// point. ExecPreempt points at that guard word, which every function
// prologue and loop header compares with PreemptRequest (docs/abi.md).
const PreemptRequest = 0xfffffffffffffade

// TrapCode identifies a trap. Error strings are the spec tests' wording.
type TrapCode uint32

const (
	TrapUnreachable TrapCode = iota + 1
	TrapIntegerDivideByZero
	TrapIntegerOverflow
	TrapInvalidConversion
	TrapOutOfBoundsMemory
	TrapOutOfBoundsTable
	TrapUndefinedElement     // call_indirect index beyond the table
	TrapUninitializedElement // call_indirect through a null entry
	TrapIndirectCallType     // call_indirect signature mismatch
	TrapNullReference        // call_ref, struct/array access through null
	TrapStackOverflow
	TrapInterrupted // the call's context was cancelled or its deadline passed
	TrapUnalignedAtomic
	TrapOutOfBoundsData // memory.init / array.new_data beyond a data segment
	TrapOutOfBoundsElem // table.init beyond an element segment
	TrapUnknown         // a trap code the runtime does not know (corruption)
	numTrapCodes
)

var trapMessages = [numTrapCodes]string{
	TrapUnreachable:          "unreachable",
	TrapIntegerDivideByZero:  "integer divide by zero",
	TrapIntegerOverflow:      "integer overflow",
	TrapInvalidConversion:    "invalid conversion to integer",
	TrapOutOfBoundsMemory:    "out of bounds memory access",
	TrapOutOfBoundsTable:     "out of bounds table access",
	TrapUndefinedElement:     "undefined element",
	TrapUninitializedElement: "uninitialized element",
	TrapIndirectCallType:     "indirect call type mismatch",
	TrapNullReference:        "null reference",
	TrapStackOverflow:        "call stack exhausted",
	TrapInterrupted:          "interrupted",
	TrapUnalignedAtomic:      "unaligned atomic",
	TrapOutOfBoundsData:      "out of bounds memory access",
	TrapOutOfBoundsElem:      "out of bounds table access",
	TrapUnknown:              "unknown trap",
}

func (c TrapCode) String() string {
	if c < numTrapCodes && trapMessages[c] != "" {
		return trapMessages[c]
	}
	return "unknown trap"
}

// Builtin names a runtime operation compiled code asks Go to perform
// (StatusBuiltin). Arguments and results go through the ExecCtx buffer as
// 8-byte slots in the order listed; the Wasm memory, table, segment and
// type indices are the instance's own.
type Builtin uint32

// CallBuiltin marks a CallIndex that names a Builtin, not an import, in a
// call through ExecCallback.
const CallBuiltin = 1 << 31

const (
	BuiltinMemoryGrow Builtin = iota + 1 // (mem, delta) -> old pages or -1
	BuiltinMemoryFill                    // (mem, dst, value, len); compiled code fills inline
	BuiltinMemoryCopy                    // (dstMem, srcMem, dst, src, len); compiled code copies inline
	BuiltinMemoryInit                    // (mem, data, dst, src, len)
	BuiltinDataDrop                      // (data)
	BuiltinTableGrow                     // (table, init, delta) -> old size or -1
	BuiltinTableFill                     // (table, dst, value, len)
	BuiltinTableCopy                     // (dstTable, srcTable, dst, src, len)
	BuiltinTableInit                     // (table, elem, dst, src, len)
	BuiltinElemDrop                      // (elem)
	BuiltinTableGet                      // (table, index) -> ref
	BuiltinTableSet                      // (table, index, ref)
)

// Records the vmctx points to. Sizes and field offsets.
const (
	// MemoryRecord: one per memory, owned by the defining instance.
	MemBase    = 0  // address of byte 0; never changes
	MemLen     = 8  // current length in bytes (atomic)
	MemMax     = 16 // maximum length in bytes the reservation allows
	MemRecSize = 32

	// TableRecord: one per table.
	TableBase    = 0 // address of the element array (8 bytes per element)
	TableLen     = 8 // current number of elements
	TableMax     = 16
	TableRecSize = 32

	// FuncRef: what a funcref value points to (null is 0).
	FuncRefCode    = 0
	FuncRefTypeID  = 8 // canonical type id (uint32 in an 8-byte slot)
	FuncRefVMCtx   = 16
	FuncRefSize    = 24
	GlobalCellSize = 16 // one global's storage (v128 fits)

	// ImportedFunc slot in the vmctx.
	ImportCode  = 0
	ImportVMCtx = 8
	ImportSize  = 16
)
