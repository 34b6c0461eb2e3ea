package arm64

import (
	"encoding/binary"
	"testing"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

func fnType(params, results []wasm.ValType) wasm.SubType {
	return wasm.SubType{Final: true, Kind: wasm.CompFunc, Func: wasm.FuncType{Params: params, Results: results}}
}

// linkModule has two function imports (types 1 and 0) around a memory
// import, three defined functions, a duplicate signature (type 2 = type 0)
// and two types no function uses.
func linkModule() *wasm.Module {
	i32 := []wasm.ValType{wasm.I32}
	return &wasm.Module{
		Types: []wasm.SubType{
			fnType(i32, i32), fnType(nil, nil), fnType(i32, i32),
			{Kind: wasm.CompStruct}, fnType([]wasm.ValType{wasm.F64}, nil),
		},
		Imports: []wasm.Import{
			{Module: "env", Name: "f", Kind: wasm.ExternFunc, Func: 1},
			{Module: "env", Name: "mem", Kind: wasm.ExternMemory},
			{Module: "env", Name: "g", Kind: wasm.ExternFunc, Func: 0},
		},
		NumImportedFuncs:    2,
		NumImportedMemories: 1,
		Funcs:               []uint32{0, 1, 2},
	}
}

// linkFuncs: f0 calls f2 (index 4) and a builtin and traps; f1 is padded
// with pad nops; f2 calls f0 (index 2) and traps.
func linkFuncs(t *testing.T, pad int) []FuncCode {
	a := NewAsm()
	a.Prologue(16)
	a.CallFunc(4)
	a.CallStub(StubBuiltin, uint32(abi.BuiltinMemoryGrow))
	a.TrapIf(CondEQ, abi.TrapIntegerDivideByZero)
	a.Epilogue()
	f0, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	a = NewAsm()
	for range pad {
		a.Nop()
	}
	a.Ret()
	f1, _ := a.Finish()
	a = NewAsm()
	a.CallFunc(2)
	a.Trap(abi.TrapUnreachable)
	a.Ret()
	f2, _ := a.Finish()
	return []FuncCode{f0, f1, f2}
}

// callTarget follows the B/BL at off, and the veneer it may reach.
func callTarget(t *testing.T, code []byte, off uint32) (uint32, bool) {
	w := binary.LittleEndian.Uint32(code[off:])
	if w&0x7C000000 != 0x14000000 {
		t.Fatalf("no branch at %#x: %#08x", off, w)
	}
	to := uint32(int64(off) + int64(int32(w<<6)>>4))
	if binary.LittleEndian.Uint32(code[to:]) != 0x98000090 { // ldrsw x16, .+16
		return to, false
	}
	if got := disasm(code[to : to+16]); got != "ldrsw x16, .+0x10; adr x17, .+0xfffffffffffffffc; add x16, x17, x16; br x16" {
		t.Fatalf("veneer at %#x: %s", to, got)
	}
	return uint32(int64(to) + int64(int32(binary.LittleEndian.Uint32(code[to+16:])))), true
}

// checkLinked verifies the layout and every resolved call of linkFuncs.
func checkLinked(t *testing.T, c *backend.Compiled, funcs []FuncCode) (veneers int) {
	t.Helper()
	for i, f := range funcs {
		r := c.Funcs[i]
		if r.Offset%codeAlign != 0 || r.Size != uint32(len(f.Code)) {
			t.Fatalf("func %d range %+v", i, r)
		}
		for _, rel := range f.Relocs {
			to, via := callTarget(t, c.Code, r.Offset+rel.Offset)
			if via {
				veneers++
			}
			switch {
			case rel.Kind == RelocFunc:
				if want := c.Funcs[rel.Index-2].Offset; to != want {
					t.Errorf("func %d call at %#x reaches %#x, want %#x", i, rel.Offset, to, want)
				}
			case rel.Stub == StubTrap:
				// A trap stub: stores the code, then jumps to the exit stub.
				if got := disasm(c.Code[to : to+4]); got != "mov w16, #"+hex(rel.Index) {
					t.Errorf("trap stub at %#x starts %q", to, got)
				}
			case rel.Stub == StubBuiltin:
				if got := disasm(c.Code[to : to+4]); got != "stp x29, x30, [sp,#-16]!" {
					t.Errorf("builtin stub at %#x starts %q", to, got)
				}
			}
		}
	}
	return veneers
}

func hex(v uint32) string {
	const digits = "0123456789abcdef"
	s := ""
	for {
		s = string(digits[v&15]) + s
		v >>= 4
		if v == 0 {
			return "0x" + s
		}
	}
}

func TestLink(t *testing.T) {
	m := linkModule()
	funcs := linkFuncs(t, 3)
	c, err := Link(m, funcs)
	if err != nil {
		t.Fatal(err)
	}
	if c.Arch != "arm64" || len(c.Funcs) != 3 || len(c.HostStubs) != 2 || len(c.EntryShims) != 5 {
		t.Fatalf("compiled %+v", c)
	}
	if v := checkLinked(t, c, funcs); v != 0 {
		t.Errorf("%d veneers in a small module", v)
	}
	if c.EntryShims[0] != c.EntryShims[2] || c.EntryShims[3] != backend.NoOffset || c.EntryShims[4] != backend.NoOffset ||
		c.EntryShims[0] == c.EntryShims[1] {
		t.Errorf("entry shims %v", c.EntryShims)
	}
	for _, off := range append(append([]uint32{}, c.HostStubs...), c.EntryShims[0], c.EntryShims[1]) {
		if off%codeAlign != 0 || disasm(c.Code[off:off+4]) != "stp x29, x30, [sp,#-32]!" && disasm(c.Code[off:off+4]) != "stp x29, x30, [sp,#-16]!" {
			t.Errorf("stub at %#x starts %q", off, disasm(c.Code[off:off+4]))
		}
	}
	// Host stub 1 (type 0: i32 -> i32) calls the runtime through
	// ExecCallback, not through a relocated branch.
	if got := disasm(c.Code[c.HostStubs[1]+10*4 : c.HostStubs[1]+12*4]); got != "ldr x16, [x19,#96]; blr x16" {
		t.Errorf("host stub calls back with %q", got)
	}
	if _, err := Link(m, funcs[:2]); err == nil {
		t.Error("missing function accepted")
	}
	bad := linkFuncs(t, 0)
	bad[1].Relocs = []Reloc{{Offset: 0, Kind: RelocFunc, Index: 1}}
	if _, err := Link(m, bad); err == nil {
		t.Error("call to an import accepted")
	}
	bad[1].Relocs = []Reloc{{Offset: 400, Kind: RelocStub, Stub: StubExit}}
	if _, err := Link(m, bad); err == nil {
		t.Error("relocation outside the code accepted")
	}
}

func TestLinkVeneers(t *testing.T) {
	m := linkModule()
	// f1 is 4 KiB of nops; with a 1 KiB reach the calls between f0 and f2
	// and from both to the stubs go through islands.
	funcs := linkFuncs(t, 1024)
	c, err := link(m, funcs, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if v := checkLinked(t, c, funcs); v < 3 {
		t.Errorf("only %d calls through veneers", v)
	}
	// Every direct call stays within the reach.
	for i, f := range funcs {
		for _, rel := range f.Relocs {
			site := c.Funcs[i].Offset + rel.Offset
			w := binary.LittleEndian.Uint32(c.Code[site:])
			if d := int64(int32(w<<6) >> 4); d >= 1024 || d < -1024 {
				t.Errorf("call at %#x jumps %d", site, d)
			}
		}
	}
	// The full reach needs none.
	c, err = Link(m, funcs)
	if err != nil {
		t.Fatal(err)
	}
	if v := checkLinked(t, c, funcs); v != 0 {
		t.Errorf("%d veneers", v)
	}
}
