package arm64

import (
	"fmt"
	"math"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

var aluNames = map[AluOp]string{
	ADD: "add", ADDS: "adds", SUB: "sub", SUBS: "subs", AND: "and", ANDS: "ands",
	ORR: "orr", EOR: "eor", BIC: "bic", BICS: "bics", ORN: "orn", EON: "eon",
}

// goAlu is golang-asm's opcode for op at 64 and 32 bits.
var goAlu = map[AluOp][2]obj.As{
	ADD: {arm64.AADD, arm64.AADDW}, ADDS: {arm64.AADDS, arm64.AADDSW},
	SUB: {arm64.ASUB, arm64.ASUBW}, SUBS: {arm64.ASUBS, arm64.ASUBSW},
	AND: {arm64.AAND, arm64.AANDW}, ANDS: {arm64.AANDS, arm64.AANDSW},
	ORR: {arm64.AORR, arm64.AORRW}, EOR: {arm64.AEOR, arm64.AEORW},
	BIC: {arm64.ABIC, arm64.ABICW}, BICS: {arm64.ABICS, arm64.ABICSW},
	ORN: {arm64.AORN, arm64.AORNW}, EON: {arm64.AEON, arm64.AEONW},
}

func goOp(ops [2]obj.As, sz Size) obj.As {
	if sz == S64 {
		return ops[0]
	}
	return ops[1]
}

// triples yields (d, n, m) register combinations covering every tested
// register in every position.
func triples() [][3]Reg {
	var out [][3]Reg
	for i, d := range gprs {
		out = append(out, [3]Reg{d, gprs[(i+3)%len(gprs)], gprs[(i+5)%len(gprs)]})
	}
	return out
}

func TestAluRegisterForms(t *testing.T) {
	var forms []form
	for op := ADD; op <= EON; op++ {
		for _, sz := range []Size{S32, S64} {
			for _, r := range triples() {
				forms = append(forms, form{
					emit: func(a *Asm) { a.Alu(op, sz, r[0], r[1], r[2]) },
					want: fmt.Sprintf("%s %s, %s, %s", aluNames[op], xn(sz, r[0]), xn(sz, r[1]), xn(sz, r[2])),
					go1:  &goInst{as: goOp(goAlu[op], sz), from: gReg(r[2]), reg: goR(r[1]), to: gReg(r[0])},
				})
			}
			shifts := []Shift{LSL, LSR, ASR}
			if !op.arith() {
				shifts = append(shifts, ROR)
			}
			for _, sh := range shifts {
				amt := uint8(8*sz.Bytes() - 1)
				forms = append(forms, form{
					emit: func(a *Asm) { a.AluShift(op, sz, X1, X2, X3, sh, amt) },
					want: fmt.Sprintf("%s %s, %s, %s, %s #%d", aluNames[op], xn(sz, X1), xn(sz, X2), xn(sz, X3),
						[]string{"lsl", "lsr", "asr", "ror"}[sh], amt),
					go1: &goInst{as: goOp(goAlu[op], sz), reg: goR(X2), to: gReg(X1),
						from: obj.Addr{Type: obj.TYPE_SHIFT, Offset: 3<<16 | int64(sh)<<22 | int64(amt)<<10}},
				})
			}
		}
	}
	if n := checkForms(t, forms); n < 100 {
		t.Errorf("only %d golang-asm comparisons", n)
	}
}

func TestAluExtendedAndSP(t *testing.T) {
	forms := []form{
		{emit: func(a *Asm) { a.AluExt(ADD, S64, X0, X1, X2, UXTW, 0) }, want: "add x0, x1, w2, uxtw"},
		{emit: func(a *Asm) { a.AluExt(ADD, S64, X0, X1, X2, SXTW, 3) }, want: "add x0, x1, w2, sxtw #3"},
		{emit: func(a *Asm) { a.AluExt(SUB, S64, X3, X4, X5, UXTB, 4) }, want: "sub x3, x4, w5, uxtb #4"},
		{emit: func(a *Asm) { a.AluExt(ADDS, S64, X3, X4, X5, SXTH, 1) }, want: "adds x3, x4, w5, sxth #1"},
		{emit: func(a *Asm) { a.AluExt(SUBS, S32, X3, X4, X5, UXTH, 2) }, want: "subs w3, w4, w5, uxth #2"},
		{emit: func(a *Asm) { a.AluExt(ADD, S64, X0, X1, X2, SXTX, 2) }, want: "add x0, x1, x2, sxtx #2"},
		{emit: func(a *Asm) { a.Alu(ADD, S64, SP, SP, X16) }, want: "add sp, sp, x16"},
		{emit: func(a *Asm) { a.Alu(SUB, S64, SP, SP, X17) }, want: "sub sp, sp, x17"},
		{emit: func(a *Asm) { a.Alu(SUB, S64, X17, SP, X17) }, want: "sub x17, sp, x17"},
		{emit: func(a *Asm) { a.Cmp(S64, SP, X16) }, want: "cmp sp, x16"},
		{emit: func(a *Asm) { a.Cmp(S64, X1, X2) }, want: "cmp x1, x2",
			go1: &goInst{as: arm64.ACMP, from: gReg(X2), reg: goR(X1)}},
		{emit: func(a *Asm) { a.Cmp(S32, X30, X0) }, want: "cmp w30, w0"},
		{emit: func(a *Asm) { a.Cmn(S64, X1, X2) }, want: "cmn x1, x2"},
		{emit: func(a *Asm) { a.Tst(S32, X1, X2) }, want: "tst w1, w2"},
		{emit: func(a *Asm) { a.Neg(S64, X1, X2) }, want: "neg x1, x2",
			go1: &goInst{as: arm64.ANEG, from: gReg(X2), to: gReg(X1)}},
		{emit: func(a *Asm) { a.Mvn(S32, X1, X2) }, want: "mvn w1, w2"},
		{emit: func(a *Asm) { a.Mov(S64, X1, X2) }, want: "mov x1, x2",
			go1: &goInst{as: arm64.AMOVD, from: gReg(X2), to: gReg(X1)}},
		{emit: func(a *Asm) { a.Mov(S32, X1, X2) }, want: "mov w1, w2"},
		{emit: func(a *Asm) { a.Uxtw(X9, X9) }, want: "mov w9, w9"},
		{emit: func(a *Asm) { a.Mov(S64, X29, SP) }, want: "mov x29, sp"},
		{emit: func(a *Asm) { a.Mov(S64, SP, X29) }, want: "mov sp, x29"},
		{emit: func(a *Asm) { a.Alu(ADD, S64, X0, XZR, X1) }, want: "add x0, xzr, x1"},
	}
	checkForms(t, forms)
	checkFails(t, "sp in shifted form", func(a *Asm) { a.AluShift(ADD, S64, SP, X1, X2, LSL, 0) })
	checkFails(t, "sp as logical operand", func(a *Asm) { a.Alu(ORR, S64, X0, SP, X2) })
	checkFails(t, "xzr as extended rn", func(a *Asm) { a.AluExt(ADD, S64, X0, XZR, X2, UXTW, 0) })
	checkFails(t, "ror on add", func(a *Asm) { a.AluShift(ADD, S64, X0, X1, X2, ROR, 1) })
	checkFails(t, "shift 32 on w", func(a *Asm) { a.AluShift(ADD, S32, X0, X1, X2, LSL, 32) })
	checkFails(t, "extend shift 5", func(a *Asm) { a.AluExt(ADD, S64, X0, X1, X2, UXTW, 5) })
	checkFails(t, "fp register", func(a *Asm) { a.Alu(ADD, S64, V0, X1, X2) })
	checkFails(t, "size 8", func(a *Asm) { a.Alu(ADD, S8, X0, X1, X2) })
}

func TestArithImmediate(t *testing.T) {
	var forms []form
	for _, c := range []struct {
		op   AluOp
		imm  int64
		want string
	}{
		{ADD, 0, "add x1, x2, #0x0"},
		{ADD, 4095, "add x1, x2, #0xfff"},
		{ADD, 4096, "add x1, x2, #0x1, lsl #12"},
		{ADD, 0xFFF000, "add x1, x2, #0xfff, lsl #12"},
		{ADD, -1, "sub x1, x2, #0x1"},
		{SUB, -4095, "add x1, x2, #0xfff"},
		{SUB, 16, "sub x1, x2, #0x10"},
		{ADDS, 7, "adds x1, x2, #0x7"},
		{SUBS, 0x7000, "subs x1, x2, #0x7, lsl #12"},
	} {
		forms = append(forms, form{emit: func(a *Asm) { a.AluImm(c.op, S64, X1, X2, c.imm) }, want: c.want})
		if c.imm > 0 && c.imm < 4096 { // golang-asm turns #0 into xzr
			forms[len(forms)-1].go1 = &goInst{as: goAlu[c.op][0], from: gConst(c.imm), reg: goR(X2), to: gReg(X1)}
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.AluImm(ADD, S64, SP, SP, 32) }, want: "add sp, sp, #0x20"},
		form{emit: func(a *Asm) { a.AluImm(SUB, S32, X3, X4, 1) }, want: "sub w3, w4, #0x1"},
		form{emit: func(a *Asm) { a.CmpImm(S64, X3, 4095) }, want: "cmp x3, #0xfff"},
		form{emit: func(a *Asm) { a.CmpImm(S32, X3, -5) }, want: "cmn w3, #0x5"},
		form{emit: func(a *Asm) { a.CmpImm(S64, SP, 0) }, want: "cmp sp, #0x0"},
	)
	checkForms(t, forms)
	for _, v := range []int64{4097, 1 << 24, -(1 << 24), 0x1001000, math.MinInt64} {
		if ArithImmOK(v) {
			t.Errorf("ArithImmOK(%#x) = true", v)
		}
		checkFails(t, fmt.Sprint("add #", v), func(a *Asm) { a.AluImm(ADD, S64, X0, X1, v) })
	}
	checkFails(t, "adds to sp", func(a *Asm) { a.AluImm(ADDS, S64, SP, X1, 1) })
}

