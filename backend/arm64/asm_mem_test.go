package arm64

import (
	"fmt"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

// memText is the decoder's text of m for an access of size sz.
func memText(sz Size, m Mem) string {
	b := xn(S64, m.Base)
	switch {
	case m.Index != NoReg:
		ext := map[Extend]string{UXTW: "uxtw", SXTW: "sxtw", UXTX: "lsl", SXTX: "sxtx"}[m.Ext]
		idx := xn(S64, m.Index)
		if m.Ext == UXTW || m.Ext == SXTW {
			idx = xn(S32, m.Index)
		}
		switch {
		case m.Scaled:
			return fmt.Sprintf("[%s,%s,%s #%d]", b, idx, ext, sz)
		case m.Ext == UXTX:
			return fmt.Sprintf("[%s,%s]", b, idx)
		}
		return fmt.Sprintf("[%s,%s,%s]", b, idx, ext)
	case m.Mode == AddrPreIndex:
		return fmt.Sprintf("[%s,#%d]!", b, m.Disp)
	case m.Mode == AddrPostIndex:
		return fmt.Sprintf("[%s],#%d", b, m.Disp)
	case m.Disp == 0:
		return fmt.Sprintf("[%s]", b)
	}
	return fmt.Sprintf("[%s,#%d]", b, m.Disp)
}

// unscaled reports whether m takes the LDUR/STUR form.
func unscaled(sz Size, m Mem) bool {
	n := int32(sz.Bytes())
	return m.Index == NoReg && m.Mode == AddrOffset && (m.Disp < 0 || m.Disp%n != 0 || m.Disp/n >= 4096)
}

func testMems(sz Size) []Mem {
	n := int32(sz.Bytes())
	ms := []Mem{
		M(X1, 0), M(SP, 8*n), M(X30, 4095*n), M(X19, -256), M(X2, 255), M(X3, -1),
		MPre(SP, -16), MPost(SP, 16), MPre(X5, -256), MPost(X6, 255),
		MIdx(X1, X2, UXTX, false), MIdx(X1, X2, UXTX, true), MIdx(SP, X9, UXTW, false),
		MIdx(X1, X2, UXTW, true), MIdx(X1, X30, SXTW, true), MIdx(X1, X2, SXTX, false),
	}
	if n > 1 {
		ms = append(ms, M(X4, n+1))
	}
	return ms
}

// goMov is golang-asm's plain load/store opcode by size (MOVB/MOVH/MOVW
// sign-extend loads; the U forms zero-extend).
var goLoad = map[Size]obj.As{S8: arm64.AMOVBU, S16: arm64.AMOVHU, S32: arm64.AMOVWU, S64: arm64.AMOVD}
var goStore = map[Size]obj.As{S8: arm64.AMOVB, S16: arm64.AMOVH, S32: arm64.AMOVW, S64: arm64.AMOVD}

func TestLoadStore(t *testing.T) {
	var forms []form
	names := map[Size][2]string{S8: {"ldrb", "strb"}, S16: {"ldrh", "strh"}, S32: {"ldr", "str"}, S64: {"ldr", "str"}}
	for _, sz := range []Size{S8, S16, S32, S64} {
		rsz := max(sz, S32)
		for i, m := range testMems(sz) {
			rt := gprs[i%len(gprs)]
			u := ""
			if unscaled(sz, m) {
				u = "u"
			}
			ld, st := names[sz][0], names[sz][1]
			ld, st = ld[:1]+ld[1:2]+u+ld[2:], st[:1]+st[1:2]+u+st[2:]
			ld, st = fixU(ld), fixU(st)
			f := form{emit: func(a *Asm) { a.Ldr(sz, rt, m) }, want: fmt.Sprintf("%s %s, %s", ld, xn(rsz, rt), memText(sz, m))}
			g := form{emit: func(a *Asm) { a.Str(sz, rt, m) }, want: fmt.Sprintf("%s %s, %s", st, xn(rsz, rt), memText(sz, m))}
			if m.Index == NoReg && m.Mode == AddrOffset && m.Base != SP && (m.Disp >= 0 || m.Disp >= -256) {
				f.go1 = &goInst{as: goLoad[sz], from: gMem(m.Base, int64(m.Disp)), to: gReg(rt)}
				g.go1 = &goInst{as: goStore[sz], from: gReg(rt), to: gMem(m.Base, int64(m.Disp))}
			}
			forms = append(forms, f, g)
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Ldrs(S8, S32, X1, M(X2, 7)) }, want: "ldrsb w1, [x2,#7]"},
		form{emit: func(a *Asm) { a.Ldrs(S8, S64, X1, M(X2, -7)) }, want: "ldursb x1, [x2,#-7]"},
		form{emit: func(a *Asm) { a.Ldrs(S16, S32, X1, M(X2, 8190)) }, want: "ldrsh w1, [x2,#8190]"},
		form{emit: func(a *Asm) { a.Ldrs(S16, S64, X1, MIdx(X2, X3, UXTW, true)) }, want: "ldrsh x1, [x2,w3,uxtw #1]"},
		form{emit: func(a *Asm) { a.Ldrs(S32, S64, X1, M(X2, 16380)) }, want: "ldrsw x1, [x2,#16380]",
			go1: &goInst{as: arm64.AMOVW, from: gMem(X2, 16380), to: gReg(X1)}},
		form{emit: func(a *Asm) { a.Ldrs(S32, S64, X1, MPost(X2, 4)) }, want: "ldrsw x1, [x2],#4"},
		form{emit: func(a *Asm) { a.Ldr(S64, XZR, M(X2, 0)) }, want: "ldr xzr, [x2]"},
		form{emit: func(a *Asm) { a.Str(S32, XZR, M(SP, 4)) }, want: "str wzr, [sp,#4]"},
	)
	for _, sz := range []Size{S32, S64} {
		for i, m := range testMems(sz) {
			v := fprs[i%len(fprs)]
			u := ""
			if unscaled(sz, m) {
				u = "u"
			}
			forms = append(forms,
				form{emit: func(a *Asm) { a.Ldr(sz, v, m) }, want: fmt.Sprintf("ld%sr %s, %s", u, vn(sz, v), memText(sz, m))},
				form{emit: func(a *Asm) { a.Str(sz, v, m) }, want: fmt.Sprintf("st%sr %s, %s", u, vn(sz, v), memText(sz, m))},
			)
		}
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Ldr(S64, V3, M(X1, 16)) }, want: "ldr d3, [x1,#16]",
			go1: &goInst{as: arm64.AFMOVD, from: gMem(X1, 16), to: gReg(V3)}},
		form{emit: func(a *Asm) { a.Str(S32, V3, M(X1, 16)) }, want: "str s3, [x1,#16]",
			go1: &goInst{as: arm64.AFMOVS, from: gReg(V3), to: gMem(X1, 16)}},
	)
	if n := checkForms(t, forms); n < 45 {
		t.Errorf("only %d golang-asm comparisons", n)
	}
	checkFails(t, "offset too far", func(a *Asm) { a.Ldr(S64, X0, M(X1, 8*4096)) })
	checkFails(t, "unaligned beyond imm9", func(a *Asm) { a.Ldr(S64, X0, M(X1, 257)) })
	checkFails(t, "pre-index too far", func(a *Asm) { a.Ldr(S64, X0, MPre(X1, 256)) })
	checkFails(t, "xzr base", func(a *Asm) { a.Ldr(S64, X0, M(XZR, 0)) })
	checkFails(t, "sp index", func(a *Asm) { a.Ldr(S64, X0, MIdx(X1, SP, UXTX, false)) })
	checkFails(t, "uxtb index", func(a *Asm) { a.Ldr(S64, X0, MIdx(X1, X2, UXTB, false)) })
	checkFails(t, "index with disp", func(a *Asm) { m := MIdx(X1, X2, UXTX, false); m.Disp = 8; a.Ldr(S64, X0, m) })
	checkFails(t, "ldr into sp", func(a *Asm) { a.Ldr(S64, SP, M(X1, 0)) })
	checkFails(t, "byte fp load", func(a *Asm) { a.Ldr(S8, V0, M(X1, 0)) })
	checkFails(t, "ldrsw to w", func(a *Asm) { a.Ldrs(S32, S32, X0, M(X1, 0)) })
	checkFails(t, "ldrs into fp", func(a *Asm) { a.Ldrs(S8, S32, V0, M(X1, 0)) })
	if !OffsetOK(S64, 32760) || OffsetOK(S64, 32761) || !OffsetOK(S8, -256) || OffsetOK(S8, -257) || !OffsetOK(S32, 255) {
		t.Error("OffsetOK")
	}
}

