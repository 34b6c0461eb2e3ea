package amd64

import (
	"bytes"
	"fmt"
	"testing"

	golangasm "github.com/twitchyliquid64/golang-asm"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"golang.org/x/arch/x86/x86asm"
)

// A form is one encoded instruction checked against the x86asm decoder
// (op and operands) and, when goAs is set, byte-compared with golang-asm.
type form struct {
	name string
	emit func(a *Asm)
	op   x86asm.Op
	args []x86asm.Arg
	// immBits truncates immediates before comparing (x86asm prints imm8
	// unsigned and wider ones signed).
	immBits int
	// memBytes, if set, is the expected memory access size.
	memBytes int
	// golang-asm instruction: goAs from, [from3,] to.
	goAs    obj.As
	goFrom  obj.Addr
	goFrom3 *obj.Addr
	goTo    obj.Addr
}

func allGPR() []Reg {
	rs := make([]Reg, 16)
	for i := range rs {
		rs[i] = Reg(i)
	}
	return rs
}

func allXMM() []Reg {
	rs := make([]Reg, 16)
	for i := range rs {
		rs[i] = X0 + Reg(i)
	}
	return rs
}

var allSizes = []Size{S8, S16, S32, S64}

// xr is the x86asm name of GPR r used with size s.
func xr(s Size, r Reg) x86asm.Reg {
	switch s {
	case S8:
		if r < 4 {
			return x86asm.AL + x86asm.Reg(r)
		}
		if r < 8 {
			return x86asm.SPB + x86asm.Reg(r-4)
		}
		return x86asm.R8B + x86asm.Reg(r-8)
	case S16:
		return x86asm.AX + x86asm.Reg(r)
	case S32:
		return x86asm.EAX + x86asm.Reg(r)
	}
	return x86asm.RAX + x86asm.Reg(r)
}

func xx(r Reg) x86asm.Reg { return x86asm.X0 + x86asm.Reg(r-X0) }

func xm(m Mem) x86asm.Mem {
	out := x86asm.Mem{Disp: int64(m.Disp)}
	if m.Base != NoReg {
		out.Base = x86asm.RAX + x86asm.Reg(m.Base)
	}
	if m.Index != NoReg {
		out.Index = x86asm.RAX + x86asm.Reg(m.Index)
		out.Scale = max(m.Scale, 1)
	}
	return out
}

// goR is the golang-asm register for r at size s.
func goR(s Size, r Reg) int16 {
	if r.IsXMM() {
		return x86.REG_X0 + int16(r-X0)
	}
	if s == S8 {
		return x86.REG_AL + int16(r)
	}
	return x86.REG_AX + int16(r)
}

func gReg(s Size, r Reg) obj.Addr { return obj.Addr{Type: obj.TYPE_REG, Reg: goR(s, r)} }
func gConst(v int64) obj.Addr     { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }
func gMem(m Mem) obj.Addr {
	a := obj.Addr{Type: obj.TYPE_MEM, Offset: int64(m.Disp)}
	if m.Base != NoReg {
		a.Reg = goR(S64, m.Base)
	}
	if m.Index != NoReg {
		a.Index = goR(S64, m.Index)
		a.Scale = int16(max(m.Scale, 1))
	}
	return a
}

// goAssemble encodes instructions with golang-asm.
func goAssemble(fs ...*form) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("golang-asm panicked: %v", r)
		}
	}()
	b, err := golangasm.NewBuilder("amd64", len(fs))
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		p := b.NewProg()
		p.As = f.goAs
		p.From = f.goFrom
		p.To = f.goTo
		if f.goFrom3 != nil {
			p.RestArgs = []obj.Addr{*f.goFrom3}
		}
		b.AddInstruction(p)
	}
	return b.Assemble(), nil
}

func immEq(got, want x86asm.Imm, bits int) bool {
	if bits == 0 || bits >= 64 {
		return got == want
	}
	mask := uint64(1)<<bits - 1
	return uint64(got)&mask == uint64(want)&mask
}

func argEq(got, want x86asm.Arg, bits int) bool {
	switch w := want.(type) {
	case x86asm.Imm:
		g, ok := got.(x86asm.Imm)
		return ok && immEq(g, w, bits)
	case x86asm.Mem:
		g, ok := got.(x86asm.Mem)
		if !ok {
			return false
		}
		if g.Index == 0 {
			g.Scale = 0
		}
		g.Disp = int64(int32(g.Disp)) // x86asm shows disp32 unsigned
		return g == w
	}
	return got == want
}

