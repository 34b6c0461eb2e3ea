package runtime

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/wasmc/wasmc/runtime/abi"
)

// asm encodes the arm64 test code (harness_test.go): X19 is the ExecCtx,
// X20 the vmctx, X0 the first parameter and result, X16/X17 scratch.
// Labels are byte offsets, as on amd64.
type asm struct {
	layout *abi.Layout
	b      []byte
	labels map[string]int
	fixups map[int]branchFix
}

type branchFix struct {
	label string
	bits  uint // immediate width: 26 (bl, b) or 19 (b.cond, cbz)
	shift uint
}

const (
	x0, x16, x17, x19, x20, x29, x30 = 0, 16, 17, 19, 20, 29, 30
	condNE, condHS                   = 1, 2
	blrX16                           = 0xd63f0200
)

func newAsm() *asm { return &asm{labels: map[string]int{}, fixups: map[int]branchFix{}} }

func (a *asm) emit(w ...uint32) *asm {
	for _, x := range w {
		a.b = binary.LittleEndian.AppendUint32(a.b, x)
	}
	return a
}
func (a *asm) label(n string) *asm { a.labels[n] = len(a.b); return a }
func (a *asm) branch(op uint32, n string, bits, shift uint) *asm {
	a.fixups[len(a.b)] = branchFix{n, bits, shift}
	return a.emit(op)
}
func (a *asm) align() *asm {
	for len(a.b)%16 != 0 {
		a.emit(0xd4200000) // brk #0
	}
	return a
}

func (a *asm) ret() *asm                     { return a.emit(0xd65f03c0) }
func (a *asm) call(n string) *asm            { return a.branch(0x94000000, n, 26, 0) } // bl
func (a *asm) jmp(n string) *asm             { return a.branch(0x14000000, n, 26, 0) } // b
func (a *asm) bcond(c uint32, n string) *asm { return a.branch(0x54000000|c, n, 19, 5) }
func (a *asm) enter() *asm                   { return a.emit(0xa9bf7bfd, 0x910003fd) } // stp x29, x30, [sp, #-16]!; mov x29, sp
func (a *asm) leave() *asm                   { return a.emit(0xa8c17bfd) }             // ldp x29, x30, [sp], #16
func (a *asm) inc0() *asm                    { return a.emit(0x91000400) }             // add x0, x0, #1
func (a *asm) pushX20() *asm                 { return a.emit(0xf81f0ff4) }             // str x20, [sp, #-16]!
func (a *asm) popX20() *asm                  { return a.emit(0xf84107f4) }             // ldr x20, [sp], #16
func (a *asm) movImm0(v int32) *asm          { return a.movz(x0, uint32(v)) }

// movz sets register r to v (< 65536).
func (a *asm) movz(r, v uint32) *asm {
	if v > 0xffff {
		panic(fmt.Sprintf("test asm: movz immediate %#x", v))
	}
	return a.emit(0xd2800000 | v<<5 | r)
}

// ldr/str xr, [xn, #off] (unsigned, scaled); the 32 forms use wr.
func (a *asm) mem(op, r, n uint32, off int32, size int32) *asm {
	if off < 0 || off%size != 0 || off/size > 4095 {
		panic(fmt.Sprintf("test asm: offset %d", off))
	}
	return a.emit(op | uint32(off/size)<<10 | n<<5 | r)
}
func (a *asm) ldr(r, n uint32, off int32) *asm  { return a.mem(0xf9400000, r, n, off, 8) }
func (a *asm) str(r, n uint32, off int32) *asm  { return a.mem(0xf9000000, r, n, off, 8) }
func (a *asm) ldrW(r, n uint32, off int32) *asm { return a.mem(0xb9400000, r, n, off, 4) }
func (a *asm) strW(r, n uint32, off int32) *asm { return a.mem(0xb9000000, r, n, off, 4) }
func (a *asm) ctxStore0(off int32) *asm         { return a.str(x0, x19, off) }
func (a *asm) ctxLoad0(off int32) *asm          { return a.ldr(x0, x19, off) }
func (a *asm) ctxStoreImm(off, v int32) *asm    { return a.movz(x16, uint32(v)).str(x16, x19, off) }
func (a *asm) ctxStore32(off, v int32) *asm     { return a.movz(x16, uint32(v)).strW(x16, x19, off) }

// spin loops forever with the interrupt check of compiled code: when the
// goroutine's preemption word holds abi.PreemptRequest it calls the yield
// stub (which exits with StatusYield), so Go can run or cancel the call.
func (a *asm) spin() *asm {
	l := fmt.Sprintf("spin%d", len(a.b))
	const cmnX16 = 0xb1000000 | 1314<<10 | x16<<5 | 31 // cmn x16, #1314
	a.label(l).ldr(x16, x19, abi.ExecPreempt).ldr(x16, x16, 0).emit(cmnX16)
	return a.bcond(condNE, l).call("yield").jmp(l)
}

// callImport calls imported function i through its vmctx slot, switching
// X20 to the callee's vmctx and back.
func (a *asm) callImport(i uint32) *asm {
	slot := int32(a.layout.ImportedFunc(i))
	return a.pushX20().ldr(x16, x20, slot+abi.ImportCode).ldr(x20, x20, slot+abi.ImportVMCtx).
		emit(blrX16).popX20()
}

// stackCheck traps with stack exhaustion when a 16-byte frame would cross
// the limit.
func (a *asm) stackCheck() *asm {
	ok := fmt.Sprintf("ok%d", len(a.b))
	const subX16SP16, cmpX16X17 = 0xd10043f0, 0xeb11021f
	return a.emit(subX16SP16).ldr(x17, x19, abi.ExecStackLimit).emit(cmpX16X17).
		bcond(condHS, ok).call("trap_overflow").label(ok)
}

