package amd64

import (
	"fmt"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"golang.org/x/arch/x86/x86asm"
)

var sseTable = [numSSEOps]struct {
	op   x86asm.Op
	gas  obj.As
	mem  int // bytes read by the memory form
	name string
}{
	ADDSS: {x86asm.ADDSS, x86.AADDSS, 4, "addss"}, ADDSD: {x86asm.ADDSD, x86.AADDSD, 8, "addsd"},
	SUBSS: {x86asm.SUBSS, x86.ASUBSS, 4, "subss"}, SUBSD: {x86asm.SUBSD, x86.ASUBSD, 8, "subsd"},
	MULSS: {x86asm.MULSS, x86.AMULSS, 4, "mulss"}, MULSD: {x86asm.MULSD, x86.AMULSD, 8, "mulsd"},
	DIVSS: {x86asm.DIVSS, x86.ADIVSS, 4, "divss"}, DIVSD: {x86asm.DIVSD, x86.ADIVSD, 8, "divsd"},
	SQRTSS: {x86asm.SQRTSS, x86.ASQRTSS, 4, "sqrtss"}, SQRTSD: {x86asm.SQRTSD, x86.ASQRTSD, 8, "sqrtsd"},
	MINSS: {x86asm.MINSS, x86.AMINSS, 4, "minss"}, MINSD: {x86asm.MINSD, x86.AMINSD, 8, "minsd"},
	MAXSS: {x86asm.MAXSS, x86.AMAXSS, 4, "maxss"}, MAXSD: {x86asm.MAXSD, x86.AMAXSD, 8, "maxsd"},
	ANDPS: {x86asm.ANDPS, x86.AANDPS, 16, "andps"}, ANDPD: {x86asm.ANDPD, x86.AANDPD, 16, "andpd"},
	ANDNPS: {x86asm.ANDNPS, x86.AANDNPS, 16, "andnps"}, ANDNPD: {x86asm.ANDNPD, x86.AANDNPD, 16, "andnpd"},
	ORPS: {x86asm.ORPS, x86.AORPS, 16, "orps"}, ORPD: {x86asm.ORPD, x86.AORPD, 16, "orpd"},
	XORPS: {x86asm.XORPS, x86.AXORPS, 16, "xorps"}, XORPD: {x86asm.XORPD, x86.AXORPD, 16, "xorpd"},
	PXOR:    {x86asm.PXOR, x86.APXOR, 16, "pxor"},
	UCOMISS: {x86asm.UCOMISS, x86.AUCOMISS, 4, "ucomiss"}, UCOMISD: {x86asm.UCOMISD, x86.AUCOMISD, 8, "ucomisd"},
	CVTSS2SD: {x86asm.CVTSS2SD, x86.ACVTSS2SD, 4, "cvtss2sd"}, CVTSD2SS: {x86asm.CVTSD2SS, x86.ACVTSD2SS, 8, "cvtsd2ss"},
	MOVSS: {x86asm.MOVSS, x86.AMOVSS, 4, "movss"}, MOVSD: {x86asm.MOVSD_XMM, x86.AMOVSD, 8, "movsd"},
	MOVAPS: {x86asm.MOVAPS, x86.AMOVAPS, 16, "movaps"}, MOVUPS: {x86asm.MOVUPS, x86.AMOVUPS, 16, "movups"},
}

func TestAsmSSE(t *testing.T) {
	var fs []form
	for op := SSEOp(0); op < numSSEOps; op++ {
		e := sseTable[op]
		for _, d := range allXMM() {
			for _, r := range allXMM() {
				fs = append(fs, form{name: fmt.Sprintf("%s %v,%v", e.name, d, r), emit: func(a *Asm) { a.SSE(op, d, r) },
					op: e.op, args: []x86asm.Arg{xx(d), xx(r)}, goAs: e.gas, goFrom: gReg(S64, r), goTo: gReg(S64, d)})
			}
			for _, m := range fewMems() {
				fs = append(fs, form{name: fmt.Sprintf("%s %v,%+v", e.name, d, m), emit: func(a *Asm) { a.SSEM(op, d, m) },
					op: e.op, args: []x86asm.Arg{xx(d), xm(m)}, memBytes: e.mem, goAs: e.gas, goFrom: gMem(m), goTo: gReg(S64, d)})
				if op >= MOVSS {
					fs = append(fs, form{name: fmt.Sprintf("%s %+v,%v", e.name, m, d), emit: func(a *Asm) { a.SSEStore(op, m, d) },
						op: e.op, args: []x86asm.Arg{xm(m), xx(d)}, memBytes: e.mem, goAs: e.gas, goFrom: gReg(S64, d), goTo: gMem(m)})
				}
			}
		}
	}
	// The named wrappers are the same encodings.
	for _, d := range allXMM() {
		for _, m := range testMems() {
			fs = append(fs,
				form{name: fmt.Sprintf("movsd load %v,%+v", d, m), emit: func(a *Asm) { a.MovsdRM(d, m) },
					op: x86asm.MOVSD_XMM, args: []x86asm.Arg{xx(d), xm(m)}, memBytes: 8, goAs: x86.AMOVSD, goFrom: gMem(m), goTo: gReg(S64, d)},
				form{name: fmt.Sprintf("movss store %+v,%v", m, d), emit: func(a *Asm) { a.MovssMR(m, d) },
					op: x86asm.MOVSS, args: []x86asm.Arg{xm(m), xx(d)}, memBytes: 4, goAs: x86.AMOVSS, goFrom: gReg(S64, d), goTo: gMem(m)})
		}
		fs = append(fs,
			form{name: "movss " + d.String(), emit: func(a *Asm) { a.Movss(d, X9) }, op: x86asm.MOVSS, args: []x86asm.Arg{xx(d), x86asm.X9}},
			form{name: "movsd " + d.String(), emit: func(a *Asm) { a.Movsd(d, X2) }, op: x86asm.MOVSD_XMM, args: []x86asm.Arg{xx(d), x86asm.X2}},
			form{name: "movaps " + d.String(), emit: func(a *Asm) { a.Movaps(d, X12) }, op: x86asm.MOVAPS, args: []x86asm.Arg{xx(d), x86asm.X12}},
			form{name: "cvtss2sd " + d.String(), emit: func(a *Asm) { a.Cvtss2sd(d, X1) }, op: x86asm.CVTSS2SD, args: []x86asm.Arg{xx(d), x86asm.X1}},
			form{name: "cvtsd2ss " + d.String(), emit: func(a *Asm) { a.Cvtsd2ss(d, X14) }, op: x86asm.CVTSD2SS, args: []x86asm.Arg{xx(d), x86asm.X14}},
			form{name: "movss load " + d.String(), emit: func(a *Asm) { a.MovssRM(d, M(R13, 0)) }, op: x86asm.MOVSS, args: []x86asm.Arg{xx(d), xm(M(R13, 0))}, memBytes: 4},
			form{name: "movsd store " + d.String(), emit: func(a *Asm) { a.MovsdMR(M(R12, -8), d) }, op: x86asm.MOVSD_XMM, args: []x86asm.Arg{xm(M(R12, -8)), xx(d)}, memBytes: 8})
	}
	checkForms(t, fs)
}

