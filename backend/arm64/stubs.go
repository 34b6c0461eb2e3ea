package arm64

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// The stubs are the fixed code every module carries besides its functions
// (docs/abi.md, arm64). Each is assembled on its own and reaches the exit
// stub through a relocation, so the linker places them like functions.

func execMem(off int32) Mem { return M(ExecReg, off) }

// argOff is the ExecCtx offset of buffer slot i.
func argOff(i int) int32 { return abi.ExecArgs + 8*int32(i) }

// checkArgs rejects signatures whose values do not fit the buffer.
func checkArgs(sig *wasm.FuncType) error {
	if n := max(len(sig.Params), len(sig.Results)); 8*n > abi.ExecArgsSize {
		return fmt.Errorf("arm64: signature %v has more values than the ExecCtx buffer holds", sig)
	}
	return nil
}

// is32 reports whether t's values occupy the low 32 bits of a slot.
func is32(t wasm.ValType) bool { return t.Kind == wasm.KindI32 || t.Kind == wasm.KindF32 }

// loadValue loads the 8-byte slot m into r; an i32 or f32 is its low 32
// bits (zero-extended). Slots are 8-byte aligned and below 32 KiB, so the
// 64-bit forms always encode; 32-bit ones go through X16 when theirs does
// not.
func (a *Asm) loadValue(t wasm.ValType, r Reg, m Mem) {
	switch {
	case t.Kind == wasm.KindF64:
		a.Ldr(S64, r, m)
	case !is32(t):
		a.Ldr(S64, r, m)
	case OffsetOK(S32, int64(m.Disp)):
		a.Ldr(S32, r, m)
	case t.Kind == wasm.KindI32:
		a.Ldr(S64, r, m)
		a.Mov(S32, r, r)
	default:
		a.Ldr(S64, ScratchGPR, m)
		a.Fmov(S32, r, ScratchGPR)
	}
}

// storeValue stores r to an 8-byte slot; i32 and f32 go through X16 so
// the slot's upper half is zero whatever r's upper bits hold.
func (a *Asm) storeValue(t wasm.ValType, m Mem, r Reg) {
	switch t.Kind {
	case wasm.KindI32:
		a.Mov(S32, ScratchGPR, r)
		a.Str(S64, ScratchGPR, m)
	case wasm.KindF32:
		a.Fmov(S32, ScratchGPR, r)
		a.Str(S64, ScratchGPR, m)
	default:
		a.Str(S64, r, m)
	}
}

// copySlot copies an 8-byte slot through X16, zero-extending 32-bit types.
func (a *Asm) copySlot(t wasm.ValType, dst, src Mem) {
	a.Ldr(S64, ScratchGPR, src)
	if is32(t) {
		a.Mov(S32, ScratchGPR, ScratchGPR)
	}
	a.Str(S64, ScratchGPR, dst)
}

// storeImm32 stores the 32-bit constant v at m through X16.
func (a *Asm) storeImm32(m Mem, v uint32) {
	a.MovImm(S32, ScratchGPR, uint64(v))
	a.Str(S32, ScratchGPR, m)
}

// EntryShim generates the entry shim of a signature. stackswitch calls it
// (blr) on the Wasm stack with X19 = the ExecCtx and X20 = [ExecVMCtx];
// the shim pushes a frame record, loads the parameters from the buffer
// (slot i = parameter i), calls [ExecTarget], stores the results to the
// buffer (slot i = result i) and returns; stackswitch sets StatusDone. Its frame
// record's LR is outside every function, which ends backtraces. It
// clobbers every register but SP, FP, LR (restored) and X19.
func EntryShim(sig *wasm.FuncType) (FuncCode, error) {
	if err := checkArgs(sig); err != nil {
		return FuncCode{}, err
	}
	l, err := Layout(sig)
	if err != nil {
		return FuncCode{}, err
	}
	a := NewAsm()
	a.Stp(S64, FP, LR, MPre(SP, -16))
	a.Mov(S64, FP, SP)
	if area := l.ArgArea(); area > 0 {
		a.AddImm(S64, SP, SP, -int64(area), ScratchGPR2)
	}
	for i, loc := range l.Params {
		if loc.OnStack() {
			a.copySlot(sig.Params[i], M(SP, loc.Offset), execMem(argOff(i)))
		}
	}
	for i, loc := range l.Params {
		if !loc.OnStack() {
			a.loadValue(sig.Params[i], loc.Reg, execMem(argOff(i)))
		}
	}
	a.Ldr(S64, ScratchGPR, execMem(abi.ExecTarget))
	a.Blr(ScratchGPR)
	for i, loc := range l.Results {
		if loc.OnStack() {
			a.copySlot(sig.Results[i], execMem(argOff(i)), M(SP, loc.Offset))
		} else {
			a.storeValue(sig.Results[i], execMem(argOff(i)), loc.Reg)
		}
	}
	a.Epilogue()
	return a.Finish()
}

