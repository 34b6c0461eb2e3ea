package binary

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Helpers to build modules by hand.

func leb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func bs(b ...byte) []byte { return b }

func str(s string) []byte { return cat(leb(uint64(len(s))), []byte(s)) }

// vec prefixes items with their count.
func vec(items ...[]byte) []byte { return cat(leb(uint64(len(items))), cat(items...)) }

// body prefixes a function body with its size.
func body(content ...[]byte) []byte {
	c := cat(content...)
	return cat(leb(uint64(len(c))), c)
}

func sec(id byte, content ...[]byte) []byte {
	c := cat(content...)
	return cat(bs(id), leb(uint64(len(c))), c)
}

func mod(sections ...[]byte) []byte {
	return cat([]byte("\x00asm\x01\x00\x00\x00"), cat(sections...))
}

var (
	typeVoid   = sec(1, vec(bs(0x60, 0, 0)))            // (type (func))
	funcOne    = sec(3, vec(bs(0)))                     // one function of type 0
	codeEmpty  = sec(10, vec(cat(leb(2), bs(0, 0x0b)))) // one empty body
	memoryZero = sec(5, vec(bs(0, 0)))                  // (memory 0)
)

func wantMalformed(t *testing.T, name string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %q", name, want)
		return
	}
	var we *wasm.Error
	if !errors.As(err, &we) {
		t.Errorf("%s: error %T %v is not a *wasm.Error", name, err, err)
		return
	}
	if we.Kind != wasm.Malformed || we.Func != -1 || we.Offset < 0 {
		t.Errorf("%s: error %+v: want kind Malformed, Func -1, an offset", name, we)
	}
	if !strings.HasPrefix(we.Msg, want) {
		t.Errorf("%s: got %q, want %q", name, we.Msg, want)
	}
}

func TestLEB(t *testing.T) {
	type tc struct {
		in   []byte
		want int64
		n    int
		err  string
	}
	run := func(name string, read func([]byte) (int64, int, error), cases []tc) {
		for _, c := range cases {
			v, n, err := read(c.in)
			if c.err != "" {
				wantMalformed(t, name+" "+string(rune('0'+len(c.in))), err, c.err)
				continue
			}
			if err != nil || v != c.want || n != c.n {
				t.Errorf("%s(% x) = %d, %d, %v; want %d, %d", name, c.in, v, n, err, c.want, c.n)
			}
		}
	}
	run("u32", func(b []byte) (int64, int, error) { v, n, err := ReadU32(b); return int64(v), n, err }, []tc{
		{in: bs(0), want: 0, n: 1},
		{in: bs(0x7f), want: 127, n: 1},
		{in: bs(0x80, 0x01), want: 128, n: 2},
		{in: bs(0x80, 0x00), want: 0, n: 2},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x0f), want: 0xffffffff, n: 5},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x1f), err: "integer too large"},
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), err: "integer representation too long"},
		{in: bs(0x80, 0x80), err: "unexpected end"},
		{in: nil, err: "unexpected end"},
	})
	run("s32", func(b []byte) (int64, int, error) { v, n, err := ReadS32(b); return int64(v), n, err }, []tc{
		{in: bs(0x7f), want: -1, n: 1},
		{in: bs(0x3f), want: 63, n: 1},
		{in: bs(0x40), want: -64, n: 1},
		{in: bs(0xff, 0x00), want: 127, n: 2},
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x78), want: -1 << 31, n: 5},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x07), want: 1<<31 - 1, n: 5},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x0f), err: "integer too large"},
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x70), err: "integer too large"},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), err: "integer representation too long"},
	})
	run("s33", func(b []byte) (int64, int, error) { return ReadS33(b) }, []tc{
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x0f), want: 1<<32 - 1, n: 5},
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x70), want: -1 << 32, n: 5},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0x1f), err: "integer too large"},
	})
	run("s64", func(b []byte) (int64, int, error) { return ReadS64(b) }, []tc{
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f), want: -1 << 63, n: 10},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00), want: 1<<63 - 1, n: 10},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), err: "integer too large"},
		{in: bs(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), err: "integer representation too long"},
	})
	run("u64", func(b []byte) (int64, int, error) { v, n, err := ReadU64(b); return int64(v), n, err }, []tc{
		{in: bs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), want: -1, n: 10},
		{in: bs(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), err: "integer too large"},
	})
}

