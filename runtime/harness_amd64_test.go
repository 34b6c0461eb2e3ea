package runtime

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

// asm encodes the amd64 test code (harness_test.go); R14 is the ExecCtx,
// R15 the vmctx, RAX the first parameter and result.
type asm struct {
	layout *abi.Layout
	b      []byte
	labels map[string]int
	fixups map[int]string
}

func newAsm() *asm { return &asm{labels: map[string]int{}, fixups: map[int]string{}} }

func (a *asm) emit(b ...byte) *asm { a.b = append(a.b, b...); return a }
func (a *asm) d32(v int32) *asm    { return a.emit(binary.LittleEndian.AppendUint32(nil, uint32(v))...) }
func (a *asm) label(n string) *asm { a.labels[n] = len(a.b); return a }
func (a *asm) rel(n string) *asm   { a.fixups[len(a.b)] = n; return a.d32(0) }
func (a *asm) align() *asm {
	for len(a.b)%16 != 0 {
		a.emit(0xcc)
	}
	return a
}

func (a *asm) ret() *asm          { return a.emit(0xc3) }
func (a *asm) call(n string) *asm { return a.emit(0xe8).rel(n) }
func (a *asm) jmp(n string) *asm  { return a.emit(0xe9).rel(n) }
func (a *asm) stubFrame() *asm    { return a.emit(0x55, 0x48, 0x89, 0xe5) } // push rbp; mov rbp, rsp
func (a *asm) leave() *asm        { return a.emit(0xc9) }
func (a *asm) inc0() *asm         { return a.emit(0x48, 0xff, 0xc0) } // inc rax
func (a *asm) pushR15() *asm      { return a.emit(0x41, 0x57) }
func (a *asm) subRSP8() *asm      { return a.emit(0x48, 0x83, 0xec, 0x08) }
func (a *asm) reloadR15() *asm    { return a.emit(0x4c, 0x8b, 0x7d, 0xf8) } // mov r15, [rbp-8]
func (a *asm) callR11() *asm      { return a.emit(0x41, 0xff, 0xd3) }

func (a *asm) ctxStore32(off, v int32) *asm { return a.emit(0x41, 0xc7, 0x86).d32(off).d32(v) }
func (a *asm) ctxStoreImm(off, v int32) *asm {
	return a.emit(0x49, 0xc7, 0x86).d32(off).d32(v)
}
func (a *asm) ctxStore0(off int32) *asm   { return a.emit(0x49, 0x89, 0x86).d32(off) }
func (a *asm) ctxLoad0(off int32) *asm    { return a.emit(0x49, 0x8b, 0x86).d32(off) }
func (a *asm) ctxStoreRSP(off int32) *asm { return a.emit(0x49, 0x89, 0xa6).d32(off) }
func (a *asm) ctxStoreRBP(off int32) *asm { return a.emit(0x49, 0x89, 0xae).d32(off) }
func (a *asm) ctxLoadRSP(off int32) *asm  { return a.emit(0x49, 0x8b, 0xa6).d32(off) }
func (a *asm) ctxLoadRBP(off int32) *asm  { return a.emit(0x49, 0x8b, 0xae).d32(off) }
func (a *asm) ctxStoreR15(off int32) *asm { return a.emit(0x4d, 0x89, 0xbe).d32(off) }
func (a *asm) ctxStoreR11(off int32) *asm { return a.emit(0x4d, 0x89, 0x9e).d32(off) }
func (a *asm) vmLoadR11(off uint32) *asm  { return a.emit(0x4d, 0x8b, 0x9f).d32(int32(off)) }
func (a *asm) vmLoadR15(off uint32) *asm  { return a.emit(0x4d, 0x8b, 0xbf).d32(int32(off)) }

// enter opens a test function's frame: push rbp; mov rbp, rsp; push r15;
// sub rsp, 8. Its return address then lies enterFrame bytes above RSP,
// which frameOf records for backtraces (compiled code keeps no frame
// pointer; docs/abi.md).
func (a *asm) enter() *asm { return a.stubFrame().pushR15().subRSP8() }

const enterFrame, enterLen = 24, 10

// frameOf is the frame of the function whose code starts at start.
func (a *asm) frameOf(start int) (frame, body uint32) {
	if len(a.b) >= start+enterLen && string(a.b[start:start+4]) == "\x55\x48\x89\xe5" {
		return enterFrame, enterLen
	}
	return 0, 0
}

// movImm0 sets RAX to v.
func (a *asm) movImm0(v int32) *asm { return a.emit(0x48, 0xc7, 0xc0).d32(v) }

