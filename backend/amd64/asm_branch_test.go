package amd64

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/runtime/abi"
	"golang.org/x/arch/x86/x86asm"
)

// disasm decodes code into one Intel-syntax line per instruction, with
// PC-relative targets shown as absolute offsets.
func disasm(t *testing.T, code []byte) []string {
	t.Helper()
	var out []string
	for pc := 0; pc < len(code); {
		inst, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			t.Fatalf("decode at %#x (% x): %v", pc, code[pc:min(pc+16, len(code))], err)
		}
		out = append(out, x86asm.IntelSyntax(inst, uint64(pc), nil))
		pc += inst.Len
	}
	return out
}

func finish(t *testing.T, a *Asm) FuncCode {
	t.Helper()
	fc, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

func checkLines(t *testing.T, what string, got []string, want string) {
	t.Helper()
	w := strings.Split(strings.TrimSpace(want), "\n")
	for i := range w {
		w[i] = strings.TrimSpace(w[i])
	}
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s:\ngot:\n\t%s\nwant:\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(w, "\n\t"))
	}
}

func TestAsmBranches(t *testing.T) {
	for c := CondO; c <= CondG; c++ {
		a := NewAsm()
		fwd, back := a.NewLabel(), a.NewLabel()
		a.Bind(back)
		a.Nop(3)
		a.Jcc(c, back) // short: bound and near
		a.Jcc(c, fwd)  // near: not bound yet
		a.Nop(200)
		a.Bind(fwd)
		a.Jcc(c, back) // near: too far for rel8
		code := finish(t, a).Code
		for _, chk := range []struct {
			at, len, target int
		}{{3, 2, 0}, {5, 6, 211}, {211, 6, 0}} {
			inst, err := x86asm.Decode(code[chk.at:], 64)
			if err != nil || inst.Op != condTable[c].jcc || inst.Len != chk.len ||
				chk.at+chk.len+int(inst.Args[0].(x86asm.Rel)) != chk.target {
				t.Errorf("cond %d at %d: % x = %v (%v), want jump to %d in %d bytes", c, chk.at, code[chk.at:chk.at+inst.Len], inst, err, chk.target, chk.len)
			}
		}
	}
	a := NewAsm()
	top, end, fn := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Bind(top)
	a.Jmp(top)
	a.Jmp(end)
	a.Call(fn)
	a.LeaLabel(R13, end)
	a.Bind(fn)
	a.Nop(130)
	a.Jmp(top)
	a.Bind(end)
	a.Ret()
	checkLines(t, "jumps", disasm(t, finish(t, a).Code), `
		jmp .-0x2
		jmp 0x9a
		call 0x13
		lea r13, ptr [rip+0x87]
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop word ptr [rax+rax], ax
		nop dword ptr [rax], eax
		jmp 0x0
		ret
	`)
}

func TestAsmJumpTable(t *testing.T) {
	a := NewAsm()
	table, l1, l2 := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Bind(l1)
	a.Ret()
	a.Bind(table)
	a.JumpTableEntry(l1, table)
	a.JumpTableEntry(l2, table)
	a.Bind(l2)
	a.Ret()
	code := finish(t, a).Code
	if got := int32(binary.LittleEndian.Uint32(code[1:])); got != -1 {
		t.Errorf("entry 0 = %d, want -1", got)
	}
	if got := int32(binary.LittleEndian.Uint32(code[5:])); got != 8 {
		t.Errorf("entry 1 = %d, want 8", got)
	}
}

func TestAsmRelocs(t *testing.T) {
	a := NewAsm()
	a.CallFunc(7)
	a.CallStub(StubBuiltin, uint32(abi.BuiltinMemoryGrow))
	a.LeaFunc(R9, 3)
	a.LeaStub(RAX, StubHost, 2)
	a.JmpStub(StubExit, 0)
	a.TrapIf(CondE, abi.TrapIntegerDivideByZero)
	a.TrapIf(CondO, abi.TrapIntegerOverflow)
	a.TrapIf(CondB, abi.TrapIntegerDivideByZero) // shares the first site
	a.Trap(abi.TrapUnreachable)
	fc := finish(t, a)
	want := []Reloc{
		{1, RelocFunc, 0, 7},
		{6, RelocStub, StubBuiltin, uint32(abi.BuiltinMemoryGrow)},
		{13, RelocFunc, 0, 3},
		{20, RelocStub, StubHost, 2},
		{25, RelocStub, StubExit, 0},
		{36, RelocStub, StubTrap, uint32(abi.TrapUnreachable)},
		{41, RelocStub, StubTrap, uint32(abi.TrapIntegerDivideByZero)},
		{46, RelocStub, StubTrap, uint32(abi.TrapIntegerOverflow)},
	}
	if len(fc.Relocs) != len(want) {
		t.Fatalf("relocs = %+v, want %+v", fc.Relocs, want)
	}
	for i := range want {
		if fc.Relocs[i] != want[i] {
			t.Errorf("reloc %d = %+v, want %+v", i, fc.Relocs[i], want[i])
		}
	}
	checkLines(t, "relocs", disasm(t, fc.Code), `
		call .+0x0
		call 0xa
		lea r9, ptr [rip]
		lea rax, ptr [rip]
		jmp 0x1d
		jz 0x28
		jo 0x2d
		jb 0x28
		call 0x28
		call 0x2d
		call 0x32
	`)
}
