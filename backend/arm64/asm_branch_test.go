package arm64

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
)

func TestBranchForms(t *testing.T) {
	var forms []form
	// Each form: a branch at 0, a nop at 4, the label at 8 (forward), or
	// the label at 0 and the branch at 4 (backward).
	fwd := func(emit func(a *Asm, l Label), want string) form {
		return form{emit: func(a *Asm) {
			l := a.NewLabel()
			emit(a, l)
			a.Nop()
			a.Bind(l)
		}, want: want + "; nop"}
	}
	back := func(emit func(a *Asm, l Label), want string) form {
		return form{emit: func(a *Asm) {
			l := a.NewLabel()
			a.Bind(l)
			a.Nop()
			emit(a, l)
		}, want: "nop; " + want}
	}
	forms = append(forms,
		fwd(func(a *Asm, l Label) { a.B(l) }, "b .+0x8"),
		back(func(a *Asm, l Label) { a.B(l) }, "b .+0xfffffffffffffffc"),
		fwd(func(a *Asm, l Label) { a.Bl(l) }, "bl .+0x8"),
		fwd(func(a *Asm, l Label) { a.Bcond(CondAL, l) }, "b .+0x8"),
		fwd(func(a *Asm, l Label) { a.Adr(X3, l) }, "adr x3, .+0x8"),
		back(func(a *Asm, l Label) { a.Adr(X16, l) }, "adr x16, .+0xfffffffffffffffc"),
	)
	for c := CondEQ; c < CondAL; c++ {
		forms = append(forms, fwd(func(a *Asm, l Label) { a.Bcond(c, l) }, fmt.Sprintf("b.%s .+0x8", gnuCond(c))),
			back(func(a *Asm, l Label) { a.Bcond(c, l) }, fmt.Sprintf("b.%s .+0xfffffffffffffffc", gnuCond(c))))
	}
	for _, sz := range []Size{S32, S64} {
		for _, r := range gprs {
			forms = append(forms,
				fwd(func(a *Asm, l Label) { a.Cbz(sz, r, l) }, fmt.Sprintf("cbz %s, .+0x8", xn(sz, r))),
				back(func(a *Asm, l Label) { a.Cbnz(sz, r, l) }, fmt.Sprintf("cbnz %s, .+0xfffffffffffffffc", xn(sz, r))),
			)
		}
	}
	for _, bit := range []uint8{0, 5, 31, 32, 63} {
		sz := S32
		if bit >= 32 {
			sz = S64
		}
		forms = append(forms,
			fwd(func(a *Asm, l Label) { a.Tbz(X9, bit, l) }, fmt.Sprintf("tbz %s, #%d, .+0x8", xn(sz, X9), bit)),
			back(func(a *Asm, l Label) { a.Tbnz(X30, bit, l) }, fmt.Sprintf("tbnz %s, #%d, .+0xfffffffffffffffc", xn(sz, X30), bit)),
		)
	}
	forms = append(forms,
		form{emit: func(a *Asm) { a.Br(X16) }, want: "br x16"},
		form{emit: func(a *Asm) { a.Blr(X0) }, want: "blr x0"},
		form{emit: func(a *Asm) { a.Ret() }, want: "ret"},
		form{emit: func(a *Asm) { a.AdrOff(X17, -4) }, want: "adr x17, .+0xfffffffffffffffc"},
	)
	checkForms(t, forms)
	checkFails(t, "unbound label", func(a *Asm) { a.B(a.NewLabel()) })
	checkFails(t, "unknown label", func(a *Asm) { a.B(Label(7)) })
	checkFails(t, "bound twice", func(a *Asm) { l := a.NewLabel(); a.Bind(l); a.Bind(l) })
	checkFails(t, "tbz bit 64", func(a *Asm) { l := a.NewLabel(); a.Bind(l); a.Tbz(X0, 64, l) })
	checkFails(t, "cbz sp", func(a *Asm) { l := a.NewLabel(); a.Bind(l); a.Cbz(S64, SP, l) })
	checkFails(t, "br xzr", func(a *Asm) { a.Br(XZR) })
	checkFails(t, "adr too far", func(a *Asm) { a.AdrOff(X0, 1<<20) })
}

func TestBranchRelaxation(t *testing.T) {
	// A TBZ 40 KiB forward and a B.cond 40 KiB back exceed TBZ's reach
	// only: the TBZ becomes tbnz over a b.
	a := NewAsm()
	top, end, mid := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Bind(top)
	a.Tbz(X1, 3, end)
	a.Bcond(CondEQ, mid) // short, moved by 4 after the insertion
	for range 5000 {
		a.Nop()
	}
	a.Bind(mid)
	for range 5000 {
		a.Nop()
	}
	a.Bind(end)
	a.Bcond(CondNE, top)
	a.CallFunc(3)
	fc, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	got := disasm(fc.Code[:12])
	want := fmt.Sprintf("tbnz w1, #3, .+0x8; b .+%#x; b.eq .+%#x", 8+40000, 4+20000)
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	endAt := 12 + 40000
	if a.LabelOffset(end) != endAt {
		t.Errorf("end at %d, want %d", a.LabelOffset(end), endAt)
	}
	if got := disasm(fc.Code[endAt : endAt+8]); got != fmt.Sprintf("b.ne .+%#x; bl .+0x0", -uint64(endAt)) {
		t.Errorf("tail %q", got)
	}
	if len(fc.Relocs) != 1 || fc.Relocs[0].Offset != uint32(endAt+4) {
		t.Errorf("relocs %+v", fc.Relocs)
	}

	// Shrunk reaches exercise CBZ and B.cond long forms and cascades.
	a = NewAsm()
	a.condRange, a.testRange = 32, 16
	l1, l2, base := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Cbz(S64, X2, l1)
	a.Bcond(CondLT, l2)
	a.Tbnz(X3, 40, l2)
	for range 5 {
		a.Nop()
	}
	a.Bind(l1)
	a.Bind(base)
	a.JumpTableEntry(l2, base)
	a.Bind(l2)
	a.Nop()
	fc, err = a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	want = "cbnz x2, .+0x8; b .+0x28; b.ge .+0x8; b .+0x24; tbz x3, #40, .+0x8; b .+0x1c; nop; nop; nop; nop; nop"
	if got := disasm(fc.Code[:44]); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if v := binary.LittleEndian.Uint32(fc.Code[44:]); v != 4 {
		t.Errorf("jump table entry %d, want 4", v)
	}
}

func TestTrapSites(t *testing.T) {
	a := NewAsm()
	a.TrapIf(CondHS, abi.TrapOutOfBoundsMemory)
	a.Cbz(S32, X4, a.TrapSite(abi.TrapIntegerDivideByZero))
	a.TrapIf(CondHS, abi.TrapOutOfBoundsMemory)
	a.Trap(abi.TrapUnreachable)
	fc, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	want := "b.cs .+0x10; cbz w4, .+0x10; b.cs .+0x8; bl .+0x0; bl .+0x0; bl .+0x0"
	if got := disasm(fc.Code); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var rs []string
	for _, r := range fc.Relocs {
		rs = append(rs, fmt.Sprintf("%d:%d/%d(%d)", r.Offset, r.Kind, r.Stub, r.Index))
	}
	wantR := fmt.Sprintf("12:2/2(%d) 16:2/2(%d) 20:2/2(%d)", abi.TrapUnreachable, abi.TrapOutOfBoundsMemory, abi.TrapIntegerDivideByZero)
	if got := strings.Join(rs, " "); got != wantR {
		t.Errorf("relocs %s, want %s", got, wantR)
	}
}
