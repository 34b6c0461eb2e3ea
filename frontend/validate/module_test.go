package validate

import (
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Constant expressions in binary form.

func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func expr(code ...[]byte) wasm.ConstExpr {
	var b []byte
	for _, c := range code {
		b = append(b, c...)
	}
	return wasm.ConstExpr{Code: append(b, 0x0b), Offset: 100}
}

func i32c(v int32) []byte             { return append([]byte{0x41}, sleb(int64(v))...) }
func i64c(v int64) []byte             { return append([]byte{0x42}, sleb(v)...) }
func refNullC(h wasm.HeapType) []byte { return append([]byte{0xd0}, sleb(int64(h))...) }
func refFuncC(x uint32) []byte        { return []byte{0xd2, byte(x)} }
func globalGetC(x uint32) []byte      { return []byte{0x23, byte(x)} }

var (
	voidFn = fn(nil, nil)
	mem1   = wasm.MemoryType{Limits: wasm.Limits{Min: 1}, PageSizeLog2: 16}
	tab1   = wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1}}
	endFn  = wasm.Code{Body: []byte{0x0b}, Offset: 200}
)

// withFuncs adds n defined functions of type 0 with empty bodies.
func withFuncs(m *wasm.Module, n int) *wasm.Module {
	for range n {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, endFn)
	}
	return m
}

// base is a module with type 0 = [] -> [] and type 1 = [i32] -> [i32].
func base() *wasm.Module {
	return typeModule(group(voidFn), group(fn(vals(wasm.I32), vals(wasm.I32))))
}

