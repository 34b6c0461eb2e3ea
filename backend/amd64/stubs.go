package amd64

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// The stubs are the fixed code every module carries besides its functions.
// Each is assembled on its own and reaches the exit stub through a
// relocation, so the linker places them like functions.

func execMem(off int32) Mem { return M(ExecReg, off) }

// argSlot is the ExecCtx buffer slot of parameter or result i.
func argSlot(i int) Mem { return execMem(abi.ExecArgs + 8*int32(i)) }

// checkArgs rejects signatures whose values do not fit the buffer.
func checkArgs(sig *wasm.FuncType) error {
	if n := max(len(sig.Params), len(sig.Results)); 8*n > abi.ExecArgsSize {
		return fmt.Errorf("amd64: signature %v has more values than the ExecCtx buffer holds", sig)
	}
	return nil
}

// loadValue loads an 8-byte buffer or stack slot into register r (an i32
// or f32 as its low 32 bits, zero-extended).
func (a *Asm) loadValue(t wasm.ValType, r Reg, m Mem) {
	switch t.Kind {
	case wasm.KindI32:
		a.MovRM(S32, r, m)
	case wasm.KindF32:
		a.MovssRM(r, m)
	case wasm.KindF64:
		a.MovsdRM(r, m)
	default:
		a.MovRM(S64, r, m)
	}
}

// storeValue stores register r to an 8-byte slot; i32 and f32 go through
// R11 so the slot's upper half is zero whatever r's upper bits hold.
func (a *Asm) storeValue(t wasm.ValType, m Mem, r Reg) {
	switch t.Kind {
	case wasm.KindI32:
		a.Mov(S32, ScratchGPR, r)
		a.MovMR(S64, m, ScratchGPR)
	case wasm.KindF32:
		a.MovqFromX(S32, ScratchGPR, r)
		a.MovMR(S64, m, ScratchGPR)
	case wasm.KindF64:
		a.MovsdMR(m, r)
	default:
		a.MovMR(S64, m, r)
	}
}

// copySlot copies an 8-byte slot through R11, zero-extending 32-bit types.
func (a *Asm) copySlot(t wasm.ValType, dst, src Mem) {
	if t.Kind == wasm.KindI32 || t.Kind == wasm.KindF32 {
		a.MovRM(S32, ScratchGPR, src)
	} else {
		a.MovRM(S64, ScratchGPR, src)
	}
	a.MovMR(S64, dst, ScratchGPR)
}

// EntryShim generates the entry shim of a signature. stackswitch calls it
// on the Wasm stack with R14 = the ExecCtx and R15 = [ExecVMCtx]; the shim
// loads the parameters from the buffer (slot i = parameter i), calls
// [ExecTarget] with RSP 16-byte aligned, stores the results to the buffer
// (slot i = result i) and returns; stackswitch sets StatusDone. Its return
// address is outside every function, which ends backtraces. It keeps its
// entry RSP on the stack, above the outgoing area, and clobbers every
// register but RSP, RBP and R14.
func EntryShim(sig *wasm.FuncType) (FuncCode, error) {
	if err := checkArgs(sig); err != nil {
		return FuncCode{}, err
	}
	l, err := Layout(sig)
	if err != nil {
		return FuncCode{}, err
	}
	a := NewAsm()
	area := l.ArgArea()
	a.Mov(S64, ScratchGPR, RSP)
	a.AluI(SUB, S64, RSP, area+8)
	a.AluI(AND, S64, RSP, -16)
	a.MovMR(S64, M(RSP, area), ScratchGPR)
	for i, loc := range l.Params {
		if loc.OnStack() {
			a.copySlot(sig.Params[i], M(RSP, loc.Offset), argSlot(i))
		}
	}
	for i, loc := range l.Params {
		if !loc.OnStack() {
			a.loadValue(sig.Params[i], loc.Reg, argSlot(i))
		}
	}
	a.loadMemBase()
	a.CallM(execMem(abi.ExecTarget))
	for i, loc := range l.Results {
		if loc.OnStack() {
			a.copySlot(sig.Results[i], argSlot(i), M(RSP, loc.Offset))
		} else {
			a.storeValue(sig.Results[i], argSlot(i), loc.Reg)
		}
	}
	a.MovRM(S64, RSP, M(RSP, area))
	a.Ret()
	return a.Finish()
}

// pushExitFrame opens the frame of a stub that calls back: RBP only (RSP
// is then 16-byte aligned), so that the exit backtrace starts at the
// caller. R14 and R15 need no slot: see callBack.
func (a *Asm) pushExitFrame() {
	a.Push(RBP)
	a.Mov(S64, RBP, RSP)
}

// calleeArea is the host and builtin stubs' save area for CalleeSaved,
// rounded to keep RSP 16-byte aligned at the call back.
const calleeArea = (int32(len(CalleeSaved))*8 + 15) &^ 15

