package arm64

import (
	"fmt"
	"math"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

func TestFPArithmetic(t *testing.T) {
	ops2 := []struct {
		op   FOp2
		name string
		goAs [2]obj.As // D, S
	}{
		{FADD, "fadd", [2]obj.As{arm64.AFADDD, arm64.AFADDS}}, {FSUB, "fsub", [2]obj.As{arm64.AFSUBD, arm64.AFSUBS}},
		{FMUL, "fmul", [2]obj.As{arm64.AFMULD, arm64.AFMULS}}, {FDIV, "fdiv", [2]obj.As{arm64.AFDIVD, arm64.AFDIVS}},
		{FMIN, "fmin", [2]obj.As{arm64.AFMIND, arm64.AFMINS}}, {FMAX, "fmax", [2]obj.As{arm64.AFMAXD, arm64.AFMAXS}},
		{FMINNM, "fminnm", [2]obj.As{arm64.AFMINNMD, arm64.AFMINNMS}}, {FMAXNM, "fmaxnm", [2]obj.As{arm64.AFMAXNMD, arm64.AFMAXNMS}},
	}
	ops1 := []struct {
		op   FOp1
		name string
		goAs [2]obj.As
	}{
		{FMOV, "fmov", [2]obj.As{arm64.AFMOVD, arm64.AFMOVS}}, {FABS, "fabs", [2]obj.As{arm64.AFABSD, arm64.AFABSS}},
		{FNEG, "fneg", [2]obj.As{arm64.AFNEGD, arm64.AFNEGS}}, {FSQRT, "fsqrt", [2]obj.As{arm64.AFSQRTD, arm64.AFSQRTS}},
		{FRINTN, "frintn", [2]obj.As{arm64.AFRINTND, arm64.AFRINTNS}}, {FRINTP, "frintp", [2]obj.As{arm64.AFRINTPD, arm64.AFRINTPS}},
		{FRINTM, "frintm", [2]obj.As{arm64.AFRINTMD, arm64.AFRINTMS}}, {FRINTZ, "frintz", [2]obj.As{arm64.AFRINTZD, arm64.AFRINTZS}},
	}
	var forms []form
	for _, sz := range []Size{S32, S64} {
		for i, d := range fprs {
			n, m := fprs[(i+2)%len(fprs)], fprs[(i+3)%len(fprs)]
			v := func(r Reg) string { return vn(sz, r) }
			for _, o := range ops2 {
				forms = append(forms, form{emit: func(a *Asm) { a.Fp2(o.op, sz, d, n, m) },
					want: fmt.Sprintf("%s %s, %s, %s", o.name, v(d), v(n), v(m)),
					go1:  &goInst{as: goOp(o.goAs, sz), from: gReg(m), reg: goR(n), to: gReg(d)}})
			}
			for _, o := range ops1 {
				forms = append(forms, form{emit: func(a *Asm) { a.Fp1(o.op, sz, d, n) },
					want: fmt.Sprintf("%s %s, %s", o.name, v(d), v(n)),
					go1:  &goInst{as: goOp(o.goAs, sz), from: gReg(n), to: gReg(d)}})
			}
			forms = append(forms,
				form{emit: func(a *Asm) { a.Fcmp(sz, n, m) }, want: fmt.Sprintf("fcmp %s, %s", v(n), v(m)),
					go1: &goInst{as: goOp([2]obj.As{arm64.AFCMPD, arm64.AFCMPS}, sz), from: gReg(m), reg: goR(n)}},
				form{emit: func(a *Asm) { a.FcmpZero(sz, n) }, want: fmt.Sprintf("fcmp %s, #0", v(n))},
				form{emit: func(a *Asm) { a.Fcsel(sz, d, n, m, CondGT) }, want: fmt.Sprintf("fcsel %s, %s, %s, gt", v(d), v(n), v(m))},
			)
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Fcvt(S64, S32, V1, V2) }, want: "fcvt d1, s2",
			go1: &goInst{as: arm64.AFCVTSD, from: gReg(V2), to: gReg(V1)}},
		form{emit: func(a *Asm) { a.Fcvt(S32, S64, V31, V0) }, want: "fcvt s31, d0",
			go1: &goInst{as: arm64.AFCVTDS, from: gReg(V0), to: gReg(V31)}},
	)
	if n := checkForms(t, forms); n < 150 {
		t.Errorf("only %d golang-asm comparisons", n)
	}
	checkFails(t, "fadd of gpr", func(a *Asm) { a.Fp2(FADD, S64, V0, X1, V2) })
	checkFails(t, "fadd size 16", func(a *Asm) { a.Fp2(FADD, S16, V0, V1, V2) })
	checkFails(t, "bad op", func(a *Asm) { a.Fp1(FOp1(5), S64, V0, V1) })
	checkFails(t, "fcvt same size", func(a *Asm) { a.Fcvt(S64, S64, V0, V1) })
}