func TestDecodeMalformed(t *testing.T) {
	constI32 := bs(0x41, 0x00, 0x0b)
	cases := []struct {
		name string
		data []byte
		f    wasm.Features // Default when 0
		want string
	}{
		{"empty", nil, 0, "unexpected end"},
		{"short magic", []byte("\x00as"), 0, "unexpected end"},
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), 0, "magic header not detected"},
		{"short version", []byte("\x00asm\x01\x00"), 0, "unexpected end"},
		{"bad version", []byte("\x00asm\x02\x00\x00\x00"), 0, "unknown binary version"},
		{"section id", mod(bs(14, 0)), 0, "malformed section id"},
		{"data count id in v1", mod(sec(12, leb(0))), wasm.V1, "malformed section id"},
		{"tag id without exceptions", mod(sec(13, vec())), wasm.V2, "malformed section id"},
		{"order", mod(funcOne, typeVoid), 0, "unexpected content after last section"},
		{"duplicate", mod(typeVoid, typeVoid), 0, "unexpected content after last section"},
		{"section size long", mod(bs(1, 6, 1, 0x60, 0, 0)), 0, "length out of bounds"},
		{"section size mismatch", mod(bs(1, 3, 1, 0x60, 0, 0)), 0, "section size mismatch"},
		{"custom name utf8", mod(sec(0, str("\xff"))), 0, "malformed UTF-8 encoding"},
		{"custom name too long", mod(bs(0, 1, 5)), 0, "length out of bounds"},
		{"custom name past section", mod(bs(0, 1, 1, 0x61)), 0, "unexpected end"},
		{"definition type", mod(sec(1, vec(bs(0x40)))), 0, "malformed definition type"},
		{"rec without gc", mod(sec(1, vec(bs(0x4e, 0)))), wasm.V2, "malformed definition type"},
		{"struct without gc", mod(sec(1, vec(bs(0x5f, 0)))), wasm.V2, "malformed definition type"},
		{"cont without stack switching", mod(sec(1, vec(bs(0x60, 0, 0), bs(0x5d, 0)))), wasm.V3, "malformed definition type"},
		{"storage type", mod(sec(1, vec(bs(0x5e, 0x76, 0)))), 0, "malformed storage type"},
		{"mutability", mod(sec(1, vec(bs(0x5e, 0x78, 2)))), 0, "malformed mutability"},
		{"value type", mod(sec(1, vec(bs(0x60, 1, 0x40, 0)))), 0, "malformed value type"},
		{"v128 without simd", mod(sec(1, vec(bs(0x60, 1, 0x7b, 0)))), wasm.V1, "malformed value type"},
		{"heap type", mod(sec(1, vec(bs(0x60, 1, 0x64, 0x7f, 0)))), 0, "malformed heap type"},
		{"typed ref without function references", mod(sec(1, vec(bs(0x60, 1, 0x64, 0x70, 0)))), wasm.V2, "malformed value type"},
		{"anyref without gc", mod(sec(1, vec(bs(0x60, 1, 0x6e, 0)))), wasm.V2, "malformed value type"},
		{"supertype index", mod(sec(1, vec(cat(bs(0x50, 1), leb(1<<31), bs(0x60, 0, 0))))), 0, "malformed type index"},
		{"import kind", mod(sec(2, vec(cat(str("m"), str("n"), bs(5))))), 0, "malformed import kind"},
		{"import tag without exceptions", mod(sec(2, vec(cat(str("m"), str("n"), bs(4, 0, 0))))), wasm.V2, "malformed import kind"},
		{"import name utf8", mod(sec(2, vec(cat(str("m"), str("\xc0\x80"), bs(0, 0))))), 0, "malformed UTF-8 encoding"},
		{"table reftype", mod(sec(4, vec(bs(0x7f, 0, 0)))), 0, "malformed reference type"},
		{"table limits shared", mod(sec(4, vec(bs(0x70, 3, 0, 1)))), 0, "malformed limits flags"},
		{"limits flags", mod(sec(5, vec(bs(0x10, 0)))), 0, "malformed limits flags"},
		{"shared without threads", mod(sec(5, vec(bs(3, 0, 1)))), wasm.V3, "malformed limits flags"},
		{"i64 without memory64", mod(sec(5, vec(bs(4, 0)))), wasm.V2, "malformed limits flags"},
		{"page size without proposal", mod(sec(5, vec(bs(8, 0, 0)))), wasm.Default, "malformed limits flags"},
		{"page size too large", mod(sec(5, vec(bs(8, 0, 64)))), wasm.All, "invalid custom page size"},
		{"u32 limit", mod(sec(5, vec(bs(0, 0x80, 0x80, 0x80, 0x80, 0x10)))), wasm.V2, "integer too large"},
		{"memory count", mod(bs(5, 1, 1)), 0, "unexpected end"},
		{"global mutability", mod(sec(6, vec(cat(bs(0x7f, 2), constI32)))), 0, "malformed mutability"},
		{"const expr illegal opcode", mod(sec(6, vec(bs(0x7f, 0, 0xff, 0x0b)))), 0, "illegal opcode"},
		{"const expr without end", mod(sec(6, vec(bs(0x7f, 0, 0x41, 0)))), 0, "unexpected end"},
		{"const expr else", mod(sec(6, vec(bs(0x7f, 0, 0x41, 0, 0x05, 0x0b)))), 0, "END opcode expected"},
		{"const expr not constant", mod(sec(6, vec(bs(0x7f, 0, 0x41, 0, 0x41, 0, 0x6a, 0x0b)))), 0, ""},
		{"export kind", mod(sec(7, vec(cat(str("e"), bs(5, 0))))), 0, "malformed export kind"},
		{"elem kind", mod(sec(9, vec(bs(8)))), 0, "malformed elements segment kind"},
		{"elem kind in v1", mod(sec(9, vec(bs(1, 0, 0)))), wasm.V1, "malformed elements segment kind"},
		{"element kind byte", mod(sec(9, vec(bs(1, 1, 0)))), 0, "malformed element kind"},
		{"elem reftype", mod(sec(9, vec(bs(5, 0x7f, 0)))), 0, "malformed reference type"},
		{"data kind", mod(memoryZero, sec(11, vec(bs(3)))), 0, "malformed data segment kind"},
		{"data too long", mod(memoryZero, sec(11, vec(cat(bs(1), leb(5), bs(1))))), 0, "length out of bounds"},
		{"func without code", mod(typeVoid, funcOne), 0, "function and code section have inconsistent lengths"},
		{"code without func", mod(typeVoid, codeEmpty), 0, "function and code section have inconsistent lengths"},
		{"data count", mod(sec(12, leb(1))), 0, "data count and data section have inconsistent lengths"},
		{"too many locals", mod(typeVoid, funcOne, sec(10, vec(body(bs(2), leb(0xffffffff), bs(0x7f), leb(1), bs(0x7e, 0x0b))))), 0, "too many locals"},
		{"local type", mod(typeVoid, funcOne, sec(10, vec(bs(4, 1, 1, 0x40, 0x0b)))), 0, "malformed value type"},
		{"no end", mod(typeVoid, funcOne, sec(10, vec(bs(3, 0, 0x41, 0)), bs(0))), 0, "unexpected end"},
		{"no end before next body", mod(typeVoid, sec(3, vec(bs(0), bs(0))), sec(10, vec(bs(2, 0, 0x01), bs(5, 0, 1, 1, 1, 0x0b)))), 0, "END opcode expected"},
		{"end too early", mod(typeVoid, funcOne, sec(10, vec(bs(3, 0, 0x0b, 0x01)))), 0, "section size mismatch"},
		{"body past the end", mod(typeVoid, funcOne, bs(10, 3, 1, 2, 0)), 0, "unexpected end"},
		{"locals fill body", mod(typeVoid, funcOne, sec(10, vec(bs(1, 0)))), 0, "unexpected end"},
		{"tag attribute", mod(typeVoid, sec(13, vec(bs(1, 0)))), 0, "zero byte expected"},
		{"start", mod(bs(8, 0)), 0, "unexpected end"},
	}
	for _, c := range cases {
		f := c.f
		if f == 0 {
			f = wasm.Default
		}
		_, err := Decode(c.data, f)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		wantMalformed(t, c.name, err, c.want)
	}
}

