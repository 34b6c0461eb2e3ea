package arm64

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

func TestMoveWide(t *testing.T) {
	forms := []form{
		{emit: func(a *Asm) { a.Movz(S64, X3, 0xFFFF, 48) }, want: "mov x3, #0xffff000000000000"},
		{emit: func(a *Asm) { a.Movz(S32, X3, 0x1234, 16) }, want: "mov w3, #0x12340000",
			go1: &goInst{as: arm64.AMOVZW, from: gConst(0x1234 << 16), to: gReg(X3)}},
		{emit: func(a *Asm) { a.Movk(S64, X30, 0xBEEF, 32) }, want: "movk x30, #0xbeef, lsl #32",
			go1: &goInst{as: arm64.AMOVK, from: gConst(0xBEEF << 32), to: gReg(X30)}},
		{emit: func(a *Asm) { a.Movk(S32, X0, 1, 0) }, want: "movk w0, #0x1"},
		{emit: func(a *Asm) { a.Movn(S64, X1, 0, 0) }, want: "mov x1, #0xffffffffffffffff",
			go1: &goInst{as: arm64.AMOVN, from: gConst(0), to: gReg(X1)}},
		{emit: func(a *Asm) { a.Movn(S32, X1, 0x1, 16) }, want: "mov w1, #0xfffeffff"},
	}
	checkForms(t, forms)
	checkFails(t, "movz shift 32 on w", func(a *Asm) { a.Movz(S32, X0, 1, 32) })
	checkFails(t, "movz shift 8", func(a *Asm) { a.Movz(S64, X0, 1, 8) })
	checkFails(t, "movz to sp", func(a *Asm) { a.Movz(S64, SP, 1, 0) })
}

// simulateMov runs a MovImm sequence decoded from its text form.
func simulateMov(t *testing.T, sz Size, text string) uint64 {
	var v uint64
	for _, ins := range strings.Split(text, "; ") {
		var rd string
		var imm uint64
		var sh uint
		switch {
		case strings.HasPrefix(ins, "movk"):
			if n, _ := fmt.Sscanf(ins, "movk %s #0x%x, lsl #%d", &rd, &imm, &sh); n < 2 {
				fmt.Sscanf(ins, "movk %s #0x%x", &rd, &imm)
			}
			v = v&^(0xFFFF<<sh) | imm<<sh
		case strings.HasPrefix(ins, "mov "), strings.HasPrefix(ins, "orr "):
			i := strings.LastIndex(ins, "#")
			if _, err := fmt.Sscanf(ins[i:], "#0x%x", &v); err != nil {
				t.Fatalf("cannot parse %q", ins)
			}
		default:
			t.Fatalf("unexpected %q in constant load", ins)
		}
	}
	if sz == S32 {
		v &= math.MaxUint32
	}
	return v
}

func TestMovImm(t *testing.T) {
	cases := map[uint64]int{ // value -> expected instruction count (64-bit)
		0: 1, 1: 1, 0xFFFF: 1, 0xFFFF0000: 1, 0x1234 << 48: 1, math.MaxUint64: 1,
		0xFFFFFFFFFFFF1234: 1, 0x00FF00FF00FF00FF: 1, 0x12345678: 2, 0xFFFFFFFF12345678: 2,
		0x123456789ABCDEF0: 4, 0x1234FFFF5678FFFF: 2, 0x8000000000000000: 1, 0xFFFFFFFF: 1,
	}
	for v, n := range cases {
		code := assemble(t, func(a *Asm) { a.MovImm64(X5, v) })
		text := disasm(code)
		if got := simulateMov(t, S64, text); got != v {
			t.Errorf("MovImm64(%#x) = %q gives %#x", v, text, got)
		}
		if len(code)/4 != n {
			t.Errorf("MovImm64(%#x) = %q, want %d instructions", v, text, n)
		}
	}
	r := rand.New(rand.NewSource(1))
	for range 2000 {
		v := r.Uint64()
		// Make halfwords 0 or 0xFFFF often, to take every path.
		for h := range 4 {
			switch r.Intn(4) {
			case 0:
				v &^= 0xFFFF << (16 * h)
			case 1:
				v |= 0xFFFF << (16 * h)
			}
		}
		for _, sz := range []Size{S32, S64} {
			code := assemble(t, func(a *Asm) { a.MovImm(sz, X9, v) })
			want := v
			if sz == S32 {
				want &= math.MaxUint32
			}
			if got := simulateMov(t, sz, disasm(code)); got != want {
				t.Fatalf("MovImm(%d, %#x) = %q gives %#x", sz, v, disasm(code), got)
			}
		}
	}
}

