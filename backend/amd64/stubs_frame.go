package amd64

import (
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/runtime/abi"
)

// FrameSize rounds a function's frame (spill slots plus outgoing argument
// area, below the saved RBP) up to keep RSP 16-byte aligned at calls.
func FrameSize(n int32) int32 { return (n + 15) &^ 15 }

// Prologue emits a function's entry for a frame of frameSize bytes (rounded
// with FrameSize): push rbp; mov rbp, rsp; the stack check against
// ExecStackLimit (TrapStackOverflow); the interrupt check (a possible
// yield to Go); sub rsp, frame. Both checks run after RBP is set so a
// trap's or a cancelled yield's backtrace starts at this function.
func (a *Asm) Prologue(frameSize int32) { a.PrologueCheck(frameSize, true, true) }

// PrologueCheck is Prologue with the interrupt check only when interrupt
// is set (only functions a cycle of calls may pass through need it,
// backend/entrycheck.go; loop headers check on their own) and the stack
// check only when stack is (a leaf's small frame fits the margin the
// runtime keeps below the limit: abi.LeafFrame).
func (a *Asm) PrologueCheck(frameSize int32, interrupt, stack bool) {
	frame := FrameSize(frameSize)
	a.Push(RBP)
	a.Mov(S64, RBP, RSP)
	if stack {
		// A frame within abi.LeafFrame fits the margin below the limit,
		// like a leaf's: checking SP itself is enough.
		if frame > abi.LeafFrame {
			a.Lea(S64, ScratchGPR, M(RSP, -frame))
			a.AluRM(CMP, S64, ScratchGPR, execMem(abi.ExecStackLimit))
		} else {
			a.AluRM(CMP, S64, RSP, execMem(abi.ExecStackLimit))
		}
		a.TrapIf(CondB, abi.TrapStackOverflow)
	}
	if interrupt && lower.Omit&lower.InterruptChecks == 0 {
		a.InterruptCheck()
	}
	if frame > 0 {
		a.AluI(SUB, S64, RSP, frame)
	}
}

// InterruptCheck lets Go run when the goroutine's preemption word (at
// [ExecPreempt]) holds abi.PreemptRequest: at function entry and loop
// headers. The out-of-line call to the yield stub preserves every register,
// so the check costs the allocator nothing. Clobbers R11 and the flags.
func (a *Asm) InterruptCheck() {
	y := yieldSite{call: a.NewLabel(), back: a.NewLabel()}
	a.MovRM(S64, ScratchGPR, execMem(abi.ExecPreempt))
	a.AluMI(CMP, S64, M(ScratchGPR, 0), int32(int64(abi.PreemptRequest-1<<64)))
	a.Jcc(CondE, y.call)
	a.Bind(y.back)
	a.yieldSites = append(a.yieldSites, y)
}

// Epilogue emits the matching exit: leave; ret.
func (a *Asm) Epilogue() {
	a.Leave()
	a.Ret()
}

// makesCalls reports whether mf calls a Wasm or host function (builtins
// never run Wasm): only then does its prologue need the interrupt check.
func (mf *mfunc) makesCalls() bool {
	for _, b := range mf.blocks {
		for i := range b.instrs {
			if op := b.instrs[i].op; op == mCall || op == mCallInd {
				return true
			}
		}
	}
	return false
}
