package arm64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Fixed registers of the calling convention (docs/abi.md, arm64).
const (
	ExecReg     = X19 // the ExecCtx; callee-saved, never allocated
	VMCtxReg    = X20 // the current instance's vmctx; callee-saved
	ScratchGPR  = X16 // code generator and veneer scratch, never allocated
	ScratchGPR2 = X17
	ScratchFP   = V31
)

// IntArgRegs and FloatArgRegs carry parameters and results in order.
var (
	IntArgRegs   = [...]Reg{X0, X1, X2, X3, X4, X5, X6, X7}
	FloatArgRegs = [...]Reg{V0, V1, V2, V3, V4, V5, V6, V7}
)

// Loc is where one parameter or result lives at a call: a register, or
// (OnStack, Reg == NoReg) the stack slot at [SP+Offset] just before the call, which
// the callee sees at [FP+16+Offset] (above its frame record).
type Loc = mach.Loc[Reg]

// CallLayout places a signature's parameters and results.
type CallLayout = mach.CallLayout[Reg]

// IsFloat reports whether values of type t travel in floating-point
// registers; it fails for types this backend does not pass (v128).
func IsFloat(t wasm.ValType) (bool, error) { return mach.IsFloat("arm64", t) }

// Layout places a signature per the calling convention: IntArgRegs,
// FloatArgRegs, then 8-byte stack slots.
func Layout(sig *wasm.FuncType) (*CallLayout, error) {
	return mach.Layout("arm64", sig, IntArgRegs[:], FloatArgRegs[:], NoReg)
}

// FrameSize rounds a function's frame (spill slots plus outgoing argument
// area, below the frame record) up to keep SP 16-byte aligned.
func FrameSize(n int32) int32 { return (n + 15) &^ 15 }

// maxFrame bounds a frame so SP arithmetic stays in 32-bit immediates.
const maxFrame = 1 << 30

// Prologue emits a function's entry for a frame of frameSize bytes
// (rounded with FrameSize): stp x29, x30, [sp, #-16]!; mov x29, sp; the
// stack check of SP - frame against ExecStackLimit (TrapStackOverflow);
// the interrupt check (a possible yield to Go); sub sp, sp, #frame. Both checks
// run after FP is set so a trap's backtrace starts at this function.
// Clobbers X16 and X17.
func (a *Asm) Prologue(frameSize int32) { a.PrologueCheck(frameSize, true, true) }

// PrologueCheck is Prologue with the interrupt check only when interrupt
// is set (only functions a cycle of calls may pass through need it,
// backend/entrycheck.go; loop headers check on their own) and the stack
// check only when stack is (a leaf's small frame fits the margin the
// runtime keeps below the limit: abi.LeafFrame).
func (a *Asm) PrologueCheck(frameSize int32, interrupt, stack bool) {
	frame := FrameSize(frameSize)
	if frame < 0 || frame > maxFrame {
		a.fail("frame of %d bytes too large", frameSize)
		return
	}
	a.Stp(S64, FP, LR, MPre(SP, -16))
	a.Mov(S64, FP, SP)
	if stack {
		a.Ldr(S64, ScratchGPR, M(ExecReg, abi.ExecStackLimit))
		// A frame within abi.LeafFrame fits the margin below the limit,
		// like a leaf's: checking SP itself is enough.
		if frame > abi.LeafFrame {
			a.AddImm(S64, ScratchGPR2, SP, -int64(frame), ScratchGPR2)
			a.Cmp(S64, ScratchGPR2, ScratchGPR)
		} else {
			a.Cmp(S64, SP, ScratchGPR)
		}
		a.TrapIf(CondLO, abi.TrapStackOverflow)
	}
	if interrupt && lower.Omit&lower.InterruptChecks == 0 {
		a.InterruptCheck()
	}
	if frame > 0 {
		a.AddImm(S64, SP, SP, -int64(frame), ScratchGPR2)
	}
}