// saveCallee reserves calleeArea below the stub's frame and stores the
// callee-saved registers there: Go clobbers every register.
func (a *Asm) saveCallee() {
	if calleeArea == 0 {
		return
	}
	a.AluI(SUB, S64, RSP, calleeArea)
	for i, r := range CalleeSaved {
		a.MovMR(S64, M(RSP, int32(8*i)), r)
	}
}

// restoreCallee reloads them after callBack (through RSP: RBP is Go's by
// then) and frees the area.
func (a *Asm) restoreCallee() {
	for i, r := range CalleeSaved {
		a.MovRM(S64, r, M(RSP, int32(8*i)))
	}
	if calleeArea != 0 {
		a.AluI(ADD, S64, RSP, calleeArea)
	}
}

// callBack saves R15 as ExecVMCtx, sets CallIndex and calls the runtime's
// host-call trampoline (ExecCallback), which runs the host function on the
// goroutine's stack and returns here with R14 = the ExecCtx and RSP as at
// the call (RBP is Go's), or abandons this stack if the host call failed.
// [ExecVMCtx] is ours again by then (nested runs restore it), so popExit
// reloads R15 from there.
func (a *Asm) callBack(index uint32) {
	a.MovMR(S64, execMem(abi.ExecVMCtx), VMCtxReg)
	a.MovMI(S32, execMem(abi.ExecCallIndex), int32(index))
	a.CallM(execMem(abi.ExecCallback))
}

// HostStub generates the code address of imported function importIndex
// when a host function satisfies it. Called per the calling convention, it
// stores the parameters to the buffer (slot i = parameter i, i32 and f32
// zero-extended), calls back into the runtime with CallIndex =
// importIndex (callBack), and then loads the results from the buffer (slot i = result i) into
// the result registers and the caller's stack result area. R14, R15 and
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
	a.saveCallee()
	for i, loc := range l.Params {
		if loc.OnStack() {
			a.copySlot(sig.Params[i], argSlot(i), M(RBP, 16+loc.Offset))
		} else {
			a.storeValue(sig.Params[i], argSlot(i), loc.Reg)
		}
	}
	a.callBack(importIndex)
	a.restoreCallee()
	for i, loc := range l.Results {
		if loc.OnStack() { // RSP is the frame's base, as RBP was
			a.copySlot(sig.Results[i], M(RSP, 16+loc.Offset), argSlot(i))
		} else {
			a.loadValue(sig.Results[i], loc.Reg, argSlot(i))
		}
	}
	a.popExit()
	return a.Finish()
}

// popExit reloads R15 and R12 (the Go code called back may have run
// another instance, and an indirect call within the instance leaves R12
// as it finds it), closes pushExitFrame's frame after callBack (RSP points
// at the saved RBP) and returns.
func (a *Asm) popExit() {
	a.MovRM(S64, VMCtxReg, execMem(abi.ExecVMCtx))
	a.loadMemBase()
	a.Pop(RBP)
	a.Ret()
}

// BuiltinStub generates the stub for builtin b. The calling code stores the
// builtin's arguments in the buffer (slot i = argument i, as listed by
// abi.Builtin) before calling it and reads its results from the buffer
// (slot i = result i) after; the stub calls back into the runtime with
// CallIndex = CallBuiltin|b, like a host stub. R14, R15 and CalleeSaved
// survive; the other allocatable registers are clobbered.
func BuiltinStub(b abi.Builtin) (FuncCode, error) {
	a := NewAsm()
	a.pushExitFrame()
	a.saveCallee()
	a.callBack(abi.CallBuiltin | uint32(b))
	a.restoreCallee()
	a.popExit()
	return a.Finish()
}

// TrapStub generates the stub for trap code c, reached by a call from the
// trapping site: it records c, StatusTrap, TrapPC = the return address
// (just after the trapping call), TrapFP = the trapping function's RSP
// (where backtraces start stepping over frames) and the vmctx, and jumps
// to the exit stub. The Wasm stack is abandoned.
func TrapStub(c abi.TrapCode) (FuncCode, error) {
	a := NewAsm()
	a.MovMI(S32, execMem(abi.ExecTrapCode), int32(c))
	a.MovMI(S32, execMem(abi.ExecStatus), int32(abi.StatusTrap))
	a.MovRM(S64, ScratchGPR, M(RSP, 0))
	a.MovMR(S64, execMem(abi.ExecTrapPC), ScratchGPR)
	a.Lea(S64, ScratchGPR, M(RSP, 8))
	a.MovMR(S64, execMem(abi.ExecTrapFP), ScratchGPR)
	a.MovMR(S64, execMem(abi.ExecVMCtx), VMCtxReg)
	a.JmpStub(StubExit, 0)
	return a.Finish()
}

// ExitStub generates the exit path: it saves WasmSP (pointing at the return
// address of the call into it) and WasmBP, switches to GoSP/GoBP and
// returns, which returns from the stackswitch entry function to Go.
func ExitStub() (FuncCode, error) {
	a := NewAsm()
	a.exit()
	return a.Finish()
}