// exitFrame is the frame record of a stub that calls back. X19 and X20
// need no slot (see callBack); the callee-saved registers get theirs
// below it (savedArea), since Go clobbers them.
const exitFrame = 16

// savedArea is the stub's slots for CalleeSaved (an even count), laid
// out as SaveRegs would: the last pair at the bottom, [SP] once pushed.
const savedArea = int32(8 * len(CalleeSaved))

// pushExitFrame opens an exit frame: stp x29, x30, [sp, #-16]!; mov x29,
// sp; then pushes CalleeSaved below it. The caller's stack arguments are
// at [FP+exitFrame].
func (a *Asm) pushExitFrame() {
	a.Stp(S64, FP, LR, MPre(SP, -exitFrame))
	a.Mov(S64, FP, SP)
	cs, n := CalleeSaved[:], len(CalleeSaved)
	a.Stp(S64, cs[n-1], cs[n-2], MPre(SP, -savedArea))
	for i := 0; i < n-2; i += 2 {
		a.Stp(S64, cs[i+1], cs[i], M(SP, savedArea-8*int32(i+2)))
	}
}

// popSaved reloads CalleeSaved after callBack through SP (callBack
// returns with Go's FP) and pops them, leaving SP at the frame record.
func (a *Asm) popSaved() {
	cs, n := CalleeSaved[:], len(CalleeSaved)
	for i := 0; i < n-2; i += 2 {
		a.Ldp(S64, cs[i+1], cs[i], M(SP, savedArea-8*int32(i+2)))
	}
	a.Ldp(S64, cs[n-1], cs[n-2], MPost(SP, savedArea))
}