// bitmaskRef enumerates every valid logical immediate of a width by
// decoding all N:immr:imms combinations (the architecture's DecodeBitMasks).
func bitmaskRef(sz Size) map[uint64]bool {
	out := map[uint64]bool{}
	for n := 0; n <= int(sz.sf()); n++ {
		for imms := 0; imms < 64; imms++ {
			for immr := 0; immr < 64; immr++ {
				combined := n<<6 | (^imms & 0x3F)
				length := -1
				for b := 6; b >= 0; b-- {
					if combined>>b&1 != 0 {
						length = b
						break
					}
				}
				if length < 1 {
					continue
				}
				e := 1 << length
				s, r := imms&(e-1), immr&(e-1)
				if s == e-1 || (sz == S32 && e == 64) {
					continue
				}
				ones := uint64(1)<<(s+1) - 1
				mask := uint64(math.MaxUint64)
				if e < 64 {
					mask = 1<<e - 1
				}
				elt := ones
				if r > 0 {
					elt = (ones>>r | ones<<(e-r)) & mask
				}
				v := uint64(0)
				for i := 0; i < 64; i += e {
					v |= elt << i
				}
				if sz == S32 {
					v &= math.MaxUint32
				}
				out[v] = true
			}
		}
	}
	return out
}

func TestLogicalImmediates(t *testing.T) {
	for _, sz := range []Size{S32, S64} {
		ref := bitmaskRef(sz)
		want := map[Size]int{S32: 1302, S64: 5334}[sz]
		if len(ref) != want {
			t.Fatalf("reference has %d immediates of size %d, want %d", len(ref), sz, want)
		}
		// Every valid immediate encodes and decodes back to itself.
		for v := range ref {
			code := assemble(t, func(a *Asm) { a.AluImm(AND, sz, X1, X2, int64(v)) })
			if got, exp := disasm(code), fmt.Sprintf("and %s, %s, #%#x", xn(sz, X1), xn(sz, X2), v); got != exp {
				t.Fatalf("%#x: decoded %q, want %q", v, got, exp)
			}
		}
		// Invalid values are rejected.
		for _, v := range []uint64{0, 5, 0x1234, 0xFFFF0001, 0x8000000000000001 + 2} {
			v := v
			if sz == S32 {
				v &= math.MaxUint32
			}
			if ref[v] != LogicalImmOK(sz, v) {
				t.Errorf("LogicalImmOK(%d, %#x) = %v", sz, v, !ref[v])
			}
		}
	}
	if LogicalImmOK(S64, 0) || LogicalImmOK(S64, math.MaxUint64) || LogicalImmOK(S32, math.MaxUint32) {
		t.Error("0 or all ones accepted")
	}
	forms := []form{
		{emit: func(a *Asm) { a.AluImm(ORR, S64, X0, X1, 0xFF00) }, want: "orr x0, x1, #0xff00",
			go1: &goInst{as: arm64.AORR, from: gConst(0xFF00), reg: goR(X1), to: gReg(X0)}},
		{emit: func(a *Asm) { a.AluImm(EOR, S32, X0, X1, 0x55555555) }, want: "eor w0, w1, #0x55555555"},
		{emit: func(a *Asm) { a.AluImm(EOR, S64, X0, X1, 0x5555555555555555) }, want: "eor x0, x1, #0x5555555555555555",
			go1: &goInst{as: arm64.AEOR, from: gConst(0x5555555555555555), reg: goR(X1), to: gReg(X0)}},
		{emit: func(a *Asm) { a.AluImm(ANDS, S64, X0, X1, 1) }, want: "ands x0, x1, #0x1"},
		{emit: func(a *Asm) { a.AluImm(BIC, S64, X0, X1, 1) }, want: "and x0, x1, #0xfffffffffffffffe"},
		{emit: func(a *Asm) { a.AluImm(ORN, S32, X0, X1, 0xF) }, want: "orr w0, w1, #0xfffffff0"},
		{emit: func(a *Asm) { a.AluImm(AND, S64, SP, X1, -16) }, want: "and sp, x1, #0xfffffffffffffff0"},
		{emit: func(a *Asm) { a.TstImm(S32, X5, 0x80000000) }, want: "tst w5, #0x80000000"},
	}
	checkForms(t, forms)
	checkFails(t, "non-bitmask", func(a *Asm) { a.AluImm(AND, S64, X0, X1, 5) })
	checkFails(t, "ands to sp", func(a *Asm) { a.AluImm(ANDS, S64, SP, X1, 1) })
}
