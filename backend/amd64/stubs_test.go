package amd64

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

func stubLines(t *testing.T, fc FuncCode, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return disasm(t, fc.Code)
}

// exitReloc checks that a stub's only relocation is its call or jump to
// the exit stub, with the rel32 at offset at.
func exitReloc(t *testing.T, fc FuncCode, at uint32) {
	t.Helper()
	if len(fc.Relocs) != 1 || fc.Relocs[0] != (Reloc{Offset: at, Kind: RelocStub, Stub: StubExit}) {
		t.Errorf("relocs = %+v, want the exit stub at %d", fc.Relocs, at)
	}
}

var smallSig = &wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.F32, wasm.I64, wasm.F64}, Results: []wasm.ValType{wasm.I32, wasm.F64}}

// manySig needs stack parameters (4) and stack results (5).
var manySig = func() *wasm.FuncType {
	f := &wasm.FuncType{}
	for range 10 {
		f.Params = append(f.Params, wasm.I32, wasm.F32)
	}
	f.Results = append(slices.Clone(f.Params), wasm.FuncRef)
	return f
}()

func TestLayout(t *testing.T) {
	l, err := Layout(manySig)
	if err != nil {
		t.Fatal(err)
	}
	if l.StackParams != 32 || l.StackResults != 40 || l.ArgArea() != 80 {
		t.Errorf("stack params %d results %d area %d, want 32 40 80", l.StackParams, l.StackResults, l.ArgArea())
	}
	wantP := []Loc{{Reg: RAX, Offset: 0}, {Reg: X0, Offset: 0}, {Reg: RBX, Offset: 0}, {Reg: X1, Offset: 0}, {Reg: RCX, Offset: 0}, {Reg: X2, Offset: 0}, {Reg: RDX, Offset: 0}, {Reg: X3, Offset: 0}, {Reg: RSI, Offset: 0}, {Reg: X4, Offset: 0},
		{Reg: RDI, Offset: 0}, {Reg: X5, Offset: 0}, {Reg: R8, Offset: 0}, {Reg: X6, Offset: 0}, {Reg: R9, Offset: 0}, {Reg: X7, Offset: 0}, {Reg: NoReg, Offset: 0}, {Reg: NoReg, Offset: 8}, {Reg: NoReg, Offset: 16}, {Reg: NoReg, Offset: 24}}
	if !slices.Equal(l.Params, wantP) {
		t.Errorf("params = %v", l.Params)
	}
	wantR := append(slices.Clone(wantP[:16]), Loc{Reg: NoReg, Offset: 32}, Loc{Reg: NoReg, Offset: 40}, Loc{Reg: NoReg, Offset: 48}, Loc{Reg: NoReg, Offset: 56}, Loc{Reg: NoReg, Offset: 64})
	if !slices.Equal(l.Results, wantR) {
		t.Errorf("results = %v", l.Results)
	}
	if _, err := Layout(&wasm.FuncType{Params: []wasm.ValType{wasm.V128}}); err == nil {
		t.Error("v128 parameter accepted")
	}
	if _, err := EntryShim(&wasm.FuncType{Results: []wasm.ValType{wasm.V128}}); err == nil {
		t.Error("v128 result accepted by EntryShim")
	}
	if _, err := HostStub(&wasm.FuncType{Params: make([]wasm.ValType, abi.ExecArgsSize/8+1)}, 0); err == nil {
		t.Error("signature larger than the buffer accepted")
	}
}