func TestModuleRules(t *testing.T) {
	type tc struct {
		name  string
		build func(m *wasm.Module)
		feat  wasm.Features // 0 means wasm.All
		want  string
	}
	limits := func(min, max uint64) wasm.Limits { return wasm.Limits{Min: min, Max: max, HasMax: true} }
	tests := []tc{
		{"empty", func(m *wasm.Module) {}, 0, ""},
		{"func type unknown", func(m *wasm.Module) { m.Funcs, m.Codes = []uint32{5}, []wasm.Code{endFn} }, 0, "unknown type 5"},
		{"func type not func", func(m *wasm.Module) {
			m.Types = append(m.Types, strct())
			m.RecGroups = append(m.RecGroups, wasm.RecGroup{Start: 2, Len: 1})
			m.Funcs, m.Codes = []uint32{2}, []wasm.Code{endFn}
		}, 0, "non-function type 2"},
		{"code count", func(m *wasm.Module) { m.Funcs = []uint32{0} }, 0, "function and code section"},
		{"import func bad type", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternFunc, Func: 9}}
			m.NumImportedFuncs = 1
		}, 0, "unknown type 9"},
		{"import counts", func(m *wasm.Module) { m.Imports = []wasm.Import{{Kind: wasm.ExternFunc}} }, 0, "import counts"},
		// Memories.
		{"memory ok", func(m *wasm.Module) { m.Memories = []wasm.MemoryType{mem1} }, 0, ""},
		{"memory max pages", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: limits(0, 65536), PageSizeLog2: 16}}
		}, 0, ""},
		{"memory too big", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 65537}, PageSizeLog2: 16}}
		}, 0, "memory size must be at most 65536 pages (4GiB)"},
		{"memory max too big", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: limits(0, 1<<32), PageSizeLog2: 16}}
		}, 0, "memory size"},
		{"memory64 bound", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1 << 48, Is64: true}, PageSizeLog2: 16}}
		}, 0, ""},
		{"memory64 too big", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1<<48 + 1, Is64: true}, PageSizeLog2: 16}}
		}, 0, "memory size must be at most 2^48"},
		{"imported memory too big", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternMemory, Memory: wasm.MemoryType{Limits: limits(0, 65537), PageSizeLog2: 16}}}
			m.NumImportedMemories = 1
		}, 0, "memory size"},
		{"memory min > max", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: limits(2, 1), PageSizeLog2: 16}}
		}, 0, "size minimum must not be greater than maximum"},
		{"page size 1", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1<<32 - 1}}}
		}, 0, ""},
		{"page size 1 too big", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1 << 32}}}
		}, 0, "memory size must be at most"},
		{"page size 1 disabled", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1}}}
		}, wasm.V3, "invalid custom page size"},
		{"page size 2", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1}, PageSizeLog2: 1}}
		}, 0, "invalid custom page size"},
		{"shared without max", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1, Shared: true}, PageSizeLog2: 16}}
		}, 0, "shared memory must have maximum"},
		{"shared with max", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true, Shared: true}, PageSizeLog2: 16}}
		}, 0, ""},
		{"two memories", func(m *wasm.Module) { m.Memories = []wasm.MemoryType{mem1, mem1} }, 0, ""},
		{"two memories v2", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternMemory, Memory: mem1}}
			m.NumImportedMemories = 1
			m.Memories = []wasm.MemoryType{mem1}
		}, wasm.V2, "multiple memories"},
		// Tables.
		{"table ok", func(m *wasm.Module) { m.Tables = []wasm.Table{{Type: tab1}} }, 0, ""},
		{"table too big", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1 << 32}}}}
		}, 0, "table size must be at most 2^32-1"},
		{"table64 big", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1 << 40, Is64: true}}}}
		}, 0, ""},
		{"table min > max", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef, Limits: limits(0xffff_ffff, 0)}}}
		}, 0, "size minimum must not be greater than maximum"},
		{"table non-nullable without init", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: vtRef(0)}}}
		}, 0, "type mismatch"},
		{"table non-nullable imported", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternTable, Table: wasm.TableType{Elem: vtRef(0)}}}
			m.NumImportedTables = 1
		}, 0, ""},
		{"table unknown elem type", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: vtRefNull(7)}}}
		}, 0, "unknown type 7"},
		{"two tables v1", func(m *wasm.Module) { m.Tables = []wasm.Table{{Type: tab1}, {Type: tab1}} }, wasm.V1, "multiple tables"},
		{"two tables", func(m *wasm.Module) { m.Tables = []wasm.Table{{Type: tab1}, {Type: tab1}} }, 0, ""},
		// Globals.
		{"global unknown type", func(m *wasm.Module) {
			m.Globals = []wasm.Global{{Type: wasm.GlobalType{Type: vtRefNull(4)}, Init: expr(refNullC(wasm.HeapNone))}}
		}, 0, "unknown type 4"},
		{"imported global unknown type", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: vtRef(4)}}}
			m.NumImportedGlobals = 1
		}, 0, "unknown type 4"},
		// Tags.
		{"tag ok", func(m *wasm.Module) { m.Tags = []wasm.TagType{{Type: 0}} }, 0, ""},
		{"tag unknown type", func(m *wasm.Module) { m.Tags = []wasm.TagType{{Type: 3}} }, 0, "unknown type 3"},
		{"tag results 3.0", func(m *wasm.Module) { m.Tags = []wasm.TagType{{Type: 1}} }, wasm.V3, "non-empty tag result type"},
		{"imported tag results 3.0", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternTag, Tag: wasm.TagType{Type: 1}}}
			m.NumImportedTags = 1
		}, wasm.V3, "non-empty tag result type"},
		{"tag results stack switching", func(m *wasm.Module) { m.Tags = []wasm.TagType{{Type: 1}} }, wasm.V3 | wasm.StackSwitching, ""},
		// Exports.
		{"exports ok", func(m *wasm.Module) {
			withFuncs(m, 1)
			m.Memories = []wasm.MemoryType{mem1}
			m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc}, {Name: "m", Kind: wasm.ExternMemory}}
		}, 0, ""},
		{"duplicate export", func(m *wasm.Module) {
			withFuncs(m, 1)
			m.Memories = []wasm.MemoryType{mem1}
			m.Exports = []wasm.Export{{Name: "a", Kind: wasm.ExternFunc}, {Name: "a", Kind: wasm.ExternMemory}}
		}, 0, "duplicate export name"},
		{"duplicate export many", func(m *wasm.Module) {
			withFuncs(m, 1)
			for i := range 40 {
				m.Exports = append(m.Exports, wasm.Export{Name: string(rune('a' + i%26)), Kind: wasm.ExternFunc})
			}
		}, 0, "duplicate export name"},
		{"export unknown func", func(m *wasm.Module) { m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 0}} }, 0, "unknown function 0"},
		{"export unknown table", func(m *wasm.Module) { m.Exports = []wasm.Export{{Name: "t", Kind: wasm.ExternTable}} }, 0, "unknown table 0"},
		{"export unknown memory", func(m *wasm.Module) { m.Exports = []wasm.Export{{Name: "m", Kind: wasm.ExternMemory, Index: 1}} }, 0, "unknown memory 1"},
		{"export unknown global", func(m *wasm.Module) { m.Exports = []wasm.Export{{Name: "g", Kind: wasm.ExternGlobal}} }, 0, "unknown global 0"},
		{"export unknown tag", func(m *wasm.Module) { m.Exports = []wasm.Export{{Name: "e", Kind: wasm.ExternTag}} }, 0, "unknown tag 0"},
		// Start.
		{"start ok", func(m *wasm.Module) { withFuncs(m, 1); m.HasStart = true }, 0, ""},
		{"start unknown", func(m *wasm.Module) { m.HasStart, m.Start = true, 3 }, 0, "unknown function 3"},
		{"start with params", func(m *wasm.Module) {
			m.Imports = []wasm.Import{{Kind: wasm.ExternFunc, Func: 1}}
			m.NumImportedFuncs = 1
			m.HasStart = true
		}, 0, "start function"},
		// Element segments.
		{"elem active", func(m *wasm.Module) {
			withFuncs(m, 2)
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Elems = []wasm.Elem{{Offset: expr(i32c(0)), Type: wasm.FuncRef, FuncIndices: []uint32{1, 0}}}
		}, 0, ""},
		{"elem no table", func(m *wasm.Module) {
			m.Elems = []wasm.Elem{{Offset: expr(i32c(0)), Type: wasm.FuncRef}}
		}, 0, "unknown table 0"},
		{"elem unknown func", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Elems = []wasm.Elem{{Offset: expr(i32c(0)), Type: wasm.FuncRef, FuncIndices: []uint32{0}}}
		}, 0, "unknown function 0"},
		{"elem type vs table", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Elems = []wasm.Elem{{Offset: expr(i32c(0)), Type: wasm.ExternRef, UsesExprs: true}}
		}, 0, "type mismatch"},
		{"elem subtype of table", func(m *wasm.Module) {
			withFuncs(m, 1)
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Elems = []wasm.Elem{{Offset: expr(i32c(0)), Type: vtRef(0), UsesExprs: true, Exprs: []wasm.ConstExpr{expr(refFuncC(0))}}}
		}, 0, ""},
		{"elem func index type", func(m *wasm.Module) {
			withFuncs(m, 1)
			m.Elems = []wasm.Elem{{Mode: wasm.SegmentPassive, Type: vtRef(1), FuncIndices: []uint32{0}}}
		}, 0, "type mismatch"},
		{"elem passive any table", func(m *wasm.Module) {
			m.Elems = []wasm.Elem{{Mode: wasm.SegmentPassive, Type: wasm.ExternRef, UsesExprs: true,
				Exprs: []wasm.ConstExpr{expr(refNullC(wasm.HeapNoExtern))}}}
		}, 0, ""},
		{"elem unknown type", func(m *wasm.Module) {
			m.Elems = []wasm.Elem{{Mode: wasm.SegmentDeclarative, Type: vtRefNull(9), UsesExprs: true}}
		}, 0, "unknown type 9"},
		{"elem offset i64 on table32", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Elems = []wasm.Elem{{Offset: expr(i64c(0)), Type: wasm.FuncRef}}
		}, 0, "type mismatch"},
		{"elem offset i64 on table64", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Is64: true}}}}
			m.Elems = []wasm.Elem{{Offset: expr(i64c(0)), Type: wasm.FuncRef}}
		}, 0, ""},
		{"elem item type", func(m *wasm.Module) {
			m.Elems = []wasm.Elem{{Mode: wasm.SegmentPassive, Type: wasm.FuncRef, UsesExprs: true,
				Exprs: []wasm.ConstExpr{expr(refNullC(wasm.HeapExtern))}}}
		}, 0, "type mismatch"},
		// Data segments.
		{"data active", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{mem1}
			m.Datas = []wasm.Data{{Offset: expr(i32c(8))}}
		}, 0, ""},
		{"data no memory", func(m *wasm.Module) { m.Datas = []wasm.Data{{Offset: expr(i32c(8))}} }, 0, "unknown memory 0"},
		{"data passive no memory", func(m *wasm.Module) { m.Datas = []wasm.Data{{Mode: wasm.SegmentPassive}} }, 0, ""},
		{"data offset type", func(m *wasm.Module) {
			m.Memories = []wasm.MemoryType{{Limits: wasm.Limits{Is64: true}, PageSizeLog2: 16}}
			m.Datas = []wasm.Data{{Offset: expr(i32c(8))}}
		}, 0, "type mismatch"},
		{"data count", func(m *wasm.Module) {
			m.HasDataCount, m.DataCount = true, 2
			m.Datas = []wasm.Data{{Mode: wasm.SegmentPassive}}
		}, 0, "data count and data section have inconsistent lengths"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.build(m)
			f := tc.feat
			if f == 0 {
				f = wasm.All
			}
			checkErr(t, Module(m, f), tc.want)
		})
	}
}