func TestDecodeModule(t *testing.T) {
	nameSec := sec(0, str("name"),
		sec(0, str("mod")),
		sec(1, vec(cat(leb(0), str("imp")), cat(leb(1), str("f")))),
		sec(2, vec(cat(leb(1), vec(cat(leb(0), str("x")), cat(leb(1), str("y")))))),
		sec(7, bs(1, 2, 3)), // a subsection it skips (global names)
	)
	data := mod(
		sec(0, str("first"), bs(1, 2)),
		sec(1, vec(
			bs(0x60, 1, 0x7f, 1, 0x7e), // 0: (func (param i32) (result i64))
			bs(0x4e, 2, // rec
				0x50, 0, 0x5f, 2, 0x78, 1, 0x63, 0x01, 0, // 1: (sub (struct (field (mut i8)) (field (ref null 1))))
				0x4f, 1, 1, 0x5e, 0x7c, 1), // 2: (sub final 1 (array (mut f64)))
			bs(0x60, 0, 0), // 3: (func)
			bs(0x5d, 3),    // 4: (cont 3)
		)),
		sec(2, vec(
			cat(str("env"), str("f"), bs(0, 0)),
			cat(str("env"), str("t"), bs(1, 0x64, 0x70, 5, 1, 10)),
			cat(str("env"), str("m"), bs(2, 3, 1, 2)),
			cat(str("env"), str("g"), bs(3, 0x7d, 1)),
			cat(str("env"), str("e"), bs(4, 0, 3)),
		)),
		sec(3, vec(bs(3), bs(0))),
		sec(4, vec(
			bs(0x70, 0, 1),
			bs(0x40, 0, 0x64, 0x70, 5, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0xd2, 0, 0x0b),
		)),
		sec(5, vec(bs(4, 0x80, 0x80, 0x80, 0x80, 0x10), bs(9, 1, 2, 0))),
		sec(13, vec(bs(0, 3))),
		sec(6, vec(bs(0x7f, 1, 0x41, 0x7f, 0x0b), bs(0x7e, 0, 0x23, 0, 0x42, 1, 0x7c, 0x0b))),
		sec(7, vec(cat(str("run"), bs(0, 1)), cat(str("tag"), bs(4, 0)))),
		sec(8, leb(1)),
		sec(9, vec(
			bs(0, 0x41, 0, 0x0b, 2, 0, 1),
			bs(1, 0, 1, 1),
			bs(2, 1, 0x41, 1, 0x0b, 0, 0),
			bs(3, 0, 1, 0),
			bs(4, 0x41, 0, 0x0b, 1, 0xd2, 1, 0x0b),
			bs(5, 0x6f, 1, 0xd0, 0x6f, 0x0b),
			bs(6, 1, 0x41, 0, 0x0b, 0x70, 0),
			bs(7, 0x70, 1, 0xd2, 0, 0x0b),
		)),
		sec(12, leb(3)),
		sec(10, vec(
			bs(2, 0, 0x0b),
			bs(7, 2, 1, 0x7f, 3, 0x7e, 0x01, 0x0b),
		)),
		sec(11, vec(
			bs(0, 0x41, 8, 0x0b, 2, 'h', 'i'),
			bs(1, 1, 'x'),
			bs(2, 1, 0x42, 0, 0x0b, 0),
		)),
		nameSec,
	)
	m, err := Decode(data, wasm.All)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	ref1 := wasm.RefType(true, 1)
	check("types", m.Types, []wasm.SubType{
		{Final: true, Kind: wasm.CompFunc, Func: wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I64}}},
		{Final: false, Supers: []uint32{}, Kind: wasm.CompStruct, Fields: []wasm.FieldType{
			{Type: wasm.I32, Packed: wasm.PackedI8, Mutable: true}, {Type: ref1}}},
		{Final: true, Supers: []uint32{1}, Kind: wasm.CompArray, Fields: []wasm.FieldType{{Type: wasm.F64, Mutable: true}}},
		{Final: true, Kind: wasm.CompFunc},
		{Final: true, Kind: wasm.CompCont, Cont: 3},
	})
	check("rec groups", m.RecGroups, []wasm.RecGroup{{Start: 0, Len: 1}, {Start: 1, Len: 2}, {Start: 3, Len: 1}, {Start: 4, Len: 1}})
	check("imports", m.Imports, []wasm.Import{
		{Module: "env", Name: "f", Kind: wasm.ExternFunc, Func: 0},
		{Module: "env", Name: "t", Kind: wasm.ExternTable, Table: wasm.TableType{
			Elem: wasm.RefType(false, wasm.HeapFunc), Limits: wasm.Limits{Min: 1, Max: 10, HasMax: true, Is64: true}}},
		{Module: "env", Name: "m", Kind: wasm.ExternMemory, Memory: wasm.MemoryType{
			Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true, Shared: true}, PageSizeLog2: 16}},
		{Module: "env", Name: "g", Kind: wasm.ExternGlobal, Global: wasm.GlobalType{Type: wasm.F32, Mutable: true}},
		{Module: "env", Name: "e", Kind: wasm.ExternTag, Tag: wasm.TagType{Type: 3}},
	})
	check("import counts", []uint32{m.NumImportedFuncs, m.NumImportedTables, m.NumImportedMemories, m.NumImportedGlobals, m.NumImportedTags},
		[]uint32{1, 1, 1, 1, 1})
	check("funcs", m.Funcs, []uint32{3, 0})
	check("tables", m.Tables, []wasm.Table{
		{Type: wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 1}}},
		{Type: wasm.TableType{Elem: wasm.RefType(false, wasm.HeapFunc), Limits: wasm.Limits{Min: 2, Max: 1 << 35, HasMax: true, Is64: true}},
			HasInit: true, Init: wasm.ConstExpr{Code: bs(0xd2, 0, 0x0b), Offset: m.Tables[1].Init.Offset}},
	})
	if off := m.Tables[1].Init.Offset; !reflect.DeepEqual(data[off:off+3], bs(0xd2, 0, 0x0b)) {
		t.Errorf("table init offset %d wrong", off)
	}
	check("memories", m.Memories, []wasm.MemoryType{
		{Limits: wasm.Limits{Min: 1 << 32, Is64: true}, PageSizeLog2: 16},
		{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}, PageSizeLog2: 0},
	})
	check("tags", m.Tags, []wasm.TagType{{Type: 3}})
	check("global 0", m.Globals[0].Type, wasm.GlobalType{Type: wasm.I32, Mutable: true})
	check("global 0 init", m.Globals[0].Init.Code, bs(0x41, 0x7f, 0x0b))
	check("global 1 init", m.Globals[1].Init.Code, bs(0x23, 0, 0x42, 1, 0x7c, 0x0b))
	check("exports", m.Exports, []wasm.Export{{Name: "run", Kind: wasm.ExternFunc, Index: 1}, {Name: "tag", Kind: wasm.ExternTag, Index: 0}})
	check("start", []any{m.HasStart, m.Start}, []any{true, uint32(1)})
	if len(m.Elems) != 8 {
		t.Fatalf("%d elems", len(m.Elems))
	}
	nonNullFunc := wasm.RefType(false, wasm.HeapFunc)
	for i, want := range []struct {
		mode  wasm.SegmentMode
		table uint32
		typ   wasm.ValType
		exprs bool
		n     int
	}{
		{wasm.SegmentActive, 0, nonNullFunc, false, 2},
		{wasm.SegmentPassive, 0, nonNullFunc, false, 1},
		{wasm.SegmentActive, 1, nonNullFunc, false, 0},
		{wasm.SegmentDeclarative, 0, nonNullFunc, false, 1},
		{wasm.SegmentActive, 0, wasm.FuncRef, true, 1},
		{wasm.SegmentPassive, 0, wasm.ExternRef, true, 1},
		{wasm.SegmentActive, 1, wasm.FuncRef, true, 0},
		{wasm.SegmentDeclarative, 0, wasm.FuncRef, true, 1},
	} {
		e := &m.Elems[i]
		if e.Mode != want.mode || e.Table != want.table || e.Type != want.typ || e.UsesExprs != want.exprs || e.Len() != want.n {
			t.Errorf("elem %d = %+v, want %+v", i, e, want)
		}
		if (e.Mode == wasm.SegmentActive) != (e.Offset.Code != nil) {
			t.Errorf("elem %d offset %v", i, e.Offset)
		}
	}
	check("elem 0 funcs", m.Elems[0].FuncIndices, []uint32{0, 1})
	check("elem 4 expr", m.Elems[4].Exprs[0].Code, bs(0xd2, 1, 0x0b))
	check("data count", []any{m.HasDataCount, m.DataCount}, []any{true, uint32(3)})
	check("code 0", m.Codes[0].Body, bs(0x0b))
	check("code 1 locals", m.Codes[1].Locals, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}, {Count: 3, Type: wasm.I64}})
	check("code 1 body", m.Codes[1].Body, bs(0x01, 0x0b))
	if off := m.Codes[1].Offset; data[off] != 0x01 {
		t.Errorf("code 1 offset %d points at %#x", off, data[off])
	}
	check("datas", []wasm.Data{m.Datas[0], m.Datas[1], m.Datas[2]}, []wasm.Data{
		{Mode: wasm.SegmentActive, Offset: wasm.ConstExpr{Code: bs(0x41, 8, 0x0b), Offset: m.Datas[0].Offset.Offset}, Init: []byte("hi")},
		{Mode: wasm.SegmentPassive, Init: []byte("x")},
		{Mode: wasm.SegmentActive, Memory: 1, Offset: wasm.ConstExpr{Code: bs(0x42, 0, 0x0b), Offset: m.Datas[2].Offset.Offset}, Init: []byte{}},
	})
	if len(m.Customs) != 2 || m.Customs[0].Name != "first" || !reflect.DeepEqual(m.Customs[0].Data, bs(1, 2)) || m.Customs[1].Name != "name" {
		t.Errorf("customs %+v", m.Customs)
	}
	check("names", m.Names, &wasm.Names{
		Module: "mod",
		Funcs:  map[uint32]string{0: "imp", 1: "f"},
		Locals: map[uint32]map[uint32]string{1: {0: "x", 1: "y"}},
	})
	if m.FuncName(1) != "f" {
		t.Errorf("FuncName(1) = %q", m.FuncName(1))
	}
	if err := walkModule(m, wasm.All); err != nil {
		t.Error(err)
	}
}

func TestNamesMalformedIgnored(t *testing.T) {
	for _, content := range [][]byte{
		sec(1, bs(5, 0)),                // count too large
		sec(0, str("\xff")),             // bad UTF-8
		cat(bs(1, 10), vec()),           // subsection size past the end
		sec(1, cat(vec(), bs(0))),       // trailing bytes in a subsection
		sec(2, vec(cat(leb(0), bs(3)))), // truncated local map
		bs(1, 2, 0),                     // subsection one byte past the end
	} {
		data := mod(sec(0, str("name"), content))
		m, err := Decode(data, wasm.Default)
		if err != nil {
			t.Errorf("% x: %v", content, err)
			continue
		}
		if m.Names != nil {
			t.Errorf("% x: names %+v, want nil", content, m.Names)
		}
	}
	m, err := Decode(mod(sec(0, str("name"))), wasm.Default)
	if err != nil || m.Names == nil {
		t.Errorf("empty name section: %v, %v", m, err)
	}
}