// checkForms decodes each form with x86asm and byte-compares the ones
// golang-asm can express, in batches (one golang-asm run per form is slow).
func checkForms(t *testing.T, forms []form) {
	t.Helper()
	decoded, compared := 0, 0
	var goForms []*form
	var goCode [][]byte
	for i := range forms {
		f := &forms[i]
		code, ok := decodeForm(t, f)
		if !ok {
			continue
		}
		decoded++
		if f.goAs != 0 && goCanName(f) {
			goForms = append(goForms, f)
			goCode = append(goCode, code)
		}
	}
	const batch = 256
	for lo := 0; lo < len(goForms); lo += batch {
		hi := min(lo+batch, len(goForms))
		if g, err := goAssemble(goForms[lo:hi]...); err == nil && bytes.Equal(g, bytes.Join(goCode[lo:hi], nil)) {
			compared += hi - lo
			continue
		}
		for k := lo; k < hi; k++ {
			g, err := goAssemble(goForms[k])
			switch {
			case err != nil:
				t.Errorf("%s: %v", goForms[k].name, err)
			case !bytes.Equal(g, goCode[k]):
				t.Errorf("%s: wasmc % x, golang-asm % x", goForms[k].name, goCode[k], g)
			default:
				compared++
			}
		}
	}
	t.Logf("%d forms decoded, %d byte-compared with golang-asm", decoded, compared)
}

// goCanName reports whether golang-asm can express the operands: it has no
// name for SPL.
func goCanName(f *form) bool {
	for _, a := range []*obj.Addr{&f.goFrom, &f.goTo, f.goFrom3} {
		if a != nil && a.Type == obj.TYPE_REG && a.Reg == x86.REG_SPB {
			return false
		}
	}
	return true
}

// decodeForm assembles f, decodes it and compares op and operands.
func decodeForm(t *testing.T, f *form) ([]byte, bool) {
	t.Helper()
	a := NewAsm()
	f.emit(a)
	code, err := a.Finish()
	if err != nil {
		t.Errorf("%s: %v", f.name, err)
		return nil, false
	}
	inst, err := x86asm.Decode(code.Code, 64)
	if err != nil {
		t.Errorf("%s: % x: decode: %v", f.name, code.Code, err)
		return nil, false
	}
	ok := inst.Op == f.op && inst.Len == len(code.Code)
	n := 0
	for n < len(inst.Args) && inst.Args[n] != nil {
		n++
	}
	ok = ok && n == len(f.args)
	for k := 0; ok && k < n; k++ {
		ok = argEq(inst.Args[k], f.args[k], f.immBits)
	}
	if ok && f.memBytes != 0 && inst.MemBytes != f.memBytes {
		ok = false
	}
	if !ok {
		t.Errorf("%s: % x decodes as %q (%v %v len %d, mem %d), want %v %v (mem %d)", f.name, code.Code,
			x86asm.IntelSyntax(inst, 0, nil), inst.Op, inst.Args[:n], inst.Len, inst.MemBytes, f.op, f.args, f.memBytes)
		return nil, false
	}
	return code.Code, true
}

// testMems are memory operands covering every base, SIB-forcing bases
// (RSP, R12), disp-forcing bases (RBP, R13), every index and scale, and
// zero, disp8, negative and disp32 displacements.
func testMems() []Mem {
	var ms []Mem
	disps := []int32{0, 8, -8, 127, 128, -128, -129, 0x12345678, -0x40000000}
	for b := RAX; b <= R15; b++ {
		for _, d := range disps {
			ms = append(ms, M(b, d))
		}
		for x := RAX; x <= R15; x++ {
			if x == RSP {
				continue
			}
			for _, sc := range []uint8{1, 2, 4, 8} {
				ms = append(ms, MI(b, x, sc, disps[(int(b)+int(x)+int(sc))%len(disps)]))
			}
		}
	}
	for x := RAX; x <= R15; x++ { // no base: [index*scale + disp32]
		if x != RSP {
			ms = append(ms, MI(NoReg, x, 4, 0), MI(NoReg, x, 8, -16))
		}
	}
	return ms
}

// fewMems is a smaller set with the same special cases, for forms whose
// memory encoding path is shared.
func fewMems() []Mem {
	return []Mem{
		M(RAX, 0), M(RSP, 0), M(R12, 8), M(RBP, 0), M(R13, 0), M(R13, -1), M(RBX, 1000),
		M(R15, -0x12345), MI(RAX, R9, 8, 4), MI(RSP, RBP, 2, -200), MI(R13, R12, 4, 0), MI(RBP, R15, 1, 0),
	}
}