func TestMulDivShift(t *testing.T) {
	var forms []form
	for _, sz := range []Size{S32, S64} {
		for _, r := range triples() {
			d, n, m := r[0], r[1], r[2]
			x := func(r Reg) string { return xn(sz, r) }
			forms = append(forms,
				form{emit: func(a *Asm) { a.Madd(sz, d, n, m, X4) },
					want: fmt.Sprintf("madd %s, %s, %s, %s", x(d), x(n), x(m), x(X4))},
				form{emit: func(a *Asm) { a.Msub(sz, d, n, m, X4) },
					want: fmt.Sprintf("msub %s, %s, %s, %s", x(d), x(n), x(m), x(X4))},
				form{emit: func(a *Asm) { a.Mul(sz, d, n, m) }, want: fmt.Sprintf("mul %s, %s, %s", x(d), x(n), x(m)),
					go1: &goInst{as: goOp([2]obj.As{arm64.AMUL, arm64.AMULW}, sz), from: gReg(m), reg: goR(n), to: gReg(d)}},
				form{emit: func(a *Asm) { a.Sdiv(sz, d, n, m) }, want: fmt.Sprintf("sdiv %s, %s, %s", x(d), x(n), x(m)),
					go1: &goInst{as: goOp([2]obj.As{arm64.ASDIV, arm64.ASDIVW}, sz), from: gReg(m), reg: goR(n), to: gReg(d)}},
				form{emit: func(a *Asm) { a.Udiv(sz, d, n, m) }, want: fmt.Sprintf("udiv %s, %s, %s", x(d), x(n), x(m)),
					go1: &goInst{as: goOp([2]obj.As{arm64.AUDIV, arm64.AUDIVW}, sz), from: gReg(m), reg: goR(n), to: gReg(d)}},
			)
			for sh, name := range []string{"lsl", "lsr", "asr", "ror"} {
				goAs := [][2]obj.As{{arm64.ALSL, arm64.ALSLW}, {arm64.ALSR, arm64.ALSRW}, {arm64.AASR, arm64.AASRW}, {arm64.AROR, arm64.ARORW}}[sh]
				forms = append(forms, form{emit: func(a *Asm) { a.ShiftReg(Shift(sh), sz, d, n, m) },
					want: fmt.Sprintf("%s %s, %s, %s", name, x(d), x(n), x(m)),
					go1:  &goInst{as: goOp(goAs, sz), from: gReg(m), reg: goR(n), to: gReg(d)}})
				w := uint8(8 * sz.Bytes())
				for _, amt := range []uint8{1, w / 2, w - 1} {
					forms = append(forms, form{emit: func(a *Asm) { a.ShiftImm(Shift(sh), sz, d, n, amt) },
						want: fmt.Sprintf("%s %s, %s, #%d", name, x(d), x(n), amt),
						go1:  &goInst{as: goOp(goAs, sz), from: gConst(int64(amt)), reg: goR(n), to: gReg(d)}})
				}
			}
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Smulh(X1, X2, X3) }, want: "smulh x1, x2, x3"},
		form{emit: func(a *Asm) { a.Umulh(X1, X2, X3) }, want: "umulh x1, x2, x3"},
		// lsl #0 is ubfm #0, #63, which decodes as its lsr alias.
		form{emit: func(a *Asm) { a.ShiftImm(LSL, S64, X1, X2, 0) }, want: "lsr x1, x2, #0"},
		form{emit: func(a *Asm) { a.Extr(S64, X1, X2, X3, 17) }, want: "extr x1, x2, x3, #17"},
		form{emit: func(a *Asm) { a.Ubfm(S64, X1, X2, 8, 15) }, want: "ubfx x1, x2, #8, #8"},
		form{emit: func(a *Asm) { a.Sbfm(S32, X1, X2, 4, 7) }, want: "sbfx w1, w2, #4, #4"},
		form{emit: func(a *Asm) { a.Bfm(S64, X1, X2, 56, 7) }, want: "bfi x1, x2, #8, #8"},
		form{emit: func(a *Asm) { a.Sxtb(S64, X1, X2) }, want: "sxtb x1, w2"},
		form{emit: func(a *Asm) { a.Sxtb(S32, X1, X2) }, want: "sxtb w1, w2"},
		form{emit: func(a *Asm) { a.Sxth(S64, X1, X2) }, want: "sxth x1, w2"},
		form{emit: func(a *Asm) { a.Sxtw(X1, X2) }, want: "sxtw x1, w2",
			go1: &goInst{as: arm64.ASXTW, from: gReg(X2), to: gReg(X1)}},
		form{emit: func(a *Asm) { a.Uxtb(X1, X2) }, want: "uxtb w1, w2"},
		form{emit: func(a *Asm) { a.Uxth(X1, X2) }, want: "uxth w1, w2"},
	)
	if n := checkForms(t, forms); n < 100 {
		t.Errorf("only %d golang-asm comparisons", n)
	}
	checkFails(t, "shift 64", func(a *Asm) { a.ShiftImm(LSL, S64, X0, X1, 64) })
	checkFails(t, "shift 32 on w", func(a *Asm) { a.ShiftImm(ROR, S32, X0, X1, 32) })
	checkFails(t, "ubfm immr 32 on w", func(a *Asm) { a.Ubfm(S32, X0, X1, 32, 0) })
	checkFails(t, "sdiv by sp", func(a *Asm) { a.Sdiv(S64, X0, X1, SP) })
}

