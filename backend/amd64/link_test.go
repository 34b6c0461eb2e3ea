package amd64

import (
	"bytes"
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

func linkFuncs(t *testing.T) []FuncCode {
	a := NewAsm()
	frame := FrameSize(16, true)
	a.Prologue(frame)
	a.CallFunc(4)
	a.CallStub(StubBuiltin, uint32(abi.BuiltinMemoryGrow))
	a.TrapIf(CondE, abi.TrapIntegerDivideByZero)
	a.LeaFunc(RAX, 3)
	a.LeaStub(RCX, StubHost, 1)
	a.Epilogue(frame)
	f0 := finish(t, a)
	a = NewAsm()
	a.Ret()
	f1 := finish(t, a)
	a = NewAsm()
	a.Trap(abi.TrapUnreachable)
	a.Ret()
	return []FuncCode{f0, f1, finish(t, a)}
}

// target resolves the rel32 at field.
func target(code []byte, field uint32) uint32 {
	return field + 4 + uint32(int32(binary.LittleEndian.Uint32(code[field:])))
}

// sameStub checks that code at off is want with its relocations resolved,
// each to the exit stub at exit.
func sameStub(t *testing.T, what string, c *backend.Compiled, off uint32, want FuncCode, exit uint32) {
	t.Helper()
	if off%16 != 0 || int(off)+len(want.Code) > len(c.Code) {
		t.Fatalf("%s at %d: misaligned or outside the code", what, off)
	}
	got := c.Code[off : off+uint32(len(want.Code))]
	w := bytes.Clone(want.Code)
	for _, r := range want.Relocs {
		if r.Stub != StubExit {
			t.Fatalf("%s: unexpected reloc %+v", what, r)
		}
		binary.LittleEndian.PutUint32(w[r.Offset:], exit-(off+r.Offset+4))
	}
	if !bytes.Equal(got, w) {
		t.Errorf("%s at %d:\n got % x\nwant % x", what, off, got, w)
	}
}

func TestLink(t *testing.T) {
	m := linkModule()
	funcs := linkFuncs(t)
	c, err := Link(m, funcs)
	if err != nil {
		t.Fatal(err)
	}
	if c.Arch != "amd64" || len(c.Funcs) != 3 {
		t.Fatalf("arch %q, %d funcs", c.Arch, len(c.Funcs))
	}
	for i, f := range c.Funcs {
		if f.Offset%16 != 0 || int(f.Size) != len(funcs[i].Code) || c.FuncAt(f.Offset+f.Size-1) != i {
			t.Errorf("func %d at %+v", i, f)
		}
	}
	exit, err := ExitStub()
	if err != nil {
		t.Fatal(err)
	}
	// The exit stub follows the functions.
	exitAt := (c.Funcs[2].Offset + c.Funcs[2].Size + 15) &^ 15
	sameStub(t, "exit stub", c, exitAt, exit, 0)
	if c.FuncAt(exitAt) != -1 {
		t.Error("FuncAt finds a function at the exit stub")
	}
	// Host stubs, one per function import, numbered in the function space.
	if len(c.HostStubs) != 2 {
		t.Fatalf("host stubs %v", c.HostStubs)
	}
	for i, tidx := range []uint32{1, 0} {
		want, err := HostStub(&m.Types[tidx].Func, uint32(i))
		if err != nil {
			t.Fatal(err)
		}
		sameStub(t, "host stub", c, c.HostStubs[i], want, exitAt)
	}
	// Entry shims: types 0 and 2 share one, 1 has its own, 3 and 4 none.
	e := c.EntryShims
	if len(e) != 5 || e[0] != e[2] || e[0] == backend.NoOffset || e[1] == backend.NoOffset || e[1] == e[0] ||
		e[3] != backend.NoOffset || e[4] != backend.NoOffset {
		t.Fatalf("entry shims %v", e)
	}
	for _, tidx := range []uint32{0, 1} {
		want, err := EntryShim(&m.Types[tidx].Func)
		if err != nil {
			t.Fatal(err)
		}
		sameStub(t, "entry shim", c, e[tidx], want, exitAt)
	}
	// Function 0's relocations.
	f0 := c.Funcs[0].Offset
	rs := funcs[0].Relocs
	if len(rs) != 7 { // trap sites (the prologue's, the division's), then the yield site
		t.Fatalf("relocs %+v", rs)
	}
	if got := target(c.Code, f0+rs[0].Offset); got != c.Funcs[2].Offset {
		t.Errorf("call func 4 goes to %d, want %d", got, c.Funcs[2].Offset)
	}
	b, _ := BuiltinStub(abi.BuiltinMemoryGrow)
	sameStub(t, "builtin stub", c, target(c.Code, f0+rs[1].Offset), b, exitAt)
	if got := target(c.Code, f0+rs[2].Offset); got != c.Funcs[1].Offset {
		t.Errorf("lea func 3 gives %d, want %d", got, c.Funcs[1].Offset)
	}
	if got := target(c.Code, f0+rs[3].Offset); got != c.HostStubs[1] {
		t.Errorf("lea host stub 1 gives %d, want %d", got, c.HostStubs[1])
	}
	for i, code := range []abi.TrapCode{abi.TrapStackOverflow, abi.TrapIntegerDivideByZero} {
		tr, _ := TrapStub(code)
		sameStub(t, "trap stub", c, target(c.Code, f0+rs[4+i].Offset), tr, exitAt)
	}
	y, _ := YieldStub()
	sameStub(t, "yield stub", c, target(c.Code, f0+rs[6].Offset), y, exitAt)
	tr, _ := TrapStub(abi.TrapUnreachable)
	sameStub(t, "trap stub", c, target(c.Code, c.Funcs[2].Offset+funcs[2].Relocs[0].Offset), tr, exitAt)
	// Padding between functions is int3.
	for p := c.Funcs[0].Offset + c.Funcs[0].Size; p < c.Funcs[1].Offset; p++ {
		if c.Code[p] != 0xCC {
			t.Fatalf("padding byte %#x at %d", c.Code[p], p)
		}
	}
}

func TestLinkErrors(t *testing.T) {
	withReloc := func(r Reloc) []FuncCode {
		fs := linkFuncs(t)
		fs[1].Relocs = append(fs[1].Relocs, r)
		return fs
	}
	cases := []struct {
		name  string
		m     func() *wasm.Module
		funcs []FuncCode
	}{
		{"too few bodies", linkModule, linkFuncs(t)[:2]},
		{"call to an import", linkModule, withReloc(Reloc{Kind: RelocFunc, Index: 1})},
		{"call beyond the functions", linkModule, withReloc(Reloc{Kind: RelocFunc, Index: 5})},
		{"unknown stub", linkModule, withReloc(Reloc{Kind: RelocStub, Stub: StubHost, Index: 2})},
		{"reloc outside its code", linkModule, withReloc(Reloc{Offset: 0, Kind: RelocFunc, Index: 2})},
		{"bad reloc kind", linkModule, withReloc(Reloc{Kind: 9})},
		{"function of a struct type", func() *wasm.Module { m := linkModule(); m.Funcs[1] = 3; return m }, linkFuncs(t)},
		{"type index out of range", func() *wasm.Module { m := linkModule(); m.Funcs[1] = 30; return m }, linkFuncs(t)},
		{"import of a bad type", func() *wasm.Module { m := linkModule(); m.Imports[0].Func = 3; return m }, linkFuncs(t)},
		{"import count mismatch", func() *wasm.Module { m := linkModule(); m.NumImportedFuncs = 1; return m }, linkFuncs(t)},
		{"v128 signature", func() *wasm.Module {
			m := linkModule()
			m.Types[1].Func.Params = []wasm.ValType{wasm.V128}
			return m
		}, linkFuncs(t)},
	}
	for _, c := range cases {
		if _, err := Link(c.m(), c.funcs); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