func TestEntryShim(t *testing.T) {
	fc, err := EntryShim(smallSig)
	checkLines(t, "entry shim", stubLines(t, fc, err), `
		mov r11, rsp
		sub rsp, 0x8
		and rsp, -0x10
		mov qword ptr [rsp], r11
		mov eax, dword ptr [r14+0x100]
		movss xmm0, dword ptr [r14+0x108]
		mov rbx, qword ptr [r14+0x110]
		movsd xmm1, qword ptr [r14+0x118]
		mov r12, qword ptr [r15]
		call qword ptr [r14+0x50]
		mov r11d, eax
		mov qword ptr [r14+0x100], r11
		movsd qword ptr [r14+0x108], xmm0
		mov rsp, qword ptr [rsp]
		ret
	`)
	if len(fc.Relocs) != 0 {
		t.Errorf("entry shim has relocations %v", fc.Relocs)
	}
	fc, err = EntryShim(manySig)
	lines := stubLines(t, fc, err)
	for _, want := range []string{
		"sub rsp, 0x58",                     // 4 stack params + 5 stack results + the caller's RSP
		"mov qword ptr [rsp+0x50], r11",     // the caller's RSP, above the argument area
		"mov r11d, dword ptr [r14+0x198]",   // param 19 (f32) from the buffer...
		"mov qword ptr [rsp+0x18], r11",     // ...to the 4th stack slot
		"movss xmm7, dword ptr [r14+0x178]", // param 15 in X7
		"mov r11, qword ptr [rsp+0x40]",     // result 20 (funcref), 5th stack result
		"mov qword ptr [r14+0x1a0], r11",    // stored to slot 20
		"movd r11d, xmm7",                   // result 15
		"mov r11d, r9d",                     // result 14, zero-extended
		"call qword ptr [r14+0x50]",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("entry shim for many values lacks %q:\n\t%s", want, strings.Join(lines, "\n\t"))
		}
	}
}

func TestHostStub(t *testing.T) {
	fc, err := HostStub(smallSig, 3)
	checkLines(t, "host stub", stubLines(t, fc, err), `
		push rbp
		mov rbp, rsp
		mov r11d, eax
		mov qword ptr [r14+0x100], r11
		movd r11d, xmm0
		mov qword ptr [r14+0x108], r11
		mov qword ptr [r14+0x110], rbx
		movsd qword ptr [r14+0x118], xmm1
		mov qword ptr [r14+0x48], r15
		mov dword ptr [r14+0x34], 0x3
		call qword ptr [r14+0x60]
		mov eax, dword ptr [r14+0x100]
		movsd xmm0, qword ptr [r14+0x108]
		mov r15, qword ptr [r14+0x48]
		mov r12, qword ptr [r15]
		pop rbp
		ret
	`)
	if len(fc.Relocs) != 0 {
		t.Errorf("host stub relocs %v: it calls through ExecCallback", fc.Relocs)
	}
	fc, err = HostStub(manySig, 1)
	lines := stubLines(t, fc, err)
	for _, want := range []string{
		"mov r11d, dword ptr [rbp+0x28]",    // 4th stack param, from the caller's frame
		"mov qword ptr [r14+0x198], r11",    // to slot 19
		"mov r11, qword ptr [r14+0x1a0]",    // result 20 from the buffer...
		"mov qword ptr [rsp+0x50], r11",     // ...to the caller's 5th stack result
		"movss xmm7, dword ptr [r14+0x178]", // result 15
		"mov dword ptr [r14+0x34], 0x1",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("host stub for many values lacks %q:\n\t%s", want, strings.Join(lines, "\n\t"))
		}
	}
}

func TestFixedStubs(t *testing.T) {
	fc, err := BuiltinStub(abi.BuiltinTableGrow)
	checkLines(t, "builtin stub", stubLines(t, fc, err), `
		push rbp
		mov rbp, rsp
		mov qword ptr [r14+0x48], r15
		mov dword ptr [r14+0x34], -0x7ffffffa
		call qword ptr [r14+0x60]
		mov r15, qword ptr [r14+0x48]
		mov r12, qword ptr [r15]
		pop rbp
		ret
	`)
	if len(fc.Relocs) != 0 {
		t.Errorf("builtin stub relocs %v: it calls through ExecCallback", fc.Relocs)
	}
	fc, err = TrapStub(abi.TrapIndirectCallType)
	checkLines(t, "trap stub", stubLines(t, fc, err), `
		mov dword ptr [r14+0x30], 0x9
		mov dword ptr [r14+0x2c], 0x1
		mov r11, qword ptr [rsp]
		mov qword ptr [r14+0x38], r11
		lea r11, ptr [rsp+0x8]
		mov qword ptr [r14+0x40], r11
		mov qword ptr [r14+0x48], r15
		jmp 0x2a
	`)
	exitReloc(t, fc, 38)
	fc, err = ExitStub()
	checkLines(t, "exit stub", stubLines(t, fc, err), `
		mov qword ptr [r14+0x10], rsp
		mov qword ptr [r14+0x18], rbp
		mov rsp, qword ptr [r14]
		mov rbp, qword ptr [r14+0x8]
		ret
	`)
}

