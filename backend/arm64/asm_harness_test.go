package arm64

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	golangasm "github.com/twitchyliquid64/golang-asm"
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
	"golang.org/x/arch/arm64/arm64asm"
)

// A form is an emitted instruction sequence checked against the arm64asm
// decoder (GNU syntax of every word, joined by "; ") and, when goAs is
// set, byte-compared with golang-asm's encoding of one instruction.
type form struct {
	emit func(a *Asm)
	want string
	go1  *goInst
}

// goInst is one golang-asm instruction: As from, reg, to [, rest].
type goInst struct {
	as   obj.As
	from obj.Addr
	reg  int16
	to   obj.Addr
	rest []obj.Addr
}

// xn is the GNU name of general register r used with size sz.
func xn(sz Size, r Reg) string {
	w := sz != S64
	switch {
	case r == SP && w:
		return "wsp"
	case r == SP:
		return "sp"
	case r == XZR && w:
		return "wzr"
	case r == XZR:
		return "xzr"
	case w:
		return fmt.Sprintf("w%d", r)
	}
	return fmt.Sprintf("x%d", r)
}

// vn is the GNU name of FP register r as an S or D register.
func vn(sz Size, r Reg) string {
	if sz == S32 {
		return fmt.Sprintf("s%d", r-V0)
	}
	return fmt.Sprintf("d%d", r-V0)
}

// Go assembler register of a general or FP register.
func goR(r Reg) int16 {
	switch {
	case r == SP:
		return arm64.REGSP
	case r == XZR:
		return arm64.REGZERO
	case r.IsFP():
		return arm64.REG_F0 + int16(r-V0)
	}
	return arm64.REG_R0 + int16(r)
}

func gReg(r Reg) obj.Addr     { return obj.Addr{Type: obj.TYPE_REG, Reg: goR(r)} }
func gConst(v int64) obj.Addr { return obj.Addr{Type: obj.TYPE_CONST, Offset: v} }
func gMem(base Reg, off int64) obj.Addr {
	return obj.Addr{Type: obj.TYPE_MEM, Reg: goR(base), Offset: off}
}

// goAssemble encodes one instruction with golang-asm.
func goAssemble(g *goInst) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("golang-asm panicked: %v", r)
		}
	}()
	b, err := golangasm.NewBuilder("arm64", 4)
	if err != nil {
		return nil, err
	}
	// span7 skips the first instruction (it stands for the TEXT).
	head := b.NewProg()
	head.As = obj.ANOP
	b.AddInstruction(head)
	p := b.NewProg()
	p.As, p.From, p.Reg, p.To = g.as, g.from, g.reg, g.to
	p.RestArgs = g.rest
	b.AddInstruction(p)
	return b.Assemble(), nil
}

// disasm decodes code word by word into GNU syntax joined by "; ".
func disasm(code []byte) string {
	var parts []string
	for off := 0; off+4 <= len(code); off += 4 {
		in, err := arm64asm.Decode(code[off : off+4])
		if err != nil {
			parts = append(parts, fmt.Sprintf(".word %#08x", binary.LittleEndian.Uint32(code[off:])))
			continue
		}
		parts = append(parts, strings.TrimSpace(arm64asm.GNUSyntax(in)))
	}
	return strings.Join(parts, "; ")
}

func assemble(t *testing.T, emit func(a *Asm)) []byte {
	t.Helper()
	a := NewAsm()
	emit(a)
	fc, err := a.Finish()
	if err != nil {
		t.Fatalf("assembling: %v", err)
	}
	return fc.Code
}

// checkForms assembles, decodes and (where given) cross-checks each form;
// it returns how many golang-asm comparisons ran.
func checkForms(t *testing.T, forms []form) int {
	t.Helper()
	goChecks := 0
	for _, f := range forms {
		code := assemble(t, f.emit)
		if got := disasm(code); got != f.want {
			t.Errorf("decoded %q, want %q (% x)", got, f.want, code)
			continue
		}
		if f.go1 == nil {
			continue
		}
		ref, err := goAssemble(f.go1)
		if err != nil {
			t.Errorf("%s: golang-asm: %v", f.want, err)
			continue
		}
		// golang-asm pads the function with zero words to 16 bytes.
		if len(ref) >= len(code) && !bytes.ContainsFunc(ref[len(code):], func(r rune) bool { return r != 0 }) {
			ref = ref[:len(code)]
		}
		if !bytes.Equal(code, ref) {
			t.Errorf("%s: encoded % x, golang-asm % x (%s)", f.want, code, ref, disasm(ref))
		}
		goChecks++
	}
	return goChecks
}

// checkFails asserts that emit records an operand error (and no panic).
func checkFails(t *testing.T, name string, emit func(a *Asm)) {
	t.Helper()
	a := NewAsm()
	emit(a)
	if _, err := a.Finish(); err == nil {
		t.Errorf("%s: no error", name)
	}
}

// gprs are the general registers tested in each operand position.
var gprs = []Reg{X0, X1, X7, X15, X16, X19, X28, X29, X30}

// fprs are the FP registers tested.
var fprs = []Reg{V0, V1, V7, V16, V30, V31}
