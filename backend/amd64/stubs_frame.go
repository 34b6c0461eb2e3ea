package amd64

import (
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/runtime/abi"
)

// FrameSize returns how far a function's prologue moves RSP down for n
// bytes of frame (spill slots, saved registers, outgoing argument area):
// the call pushed 8 bytes, and RSP is 16-byte aligned at calls. A function
// that needs no frame and calls nothing (not even a builtin) moves it not
// at all. There is no frame pointer (RBP is left unallocated), and
// backtraces step from frame to frame by the size recorded for each
// function (docs/abi.md).
func FrameSize(n int32, calls bool) int32 {
	if n == 0 && !calls {
		return 0
	}
	return (n+8+15)&^15 - 8
}

// Prologue emits a function's entry for a frame of frameSize bytes (from
// FrameSize), with both checks.
func (a *Asm) Prologue(frameSize int32) { a.PrologueCheck(frameSize, true, true) }

// PrologueCheck emits a function's entry: sub rsp, frame; the stack check
// against ExecStackLimit (TrapStackOverflow) when stack is set; the
// interrupt check (a possible yield to Go) when interrupt is set (only
// functions a cycle of calls may pass through need it,
// backend/entrycheck.go; loop headers check on their own). Both checks run
// with the frame in place, so that a trap's or a cancelled yield's
// backtrace steps over it like over any other; only a frame larger than
// abi.LeafFrame is checked before it is made (RSP moved that far could
// skip the guard page), with its trap call inside the prologue, where
// backtraces know the frame is not made yet. It returns a label bound
// where the frame is in place (a label, since Finish moves code).
func (a *Asm) PrologueCheck(frame int32, interrupt, stack bool) Label {
	if stack && frame > abi.LeafFrame {
		ok := a.NewLabel()
		a.Lea(S64, ScratchGPR, M(RSP, -frame))
		a.AluRM(CMP, S64, ScratchGPR, execMem(abi.ExecStackLimit))
		a.Jcc(CondAE, ok)
		a.Trap(abi.TrapStackOverflow)
		a.Bind(ok)
	}
	if frame > 0 {
		a.AluI(SUB, S64, RSP, frame)
	}
	body := a.NewLabel()
	a.Bind(body)
	if stack && frame <= abi.LeafFrame {
		// The frame fits the margin below the limit, like a leaf's.
		a.AluRM(CMP, S64, RSP, execMem(abi.ExecStackLimit))
		a.TrapIf(CondB, abi.TrapStackOverflow)
	}
	if interrupt && lower.Omit&lower.InterruptChecks == 0 {
		a.InterruptCheck()
	}
	return body
}

// InterruptCheck lets Go run when the goroutine's preemption word holds
// abi.PreemptRequest: at function entry and loop headers. RBP holds the
// word's address throughout Wasm code (GuardReg), so the check is one
// compare with memory and a branch. The out-of-line call to the yield stub
// preserves every register, so the check costs the allocator nothing.
// Clobbers the flags only.
//
// A check that starts where a label is bound (a loop header's) is noted,
// so that Finish can list the jumps back into it (FuncCode.Skips): the
// runtime retargets them past the check when it preempts by signal.
func (a *Asm) InterruptCheck() {
	y := yieldSite{call: a.NewLabel(), back: a.NewLabel()}
	if a.LabelHere() {
		c := checkMark{start: a.NewLabel(), past: y.back}
		a.Bind(c.start)
		a.checks = append(a.checks, c)
	}
	a.AluMI(CMP, S64, M(GuardReg, 0), int32(int64(abi.PreemptRequest-1<<64)))
	a.Jcc(CondE, y.call)
	a.Bind(y.back)
	a.yieldSites = append(a.yieldSites, y)
}

// Epilogue emits the matching exit for a frame of frameSize bytes.
func (a *Asm) Epilogue(frameSize int32) {
	if frameSize > 0 {
		a.AluI(ADD, S64, RSP, frameSize)
	}
	a.Ret()
}

// calls reports whether mf calls a Wasm or host function (funcs; builtins
// never run Wasm, so only then does its prologue need the interrupt check),
// whether it calls anything at all, builtins included (all, for RSP's
// alignment at the call), and whether it may call a stub that uses the
// Wasm stack, a builtin's or a host function's (stubs: a host stub is
// reached through an indirect call).
func (mf *mfunc) calls() (funcs, all, stubs bool) {
	for _, b := range mf.blocks {
		for i := range b.instrs {
			switch b.instrs[i].op {
			case mCall:
				funcs, all = true, true
			case mCallInd:
				return true, true, true
			case mCallBltin:
				all, stubs = true, true
			}
		}
	}
	return funcs, all, stubs
}