func TestAsmSSEConvert(t *testing.T) {
	var fs []form
	type cvt struct {
		emit   func(*Asm, Size, Reg, Reg)
		op     x86asm.Op
		gas    [2]obj.As // S32, S64
		toXMM  bool
		naming string
	}
	cvts := []cvt{
		{(*Asm).Cvtsi2ss, x86asm.CVTSI2SS, [2]obj.As{x86.ACVTSL2SS, x86.ACVTSQ2SS}, true, "cvtsi2ss"},
		{(*Asm).Cvtsi2sd, x86asm.CVTSI2SD, [2]obj.As{x86.ACVTSL2SD, x86.ACVTSQ2SD}, true, "cvtsi2sd"},
		{(*Asm).Cvttss2si, x86asm.CVTTSS2SI, [2]obj.As{x86.ACVTTSS2SL, x86.ACVTTSS2SQ}, false, "cvttss2si"},
		{(*Asm).Cvttsd2si, x86asm.CVTTSD2SI, [2]obj.As{x86.ACVTTSD2SL, x86.ACVTTSD2SQ}, false, "cvttsd2si"},
		{(*Asm).MovqToX, x86asm.MOVQ, [2]obj.As{x86.AMOVL, x86.AMOVQ}, true, "movq"},
		{(*Asm).MovqFromX, x86asm.MOVQ, [2]obj.As{x86.AMOVL, x86.AMOVQ}, false, "movq"},
	}
	for _, c := range cvts {
		for si, s := range []Size{S32, S64} {
			op := c.op
			if op == x86asm.MOVQ && s == S32 {
				op = x86asm.MOVD
			}
			for _, g := range allGPR() {
				for _, x := range allXMM() {
					f := form{name: fmt.Sprintf("%s%d %v,%v", c.naming, s, g, x), op: op, goAs: c.gas[si]}
					if c.toXMM {
						f.emit = func(a *Asm) { c.emit(a, s, x, g) }
						f.args = []x86asm.Arg{xx(x), xr(s, g)}
						f.goFrom, f.goTo = gReg(s, g), gReg(s, x)
					} else {
						f.emit = func(a *Asm) { c.emit(a, s, g, x) }
						f.args = []x86asm.Arg{xr(s, g), xx(x)}
						f.goFrom, f.goTo = gReg(s, x), gReg(s, g)
					}
					fs = append(fs, f)
				}
			}
		}
	}
	for _, d := range allXMM() {
		for _, r := range allXMM() {
			for _, mode := range []uint8{RoundNearest, RoundDown, RoundUp, RoundTrunc} {
				g3 := &obj.Addr{Type: obj.TYPE_REG, Reg: goR(S64, r)}
				fs = append(fs,
					form{name: fmt.Sprintf("roundss %v,%v,%d", d, r, mode), emit: func(a *Asm) { a.Roundss(d, r, mode) },
						op: x86asm.ROUNDSS, args: []x86asm.Arg{xx(d), xx(r), x86asm.Imm(mode)}, immBits: 8,
						goAs: x86.AROUNDSS, goFrom: gConst(int64(mode)), goFrom3: g3, goTo: gReg(S64, d)},
					form{name: fmt.Sprintf("roundsd %v,%v,%d", d, r, mode), emit: func(a *Asm) { a.Roundsd(d, r, mode) },
						op: x86asm.ROUNDSD, args: []x86asm.Arg{xx(d), xx(r), x86asm.Imm(mode)}, immBits: 8,
						goAs: x86.AROUNDSD, goFrom: gConst(int64(mode)), goFrom3: g3, goTo: gReg(S64, d)})
			}
		}
	}
	checkForms(t, fs)
}
