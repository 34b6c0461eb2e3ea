package stackswitch

import (
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// TestBlobEncodings decodes what the test encoder emits: the trampoline
// tests are only as good as their blobs.
func TestBlobEncodings(t *testing.T) {
	a := newAsm()
	a.label("top").frame().unframe().ret().brk().bl("top").beq("top").cbzW(9, "top").
		addImm(16, 31, 0).addImm(31, 16, 0).subsImm(1, 1, 1).movImm(3, 0x1122334455667788).movW(9, 7).
		ctxLoad(0, 256).ctxStore(16, 16).ctxLoad32(9, 40).emit(0xb9000000|11<<10|19<<5|9).
		emit(0xf81f0ffe, 0xf84107fe, 0x6f07e7e0|5)
	want := []string{
		"STP X29, X30, [SP,#-16]!", "MOV X29, SP", "LDP X29, X30, [SP],#16", "RET X30", "BRK #0x0",
		"BL .+0xffffffffffffffec", "B EQ, .+0xffffffffffffffe8", "CBZ W9, .+0xffffffffffffffe4",
		"MOV X16, SP", "MOV SP, X16", "SUBS X1, X1, #0x1",
		"MOV X3, #0x7788", "MOVK X3, #0x5566, LSL #16", "MOVK X3, #0x3344, LSL #32", "MOVK X3, #0x1122, LSL #48",
		"MOV W9, #0x7",
		"LDR X0, [X19,#256]", "STR X16, [X19,#16]", "LDR W9, [X19,#40]", "STR W9, [X19,#44]",
		"STR X30, [SP,#-16]!", "LDR X30, [SP],#16", "MOVI V5.2D, #0xffffffffffffffff",
	}
	code := a.resolve(t)
	if len(code) != 4*len(want) {
		t.Fatalf("%d words, want %d", len(code)/4, len(want))
	}
	for i, w := range want {
		word := binary.LittleEndian.Uint32(code[4*i:])
		inst, err := arm64asm.Decode(code[4*i:])
		if err != nil {
			t.Errorf("word %d %#08x: %v", i, word, err)
			continue
		}
		if got := inst.String(); !strings.EqualFold(got, w) {
			t.Errorf("word %d %#08x: %q, want %q", i, word, got, w)
		}
	}
}
