package arm64

import (
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// lines disassembles code one instruction per line.
func lines(code []byte) string { return strings.ReplaceAll(disasm(code), "; ", "\n") }

func checkGolden(t *testing.T, what string, fc FuncCode, err error, want string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want = strings.TrimSpace(strings.ReplaceAll(want, "\t", ""))
	if got := lines(fc.Code); got != want {
		t.Errorf("%s:\n got:\n%s\nwant:\n%s", what, got, want)
	}
}

func TestLayout(t *testing.T) {
	var ps []wasm.ValType
	for range 9 {
		ps = append(ps, wasm.I32, wasm.F64)
	}
	l, err := Layout(&wasm.FuncType{Params: ps, Results: []wasm.ValType{wasm.F32, wasm.I64}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Params[0].Reg != X0 || l.Params[1].Reg != V0 || l.Params[14].Reg != X7 || l.Params[15].Reg != V7 {
		t.Errorf("register params %+v", l.Params[:16])
	}
	if !l.Params[16].OnStack() || l.Params[16].Offset != 0 || l.Params[17].Offset != 8 || l.StackParams != 16 {
		t.Errorf("stack params %+v, %d bytes", l.Params[16:], l.StackParams)
	}
	if l.Results[0].Reg != V0 || l.Results[1].Reg != X0 || l.StackResults != 0 || l.ArgArea() != 16 {
		t.Errorf("results %+v, area %d", l.Results, l.ArgArea())
	}
	if _, err := Layout(&wasm.FuncType{Params: []wasm.ValType{{Kind: wasm.KindV128}}}); err == nil {
		t.Error("v128 accepted")
	}
}

func TestPrologue(t *testing.T) {
	for _, c := range []struct {
		frame int32
		want  string
	}{
		{0, `
			stp x29, x30, [sp,#-16]!
			mov x29, sp
			ldr x16, [x19,#32]
			cmp sp, x16
			b.cc .+0x1c
			ldr x16, [x28,#16]
			cmn x16, #0x522
			b.eq .+0x14
			mov sp, x29
			ldp x29, x30, [sp],#16
			ret
			bl .+0x0
			bl .+0x0
			b .+0xffffffffffffffec`},
		// A frame within abi.LeafFrame: SP itself is checked.
		{40, `
			stp x29, x30, [sp,#-16]!
			mov x29, sp
			ldr x16, [x19,#32]
			cmp sp, x16
			b.cc .+0x20
			ldr x16, [x28,#16]
			cmn x16, #0x522
			b.eq .+0x18
			sub sp, sp, #0x30
			mov sp, x29
			ldp x29, x30, [sp],#16
			ret
			bl .+0x0
			bl .+0x0
			b .+0xffffffffffffffe8`},
		{0x123450, `
			stp x29, x30, [sp,#-16]!
			mov x29, sp
			ldr x16, [x19,#32]
			sub x17, sp, #0x123, lsl #12
			sub x17, x17, #0x450
			cmp x17, x16
			b.cc .+0x24
			ldr x16, [x28,#16]
			cmn x16, #0x522
			b.eq .+0x1c
			sub sp, sp, #0x123, lsl #12
			sub sp, sp, #0x450
			mov sp, x29
			ldp x29, x30, [sp],#16
			ret
			bl .+0x0
			bl .+0x0
			b .+0xffffffffffffffe4`},
		{0x1234560, `
			stp x29, x30, [sp,#-16]!
			mov x29, sp
			ldr x16, [x19,#32]
			mov x17, #0xffffffffffffbaa0
			movk x17, #0xfedc, lsl #16
			add x17, sp, x17
			cmp x17, x16
			b.cc .+0x28
			ldr x16, [x28,#16]
			cmn x16, #0x522
			b.eq .+0x20
			mov x17, #0xffffffffffffbaa0
			movk x17, #0xfedc, lsl #16
			add sp, sp, x17
			mov sp, x29
			ldp x29, x30, [sp],#16
			ret
			bl .+0x0
			bl .+0x0
			b .+0xffffffffffffffe0`},
	} {
		a := NewAsm()
		a.Prologue(c.frame)
		a.Epilogue()
		fc, err := a.Finish()
		checkGolden(t, "prologue", fc, err, c.want)
		if err == nil && (len(fc.Relocs) != 2 || fc.Relocs[0].Index != uint32(abi.TrapStackOverflow) || fc.Relocs[1].Stub != StubYield) {
			t.Errorf("relocs %+v", fc.Relocs)
		}
	}
	checkFails(t, "huge frame", func(a *Asm) { a.Prologue(1<<31 - 1) })
}

func TestFixedStubs(t *testing.T) {
	fc, err := ExitStub()
	checkGolden(t, "exit", fc, err, `
		str x30, [sp,#-16]!
		mov x16, sp
		str x16, [x19,#16]
		str x29, [x19,#24]
		ldr x16, [x19]
		mov sp, x16
		ldr x29, [x19,#8]
		ldr x30, [sp],#16
		ret`)
	fc, err = TrapStub(abi.TrapIntegerOverflow)
	checkGolden(t, "trap", fc, err, `
		mov w16, #0x3
		str w16, [x19,#48]
		mov w16, #0x1
		str w16, [x19,#44]
		str x30, [x19,#56]
		str x29, [x19,#64]
		str x20, [x19,#72]
		b .+0x0`)
	if len(fc.Relocs) != 1 || fc.Relocs[0].Stub != StubExit || fc.Relocs[0].Offset != 28 {
		t.Errorf("trap relocs %+v", fc.Relocs)
	}
	fc, err = BuiltinStub(abi.BuiltinTableGrow)
	checkGolden(t, "builtin", fc, err, `
		stp x29, x30, [sp,#-16]!
		mov x29, sp
		stp x26, x25, [sp,#-48]!
		stp x22, x21, [sp,#32]
		stp x24, x23, [sp,#16]
		str x20, [x19,#72]
		mov w16, #0x6
		movk w16, #0x8000, lsl #16
		str w16, [x19,#52]
		ldr x16, [x19,#96]
		blr x16
		ldp x22, x21, [sp,#32]
		ldp x24, x23, [sp,#16]
		ldp x26, x25, [sp],#48
		ldr x20, [x19,#72]
		ldp x29, x30, [sp],#16
		ret`)
}

func TestHostStubAndShim(t *testing.T) {
	var ps []wasm.ValType
	for range 9 {
		ps = append(ps, wasm.I32)
	}
	ps = append(ps, wasm.F32, wasm.F64)
	sig := &wasm.FuncType{Params: ps, Results: []wasm.ValType{wasm.F32, wasm.I32}}
	fc, err := HostStub(sig, 5)
	checkGolden(t, "host", fc, err, `
		stp x29, x30, [sp,#-16]!
		mov x29, sp
		stp x26, x25, [sp,#-48]!
		stp x22, x21, [sp,#32]
		stp x24, x23, [sp,#16]
		mov w16, w0
		str x16, [x19,#256]
		mov w16, w1
		str x16, [x19,#264]
		mov w16, w2
		str x16, [x19,#272]
		mov w16, w3
		str x16, [x19,#280]
		mov w16, w4
		str x16, [x19,#288]
		mov w16, w5
		str x16, [x19,#296]
		mov w16, w6
		str x16, [x19,#304]
		mov w16, w7
		str x16, [x19,#312]
		ldr x16, [x29,#16]
		mov w16, w16
		str x16, [x19,#320]
		fmov w16, s0
		str x16, [x19,#328]
		str d1, [x19,#336]
		str x20, [x19,#72]
		mov w16, #0x5
		str w16, [x19,#52]
		ldr x16, [x19,#96]
		blr x16
		ldp x22, x21, [sp,#32]
		ldp x24, x23, [sp,#16]
		ldp x26, x25, [sp],#48
		ldr s0, [x19,#256]
		ldr w0, [x19,#264]
		ldr x20, [x19,#72]
		ldp x29, x30, [sp],#16
		ret`)
	fc, err = EntryShim(&wasm.FuncType{Params: ps, Results: []wasm.ValType{wasm.I64, wasm.F64}})
	checkGolden(t, "shim", fc, err, `
		stp x29, x30, [sp,#-16]!
		mov x29, sp
		sub sp, sp, #0x10
		ldr x16, [x19,#320]
		mov w16, w16
		str x16, [sp]
		ldr w0, [x19,#256]
		ldr w1, [x19,#264]
		ldr w2, [x19,#272]
		ldr w3, [x19,#280]
		ldr w4, [x19,#288]
		ldr w5, [x19,#296]
		ldr w6, [x19,#304]
		ldr w7, [x19,#312]
		ldr s0, [x19,#328]
		ldr d1, [x19,#336]
		ldr x16, [x19,#80]
		blr x16
		str x0, [x19,#256]
		str d0, [x19,#264]
		mov sp, x29
		ldp x29, x30, [sp],#16
		ret`)
	// Values past 16 KiB of buffer: 32-bit slots beyond ldr w's reach.
	big := make([]wasm.ValType, 2040)
	for i := range big {
		big[i] = wasm.I32
	}
	big[2039] = wasm.F32
	fc, err = HostStub(&wasm.FuncType{Results: big}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(fc.Code); !strings.Contains(got, "ldr x16, [x19,#16568]\nfmov s0, w16") ||
		!strings.Contains(got, "ldr x16, [x19,#16560]\nmov w16, w16\nstr x16, [x29,#16256]") {
		t.Errorf("far slots not handled:\n%s", got[len(got)-300:])
	}
	if _, err := HostStub(&wasm.FuncType{Params: make([]wasm.ValType, 2049)}, 0); err == nil {
		t.Error("oversized signature accepted")
	}
}

// TestPreemptStub checks the stub a preemption signal sends a thread to:
// it saves every register compiled code may hold (X16, X17 and the flags
// included), exits with StatusPreempted through its own exit path, and
// returns through X18 to the PC in the frame record the signal handler
// pushed, restoring SP and X29 from that record; no relocation (it is
// mapped outside any module).
func TestPreemptStub(t *testing.T) {
	fc, err := PreemptStub()
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Relocs) != 0 {
		t.Errorf("relocs %v", fc.Relocs)
	}
	got := lines(fc.Code)
	for _, want := range []string{
		"sub sp, sp, #0x1f0\nstp x0, x1, [sp]\n",
		"stp x16, x17, [sp,#128]\n",
		"stp x27, x30, [sp,#208]\nmrs x0, s3_3_c4_c2_0\nstr x0, [sp,#224]\n",
		"mov w16, #0x5\nstr w16, [x19,#44]\n",
		"ldr x0, [sp,#224]\nmsr s3_3_c4_c2_0, x0\n",
		"ldr x18, [x29,#8]\nadd sp, x29, #0x10\nldr x29, [x29]\nbr x18\nstr x30, [sp,#-16]!\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("preempt stub lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "stp "); n != 14+16 {
		t.Errorf("%d register pairs saved, want 30:\n%s", n, got)
	}
	if n := strings.Count(got, "ldp "); n != 14+16 {
		t.Errorf("%d register pairs restored, want 30:\n%s", n, got)
	}
	if abi.StatusPreempted != 5 || abi.ExecStatus != 44 {
		t.Fatal("the golden lines above assume StatusPreempted 5 at ExecStatus 44")
	}
}