// AddImm emits rd = rn + imm for any imm: one or two ADD/SUB immediates,
// else through the scratch register tmp (which must differ from rn). rd
// and rn may be SP.
func (a *Asm) AddImm(sz Size, rd, rn Reg, imm int64, tmp Reg) {
	mag := imm
	if mag < 0 {
		mag = -mag
	}
	switch {
	case ArithImmOK(imm):
		a.AluImm(ADD, sz, rd, rn, imm)
	case imm > -(1<<24) && imm < 1<<24:
		hi := mag &^ 0xFFF
		lo := mag & 0xFFF
		if imm < 0 {
			hi, lo = -hi, -lo
		}
		a.AluImm(ADD, sz, rd, rn, hi)
		a.AluImm(ADD, sz, rd, rd, lo)
	default:
		if tmp == rn {
			a.fail("add immediate scratch %v is the source", tmp)
			return
		}
		a.MovImm(sz, tmp, uint64(imm))
		a.Alu(ADD, sz, rd, rn, tmp)
	}
}

// gStackGuard is the offset of stackguard0, the preemption word, in Go's
// runtime.g (stackswitch.CheckRuntime verifies it). X28 holds the g of the
// goroutine running Wasm throughout: Go keeps g there, Enter and Resume
// run with it, and compiled code never writes X28.
const gStackGuard = 16

// InterruptCheck lets Go run when the goroutine's preemption word (its
// g's stackguard0, the word [ExecPreempt] points at) holds
// abi.PreemptRequest: at function entry and loop headers. One load from
// g (X28) instead of two through the ExecCtx. The out-of-line BL to the
// yield stub preserves every register but LR, which every function has
// saved in its frame record before its first check. Clobbers X16 and the
// flags.
//
// A check that starts where a label is bound (a loop header's) is noted,
// so that Finish can list the branches back into it (FuncCode.Skips): the
// runtime retargets them past the check when it preempts by signal.
func (a *Asm) InterruptCheck() {
	y := yieldSite{call: a.NewLabel(), back: a.NewLabel()}
	var c checkMark
	noted := a.LabelHere()
	if noted {
		c = checkMark{start: a.NewLabel(), past: y.back}
		a.Bind(c.start)
	}
	a.Ldr(S64, ScratchGPR, M(X28, gStackGuard))
	a.CmpImm(S64, ScratchGPR, int64(abi.PreemptRequest-1<<64))
	a.Bcond(CondEQ, y.call)
	a.Bind(y.back)
	a.yieldSites = append(a.yieldSites, y)
	if noted {
		a.checks = append(a.checks, c)
	}
}

// Epilogue emits the matching exit: mov sp, x29; ldp x29, x30, [sp], #16;
// ret.
func (a *Asm) Epilogue() {
	a.Mov(S64, SP, FP)
	a.Ldp(S64, FP, LR, MPost(SP, 16))
	a.Ret()
}

// SaveRegs stores regs to the 8-byte slots just below the frame record,
// regs[i] at [FP - 8*(i+1)], in pairs where it can. The function's frame
// must cover them (8*len(regs) bytes at its top).
func (a *Asm) SaveRegs(regs []Reg) { a.frameRegs(regs, a.Stp, a.Str) }

// RestoreRegs loads what SaveRegs stored; FP must be the function's own.
func (a *Asm) RestoreRegs(regs []Reg) { a.frameRegs(regs, a.Ldp, a.Ldr) }

func (a *Asm) frameRegs(regs []Reg, pair func(Size, Reg, Reg, Mem), one func(Size, Reg, Mem)) {
	for i := 0; i < len(regs); i += 2 {
		if i+1 < len(regs) {
			pair(S64, regs[i+1], regs[i], M(FP, -8*int32(i+2)))
		} else {
			one(S64, regs[i], M(FP, -8*int32(i+1)))
		}
	}
}

// None reports whether r is NoReg (a stack slot in a Loc).
func (r Reg) None() bool { return r == NoReg }

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