func (a *asm) resolve(t testing.TB) []byte {
	t.Helper()
	for pos, f := range a.fixups {
		to, ok := a.labels[f.label]
		if !ok {
			t.Fatalf("undefined label %s", f.label)
		}
		w := binary.LittleEndian.Uint32(a.b[pos:])
		w |= uint32((to-pos)/4) & (1<<f.bits - 1) << f.shift
		binary.LittleEndian.PutUint32(a.b[pos:], w)
	}
	return a.b
}

// stubs emits the exit, trap, builtin and entry stubs (docs/abi.md).
func (a *asm) stubs() {
	const (
		pushLR, popLR = 0xf81f0ffe, 0xf84107fe // str x30, [sp, #-16]!; ldr x30, [sp], #16
		movX16SP      = 0x910003f0
		movSPX16      = 0x9100021f
	)
	a.label("exit").emit(pushLR, movX16SP).str(x16, x19, abi.ExecWasmSP).str(x29, x19, abi.ExecWasmBP).
		ldr(x16, x19, abi.ExecGoSP).emit(movSPX16).ldr(x29, x19, abi.ExecGoBP).emit(popLR).ret()
	for _, tc := range []struct {
		name string
		code abi.TrapCode
	}{{"trap_unreachable", abi.TrapUnreachable}, {"trap_overflow", abi.TrapStackOverflow}, {"trap_interrupted", abi.TrapInterrupted}} {
		// Reached by bl: LR is the trapping site.
		a.align().label(tc.name).ctxStore32(abi.ExecTrapCode, int32(tc.code)).
			ctxStore32(abi.ExecStatus, int32(abi.StatusTrap)).
			str(x30, x19, abi.ExecTrapPC).str(x29, x19, abi.ExecTrapFP).str(x20, x19, abi.ExecVMCtx).jmp("exit")
	}
	a.align().label("yield").enter().pushX20().str(x20, x19, abi.ExecVMCtx).
		ctxStore32(abi.ExecStatus, int32(abi.StatusYield)).call("exit").popX20().leave().ret()
	for _, b := range []struct {
		name string
		op   abi.Builtin
	}{{"builtin_grow", abi.BuiltinMemoryGrow}, {"builtin_fill", abi.BuiltinMemoryFill}} {
		a.align().label(b.name).enter().pushX20().str(x20, x19, abi.ExecVMCtx).
			ctxStore32(abi.ExecCallIndex, int32(b.op)).
			ctxStore32(abi.ExecStatus, int32(abi.StatusBuiltin)).call("exit").popX20().leave().ret()
	}
	// One entry shim serves every signature used here: at most one i64
	// parameter in X0 and one result in X0.
	a.align().label("shim").enter().ctxLoad0(abi.ExecArgs).ldr(x16, x19, abi.ExecTarget).
		emit(blrX16).ctxStore0(abi.ExecArgs).leave().ret()
}

// hostStub is the code address of import i when a host function satisfies
// it: argument in X0, result in X0.
func (a *asm) hostStub(i int) {
	a.align().label(hostLabel(i)).enter().pushX20().ctxStore0(abi.ExecArgs).
		str(x20, x19, abi.ExecVMCtx).ctxStore32(abi.ExecCallIndex, int32(i)).
		ldr(x16, x19, abi.ExecCallback).emit(blrX16, 0x910043fd). // add x29, sp, #16
		ctxLoad0(abi.ExecArgs).popX20().leave().ret()
}

// TestHarnessEncodings decodes the stubs and the operations the bodies use.
func TestHarnessEncodings(t *testing.T) {
	a := newAsm()
	a.layout = &abi.Layout{ImportedFuncs: 64}
	a.label("top").enter().inc0().movImm0(5).ctxStoreImm(abi.ExecArgs, 7).ctxLoad0(abi.ExecArgs).
		callImport(0).stackCheck().spin().leave().ret()
	want := "STP X29, X30, [SP,#-16]!|MOV X29, SP|ADD X0, X0, #0x1|MOV X0, #0x5|MOV X16, #0x7|" +
		"STR X16, [X19,#256]|LDR X0, [X19,#256]|STR X20, [SP,#-16]!|LDR X16, [X20,#64]|LDR X20, [X20,#72]|" +
		"BLR X16|LDR X20, [SP],#16|SUB X16, SP, #0x10|LDR X17, [X19,#32]|CMP X16, X17|B CS, .+0x8|" +
		"BL .+0x70|LDR X16, [X19,#88]|LDR X16, [X16]|CMN X16, #0x522|B NE, .+0xfffffffffffffff4|" +
		"BL .+0x9c|B .+0xffffffffffffffec|LDP X29, X30, [SP],#16|RET X30"
	a.stubs()
	code := a.resolve(t)
	var got []string
	for i := 0; i < len(code); i += 4 {
		inst, err := arm64asm.Decode(code[i:])
		if err != nil {
			t.Fatalf("word %d %#08x: %v", i/4, binary.LittleEndian.Uint32(code[i:]), err)
		}
		got = append(got, inst.String())
	}
	if s := strings.Join(got[:strings.Count(want, "|")+1], "|"); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

// frameOf is the frame of the function whose code starts at start: none
// to record, arm64 code keeps its frame pointer.
func (a *asm) frameOf(start int) (frame, body uint32) { return 0, 0 }
