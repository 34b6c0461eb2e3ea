package validate

import (
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Builders for type sections.

func vtRef(h int32) wasm.ValType     { return wasm.RefType(false, wasm.HeapType(h)) }
func vtRefNull(h int32) wasm.ValType { return wasm.RefType(true, wasm.HeapType(h)) }

func fn(params, results []wasm.ValType) wasm.SubType {
	return wasm.SubType{Final: true, Kind: wasm.CompFunc, Func: wasm.FuncType{Params: params, Results: results}}
}

func strct(fields ...wasm.ValType) wasm.SubType {
	st := wasm.SubType{Final: true, Kind: wasm.CompStruct}
	for _, f := range fields {
		st.Fields = append(st.Fields, wasm.FieldType{Type: f})
	}
	return st
}

func array(elem wasm.FieldType) wasm.SubType {
	return wasm.SubType{Final: true, Kind: wasm.CompArray, Fields: []wasm.FieldType{elem}}
}

func cont(f uint32) wasm.SubType { return wasm.SubType{Final: true, Kind: wasm.CompCont, Cont: f} }

// open makes st non-final with the given supertype (-1 for none).
func open(st wasm.SubType, super int) wasm.SubType {
	st.Final = false
	if super >= 0 {
		st.Supers = []uint32{uint32(super)}
	}
	return st
}

func vals(ts ...wasm.ValType) []wasm.ValType { return ts }

// typeModule builds a module from rec groups given as slices of types.
func typeModule(groups ...[]wasm.SubType) *wasm.Module {
	m := &wasm.Module{}
	for _, g := range groups {
		m.RecGroups = append(m.RecGroups, wasm.RecGroup{Start: uint32(len(m.Types)), Len: uint32(len(g))})
		m.Types = append(m.Types, g...)
	}
	return m
}

func group(ts ...wasm.SubType) []wasm.SubType { return ts }

func typeCtx(t *testing.T, m *wasm.Module) *moduleCtx {
	t.Helper()
	c := &moduleCtx{m: m, features: wasm.All}
	if err := c.checkTypes(); err != nil {
		t.Fatalf("checkTypes: %v", err)
	}
	return c
}

// equiv reports mutual subtyping, i.e. type equivalence.
func equiv(c *moduleCtx, a, b uint32) bool {
	return c.heapSubtype(wasm.HeapType(a), wasm.HeapType(b)) && c.heapSubtype(wasm.HeapType(b), wasm.HeapType(a))
}

func TestCanonicalization(t *testing.T) {
	i32 := wasm.I32
	// type-equivalence.wast, isomorphic recursive types: t0≡t2, t1≡t3, t0≢t1.
	c := typeCtx(t, typeModule(
		group(fn(vals(i32, vtRef(1)), nil), fn(vals(i32, vtRef(0)), nil)),
		group(fn(vals(i32, vtRef(3)), nil), fn(vals(i32, vtRef(2)), nil)),
	))
	if !equiv(c, 0, 2) || !equiv(c, 1, 3) {
		t.Error("isomorphic rec groups are not equivalent")
	}
	if c.heapSubtype(0, 1) || c.heapSubtype(1, 2) {
		t.Error("different positions in a rec group are equivalent")
	}
	if c.types.canon[0] != c.types.canon[2] || len(c.types.info) != 2 {
		t.Errorf("canonical ids %v, %d canonical types; want groups shared", c.types.canon, len(c.types.info))
	}

	// Self-recursive singleton groups, and outer references compared by
	// canonical identity: t4 and t5 refer to different but equivalent types.
	c = typeCtx(t, typeModule(
		group(fn(vals(i32, vtRef(0)), nil)),
		group(fn(vals(i32, vtRef(1)), nil)),
		group(strct(wasm.F32)),
		group(strct(wasm.F32)),
		group(strct(vtRef(2))),
		group(strct(vtRef(3))),
		group(strct(vtRef(0))),
	))
	for _, p := range [][2]uint32{{0, 1}, {2, 3}, {4, 5}} {
		if !equiv(c, p[0], p[1]) {
			t.Errorf("types %d and %d are not equivalent", p[0], p[1])
		}
	}
	if equiv(c, 4, 6) {
		t.Error("structs referring to different types are equivalent")
	}

	// A rec group of two is not equal to a singleton with the same first type.
	c = typeCtx(t, typeModule(
		group(strct(), strct()),
		group(strct()),
		group(strct(), strct()),
	))
	if equiv(c, 0, 2) || !equiv(c, 0, 3) || !equiv(c, 1, 4) {
		t.Errorf("rec group identity wrong: canon %v", c.types.canon)
	}

	// Finality and supertypes are part of the structure.
	c = typeCtx(t, typeModule(
		group(strct()),
		group(open(strct(), -1)),
		group(open(strct(), 1)),
		group(open(strct(), -1)),
		group(open(strct(), 3)),
	))
	if equiv(c, 0, 1) {
		t.Error("final and non-final types are equivalent")
	}
	if !equiv(c, 1, 3) || !equiv(c, 2, 4) {
		t.Error("equal declarations with equivalent supertypes are not equivalent")
	}
}

func TestTypeCanonWast(t *testing.T) {
	i32 := wasm.I32
	// type-canon.wast: groups whose members refer forward within the group.
	typeCtx(t, typeModule(group(
		fn(vals(i32, vtRef(2)), nil), fn(vals(i32, vtRef(0)), nil), fn(vals(i32, vtRef(1)), nil))))
	typeCtx(t, typeModule(group(
		fn(vals(i32, vtRef(2), vtRef(3)), nil),
		fn(vals(i32, vtRef(0), i32, vtRef(4)), nil),
		fn(vals(i32, vtRef(2), vtRef(1)), nil),
		fn(vals(i32, vtRef(2), i32, vtRef(4)), nil),
		fn(vals(vtRef(0), vtRef(2)), nil))))
}

func TestSubtypeChains(t *testing.T) {
	i32, i64 := wasm.I32, wasm.I64
	c := typeCtx(t, typeModule(
		group(open(strct(), -1)),                                                      // 0
		group(open(strct(i32), 0)),                                                    // 1
		group(open(strct(i32, i64), 1)),                                               // 2
		group(open(strct(i32), 0)),                                                    // 3 ≡ 1
		group(open(fn(vals(vtRef(1)), nil), -1)),                                      // 4
		group(open(fn(vals(vtRef(0)), nil), 4)),                                       // 5: contravariant param
		group(open(fn(nil, vals(vtRefNull(0))), -1)),                                  // 6
		group(open(fn(nil, vals(vtRef(2))), 6)),                                       // 7: covariant result
		group(open(array(wasm.FieldType{Type: wasm.I32, Packed: wasm.PackedI8}), -1)), // 8
		group(open(cont(4), -1)),                                                      // 9
		group(open(cont(5), 9)),                                                       // 10
	))
	yes := [][2]int32{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {2, 3}, {5, 4}, {7, 6}, {10, 9}, {0, 0}}
	no := [][2]int32{{0, 1}, {1, 2}, {0, 2}, {4, 5}, {6, 7}, {8, 0}, {0, 8}, {4, 9}, {9, 10}}
	for _, p := range yes {
		if !c.heapSubtype(wasm.HeapType(p[0]), wasm.HeapType(p[1])) {
			t.Errorf("%d <: %d = false, want true", p[0], p[1])
		}
	}
	for _, p := range no {
		if c.heapSubtype(wasm.HeapType(p[0]), wasm.HeapType(p[1])) {
			t.Errorf("%d <: %d = true, want false", p[0], p[1])
		}
	}
	// Abstract heap types against defined ones.
	type hc struct {
		a, b wasm.HeapType
		want bool
	}
	for _, tc := range []hc{
		{0, wasm.HeapStruct, true}, {0, wasm.HeapEq, true}, {0, wasm.HeapAny, true},
		{0, wasm.HeapArray, false}, {0, wasm.HeapFunc, false}, {8, wasm.HeapArray, true},
		{8, wasm.HeapStruct, false}, {4, wasm.HeapFunc, true}, {4, wasm.HeapAny, false},
		{9, wasm.HeapCont, true}, {9, wasm.HeapFunc, false},
		{wasm.HeapNone, 2, true}, {wasm.HeapNone, 8, true}, {wasm.HeapNone, 4, false},
		{wasm.HeapNoFunc, 5, true}, {wasm.HeapNoFunc, 0, false}, {wasm.HeapNoCont, 9, true},
		{wasm.HeapNoExtern, 0, false}, {wasm.HeapStruct, 0, false}, {wasm.HeapBot, 7, true},
		{wasm.HeapI31, wasm.HeapEq, true}, {wasm.HeapI31, wasm.HeapStruct, false},
		{wasm.HeapEq, wasm.HeapAny, true}, {wasm.HeapAny, wasm.HeapEq, false},
		{wasm.HeapNone, wasm.HeapI31, true}, {wasm.HeapNone, wasm.HeapFunc, false},
		{wasm.HeapNoFunc, wasm.HeapFunc, true}, {wasm.HeapFunc, wasm.HeapNoFunc, false},
		{wasm.HeapNoExtern, wasm.HeapExtern, true}, {wasm.HeapExtern, wasm.HeapAny, false},
		{wasm.HeapNoExn, wasm.HeapExn, true}, {wasm.HeapExn, wasm.HeapNoExn, false},
		{wasm.HeapNoCont, wasm.HeapCont, true}, {wasm.HeapCont, wasm.HeapFunc, false},
		{wasm.HeapBot, wasm.HeapExtern, true}, {wasm.HeapAny, wasm.HeapBot, false},
		{100, wasm.HeapAny, false}, {wasm.HeapNone, 100, false}, {1, 100, false},
	} {
		if got := c.heapSubtype(tc.a, tc.b); got != tc.want {
			t.Errorf("heapSubtype(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	// Value types: nullability, kinds and the bottom type.
	type vc struct {
		a, b wasm.ValType
		want bool
	}
	for _, tc := range []vc{
		{vtRef(1), vtRefNull(0), true}, {vtRefNull(1), vtRef(0), false}, {vtRefNull(1), vtRefNull(0), true},
		{wasm.I32, wasm.I32, true}, {wasm.I32, wasm.I64, false}, {wasm.Bot, wasm.F64, true},
		{wasm.Bot, vtRef(3), true}, {wasm.F32, wasm.Bot, false}, {wasm.I32, wasm.FuncRef, false},
		{wasm.RefType(true, wasm.HeapNoFunc), wasm.FuncRef, true}, {wasm.FuncRef, wasm.ExternRef, false},
		{wasm.RefType(false, wasm.HeapBot), vtRef(4), true}, {wasm.V128, wasm.V128, true},
	} {
		if got := c.subtype(tc.a, tc.b); got != tc.want {
			t.Errorf("subtype(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	for _, tc := range [][2]wasm.HeapType{
		{0, wasm.HeapAny}, {8, wasm.HeapAny}, {4, wasm.HeapFunc}, {9, wasm.HeapCont},
		{wasm.HeapI31, wasm.HeapAny}, {wasm.HeapNone, wasm.HeapAny}, {wasm.HeapNoFunc, wasm.HeapFunc},
		{wasm.HeapNoExtern, wasm.HeapExtern}, {wasm.HeapExn, wasm.HeapExn}, {wasm.HeapNoCont, wasm.HeapCont},
	} {
		if got := c.topHeap(tc[0]); got != tc[1] {
			t.Errorf("topHeap(%v) = %v, want %v", tc[0], got, tc[1])
		}
	}
}

func TestTypeSectionErrors(t *testing.T) {
	i32, i64 := wasm.I32, wasm.I64
	mutI32 := wasm.FieldType{Type: i32, Mutable: true}
	tests := []struct {
		name string
		m    *wasm.Module
		want string // "" for valid
	}{
		{"ref to later group", typeModule(group(fn(vals(vtRef(1)), nil)), group(fn(nil, nil))), "unknown type 1"},
		{"mutual refs across groups", typeModule(group(fn(vals(vtRef(1)), nil)), group(fn(vals(vtRef(0)), nil))), "unknown type"},
		{"ref within group", typeModule(group(fn(vals(vtRef(1)), nil), fn(vals(vtRef(0)), nil))), ""},
		{"result ref out of range", typeModule(group(fn(nil, vals(vtRefNull(5))))), "unknown type 5"},
		{"field ref out of range", typeModule(group(strct(vtRef(1)))), "unknown type 1"},
		{"super out of range", typeModule(group(open(strct(), 1))), "unknown type 1"},
		{"forward super in group", typeModule(group(open(strct(), 1), open(strct(), -1))), "forward use of type 1"},
		{"self super", typeModule(group(open(strct(), 0))), "forward use of type 0"},
		{"final super", typeModule(group(strct()), group(open(strct(), 0))), "sub type 1 has final super type 0"},
		{"explicit final super", typeModule(group(open(fn(nil, nil), -1)), group(func() wasm.SubType {
			s := open(fn(nil, nil), 0)
			s.Final = true
			return s
		}()), group(open(fn(nil, nil), 1))), "sub type"},
		{"kind mismatch", typeModule(group(open(array(mutI32), -1)), group(open(strct(), 0))), "sub type 1 does not match super type 0"},
		{"func to struct", typeModule(group(open(fn(vals(i32), vals(i32)), -1)), group(open(strct(), 0))), "sub type"},
		{"array elem", typeModule(group(open(array(wasm.FieldType{Type: i32}), -1)), group(open(array(wasm.FieldType{Type: i64}), 0))), "sub type"},
		{"struct field", typeModule(group(open(strct(i32), -1)), group(open(strct(i64), 0))), "sub type"},
		{"struct narrower", typeModule(group(open(strct(i32), -1)), group(open(strct(), 0))), "sub type"},
		{"struct wider", typeModule(group(open(strct(i32), -1)), group(open(strct(i32, i64), 0))), ""},
		{"immutable covariant", typeModule(group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapAny))}), -1)),
			group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapNone))}), 0))), ""},
		{"immutable contravariant", typeModule(group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapNone))}), -1)),
			group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapAny))}), 0))), "sub type"},
		{"mutable invariant", typeModule(group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapAny)), Mutable: true}), -1)),
			group(open(array(wasm.FieldType{Type: vtRef(int32(wasm.HeapNone)), Mutable: true}), 0))), "sub type"},
		{"mutability differs", typeModule(group(open(array(mutI32), -1)), group(open(array(wasm.FieldType{Type: i32}), 0))), "sub type"},
		{"packing differs", typeModule(group(open(array(wasm.FieldType{Type: i32, Packed: wasm.PackedI8}), -1)),
			group(open(array(wasm.FieldType{Type: i32, Packed: wasm.PackedI16}), 0))), "sub type"},
		{"func param covariant", typeModule(group(open(fn(vals(vtRef(int32(wasm.HeapAny))), nil), -1)),
			group(open(fn(vals(vtRef(int32(wasm.HeapEq))), nil), 0))), "sub type"},
		{"func param arity", typeModule(group(open(fn(vals(i32), nil), -1)), group(open(fn(nil, nil), 0))), "sub type"},
		// A super in the same group, whose fields refer to a later member.
		{"super in group", typeModule(group(
			open(strct(vtRefNull(2)), -1), open(strct(vtRefNull(3)), 0), open(strct(), -1), open(strct(i32), 2))), ""},
		{"super in group mismatch", typeModule(group(
			open(strct(vtRefNull(2)), -1), open(strct(vtRefNull(3)), 0), open(strct(), -1), open(strct(i32), -1))),
			"sub type 1 does not match super type 0"},
		{"cont of func", typeModule(group(fn(nil, nil)), group(cont(0))), ""},
		{"cont of itself", typeModule(group(cont(0))), "non-function type 0"},
		{"cont of struct", typeModule(group(strct(vtRef(0))), group(cont(0))), "non-function type 0"},
		{"cont out of range", typeModule(group(cont(1))), "unknown type 1"},
		{"cont forward in group", typeModule(group(cont(1), fn(nil, nil))), ""},
		{"two supers", typeModule(group(open(strct(), -1)), group(wasm.SubType{Kind: wasm.CompStruct, Supers: []uint32{0, 0}})), "sub type 1"},
		{"bad rec groups", &wasm.Module{Types: []wasm.SubType{strct(), strct()}, RecGroups: []wasm.RecGroup{{Start: 0, Len: 1}}}, "type section"},
		{"overlapping rec groups", &wasm.Module{Types: []wasm.SubType{strct(), strct()}, RecGroups: []wasm.RecGroup{{Start: 0, Len: 2}, {Start: 1, Len: 1}}}, "type section"},
		{"bad composite kind", typeModule(group(wasm.SubType{Kind: 9})), "malformed composite type"},
		{"no rec groups", &wasm.Module{Types: []wasm.SubType{strct(vtRef(0)), strct(vtRef(1))}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &moduleCtx{m: tc.m, features: wasm.All}
			checkErr(t, c.checkTypes(), tc.want)
		})
	}
}

