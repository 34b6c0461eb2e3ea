package amd64

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// TestAsmShiftX byte-compares SHLX/SHRX/SARX for every register triple
// with golang-asm (x86asm cannot decode VEX).
func TestAsmShiftX(t *testing.T) {
	ops := map[ShiftOp]goSized{
		SHL: {2: x86.ASHLXL, 3: x86.ASHLXQ},
		SHR: {2: x86.ASHRXL, 3: x86.ASHRXQ},
		SAR: {2: x86.ASARXL, 3: x86.ASARXQ},
	}
	n := 0
	for op, gas := range ops {
		for _, s := range []Size{S32, S64} {
			for _, d := range allGPR() {
				for _, r := range allGPR() {
					for _, c := range []Reg{RAX, RCX, RDX, RSP, RBP, R8, R11, R15, d, r} {
						var a Asm
						a.ShiftX(op, s, d, r, c)
						src := gReg(s, r)
						f := &form{goAs: gas[s], goFrom: gReg(s, c), goFrom3: &src, goTo: gReg(s, d)}
						sameAsGoAsm(t, fmt.Sprintf("shiftx%d.%d %v,%v,%v", op, s, d, r, c), a.buf, f)
						n++
					}
				}
			}
		}
	}
	var a Asm
	a.ShiftX(ROL, S32, RAX, RAX, RCX)
	if a.Err() == nil {
		t.Errorf("shiftx accepted rol")
	}
	t.Logf("%d forms compared", n)
}

// TestAsmBlsr byte-compares BLSR (BMI1, VEX-encoded) for every register
// pair with golang-asm.
func TestAsmBlsr(t *testing.T) {
	gas := goSized{2: x86.ABLSRL, 3: x86.ABLSRQ}
	n := 0
	for _, s := range []Size{S32, S64} {
		for _, d := range allGPR() {
			for _, r := range allGPR() {
				var a Asm
				a.Blsr(s, d, r)
				sameAsGoAsm(t, fmt.Sprintf("blsr.%d %v,%v", s, d, r), a.buf, &form{goAs: gas[s], goFrom: gReg(s, r), goTo: gReg(s, d)})
				n++
			}
		}
	}
	t.Logf("%d forms compared", n)
}

// sameAsGoAsm fails the test unless golang-asm assembles f to code.
func sameAsGoAsm(t *testing.T, name string, code []byte, f *form) {
	t.Helper()
	g, err := goAssemble(f)
	switch {
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	case !bytes.Equal(g, code):
		t.Fatalf("%s: wasmc % x, golang-asm % x", name, code, g)
	}
}