// popExit reloads X20 (callBack), closes pushExitFrame's frame and returns.
func (a *Asm) popExit() {
	a.Ldr(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.Ldp(S64, FP, LR, MPost(SP, exitFrame))
	a.Ret()
}

// callBack saves X20 as ExecVMCtx, sets CallIndex and calls the runtime's
// host-call trampoline (ExecCallback), which runs the host function on the
// goroutine's stack and returns here with X19 = the ExecCtx and SP as at
// the call (FP is Go's), or abandons this stack if the host call failed.
// [ExecVMCtx] is ours again by then (nested runs restore it), so popExit
// reloads X20 from there.
func (a *Asm) callBack(index uint32) {
	a.Str(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.storeImm32(execMem(abi.ExecCallIndex), index)
	a.Ldr(S64, ScratchGPR, execMem(abi.ExecCallback))
	a.Blr(ScratchGPR)
}

// HostStub generates the code address of imported function importIndex
// when a host function satisfies it. Called per the calling convention, it
// stores the parameters to the buffer (slot i = parameter i, i32 and f32
// zero-extended), calls back into the runtime with CallIndex =
// importIndex (callBack), and then loads the results from the buffer (slot i = result i) into
// the result registers and the caller's stack result area. X19, X20 and
// CalleeSaved survive, as across any call; the other allocatable
// registers are clobbered.
func HostStub(sig *wasm.FuncType, importIndex uint32) (FuncCode, error) {
	if err := checkArgs(sig); err != nil {
		return FuncCode{}, err
	}
	l, err := Layout(sig)
	if err != nil {
		return FuncCode{}, err
	}
	a := NewAsm()
	a.pushExitFrame()
	for i, loc := range l.Params {
		if loc.OnStack() {
			a.copySlot(sig.Params[i], execMem(argOff(i)), M(FP, exitFrame+loc.Offset))
		} else {
			a.storeValue(sig.Params[i], execMem(argOff(i)), loc.Reg)
		}
	}
	a.callBack(importIndex)
	a.popSaved()
	if l.StackResults > 0 {
		a.Mov(S64, FP, SP) // the frame's base again, for the stack results
	}
	for i, loc := range l.Results {
		if loc.OnStack() {
			a.copySlot(sig.Results[i], M(FP, exitFrame+loc.Offset), execMem(argOff(i)))
		} else {
			a.loadValue(sig.Results[i], loc.Reg, execMem(argOff(i)))
		}
	}
	a.popExit()
	return a.Finish()
}

// BuiltinStub generates the stub for builtin b. The calling code stores the
// builtin's arguments in the buffer (slot i = argument i, as listed by
// abi.Builtin) before calling it and reads its results from the buffer
// (slot i = result i) after; the stub calls back into the runtime with
// CallIndex = CallBuiltin|b, like a host stub. X19, X20 and CalleeSaved
// survive; the other allocatable registers are clobbered.
func BuiltinStub(b abi.Builtin) (FuncCode, error) {
	a := NewAsm()
	a.pushExitFrame()
	a.callBack(abi.CallBuiltin | uint32(b))
	a.popSaved()
	a.popExit()
	return a.Finish()
}

// TrapStub generates the stub for trap code c, reached by a BL from the
// trapping site: it records c, StatusTrap, TrapPC = LR (just after the
// trapping call), TrapFP = FP and the vmctx, and jumps to the exit stub.
// The Wasm stack is abandoned.
func TrapStub(c abi.TrapCode) (FuncCode, error) {
	a := NewAsm()
	a.storeImm32(execMem(abi.ExecTrapCode), uint32(c))
	a.storeImm32(execMem(abi.ExecStatus), uint32(abi.StatusTrap))
	a.Str(S64, LR, execMem(abi.ExecTrapPC))
	a.Str(S64, FP, execMem(abi.ExecTrapFP))
	a.Str(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.JmpStub(StubExit, 0)
	return a.Finish()
}

// ExitStub generates the exit path (docs/abi.md, arm64): it pushes LR (the
// resume address) so WasmSP points at it, saves WasmSP and WasmBP,
// switches to GoSP/GoBP and pops the Go side's LR, returning into
// stackswitch's Enter or Resume.
func ExitStub() (FuncCode, error) {
	a := NewAsm()
	a.exit()
	return a.Finish()
}

// exit emits the exit path (ExitStub).
func (a *Asm) exit() {
	a.Str(S64, LR, MPre(SP, -16))
	a.Mov(S64, ScratchGPR, SP)
	a.Str(S64, ScratchGPR, execMem(abi.ExecWasmSP))
	a.Str(S64, FP, execMem(abi.ExecWasmBP))
	a.Ldr(S64, ScratchGPR, execMem(abi.ExecGoSP))
	a.Mov(S64, SP, ScratchGPR)
	a.Ldr(S64, FP, execMem(abi.ExecGoBP))
	a.Ldr(S64, LR, MPost(SP, 16))
	a.Ret()
}

// yieldGPRs lists the general-purpose registers the yield stub preserves:
// all but the scratch pair X16/X17, the platform register X18, Go's X27
// and g (X28), and the frame record.
var yieldGPRs = [...]Reg{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11,
	X12, X13, X14, X15, X19, X20, X21, X22, X23, X24, X25, X26}

// yieldFrame is the stub's save area below its frame record: the GPRs
// above and the low 64 bits of V0-V31 (the backend keeps only f32/f64
// values in them), a multiple of 16.
const yieldFrame = len(yieldGPRs)*8 + 32*8

// YieldStub generates the stub that interrupt checks call when the Go
// runtime asks the goroutine to stop (abi.PreemptRequest): it saves every
// register a check must preserve and exits with StatusYield (its frame
// record gives the backtrace if Go answers with a cancellation, as at any
// exit); on resume it restores them and returns to the check.
func YieldStub() (FuncCode, error) {
	a := NewAsm()
	a.Stp(S64, FP, LR, MPre(SP, -16))
	a.Mov(S64, FP, SP)
	a.AluImm(SUB, S64, SP, SP, int64(yieldFrame))
	for i := 0; i < len(yieldGPRs); i += 2 {
		a.Stp(S64, yieldGPRs[i], yieldGPRs[i+1], M(SP, int32(8*i)))
	}
	fpr := int32(8 * len(yieldGPRs))
	for i := 0; i < 32; i += 2 {
		a.Stp(S64, V0+Reg(i), V0+Reg(i+1), M(SP, fpr+int32(8*i)))
	}
	a.Str(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.storeImm32(execMem(abi.ExecStatus), uint32(abi.StatusYield))
	a.CallStub(StubExit, 0)
	for i := 0; i < 32; i += 2 {
		a.Ldp(S64, V0+Reg(i), V0+Reg(i+1), M(SP, fpr+int32(8*i)))
	}
	for i := 0; i < len(yieldGPRs); i += 2 {
		a.Ldp(S64, yieldGPRs[i], yieldGPRs[i+1], M(SP, int32(8*i)))
	}
	a.Mov(S64, SP, FP)
	a.Ldp(S64, FP, LR, MPost(SP, 16))
	a.Ret()
	return a.Finish()
}

// preemptGPRs are the general-purpose registers the preemption stub
// preserves: all but the platform register X18 (through which it
// returns; compiled code never uses it), g (X28, the same goroutine's on
// resume) and X29 (in the frame record).
var preemptGPRs = [...]Reg{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13,
	X14, X15, X16, X17, X19, X20, X21, X22, X23, X24, X25, X26, X27, X30}

// preemptFrame is its save area: those GPRs, NZCV, and the low 64 bits of
// V0-V31, a multiple of 16.
const preemptFrame = len(preemptGPRs)*8 + 16 + 32*8

// PreemptStubRoom is the stack the preemption stub needs below the
// interrupted instruction's SP: the frame record the signal handler
// pushes, the save area, and the exit path's LR slot.
const PreemptStubRoom = 16 + preemptFrame + 16

// PreemptStub generates the code a thread stopped by the runtime's
// preemption signal resumes at (runtime/fault_linux_arm64.s). The handler
// pushed a frame record (the interrupted X29 and PC) and pointed SP and
// X29 at it, as if the instruction had called the stub; any instruction
// of a function body past its prologue's frame record may be interrupted,
// with X16, X17 or the flags live, so the stub saves them too, exits with
// StatusPreempted and on resume restores everything and branches back
// through X18, the one register compiled code never holds. It belongs to
// no module: the runtime maps it once, so it carries its own exit path.
func PreemptStub() (FuncCode, error) {
	a := NewAsm()
	exit := a.NewLabel()
	a.AluImm(SUB, S64, SP, SP, int64(preemptFrame))
	for i := 0; i < len(preemptGPRs); i += 2 {
		a.Stp(S64, preemptGPRs[i], preemptGPRs[i+1], M(SP, int32(8*i)))
	}
	flags := int32(8 * len(preemptGPRs))
	a.Word(0xD53B4200 | uint32(X0-X0)) // mrs x0, nzcv
	a.Str(S64, X0, M(SP, flags))
	fpr := flags + 16
	for i := 0; i < 32; i += 2 {
		a.Stp(S64, V0+Reg(i), V0+Reg(i+1), M(SP, fpr+int32(8*i)))
	}
	a.Str(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.storeImm32(execMem(abi.ExecStatus), uint32(abi.StatusPreempted))
	a.Bl(exit)
	for i := 0; i < 32; i += 2 {
		a.Ldp(S64, V0+Reg(i), V0+Reg(i+1), M(SP, fpr+int32(8*i)))
	}
	a.Ldr(S64, X0, M(SP, flags))
	a.Word(0xD51B4200 | uint32(X0-X0)) // msr nzcv, x0
	for i := 0; i < len(preemptGPRs); i += 2 {
		a.Ldp(S64, preemptGPRs[i], preemptGPRs[i+1], M(SP, int32(8*i)))
	}
	a.Ldr(S64, X18, M(FP, 8))
	a.AluImm(ADD, S64, SP, FP, 16)
	a.Ldr(S64, FP, M(FP, 0))
	a.Br(X18)
	a.Bind(exit)
	a.exit()
	return a.Finish()
}