func TestPreGCTypeReferences(t *testing.T) {
	self := typeModule(group(fn(nil, vals(vtRef(0)))))
	c := &moduleCtx{m: self, features: wasm.V2 | wasm.FunctionReferences}
	checkErr(t, c.checkTypes(), "unknown type 0")
	c = &moduleCtx{m: self, features: wasm.V3}
	checkErr(t, c.checkTypes(), "")
	multi := typeModule(group(fn(nil, vals(wasm.I32, wasm.I64))))
	c = &moduleCtx{m: multi, features: wasm.V1}
	checkErr(t, c.checkTypes(), "invalid result arity")
	c = &moduleCtx{m: multi, features: wasm.V2}
	checkErr(t, c.checkTypes(), "")
	earlier := typeModule(group(fn(nil, nil)), group(fn(vals(vtRef(0)), nil)))
	c = &moduleCtx{m: earlier, features: wasm.V2 | wasm.FunctionReferences}
	checkErr(t, c.checkTypes(), "")
}

// checkErr asserts err is nil (want == "") or an Invalid *wasm.Error whose
// message starts with want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	we, ok := err.(*wasm.Error)
	if !ok {
		t.Fatalf("error %T %v is not a *wasm.Error", err, err)
	}
	if !strings.HasPrefix(we.Msg, want) {
		t.Fatalf("error %q, want prefix %q", we.Msg, want)
	}
}