func TestBitsAndSelect(t *testing.T) {
	var forms []form
	for _, sz := range []Size{S32, S64} {
		for i, d := range gprs {
			n := gprs[(i+4)%len(gprs)]
			x := func(r Reg) string { return xn(sz, r) }
			forms = append(forms,
				form{emit: func(a *Asm) { a.Clz(sz, d, n) }, want: fmt.Sprintf("clz %s, %s", x(d), x(n)),
					go1: &goInst{as: goOp([2]obj.As{arm64.ACLZ, arm64.ACLZW}, sz), from: gReg(n), to: gReg(d)}},
				form{emit: func(a *Asm) { a.Rbit(sz, d, n) }, want: fmt.Sprintf("rbit %s, %s", x(d), x(n)),
					go1: &goInst{as: goOp([2]obj.As{arm64.ARBIT, arm64.ARBITW}, sz), from: gReg(n), to: gReg(d)}},
				form{emit: func(a *Asm) { a.Rev(sz, d, n) }, want: fmt.Sprintf("rev %s, %s", x(d), x(n)),
					go1: &goInst{as: goOp([2]obj.As{arm64.AREV, arm64.AREVW}, sz), from: gReg(n), to: gReg(d)}},
			)
		}
		for c := CondEQ; c < CondAL; c++ {
			cs := gnuCond(c)
			forms = append(forms,
				form{emit: func(a *Asm) { a.Csel(sz, X1, X2, X3, c) }, want: fmt.Sprintf("csel %s, %s, %s, %s", xn(sz, X1), xn(sz, X2), xn(sz, X3), cs),
					go1: &goInst{as: goOp([2]obj.As{arm64.ACSEL, arm64.ACSELW}, sz), from: obj.Addr{Type: obj.TYPE_REG, Reg: arm64.COND_EQ + int16(c)},
						reg: goR(X2), rest: []obj.Addr{gReg(X3)}, to: gReg(X1)}},
				form{emit: func(a *Asm) { a.Csinc(sz, X1, X2, X3, c) }, want: fmt.Sprintf("csinc %s, %s, %s, %s", xn(sz, X1), xn(sz, X2), xn(sz, X3), cs)},
				form{emit: func(a *Asm) { a.Csinv(sz, X1, X2, X3, c) }, want: fmt.Sprintf("csinv %s, %s, %s, %s", xn(sz, X1), xn(sz, X2), xn(sz, X3), cs)},
				form{emit: func(a *Asm) { a.Csneg(sz, X1, X2, X3, c) }, want: fmt.Sprintf("csneg %s, %s, %s, %s", xn(sz, X1), xn(sz, X2), xn(sz, X3), cs)},
				form{emit: func(a *Asm) { a.Cset(sz, X7, c) }, want: fmt.Sprintf("cset %s, %s", xn(sz, X7), cs)},
				form{emit: func(a *Asm) { a.Csetm(sz, X7, c) }, want: fmt.Sprintf("csetm %s, %s", xn(sz, X7), cs)},
			)
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Popcnt(S64, X3, X4) }, want: "fmov d31, x4; cnt v31.8b, v31.8b; addv b31, v31.8b; fmov w3, s31"},
		form{emit: func(a *Asm) { a.Popcnt(S32, X3, X4) }, want: "fmov s31, w4; cnt v31.8b, v31.8b; addv b31, v31.8b; fmov w3, s31"},
		form{emit: func(a *Asm) { a.Brk(0xF000) }, want: "brk #0xf000"},
		form{emit: func(a *Asm) { a.Nop() }, want: "nop"},
		form{emit: func(a *Asm) { a.Dmb(BarrierISH) }, want: "dmb ish"},
		form{emit: func(a *Asm) { a.Dmb(BarrierISHLD) }, want: "dmb ishld"},
		form{emit: func(a *Asm) { a.Dsb(BarrierISH) }, want: "dsb ish"},
		form{emit: func(a *Asm) { a.Dsb(BarrierSY) }, want: "dsb sy"},
		form{emit: func(a *Asm) { a.Isb() }, want: "isb"},
	)
	checkForms(t, forms)
	checkFails(t, "clz of sp", func(a *Asm) { a.Clz(S64, X0, SP) })
	checkFails(t, "csel of fp", func(a *Asm) { a.Csel(S64, V0, X1, X2, CondEQ) })
}

// gnuCond is the decoder's name of c (cs/cc for hs/lo).
func gnuCond(c Cond) string {
	switch c {
	case CondHS:
		return "cs"
	case CondLO:
		return "cc"
	}
	return c.String()
}
