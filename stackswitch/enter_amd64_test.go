package stackswitch

import (
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

func incShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).ret()
	return a.mapBlob(t, "shim")
}

func clobberShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim")
	for r := byte(0); r < 16; r++ {
		if r != rsp && r != r14 { // R14, the ExecCtx, is callee-saved
			a.movImm(r, 0x5555555555555555+uint64(r))
		}
	}
	for x := byte(0); x < 16; x++ { // pcmpeqd xmmX, xmmX: all ones
		rex := byte(0x40)
		if x >= 8 {
			rex |= 0x5
		}
		a.emit(0x66, rex, 0x0f, 0x76, 0xc0|(x&7)<<3|x&7)
	}
	a.ret()
	return a.mapBlob(t, "shim")
}

//go:noinline
func zeroed() [16]uint64 {
	var x [16]uint64 // zeroed through X15 by the compiler
	return x
}

// checkABIRegisters checks the fixed registers of Go's ABIInternal that
// clobberShim overwrote: X15 must be zero again (R14, g, is checked by
// allocating).
func checkABIRegisters(t *testing.T) {
	if z := zeroed(); z != [16]uint64{} {
		t.Fatalf("X15 not restored: %v", z)
	}
}

func hostCallShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").pushRBP().
		ctxStore32(abi.ExecStatus, int32(abi.StatusBuiltin)).ctxStore32(abi.ExecCallIndex, 7).
		call("exit").
		ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).popRBP().ret()
	a.exitStub()
	return a.mapBlob(t, "shim")
}

func callbackShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").pushRBP().
		emit(0x41, 0xff, 0x96).d32(abi.ExecCallback). // call [r14+ExecCallback]
		emit(0x48, 0x89, 0xe5).                       // mov rbp, rsp (the trampoline restores RSP only)
		ctxLoad(rax, abi.ExecArgs).incRAX().ctxStore(rax, abi.ExecArgs).popRBP().ret()
	return a.mapBlob(t, "shim")
}

func trapShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").pushRBP().ctxStore32(abi.ExecStatus, int32(abi.StatusTrap)).
		ctxStore32(abi.ExecTrapCode, int32(abi.TrapUnreachable)).call("exit")
	a.emit(0x0f, 0x0b) // ud2: never resumed
	a.exitStub()
	return a.mapBlob(t, "shim")
}

func recurseShim(t *testing.T, depth uint64) uintptr {
	a := newAsm()
	a.label("shim").pushRBP().movImm(rax, 0).movImm(rcx, depth).call("rec").
		ctxStore(rax, abi.ExecArgs).popRBP().ret()
	a.label("rec").pushRBP().incRAX().decRCX().je("done").call("rec").label("done").popRBP().ret()
	return a.mapBlob(t, "shim")
}

func spinShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").pushRBP().label("loop").
		emit(0x4d, 0x8b, 0x9e).d32(abi.ExecPreempt). // mov r11, [r14+ExecPreempt]
		emit(0x49, 0x81, 0x3b).d32(preemptImm).      // cmp qword [r11], PreemptRequest
		emit(0x0f, 0x85).rel("loop").                // jne loop
		ctxStore32(abi.ExecStatus, int32(abi.StatusYield)).call("exit").jmp("loop")
	a.exitStub()
	return a.mapBlob(t, "shim")
}