func TestCheckValType(t *testing.T) {
	c := typeCtx(t, typeModule(group(strct())))
	checkErr(t, c.checkValType(vtRef(0)), "")
	checkErr(t, c.checkValType(wasm.I64), "")
	checkErr(t, c.checkValType(wasm.ExternRef), "")
	checkErr(t, c.checkValType(vtRefNull(1)), "unknown type 1")
	if c.typeDef(0) == nil || c.typeDef(1) != nil || c.typeDef(1<<31) != nil {
		t.Error("typeDef range check")
	}
	if _, ok := c.funcTypeOf(0); ok {
		t.Error("funcTypeOf(struct) ok")
	}
	c = typeCtx(t, typeModule(group(fn(vals(wasm.I32), nil))))
	if ft, ok := c.funcTypeOf(0); !ok || len(ft.Params) != 1 {
		t.Error("funcTypeOf(func) failed")
	}
	if _, ok := c.funcTypeOf(7); ok {
		t.Error("funcTypeOf out of range ok")
	}
}

func BenchmarkHeapSubtype(b *testing.B) {
	var groups [][]wasm.SubType
	groups = append(groups, group(open(strct(), -1)))
	for i := 1; i < 8; i++ {
		groups = append(groups, group(open(strct(vals(wasm.I32)[0]), i-1)))
	}
	m := typeModule(groups...)
	c := &moduleCtx{m: m, features: wasm.All}
	if err := c.checkTypes(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !c.subtype(vtRef(7), vtRefNull(1)) || c.subtype(vtRefNull(1), vtRef(7)) {
			b.Fatal("wrong")
		}
	}
}