func TestFPConversionsAndMoves(t *testing.T) {
	var forms []form
	type cv struct {
		name string
		emit func(a *Asm, isz, fsz Size, r, v Reg)
		toFP bool
		goAs map[[2]Size]obj.As // (isz, fsz)
	}
	convs := []cv{
		{"scvtf", func(a *Asm, i, f Size, r, v Reg) { a.Scvtf(f, i, v, r) }, true, map[[2]Size]obj.As{
			{S32, S32}: arm64.ASCVTFWS, {S32, S64}: arm64.ASCVTFWD, {S64, S32}: arm64.ASCVTFS, {S64, S64}: arm64.ASCVTFD}},
		{"ucvtf", func(a *Asm, i, f Size, r, v Reg) { a.Ucvtf(f, i, v, r) }, true, map[[2]Size]obj.As{
			{S32, S32}: arm64.AUCVTFWS, {S32, S64}: arm64.AUCVTFWD, {S64, S32}: arm64.AUCVTFS, {S64, S64}: arm64.AUCVTFD}},
		{"fcvtzs", func(a *Asm, i, f Size, r, v Reg) { a.Fcvtzs(i, f, r, v) }, false, map[[2]Size]obj.As{
			{S32, S32}: arm64.AFCVTZSSW, {S32, S64}: arm64.AFCVTZSDW, {S64, S32}: arm64.AFCVTZSS, {S64, S64}: arm64.AFCVTZSD}},
		{"fcvtzu", func(a *Asm, i, f Size, r, v Reg) { a.Fcvtzu(i, f, r, v) }, false, map[[2]Size]obj.As{
			{S32, S32}: arm64.AFCVTZUSW, {S32, S64}: arm64.AFCVTZUDW, {S64, S32}: arm64.AFCVTZUS, {S64, S64}: arm64.AFCVTZUD}},
	}
	for _, c := range convs {
		for _, isz := range []Size{S32, S64} {
			for _, fsz := range []Size{S32, S64} {
				for i, r := range gprs {
					v := fprs[i%len(fprs)]
					want := fmt.Sprintf("%s %s, %s", c.name, xn(isz, r), vn(fsz, v))
					g := &goInst{as: c.goAs[[2]Size{isz, fsz}], from: gReg(v), to: gReg(r)}
					if c.toFP {
						want = fmt.Sprintf("%s %s, %s", c.name, vn(fsz, v), xn(isz, r))
						g.from, g.to = gReg(r), gReg(v)
					}
					forms = append(forms, form{emit: func(a *Asm) { c.emit(a, isz, fsz, r, v) }, want: want, go1: g})
				}
			}
		}
	}
	for _, sz := range []Size{S32, S64} {
		goAs := goOp([2]obj.As{arm64.AFMOVD, arm64.AFMOVS}, sz)
		for i, r := range gprs {
			v := fprs[i%len(fprs)]
			forms = append(forms,
				form{emit: func(a *Asm) { a.Fmov(sz, v, r) }, want: fmt.Sprintf("fmov %s, %s", vn(sz, v), xn(sz, r)),
					go1: &goInst{as: goAs, from: gReg(r), to: gReg(v)}},
				form{emit: func(a *Asm) { a.Fmov(sz, r, v) }, want: fmt.Sprintf("fmov %s, %s", xn(sz, r), vn(sz, v)),
					go1: &goInst{as: goAs, from: gReg(v), to: gReg(r)}},
			)
		}
		forms = append(forms, form{emit: func(a *Asm) { a.Fmov(sz, V5, XZR) }, want: fmt.Sprintf("fmov %s, %s", vn(sz, V5), xn(sz, XZR))})
	}
	if n := checkForms(t, forms); n < 100 {
		t.Errorf("only %d golang-asm comparisons", n)
	}
	checkFails(t, "fmov gpr to gpr", func(a *Asm) { a.Fmov(S64, X0, X1) })
	checkFails(t, "fmov from sp", func(a *Asm) { a.Fmov(S64, V0, SP) })
	checkFails(t, "scvtf to gpr", func(a *Asm) { a.Scvtf(S64, S64, X0, X1) })
}

func TestFPImmediates(t *testing.T) {
	// All 256 encodings: ±(16+m)/16 × 2^(e-3), m 0..15, e 0..7.
	count := 0
	for sign := range 2 {
		for e := range 8 {
			for m := range 16 {
				v := float64(16+m) / 16 * math.Pow(2, float64(e-3))
				if sign == 1 {
					v = -v
				}
				for _, sz := range []Size{S32, S64} {
					if !FPImmOK(sz, v) {
						t.Fatalf("FPImmOK(%d, %v) = false", sz, v)
					}
					code := assemble(t, func(a *Asm) { a.FmovImm(sz, V7, v) })
					if got, want := disasm(code), fmt.Sprintf("fmov %s, #%.18e", vn(sz, V7), v); got != want {
						t.Fatalf("decoded %q, want %q", got, want)
					}
					count++
				}
			}
		}
	}
	if count != 512 {
		t.Fatalf("%d immediates", count)
	}
	for _, v := range []float64{0, 0.1, 32, 0.0625 * 15 / 16, math.Inf(1), math.NaN(), 1.0 / 3, 1 + 1.0/32} {
		if FPImmOK(S64, v) {
			t.Errorf("FPImmOK(%v) = true", v)
		}
		checkFails(t, fmt.Sprint("fmov #", v), func(a *Asm) { a.FmovImm(S64, V0, v) })
	}
	checkForms(t, []form{{emit: func(a *Asm) { a.FmovImm(S64, V0, 1) }, want: "fmov d0, #1.000000000000000000e+00",
		go1: &goInst{as: arm64.AFMOVD, from: obj.Addr{Type: obj.TYPE_FCONST, Val: 1.0}, to: gReg(V0)}}})
}