// TestConstContexts checks which globals each kind of constant expression
// sees, and the declared function references.
func TestConstContexts(t *testing.T) {
	imported := wasm.Import{Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.I32}}
	g := func(e wasm.ConstExpr) wasm.Global { return wasm.Global{Type: wasm.GlobalType{Type: wasm.I32}, Init: e} }
	tests := []struct {
		name  string
		build func(m *wasm.Module)
		want  string
	}{
		{"global sees earlier", func(m *wasm.Module) {
			m.Globals = []wasm.Global{g(expr(i32c(1))), g(expr(globalGetC(0)))}
		}, ""},
		{"global sees itself", func(m *wasm.Module) { m.Globals = []wasm.Global{g(expr(globalGetC(0)))} }, "unknown global 0"},
		{"global sees later", func(m *wasm.Module) {
			m.Globals = []wasm.Global{g(expr(globalGetC(1))), g(expr(i32c(1)))}
		}, "unknown global 1"},
		{"global sees import", func(m *wasm.Module) {
			m.Imports, m.NumImportedGlobals = []wasm.Import{imported}, 1
			m.Globals = []wasm.Global{g(expr(globalGetC(0)))}
		}, ""},
		{"global init type", func(m *wasm.Module) { m.Globals = []wasm.Global{g(expr(i64c(1)))} }, "type mismatch"},
		{"table init sees imports only", func(m *wasm.Module) {
			m.Imports, m.NumImportedGlobals = []wasm.Import{imported}, 1
			m.Globals = []wasm.Global{g(expr(i32c(1)))}
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef}, HasInit: true, Init: expr(globalGetC(1))}}
		}, "unknown global 1"},
		{"table init", func(m *wasm.Module) {
			withFuncs(m, 1)
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: vtRef(0)}, HasInit: true, Init: expr(refFuncC(0))}}
		}, ""},
		{"table init type", func(m *wasm.Module) {
			m.Tables = []wasm.Table{{Type: wasm.TableType{Elem: wasm.FuncRef}, HasInit: true, Init: expr(refNullC(wasm.HeapExtern))}}
		}, "type mismatch"},
		{"offsets see all globals", func(m *wasm.Module) {
			m.Globals = []wasm.Global{g(expr(i32c(1)))}
			m.Memories = []wasm.MemoryType{mem1}
			m.Tables = []wasm.Table{{Type: tab1}}
			m.Datas = []wasm.Data{{Offset: expr(globalGetC(0))}}
			m.Elems = []wasm.Elem{{Offset: expr(globalGetC(0)), Type: wasm.FuncRef}}
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.build(m)
			checkErr(t, Module(m, wasm.All), tc.want)
		})
	}
	// Before GC, constant expressions read imported globals only.
	m := base()
	m.Imports, m.NumImportedGlobals = []wasm.Import{imported}, 1
	m.Globals = []wasm.Global{g(expr(i32c(1)))}
	m.Memories = []wasm.MemoryType{mem1}
	m.Datas = []wasm.Data{{Offset: expr(globalGetC(0))}}
	checkErr(t, Module(m, wasm.V2), "")
	m.Datas = []wasm.Data{{Offset: expr(globalGetC(1))}}
	checkErr(t, Module(m, wasm.V2), "unknown global 1")
	m.Datas = nil
	m.Globals = append(m.Globals, g(expr(globalGetC(1))))
	checkErr(t, Module(m, wasm.V2), "unknown global 1")
	checkErr(t, Module(m, wasm.V3), "")
}