// fixU turns the "ldrub"/"strub" spellings into "ldurb"/"sturb".
func fixU(s string) string {
	switch s {
	case "ldrub":
		return "ldurb"
	case "ldruh":
		return "ldurh"
	case "strub":
		return "sturb"
	case "struh":
		return "sturh"
	case "ldru":
		return "ldur"
	case "stru":
		return "stur"
	}
	return s
}

func TestLoadStorePair(t *testing.T) {
	var forms []form
	for _, sz := range []Size{S32, S64} {
		n := int32(sz.Bytes())
		for _, m := range []Mem{M(SP, 0), M(X1, 63*n), M(X2, -64*n), MPre(SP, -16), MPost(SP, 16), MPre(X3, -64*n), MPost(X4, 63*n)} {
			pairs := [][2]Reg{{X29, X30}, {X0, X1}, {X19, X20}, {XZR, X7}}
			for _, p := range pairs {
				forms = append(forms,
					form{emit: func(a *Asm) { a.Stp(sz, p[0], p[1], m) }, want: fmt.Sprintf("stp %s, %s, %s", xn(sz, p[0]), xn(sz, p[1]), memText(sz, m))},
					form{emit: func(a *Asm) { a.Ldp(sz, p[1], p[0], m) }, want: fmt.Sprintf("ldp %s, %s, %s", xn(sz, p[1]), xn(sz, p[0]), memText(sz, m))},
				)
			}
			forms = append(forms,
				form{emit: func(a *Asm) { a.Stp(sz, V8, V9, m) }, want: fmt.Sprintf("stp %s, %s, %s", vn(sz, V8), vn(sz, V9), memText(sz, m))},
				form{emit: func(a *Asm) { a.Ldp(sz, V30, V31, m) }, want: fmt.Sprintf("ldp %s, %s, %s", vn(sz, V30), vn(sz, V31), memText(sz, m))},
			)
		}
	}
	forms = append(forms, form{emit: func(a *Asm) { a.Stp(S64, X29, X30, M(X1, 16)) }, want: "stp x29, x30, [x1,#16]",
		go1: &goInst{as: arm64.ASTP, from: obj.Addr{Type: obj.TYPE_REGREG, Reg: goR(X29), Offset: int64(goR(X30))}, to: gMem(X1, 16)}})
	checkForms(t, forms)
	checkFails(t, "pair offset unaligned", func(a *Asm) { a.Stp(S64, X0, X1, M(SP, 4)) })
	checkFails(t, "pair offset too far", func(a *Asm) { a.Stp(S64, X0, X1, M(SP, 512)) })
	checkFails(t, "pair with index", func(a *Asm) { a.Stp(S64, X0, X1, MIdx(SP, X2, UXTX, false)) })
	checkFails(t, "pair of sp", func(a *Asm) { a.Stp(S64, SP, X1, M(X2, 0)) })
	checkFails(t, "pair of bytes", func(a *Asm) { a.Stp(S8, X0, X1, M(X2, 0)) })
}
