package stackswitch

import (
	"encoding/binary"
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

// asm is a minimal arm64 encoder for test blobs: X19 holds the ExecCtx as
// in generated code. Registers are numbers; 31 is SP or XZR by context.
type asm struct {
	w      []uint32
	labels map[string]int    // label -> word index
	fixups map[int]branchFix // word index -> target
}

type branchFix struct {
	label string
	bits  uint // immediate width: 26 (b, bl) or 19 (b.cond, cbz)
	shift uint // immediate position
}

func newAsm() *asm { return &asm{labels: map[string]int{}, fixups: map[int]branchFix{}} }

func (a *asm) emit(w ...uint32) *asm { a.w = append(a.w, w...); return a }
func (a *asm) label(n string) *asm   { a.labels[n] = len(a.w); return a }

func (a *asm) branch(op uint32, n string, bits, shift uint) *asm {
	a.fixups[len(a.w)] = branchFix{n, bits, shift}
	return a.emit(op)
}

const (
	x0, x1, x9, x16, x19, x29, x30, sp = 0, 1, 9, 16, 19, 29, 30, 31
	condEQ, condNE                     = 0, 1
)

func (a *asm) ret() *asm                    { return a.emit(0xd65f03c0) }
func (a *asm) brk() *asm                    { return a.emit(0xd4200000) }
func (a *asm) bl(n string) *asm             { return a.branch(0x94000000, n, 26, 0) }
func (a *asm) beq(n string) *asm            { return a.branch(0x54000000|condEQ, n, 19, 5) }
func (a *asm) cbzW(r uint32, n string) *asm { return a.branch(0x34000000|r, n, 19, 5) }

// frame pushes the frame record (stp x29, x30, [sp, #-16]!; mov x29, sp);
// unframe pops it (ldp x29, x30, [sp], #16).
func (a *asm) frame() *asm   { return a.emit(0xa9bf7bfd, 0x910003fd) }
func (a *asm) unframe() *asm { return a.emit(0xa8c17bfd) }

// addImm is add xd, xn, #imm; subsImm is subs xd, xn, #imm (imm < 4096).
func (a *asm) addImm(d, n, imm uint32) *asm  { return a.emit(0x91000000 | imm<<10 | n<<5 | d) }
func (a *asm) subsImm(d, n, imm uint32) *asm { return a.emit(0xf1000000 | imm<<10 | n<<5 | d) }

// movImm loads a 64-bit constant with movz and three movk.
func (a *asm) movImm(r uint32, v uint64) *asm {
	a.emit(0xd2800000 | uint32(v&0xffff)<<5 | r)
	for hw := uint32(1); hw < 4; hw++ {
		a.emit(0xf2800000 | hw<<21 | uint32(v>>(16*hw)&0xffff)<<5 | r)
	}
	return a
}

// movW is movz wr, #v (v < 65536).
func (a *asm) movW(r, v uint32) *asm { return a.emit(0x52800000 | v<<5 | r) }

// ctxLoad/ctxStore are ldr/str xr, [x19, #off]; the 32 forms use wr.
func (a *asm) ctxLoad(r uint32, off int) *asm {
	return a.emit(0xf9400000 | uint32(off/8)<<10 | x19<<5 | r)
}
func (a *asm) ctxStore(r uint32, off int) *asm {
	return a.emit(0xf9000000 | uint32(off/8)<<10 | x19<<5 | r)
}
func (a *asm) ctxLoad32(r uint32, off int) *asm {
	return a.emit(0xb9400000 | uint32(off/4)<<10 | x19<<5 | r)
}
func (a *asm) ctxStore32(off int, v uint32) *asm {
	return a.movW(x9, v).emit(0xb9000000 | uint32(off/4)<<10 | x19<<5 | x9)
}

// exitStub is the generated code's exit path (docs/abi.md, arm64).
func (a *asm) exitStub() *asm {
	return a.label("exit").
		emit(0xf81f0ffe).   // str x30, [sp, #-16]!
		addImm(x16, sp, 0). // mov x16, sp
		ctxStore(x16, abi.ExecWasmSP).ctxStore(x29, abi.ExecWasmBP).
		ctxLoad(x16, abi.ExecGoSP).addImm(sp, x16, 0).ctxLoad(x29, abi.ExecGoBP).
		emit(0xf84107fe).ret() // ldr x30, [sp], #16
}

// resolve patches the branches and returns the code bytes.
func (a *asm) resolve(t testing.TB) []byte {
	t.Helper()
	for at, f := range a.fixups {
		to, ok := a.labels[f.label]
		if !ok {
			t.Fatalf("undefined label %s", f.label)
		}
		mask := uint32(1)<<f.bits - 1
		a.w[at] |= uint32(to-at) & mask << f.shift
	}
	b := make([]byte, 0, 4*len(a.w))
	for _, w := range a.w {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

// mapBlob maps the code and returns the address of label entry. Fresh
// mappings need no instruction-cache maintenance: their lines were never
// fetched.
func (a *asm) mapBlob(t testing.TB, entry string) uintptr {
	t.Helper()
	return mapCode(t, a.resolve(t)) + uintptr(4*a.labels[entry])
}