// TestPreemptStub checks the stub a preemption signal sends a thread to:
// the frame backtraces expect (RBP, then the interrupted PC above it), the
// flags below RBP, every register saved and restored around its own exit
// path, and no relocation (it is mapped outside any module).
func TestPreemptStub(t *testing.T) {
	fc, err := PreemptStub()
	lines := stubLines(t, fc, err)
	if len(fc.Relocs) != 0 {
		t.Errorf("relocs %v", fc.Relocs)
	}
	n := len(lines)
	if n < 14 {
		t.Fatalf("%d lines", n)
	}
	checkLines(t, "preempt stub entry", lines[:5], `
		push rbp
		mov rbp, rsp
		pushfq
		cld
		sub rsp, 0x178
	`)
	checkLines(t, "preempt stub exit", lines[n-9:], `
		lea rsp, ptr [rbp-0x8]
		popfq
		pop rbp
		ret
		mov qword ptr [r14+0x10], rsp
		mov qword ptr [r14+0x18], rbp
		mov rsp, qword ptr [r14]
		mov rbp, qword ptr [r14+0x8]
		ret
	`)
	saves, loads := 0, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "movups xmmword ptr [rsp"), strings.HasPrefix(l, "mov qword ptr [rsp"):
			saves++
		case strings.HasPrefix(l, "movups xmm") && strings.Contains(l, "[rsp"), strings.HasPrefix(l, "mov ") && strings.Contains(l, ", qword ptr [rsp"):
			loads++
		}
	}
	if saves != 30 || loads != 30 {
		t.Errorf("%d saves and %d loads, want 30 each (14 GPRs, 16 XMMs)", saves, loads)
	}
	if !slices.Contains(lines, fmt.Sprintf("mov dword ptr [r14+%#x], %#x", abi.ExecStatus, abi.StatusPreempted)) {
		t.Errorf("no StatusPreempted:\n%s", strings.Join(lines, "\n"))
	}
}

func TestPrologue(t *testing.T) {
	// A frame over abi.LeafFrame checks where SP will be; a smaller one
	// checks SP.
	a := NewAsm()
	big := FrameSize(5000, true)
	a.Prologue(big)
	a.Epilogue(big)
	a.Prologue(FrameSize(0, true))
	a.InterruptCheck()
	fc := finish(t, a)
	checkLines(t, "prologue", disasm(t, fc.Code), `
		lea r11, ptr [rsp+0xffffec78]
		cmp r11, qword ptr [r14+0x20]
		jnb 0x13
		call 0x13
		sub rsp, 0x1388
		cmp qword ptr [rbp], -0x522
		jz 0x4f
		add rsp, 0x1388
		ret
		sub rsp, 0x8
		cmp rsp, qword ptr [r14+0x20]
		jb 0x4a
		cmp qword ptr [rbp], -0x522
		jz 0x56
		cmp qword ptr [rbp], -0x522
		jz 0x5d
		call 0x4f
		call 0x54
		jmp 0x24
		call 0x5b
		jmp 0x40
		call 0x62
		jmp 0x4a
	`)
	want := []Reloc{{0x0f, RelocStub, StubTrap, uint32(abi.TrapStackOverflow)}, {0x4b, RelocStub, StubTrap, uint32(abi.TrapStackOverflow)},
		{0x50, RelocStub, StubYield, 0}, {0x57, RelocStub, StubYield, 0}, {0x5e, RelocStub, StubYield, 0}}
	if !slices.Equal(fc.Relocs, want) {
		t.Errorf("relocs = %v, want %v", fc.Relocs, want)
	}
}