func TestDeclaredFuncs(t *testing.T) {
	m := withFuncs(base(), 7)
	m.Exports = []wasm.Export{{Name: "f1", Kind: wasm.ExternFunc, Index: 1}, {Name: "g", Kind: wasm.ExternGlobal}}
	m.Globals = []wasm.Global{{Type: wasm.GlobalType{Type: wasm.FuncRef}, Init: expr(refFuncC(2))}}
	m.Tables = []wasm.Table{{Type: tab1, HasInit: true, Init: expr(refFuncC(3))}}
	m.Elems = []wasm.Elem{
		{Mode: wasm.SegmentDeclarative, Type: wasm.FuncRef, FuncIndices: []uint32{4}},
		{Mode: wasm.SegmentPassive, Type: wasm.FuncRef, UsesExprs: true, Exprs: []wasm.ConstExpr{expr(refNullC(wasm.HeapFunc)), expr(refFuncC(5))}},
	}
	c := &moduleCtx{m: m, features: wasm.All}
	for _, step := range []func() error{c.checkTypes, c.checkImports, c.checkFuncs, c.collectDeclared} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	want := []bool{false, true, true, true, true, true, false}
	for i, w := range want {
		if c.declared[i] != w {
			t.Errorf("declared[%d] = %v, want %v", i, c.declared[i], w)
		}
	}
	if err := Module(m, wasm.All); err != nil {
		t.Fatal(err)
	}
	if len(c.elemTypes) != 0 {
		t.Fatal("collectDeclared filled elemTypes")
	}
}

func TestErrorOffsets(t *testing.T) {
	m := base()
	m.Memories = []wasm.MemoryType{mem1}
	m.Datas = []wasm.Data{{Memory: 1, Offset: expr(i32c(0))}}
	err := Module(m, wasm.All)
	checkErr(t, err, "unknown memory 1")
	if e := err.(*wasm.Error); e.Offset != 100 || e.Kind != wasm.Invalid || e.Func != -1 {
		t.Errorf("error %+v: want offset 100, Invalid, no function", e)
	}
}