// spin loops forever with the interrupt check of compiled code: when the
// goroutine's preemption word holds abi.PreemptRequest it calls the yield
// stub (which exits with StatusYield), so Go can run or cancel the call.
func (a *asm) spin() *asm {
	l := fmt.Sprintf("spin%d", len(a.b))
	a.label(l).emit(0x4d, 0x8b, 0x9e).d32(abi.ExecPreempt)                 // mov r11, [r14+ExecPreempt]
	a.emit(0x49, 0x81, 0x3b).d32(int32(int64(abi.PreemptRequest - 1<<64))) // cmp qword [r11], imm
	return a.emit(0x0f, 0x85).rel(l).call("yield").jmp(l)                  // jne l
}

// callImport calls imported function i through its vmctx slot, switching
// R15 to the callee's vmctx and back.
func (a *asm) callImport(i uint32) *asm {
	slot := a.layout.ImportedFunc(i)
	return a.vmLoadR11(slot + abi.ImportCode).vmLoadR15(slot + abi.ImportVMCtx).callR11().reloadR15()
}

// stackCheck traps with stack exhaustion when a 16-byte frame would cross
// the limit.
func (a *asm) stackCheck() *asm {
	ok := fmt.Sprintf("ok%d", len(a.b))
	return a.emit(0x4c, 0x8d, 0x5c, 0x24, 0xf0).emit(0x4d, 0x3b, 0x9e).d32(abi.ExecStackLimit).
		emit(0x0f, 0x83).rel(ok).call("trap_overflow").label(ok)
}

func (a *asm) resolve(t testing.TB) []byte {
	t.Helper()
	for pos, n := range a.fixups {
		to, ok := a.labels[n]
		if !ok {
			t.Fatalf("undefined label %s", n)
		}
		binary.LittleEndian.PutUint32(a.b[pos:], uint32(int32(to-(pos+4))))
	}
	return a.b
}

// stubs emits the exit, trap, builtin and entry stubs.
func (a *asm) stubs() {
	a.label("exit").ctxStoreRSP(abi.ExecWasmSP).ctxStoreRBP(abi.ExecWasmBP).
		ctxLoadRSP(abi.ExecGoSP).ctxLoadRBP(abi.ExecGoBP).ret()
	for _, tc := range []struct {
		name string
		code abi.TrapCode
	}{{"trap_unreachable", abi.TrapUnreachable}, {"trap_overflow", abi.TrapStackOverflow}, {"trap_interrupted", abi.TrapInterrupted}} {
		// Reached by a call: the return address is the trapping site.
		a.align().label(tc.name).ctxStore32(abi.ExecTrapCode, int32(tc.code)).
			ctxStore32(abi.ExecStatus, int32(abi.StatusTrap)).
			emit(0x4c, 0x8b, 0x1c, 0x24). // mov r11, [rsp]
			ctxStoreR11(abi.ExecTrapPC).
			emit(0x4c, 0x8d, 0x5c, 0x24, 0x08). // lea r11, [rsp+8]: the trapping function's SP
			ctxStoreR11(abi.ExecTrapFP).ctxStoreR15(abi.ExecVMCtx).jmp("exit")
	}
	a.align().label("yield").stubFrame().pushR15().subRSP8().ctxStoreR15(abi.ExecVMCtx).
		ctxStore32(abi.ExecStatus, int32(abi.StatusYield)).call("exit").reloadR15().leave().ret()
	a.align().label("builtin_grow").stubFrame().pushR15().subRSP8().ctxStoreR15(abi.ExecVMCtx).
		ctxStore32(abi.ExecCallIndex, int32(abi.BuiltinMemoryGrow)).
		ctxStore32(abi.ExecStatus, int32(abi.StatusBuiltin)).call("exit").reloadR15().leave().ret()
	a.align().label("builtin_fill").stubFrame().pushR15().subRSP8().ctxStoreR15(abi.ExecVMCtx).
		ctxStore32(abi.ExecCallIndex, int32(abi.BuiltinMemoryFill)).
		ctxStore32(abi.ExecStatus, int32(abi.StatusBuiltin)).call("exit").reloadR15().leave().ret()
	// One entry shim serves every signature used here: at most one i64
	// parameter in RAX and one result in RAX.
	a.align().label("shim").stubFrame().ctxLoad0(abi.ExecArgs).
		emit(0x41, 0xff, 0x96).d32(abi.ExecTarget). // call [r14+ExecTarget]
		ctxStore0(abi.ExecArgs).leave().ret()
}

// hostStub is the code address of import i when a host function satisfies
// it: argument in RAX, result in RAX.
func (a *asm) hostStub(i int) {
	a.align().label(hostLabel(i)).stubFrame().pushR15().subRSP8().ctxStore0(abi.ExecArgs).
		ctxStoreR15(abi.ExecVMCtx).ctxStore32(abi.ExecCallIndex, int32(i)).
		emit(0x41, 0xff, 0x96).d32(abi.ExecCallback). // call [r14+ExecCallback]
		emit(0x48, 0x8d, 0x6c, 0x24, 0x10).           // lea rbp, [rsp+16]
		ctxLoad0(abi.ExecArgs).reloadR15().leave().ret()
}
