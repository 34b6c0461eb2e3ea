package stackswitch

import (
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

func incShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").ctxLoad(x0, abi.ExecArgs).addImm(x0, x0, 1).ctxStore(x0, abi.ExecArgs).ret()
	return a.mapBlob(t, "shim")
}

// clobberShim overwrites every general register but SP, X18 (platform),
// X19 and X20 (callee-saved in Wasm), FP and LR (saved in its frame
// record), and all of V0-V31. X27 and X28 (g) are clobbered last: Wasm never
// allocates them, but the trampoline restores them anyway.
func clobberShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").frame()
	for r := uint32(0); r < 28; r++ {
		if r != 18 && r != 19 && r != 20 {
			a.movImm(r, 0x5555555555555555+uint64(r))
		}
	}
	for v := uint32(0); v < 32; v++ {
		a.emit(0x6f07e7e0 | v) // movi vV.2d, #-1
	}
	a.unframe().ret()
	return a.mapBlob(t, "shim")
}

// checkABIRegisters: Go's arm64 ABIInternal has no fixed register besides
// g (checked by allocating), SP and FP.
func checkABIRegisters(t *testing.T) {}

func hostCallShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").frame().
		ctxStore32(abi.ExecStatus, uint32(abi.StatusBuiltin)).ctxStore32(abi.ExecCallIndex, 7).
		bl("exit").
		ctxLoad(x0, abi.ExecArgs).addImm(x0, x0, 1).ctxStore(x0, abi.ExecArgs).unframe().ret()
	a.exitStub()
	return a.mapBlob(t, "shim")
}

func callbackShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").frame().ctxLoad(x16, abi.ExecCallback).
		emit(0xd63f0200, 0x910003fd). // blr x16; mov x29, sp (the trampoline restores SP only)
		ctxLoad(x0, abi.ExecArgs).addImm(x0, x0, 1).ctxStore(x0, abi.ExecArgs).unframe().ret()
	return a.mapBlob(t, "shim")
}

func trapShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").frame().ctxStore32(abi.ExecStatus, uint32(abi.StatusTrap)).
		ctxStore32(abi.ExecTrapCode, uint32(abi.TrapUnreachable)).bl("exit").brk() // never resumed
	a.exitStub()
	return a.mapBlob(t, "shim")
}

func recurseShim(t *testing.T, depth uint64) uintptr {
	a := newAsm()
	a.label("shim").frame().movImm(x0, 0).movImm(x1, depth).bl("rec").
		ctxStore(x0, abi.ExecArgs).unframe().ret()
	a.label("rec").frame().addImm(x0, x0, 1).subsImm(x1, x1, 1).beq("done").bl("rec").
		label("done").unframe().ret()
	return a.mapBlob(t, "shim")
}

func spinShim(t testing.TB) uintptr {
	a := newAsm()
	a.label("shim").frame().label("loop").ctxLoad(x16, abi.ExecPreempt).
		emit(0xf9400000|x16<<5|x16).         // ldr x16, [x16]
		emit(0xb1000000|1314<<10|x16<<5|31). // cmn x16, #1314 (PreemptRequest)
		branch(0x54000000|condNE, "loop", 19, 5).
		ctxStore32(abi.ExecStatus, uint32(abi.StatusYield)).bl("exit").
		branch(0x14000000, "loop", 26, 0)
	a.exitStub()
	return a.mapBlob(t, "shim")
}