// exit emits the exit path (ExitStub).
func (a *Asm) exit() {
	a.MovMR(S64, execMem(abi.ExecWasmSP), RSP)
	a.MovMR(S64, execMem(abi.ExecWasmBP), RBP)
	a.MovRM(S64, RSP, execMem(abi.ExecGoSP))
	a.MovRM(S64, RBP, execMem(abi.ExecGoBP))
	a.Ret()
}

// yieldSaved lists what the yield stub preserves: every general-purpose
// register but RSP and RBP (the frame), and all of XMM0-XMM15 in full.
var yieldSaved = [...]Reg{RAX, RCX, RDX, RBX, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15}

// yieldFrame is the stub's save area below the saved RBP: 14 GPRs and 16
// XMM registers, rounded to keep RSP 16-byte aligned at the exit call.
const yieldFrame = (len(yieldSaved)*8 + 16*16 + 15) &^ 15

// YieldStub generates the stub that interrupt checks call when the Go
// runtime asks the goroutine to stop (abi.PreemptRequest): it saves every
// register and exits with StatusYield (its frame gives the backtrace if Go
// answers with a cancellation, as at any exit); on resume it
// restores everything and returns to the check, so Wasm code around a check
// sees no register clobbered.
func YieldStub() (FuncCode, error) {
	a := NewAsm()
	// Too close to the stack's guard region for the save area (a function
	// without a limit check of its own can get there): yield at a later
	// check instead.
	later := a.NewLabel()
	a.AluRM(CMP, S64, RSP, execMem(abi.ExecStackLimit))
	a.Jcc(CondB, later)
	a.Push(RBP)
	a.Mov(S64, RBP, RSP)
	a.AluI(SUB, S64, RSP, int32(yieldFrame))
	a.saveAll()
	a.MovMR(S64, execMem(abi.ExecVMCtx), VMCtxReg)
	a.MovMI(S32, execMem(abi.ExecStatus), int32(abi.StatusYield))
	a.CallStub(StubExit, 0)
	a.restoreAll()
	a.Leave()
	a.Bind(later)
	a.Ret()
	return a.Finish()
}

// PreemptStub generates the code a thread stopped by the runtime's
// preemption signal resumes at (runtime/fault_linux_amd64.s): the
// signal handler pushed the interrupted PC, as if that instruction had
// called the stub. Any instruction of a function body may be interrupted,
// with the flags and the scratch registers (R11, X15) live, so the stub
// saves the flags too, exits with StatusPreempted (the frame is laid out
// as YieldStub's for backtraces) and on resume returns to the instruction.
// It belongs to no module: the runtime maps it once, so it carries its
// own exit path.
func PreemptStub() (FuncCode, error) {
	a := NewAsm()
	exit := a.NewLabel()
	a.Push(RBP)
	a.Mov(S64, RBP, RSP)
	a.Pushfq()
	// The signal may land inside a backward memory.copy (MemMove): Go
	// must not run with the direction flag set, or its memclr and
	// memmove clear and copy backward, over their neighbours. popfq
	// restores it for the copy.
	a.Cld()
	a.AluI(SUB, S64, RSP, int32(yieldFrame+8))
	a.saveAll()
	a.MovMR(S64, execMem(abi.ExecVMCtx), VMCtxReg)
	a.MovMI(S32, execMem(abi.ExecStatus), int32(abi.StatusPreempted))
	a.Call(exit)
	a.restoreAll()
	a.Lea(S64, RSP, M(RBP, -8))
	a.Popfq()
	a.Pop(RBP)
	a.Ret()
	a.Bind(exit)
	a.exit()
	return a.Finish()
}

// PreemptStubRoom is the stack PreemptStub needs below the interrupted
// instruction's SP: the pushed PC, RBP, the flags and save area, and the
// exit call's return address.
const PreemptStubRoom = 8 + 8 + 8 + yieldFrame + 8 + 8

// saveAll stores yieldSaved and XMM0-XMM15 at RSP (yieldFrame bytes).
func (a *Asm) saveAll() {
	for i, r := range yieldSaved {
		a.MovMR(S64, M(RSP, int32(8*i)), r)
	}
	xmm := int32(8 * len(yieldSaved))
	for i := range 16 {
		a.SSEStore(MOVUPS, M(RSP, xmm+int32(16*i)), X0+Reg(i))
	}
}

// restoreAll loads what saveAll stored.
func (a *Asm) restoreAll() {
	xmm := int32(8 * len(yieldSaved))
	for i := range 16 {
		a.SSEM(MOVUPS, X0+Reg(i), M(RSP, xmm+int32(16*i)))
	}
	for i, r := range yieldSaved {
		a.MovRM(S64, r, M(RSP, int32(8*i)))
	}
}
