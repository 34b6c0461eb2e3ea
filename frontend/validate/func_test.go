package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// Byte-level helpers for building test modules.

func leb(n uint64) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func vec(items ...[]byte) []byte { return cat(leb(uint64(len(items))), cat(items...)) }

func section(id byte, items [][]byte) []byte {
	if items == nil {
		return nil
	}
	c := vec(items...)
	return cat([]byte{id}, leb(uint64(len(c))), c)
}

// Value type and type definition encodings.
var (
	tI32    = []byte{0x7f}
	tI64    = []byte{0x7e}
	tF32    = []byte{0x7d}
	tF64    = []byte{0x7c}
	tV128   = []byte{0x7b}
	tFunc   = []byte{0x70}
	tExtern = []byte{0x6f}
	tExn    = []byte{0x69}
	tAny    = []byte{0x6e}
	tEq     = []byte{0x6d}
	tI31    = []byte{0x6c}
)

func refNull(idx byte) []byte { return []byte{0x63, idx} }
func ref(idx byte) []byte     { return []byte{0x64, idx} }

func functype(params, results [][]byte) []byte {
	return cat([]byte{0x60}, vec(params...), vec(results...))
}

func ts(t ...[]byte) [][]byte { return t }

// testModule holds the raw items of each section.
type testModule struct {
	types, imports          [][]byte
	funcs                   []uint32
	tables, mems, tags      [][]byte
	globals, exports, elems [][]byte
	dataCount               int // -1: no data count section
	codes, datas            [][]byte
	start                   int // -1: none
}

func (m *testModule) bytes() []byte {
	var funcs [][]byte
	for _, f := range m.funcs {
		funcs = append(funcs, leb(uint64(f)))
	}
	var codes [][]byte
	for _, c := range m.codes {
		codes = append(codes, cat(leb(uint64(len(c))), c))
	}
	out := cat([]byte("\x00asm\x01\x00\x00\x00"),
		section(1, m.types), section(2, m.imports), section(3, funcs),
		section(4, m.tables), section(5, m.mems), section(13, m.tags),
		section(6, m.globals), section(7, m.exports))
	if m.start >= 0 {
		s := leb(uint64(m.start))
		out = cat(out, []byte{8}, leb(uint64(len(s))), s)
	}
	out = cat(out, section(9, m.elems))
	if m.dataCount >= 0 {
		s := leb(uint64(m.dataCount))
		out = cat(out, []byte{12}, leb(uint64(len(s))), s)
	}
	return cat(out, section(10, codes), section(11, m.datas))
}

// Indices of the environment every body test runs in.
const (
	tyTest      = 14 // the test function's type
	tyVoid      = 1  // (func)
	tyI32toI32  = 2  // (func (param i32) (result i32))
	tyStruct    = 3  // (struct (field (mut i32)) (field i8))
	tyArrMutI8  = 4  // (array (mut i8))
	tyCont2     = 5  // (cont 2)
	tyI32toVoid = 6  // (func (param i32))
	tyArrI32    = 7  // (array i32)
	tyContVoid  = 8  // (cont 1)
	tyArrFunc   = 9  // (array (mut funcref))
	tyVoidToI32 = 10 // (func (result i32))
	tyContToI32 = 11 // (cont 10)
	tyRecFunc   = 12 // (rec (func (param (ref null 13)))
	tyRecCont   = 13 //      (cont 12))
)

// envModule builds a module whose function 0 has type sig, the given locals
// and body (the final end is added). Function 1 is a (func) that is declared
// by an element segment; function 2 is an undeclared (func).
func envModule(sig []byte, locals [][]byte, body []byte) *testModule {
	i32c := func(v byte) []byte { return []byte{0x41, v, 0x0b} }
	return &testModule{
		types: [][]byte{
			{0x60, 0x00, 0x00}, // placeholder so the indices below start at 1
			functype(nil, nil),
			functype(ts(tI32), ts(tI32)),
			{0x5f, 0x02, 0x7f, 0x01, 0x78, 0x00},
			{0x5e, 0x78, 0x01},
			{0x5d, tyI32toI32},
			functype(ts(tI32), nil),
			{0x5e, 0x7f, 0x00},
			{0x5d, tyVoid},
			{0x5e, 0x70, 0x01},
			functype(nil, ts(tI32)),
			{0x5d, tyVoidToI32},
			cat([]byte{0x4e, 0x02}, functype(ts(refNull(tyRecCont)), nil), []byte{0x5d, tyRecFunc}),
			sig, // last, so that it may refer to all the others
		},
		funcs:     []uint32{tyTest, tyVoid, tyVoid},
		tables:    [][]byte{cat(tFunc, []byte{0x00, 0x01}), cat(tExtern, []byte{0x00, 0x01}), cat(tFunc, []byte{0x04, 0x01})},
		mems:      [][]byte{{0x00, 0x01}, {0x04, 0x01}},
		tags:      [][]byte{{0x00, tyI32toVoid}, {0x00, tyVoid}},
		globals:   [][]byte{cat(tI32, []byte{0x00}, i32c(0)), cat(tI64, []byte{0x01, 0x42, 0x00, 0x0b})},
		elems:     [][]byte{{0x03, 0x00, 0x01, 0x01}},
		dataCount: 1,
		codes:     [][]byte{cat(vec(locals...), body, []byte{0x0b}), {0x00, 0x0b}, {0x00, 0x0b}},
		datas:     [][]byte{{0x01, 0x01, 'a'}},
		start:     -1,
	}
}

func local(n byte, t []byte) []byte { return cat([]byte{n}, t) }

func validateBytes(b []byte, f wasm.Features) error {
	m, err := binary.Decode(b, f)
	if err != nil {
		return err
	}
	return Module(m, f)
}

// checkResult compares err with want: "" means valid, otherwise the error
// message must start with want.
func checkResult(t *testing.T, name string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: unexpected error: %v", name, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: validated, want %q", name, want)
		return
	}
	var we *wasm.Error
	if !errors.As(err, &we) {
		t.Errorf("%s: error %v is not a *wasm.Error", name, err)
		return
	}
	if !strings.HasPrefix(we.Msg, want) {
		t.Errorf("%s: got %q, want prefix %q", name, we.Msg, want)
	}
}

type bodyCase struct {
	name   string
	sig    []byte   // nil: (func)
	locals [][]byte // local declarations
	body   []byte
	want   string
}

func runBodyCases(t *testing.T, cases []bodyCase) {
	t.Helper()
	for _, c := range cases {
		sig := c.sig
		if sig == nil {
			sig = functype(nil, nil)
		}
		m := envModule(sig, c.locals, c.body)
		err := validateBytes(m.bytes(), wasm.All)
		checkResult(t, c.name, err, c.want)
		if c.want != "" && err != nil {
			var we *wasm.Error
			if errors.As(err, &we) && we.Kind == wasm.Invalid && we.Func != 0 {
				t.Errorf("%s: error in func %d, want 0", c.name, we.Func)
			}
		}
	}
}

func TestNumericAndParametric(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "empty", body: nil},
		{name: "i32.add", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x41, 2, 0x6a}},
		{name: "i32.add mixed", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x42, 2, 0x6a},
			want: "type mismatch: instruction requires [i32 i32] but stack has [i32 i64]"},
		{name: "underflow", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x6a}, want: "type mismatch"},
		{name: "leftover", body: []byte{0x41, 1}, want: "type mismatch: block requires [] but stack has [i32]"},
		{name: "missing result", sig: functype(nil, ts(tI32)), body: nil,
			want: "type mismatch: instruction requires [i32] but stack has []"},
		{name: "conversion", sig: functype(ts(tF64), ts(tI64)), body: []byte{0x20, 0, 0xb0}},
		{name: "drop empty", body: []byte{0x1a}, want: "type mismatch"},
		{name: "select", sig: functype(nil, ts(tF32)), body: []byte{0x43, 0, 0, 0, 0, 0x43, 0, 0, 0, 0, 0x41, 0, 0x1b}},
		{name: "select mismatch", sig: functype(nil, ts(tF32)), body: []byte{0x43, 0, 0, 0, 0, 0x41, 0, 0x41, 0, 0x1b}, want: "type mismatch"},
		{name: "select ref", sig: functype(nil, ts(tFunc)), body: []byte{0xd0, 0x70, 0xd0, 0x70, 0x41, 0, 0x1b}, want: "type mismatch"},
		{name: "select t ref", sig: functype(nil, ts(tFunc)), body: []byte{0xd0, 0x70, 0xd0, 0x70, 0x41, 0, 0x1c, 1, 0x70}},
		{name: "select t arity", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0}, want: "invalid result arity"},
		{name: "select unreachable", sig: functype(nil, ts(tI32)), body: []byte{0x00, 0x1b}},
		{name: "unreachable polymorphic", sig: functype(nil, ts(tI32)), body: []byte{0x00, 0x6a}},
		{name: "unreachable still typed", sig: functype(nil, ts(tI32)), body: []byte{0x00, 0x42, 0, 0x6a}, want: "type mismatch"},
		{name: "unreachable extra value", body: []byte{0x00, 0x41, 0}, want: "type mismatch"},
		{name: "simd lane", sig: functype(ts(tV128), ts(tI32)), body: []byte{0x20, 0, 0xfd, 0x15, 15}},
		{name: "simd bad lane", sig: functype(ts(tV128), ts(tI32)), body: []byte{0x20, 0, 0xfd, 0x15, 16}, want: "invalid lane index"},
		{name: "shuffle bad lane", sig: functype(ts(tV128), ts(tV128)),
			body: cat([]byte{0x20, 0, 0x20, 0, 0xfd, 0x0d}, make([]byte, 15), []byte{32}), want: "invalid lane index"},
		{name: "relaxed madd", sig: functype(ts(tV128), ts(tV128)), body: []byte{0x20, 0, 0x20, 0, 0x20, 0, 0xfd, 0x85, 0x02}},
		{name: "wide arithmetic", sig: functype(nil, ts(tI64, tI64)), body: []byte{0x42, 1, 0x42, 2, 0xfc, 0x16}},
	})
}

func TestLocalsAndGlobals(t *testing.T) {
	nonNull := ref(tyVoid)
	runBodyCases(t, []bodyCase{
		{name: "param", sig: functype(ts(tI32), ts(tI32)), body: []byte{0x20, 0}},
		{name: "unknown local", body: []byte{0x20, 0, 0x1a}, want: "unknown local"},
		{name: "local.tee", sig: functype(nil, ts(tI64)), locals: ts(local(2, tI64)), body: []byte{0x42, 1, 0x22, 1}},
		{name: "local.set wrong", locals: ts(local(1, tI64)), body: []byte{0x41, 1, 0x21, 0}, want: "type mismatch"},
		{name: "uninitialized", locals: ts(local(1, nonNull)), body: []byte{0x20, 0, 0x1a}, want: "uninitialized local"},
		{name: "initialized", locals: ts(local(1, nonNull)), body: []byte{0xd2, 1, 0x21, 0, 0x20, 0, 0x1a}},
		{name: "init reset after block", locals: ts(local(1, nonNull)),
			body: []byte{0x02, 0x40, 0xd2, 1, 0x21, 0, 0x0b, 0x20, 0, 0x1a}, want: "uninitialized local"},
		{name: "init reset in else", locals: ts(local(1, nonNull)),
			body: []byte{0x41, 0, 0x04, 0x40, 0xd2, 1, 0x21, 0, 0x05, 0x20, 0, 0x1a, 0x0b}, want: "uninitialized local"},
		{name: "global.get", sig: functype(nil, ts(tI32)), body: []byte{0x23, 0}},
		{name: "global.set immutable", body: []byte{0x41, 0, 0x24, 0}, want: "immutable global"},
		{name: "global.set mutable", body: []byte{0x42, 0, 0x24, 1}},
		{name: "unknown global", body: []byte{0x23, 5, 0x1a}, want: "unknown global"},
	})
}

func TestControl(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "block result", sig: functype(nil, ts(tI32)), body: []byte{0x02, 0x7f, 0x41, 1, 0x0b}},
		{name: "block result missing", sig: functype(nil, ts(tI32)), body: []byte{0x02, 0x7f, 0x0b},
			want: "type mismatch: instruction requires [i32] but stack has []"},
		{name: "block type index", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x02, tyI32toI32, 0x0b}},
		{name: "block type index underflow", sig: functype(nil, ts(tI32)), body: []byte{0x02, tyI32toI32, 0x0b}, want: "type mismatch"},
		{name: "block type unknown", body: []byte{0x02, 0x30, 0x0b}, want: "unknown type"},
		{name: "block type non-func", body: []byte{0x02, tyStruct, 0x0b}, want: "non-function type"},
		{name: "loop label is params", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x03, tyI32toI32, 0x0c, 0, 0x0b}},
		{name: "loop result missing", sig: functype(nil, ts(tI32)), body: []byte{0x03, 0x7f, 0x0b}, want: "type mismatch"},
		{name: "br to loop drops values", sig: functype(nil, ts(tI32)), body: []byte{0x03, 0x7f, 0x41, 1, 0x0c, 0, 0x0b}},
		{name: "if else", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b}},
		{name: "if without else result", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x04, 0x7f, 0x41, 1, 0x0b}, want: "type mismatch"},
		{name: "if passthrough", sig: functype(nil, ts(tI32)), body: []byte{0x41, 5, 0x41, 0, 0x04, 0x02 /* [i32]->[i32] */, 0x0b}},
		{name: "if cond missing", body: []byte{0x04, 0x40, 0x0b}, want: "type mismatch"},
		{name: "else without if", body: []byte{0x02, 0x40, 0x05, 0x0b}, want: "END opcode expected"},
		{name: "br unknown label", body: []byte{0x0c, 1}, want: "unknown label"},
		{name: "br_if", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x41, 0, 0x0d, 0}},
		{name: "br_table", sig: functype(ts(tI32), ts(tI32)),
			body: []byte{0x02, 0x7f, 0x20, 0, 0x20, 0, 0x0e, 1, 0, 1, 0x0b}},
		{name: "br_table arity", sig: functype(ts(tI32), ts(tI32)),
			body: []byte{0x02, 0x40, 0x20, 0, 0x20, 0, 0x0e, 1, 0, 1, 0x0b, 0x41, 0}, want: "type mismatch"},
		{name: "br_table unreachable", sig: functype(nil, ts(tI32)),
			body: []byte{0x02, 0x7f, 0x00, 0x0e, 1, 0, 1, 0x0b}},
		{name: "return", sig: functype(nil, ts(tI32)), body: []byte{0x41, 1, 0x0f}},
		{name: "return wrong", sig: functype(nil, ts(tI32)), body: []byte{0x42, 1, 0x0f}, want: "type mismatch"},
		{name: "call", sig: functype(nil, nil), body: []byte{0x10, 1}},
		{name: "call unknown", body: []byte{0x10, 9}, want: "unknown function"},
		{name: "call args", sig: functype(ts(tI32), ts(tI32)), body: []byte{0x20, 0, 0x10, 0}},
		{name: "call_indirect", body: []byte{0x41, 0, 0x11, tyVoid, 0}},
		{name: "call_indirect table64", body: []byte{0x42, 0, 0x11, tyVoid, 2}},
		{name: "call_indirect externref table", body: []byte{0x41, 0, 0x11, tyVoid, 1}, want: "type mismatch"},
		{name: "call_indirect unknown table", body: []byte{0x41, 0, 0x11, tyVoid, 7}, want: "unknown table"},
		{name: "call_indirect unknown type", body: []byte{0x41, 0, 0x11, 0x30, 0}, want: "unknown type"},
		{name: "return_call", body: []byte{0x12, 1}},
		{name: "return_call results", sig: functype(nil, ts(tI32)), body: []byte{0x12, 1}, want: "type mismatch"},
		{name: "call_ref", body: []byte{0xd2, 1, 0x14, tyVoid}},
		{name: "call_ref wrong type", body: []byte{0xd2, 1, 0x14, tyI32toI32}, want: "type mismatch"},
		{name: "return_call_ref", body: []byte{0xd2, 1, 0x15, tyVoid}},
		{name: "missing end", body: []byte{0x02, 0x40}, want: "unexpected end of section or function"},
		{name: "code after end", body: []byte{0x0b, 0x01}, want: "section size mismatch"},
	})
}

func TestMemoryAndTables(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "load", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x28, 2, 0}},
		{name: "load align", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x28, 3, 0}, want: "alignment must not be larger than natural"},
		{name: "load8 align", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x2c, 1, 0}, want: "alignment must not be larger than natural"},
		{name: "load memory64", sig: functype(nil, ts(tI64)), body: []byte{0x42, 0, 0x29, 0x43, 1, 0}},
		{name: "load memory64 i32 addr", sig: functype(nil, ts(tI64)), body: []byte{0x41, 0, 0x29, 0x43, 1, 0}, want: "type mismatch"},
		{name: "load unknown memory", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x28, 0x42, 5, 0}, want: "unknown memory"},
		{name: "offset out of range", sig: functype(nil, ts(tI32)), body: cat([]byte{0x41, 0, 0x28, 2}, leb(1<<32)), want: "offset out of range"},
		{name: "offset64 ok", sig: functype(nil, ts(tI32)), body: cat([]byte{0x42, 0, 0x28, 0x42, 1}, leb(1<<32))},
		{name: "v128.load lane", sig: functype(ts(tV128), ts(tV128)), body: []byte{0x41, 0, 0x20, 0, 0xfd, 0x55, 1, 0, 7}},
		{name: "v128.load lane bad", sig: functype(ts(tV128), ts(tV128)), body: []byte{0x41, 0, 0x20, 0, 0xfd, 0x55, 1, 0, 8}, want: "invalid lane index"},
		{name: "v128.load64_splat align", sig: functype(nil, ts(tV128)), body: []byte{0x41, 0, 0xfd, 0x0a, 4, 0}, want: "alignment must not be larger"},
		{name: "atomic load", sig: functype(nil, ts(tI64)), body: []byte{0x41, 0, 0xfe, 0x11, 3, 0}},
		{name: "atomic underaligned", sig: functype(nil, ts(tI64)), body: []byte{0x41, 0, 0xfe, 0x11, 2, 0}, want: "atomic alignment must be natural"},
		{name: "atomic rmw8", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x41, 0, 0xfe, 0x20, 0, 0}},
		{name: "atomic wait64", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0x42, 0, 0x42, 0, 0xfe, 0x02, 3, 0}},
		{name: "atomic.fence", body: []byte{0xfe, 0x03, 0x00}},
		{name: "memory.size", sig: functype(nil, ts(tI32)), body: []byte{0x3f, 0}},
		{name: "memory.grow 64", sig: functype(nil, ts(tI64)), body: []byte{0x42, 1, 0x40, 1}},
		{name: "memory.size unknown", sig: functype(nil, ts(tI32)), body: []byte{0x3f, 4}, want: "unknown memory"},
		{name: "memory.copy mixed", body: []byte{0x42, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, 1, 0}},
		{name: "memory.copy mixed bad", body: []byte{0x42, 0, 0x41, 0, 0x42, 0, 0xfc, 0x0a, 1, 0}, want: "type mismatch"},
		{name: "memory.fill", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0}},
		{name: "memory.init", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0, 0}},
		{name: "memory.init unknown data", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 1, 0}, want: "unknown data segment"},
		{name: "data.drop", body: []byte{0xfc, 0x09, 0}},
		{name: "table.get", sig: functype(nil, ts(tFunc)), body: []byte{0x41, 0, 0x25, 0}},
		{name: "table.get wrong", sig: functype(nil, ts(tFunc)), body: []byte{0x41, 0, 0x25, 1}, want: "type mismatch"},
		{name: "table.set", body: []byte{0x41, 0, 0xd0, 0x6f, 0x26, 1}},
		{name: "table.size64", sig: functype(nil, ts(tI64)), body: []byte{0xfc, 0x10, 2}},
		{name: "table.grow", sig: functype(nil, ts(tI32)), body: []byte{0xd0, 0x70, 0x41, 1, 0xfc, 0x0f, 0}},
		{name: "table.fill", body: []byte{0x41, 0, 0xd0, 0x6f, 0x41, 1, 0xfc, 0x11, 1}},
		{name: "table.copy", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0e, 0, 0}},
		{name: "table.copy elem mismatch", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0e, 0, 1}, want: "type mismatch"},
		{name: "table.init", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0c, 0, 0}},
		{name: "table.init elem mismatch", body: []byte{0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0c, 0, 1}, want: "type mismatch"},
		{name: "elem.drop unknown", body: []byte{0xfc, 0x0d, 3}, want: "unknown elem segment"},
	})
}

func TestReferences(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "ref.func declared", sig: functype(nil, ts(tFunc)), body: []byte{0xd2, 1}},
		{name: "ref.func undeclared", sig: functype(nil, ts(tFunc)), body: []byte{0xd2, 2}, want: "undeclared function reference"},
		{name: "ref.func typed", sig: functype(nil, ts(ref(tyVoid))), body: []byte{0xd2, 1}},
		{name: "ref.null typed", sig: functype(nil, ts(refNull(tyVoid))), body: []byte{0xd0, tyVoid}},
		{name: "ref.null unknown type", body: []byte{0xd0, 0x30, 0x1a}, want: "unknown type"},
		{name: "ref.is_null", sig: functype(nil, ts(tI32)), body: []byte{0xd0, 0x6f, 0xd1}},
		{name: "ref.is_null num", sig: functype(nil, ts(tI32)), body: []byte{0x41, 0, 0xd1}, want: "type mismatch"},
		{name: "ref.as_non_null", sig: functype(nil, ts(ref(tyVoid))), body: []byte{0xd0, tyVoid, 0xd4}},
		{name: "nullable to non-null", sig: functype(nil, ts(ref(tyVoid))), body: []byte{0xd0, tyVoid}, want: "type mismatch"},
		{name: "ref.eq", sig: functype(nil, ts(tI32)), body: []byte{0xd0, 0x6d, 0xd0, 0x6b, 0xd3}},
		{name: "ref.eq func", sig: functype(nil, ts(tI32)), body: []byte{0xd0, 0x70, 0xd0, 0x70, 0xd3}, want: "type mismatch"},
		{name: "br_on_null", sig: functype(ts(refNull(tyVoid)), ts(ref(tyVoid))),
			body: []byte{0x02, 0x40, 0x20, 0, 0xd5, 0, 0x0f, 0x0b, 0x00}},
		{name: "br_on_non_null", sig: functype(ts(refNull(tyVoid)), ts(ref(tyVoid))),
			body: []byte{0x02, 0x64, tyVoid, 0x20, 0, 0xd6, 0, 0x00, 0x0b}},
		{name: "br_on_non_null empty label", sig: functype(ts(refNull(tyVoid)), nil),
			body: []byte{0x20, 0, 0xd6, 0}, want: "type mismatch"},
		{name: "unreachable ref.as_non_null", sig: functype(nil, ts(ref(tyVoid))), body: []byte{0x00, 0xd4}},
	})
}

func TestGC(t *testing.T) {
	gc := func(sub byte, imm ...byte) []byte { return cat([]byte{0xfb, sub}, imm) }
	runBodyCases(t, []bodyCase{
		{name: "struct.new", sig: functype(nil, ts(ref(tyStruct))), body: cat([]byte{0x41, 1, 0x41, 2}, gc(0x00, tyStruct))},
		{name: "struct.new arity", sig: functype(nil, ts(ref(tyStruct))), body: cat([]byte{0x41, 1}, gc(0x00, tyStruct)), want: "type mismatch"},
		{name: "struct.new non-struct", body: cat(gc(0x00, tyArrI32), []byte{0x1a}), want: "type mismatch"},
		{name: "struct.new_default", sig: functype(nil, ts(ref(tyStruct))), body: gc(0x01, tyStruct)},
		{name: "struct.get", sig: functype(ts(refNull(tyStruct)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x02, tyStruct, 0))},
		{name: "struct.get packed", sig: functype(ts(refNull(tyStruct)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x02, tyStruct, 1)), want: "type mismatch"},
		{name: "struct.get_s", sig: functype(ts(refNull(tyStruct)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x03, tyStruct, 1))},
		{name: "struct.get_u unpacked", sig: functype(ts(refNull(tyStruct)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x04, tyStruct, 0)), want: "type mismatch"},
		{name: "struct.get unknown field", sig: functype(ts(refNull(tyStruct)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x02, tyStruct, 2)), want: "unknown field"},
		{name: "struct.set", sig: functype(ts(refNull(tyStruct)), nil), body: cat([]byte{0x20, 0, 0x41, 1}, gc(0x05, tyStruct, 0))},
		{name: "struct.set immutable", sig: functype(ts(refNull(tyStruct)), nil), body: cat([]byte{0x20, 0, 0x41, 1}, gc(0x05, tyStruct, 1)), want: "immutable field"},
		{name: "array.new", sig: functype(nil, ts(ref(tyArrI32))), body: cat([]byte{0x41, 1, 0x41, 2}, gc(0x06, tyArrI32))},
		{name: "array.new_default", sig: functype(nil, ts(ref(tyArrI32))), body: cat([]byte{0x41, 2}, gc(0x07, tyArrI32))},
		{name: "array.new_fixed", sig: functype(nil, ts(ref(tyArrI32))), body: cat([]byte{0x41, 1, 0x41, 2, 0x41, 3}, gc(0x08, tyArrI32, 3))},
		{name: "array.new_fixed short", sig: functype(nil, ts(ref(tyArrI32))), body: cat([]byte{0x41, 1}, gc(0x08, tyArrI32, 0xff, 0xff, 0xff, 0xff, 0x0f)), want: "type mismatch"},
		{name: "array.new_data", sig: functype(nil, ts(ref(tyArrI32))), body: cat([]byte{0x41, 0, 0x41, 0}, gc(0x09, tyArrI32, 0))},
		{name: "array.new_data ref", sig: functype(nil, ts(ref(tyArrFunc))), body: cat([]byte{0x41, 0, 0x41, 0}, gc(0x09, tyArrFunc, 0)), want: "array type is not numeric or vector"},
		{name: "array.new_elem", sig: functype(nil, ts(ref(tyArrFunc))), body: cat([]byte{0x41, 0, 0x41, 0}, gc(0x0a, tyArrFunc, 0))},
		{name: "array.get_u", sig: functype(ts(refNull(tyArrMutI8)), ts(tI32)), body: cat([]byte{0x20, 0, 0x41, 0}, gc(0x0d, tyArrMutI8))},
		{name: "array.get packed", sig: functype(ts(refNull(tyArrMutI8)), ts(tI32)), body: cat([]byte{0x20, 0, 0x41, 0}, gc(0x0b, tyArrMutI8)), want: "type mismatch"},
		{name: "array.set", sig: functype(ts(refNull(tyArrMutI8)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x41, 0}, gc(0x0e, tyArrMutI8))},
		{name: "array.set immutable", sig: functype(ts(refNull(tyArrI32)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x41, 0}, gc(0x0e, tyArrI32)), want: "immutable array"},
		{name: "array.len", sig: functype(ts(refNull(tyArrI32)), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x0f))},
		{name: "array.fill", sig: functype(ts(refNull(tyArrMutI8)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x41, 0, 0x41, 0}, gc(0x10, tyArrMutI8))},
		{name: "array.copy", sig: functype(ts(refNull(tyArrMutI8)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x20, 0, 0x41, 0, 0x41, 0}, gc(0x11, tyArrMutI8, tyArrMutI8))},
		{name: "array.copy mismatch", sig: functype(ts(refNull(tyArrMutI8)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x20, 0, 0x41, 0, 0x41, 0}, gc(0x11, tyArrMutI8, tyArrI32)), want: "array types do not match"},
		{name: "array.init_data immutable", sig: functype(ts(refNull(tyArrI32)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x41, 0, 0x41, 0}, gc(0x12, tyArrI32, 0)), want: "immutable array"},
		{name: "array.init_elem", sig: functype(ts(refNull(tyArrFunc)), nil), body: cat([]byte{0x20, 0, 0x41, 0, 0x41, 0, 0x41, 0}, gc(0x13, tyArrFunc, 0))},
		{name: "ref.i31", sig: functype(nil, ts(ref(0x6c))), body: cat([]byte{0x41, 0}, gc(0x1c))},
		{name: "i31.get_s", sig: functype(nil, ts(tI32)), body: cat([]byte{0x41, 0}, gc(0x1c), gc(0x1d))},
		{name: "ref.test", sig: functype(ts(tAny), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x14, tyStruct))},
		{name: "ref.test wrong hierarchy", sig: functype(ts(tFunc), ts(tI32)), body: cat([]byte{0x20, 0}, gc(0x14, tyStruct)), want: "type mismatch"},
		{name: "ref.cast", sig: functype(ts(tAny), ts(refNull(tyStruct))), body: cat([]byte{0x20, 0}, gc(0x17, tyStruct))},
		{name: "ref.cast to cont", sig: functype(ts(tAny), nil), body: cat([]byte{0x20, 0}, gc(0x16, tyContVoid), []byte{0x1a}), want: "invalid cast"},
		{name: "br_on_cast", sig: functype(ts(tAny), ts(tAny)),
			body: cat([]byte{0x02, 0x64, tyStruct, 0x20, 0}, gc(0x18, 0x01, 0, 0x6e, tyStruct), []byte{0x0f, 0x0b, 0x1a, 0xd0, 0x6e})},
		{name: "br_on_cast label mismatch", sig: functype(ts(tAny), ts(tAny)),
			body: cat([]byte{0x02, 0x64, tyArrI32, 0x20, 0}, gc(0x18, 0x01, 0, 0x6e, tyStruct), []byte{0x0f, 0x0b, 0x1a, 0xd0, 0x6e}), want: "type mismatch"},
		{name: "br_on_cast_fail", sig: functype(ts(tAny), ts(tAny)),
			body: cat([]byte{0x02, 0x6e, 0x20, 0}, gc(0x19, 0x01, 0, 0x6e, tyStruct), []byte{0x1a, 0xd0, 0x6e, 0x0b})},
		{name: "any.convert_extern", sig: functype(ts(tExtern), ts(tAny)), body: cat([]byte{0x20, 0}, gc(0x1a))},
		{name: "extern.convert_any wrong", sig: functype(ts(tExtern), ts(tExtern)), body: cat([]byte{0x20, 0}, gc(0x1b)), want: "type mismatch"},
	})
}

func TestExceptions(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "throw", body: []byte{0x41, 0, 0x08, 0}},
		{name: "throw missing", body: []byte{0x08, 0}, want: "type mismatch: instruction requires [i32] but stack has []"},
		{name: "throw unknown", body: []byte{0x08, 5}, want: "unknown tag"},
		{name: "throw_ref", body: []byte{0xd0, 0x69, 0x0a}},
		{name: "try_table catch", sig: functype(nil, ts(tI32)),
			body: []byte{0x02, 0x7f, 0x1f, 0x40, 1, 0x00, 0, 0, 0x0b, 0x41, 0, 0x0b}},
		{name: "try_table catch mismatch", sig: functype(nil, ts(tI64)),
			body: []byte{0x02, 0x7e, 0x1f, 0x40, 1, 0x00, 0, 0, 0x0b, 0x42, 0, 0x0b}, want: "type mismatch"},
		{name: "try_table catch_all_ref", sig: functype(nil, ts(ref(0x69))),
			body: []byte{0x02, 0x64, 0x69, 0x1f, 0x40, 1, 0x03, 0, 0x0b, 0x00, 0x0b}},
		{name: "try_table catch_ref", sig: functype(nil, ts(tI32, ref(0x69))),
			body: []byte{0x02, tyTest, 0x1f, 0x40, 1, 0x01, 0, 0, 0x0b, 0x00, 0x0b}},
		{name: "try_table catch_ref wrong", sig: functype(nil, ts(tI32)),
			body: []byte{0x02, 0x7f, 0x1f, 0x40, 1, 0x01, 0, 0, 0x0b, 0x00, 0x0b}, want: "type mismatch"},
		{name: "legacy try catch", sig: functype(nil, ts(tI32)),
			body: []byte{0x06, 0x7f, 0x41, 1, 0x07, 0, 0x19, 0x41, 2, 0x0b}},
		{name: "legacy catch pushes params", sig: functype(nil, ts(tI32)),
			body: []byte{0x06, 0x7f, 0x41, 1, 0x07, 0, 0x0b}},
		{name: "legacy catch wrong", sig: functype(nil, ts(tI32)),
			body: []byte{0x06, 0x7f, 0x41, 1, 0x07, 1, 0x0b}, want: "type mismatch"},
		{name: "legacy catch_all extra", body: []byte{0x06, 0x40, 0x19, 0x41, 0, 0x0b}, want: "type mismatch: block requires [] but stack has [i32]"},
		{name: "rethrow", body: []byte{0x06, 0x40, 0x19, 0x09, 0, 0x0b}},
		{name: "rethrow nested", body: []byte{0x06, 0x40, 0x07, 1, 0x02, 0x40, 0x09, 1, 0x0b, 0x0b}},
		{name: "rethrow not catch", body: []byte{0x02, 0x40, 0x09, 0, 0x0b}, want: "invalid rethrow label"},
		{name: "rethrow in try", body: []byte{0x06, 0x40, 0x09, 0, 0x0b}, want: "invalid rethrow label"},
		{name: "delegate", body: []byte{0x06, 0x40, 0x18, 0}},
		{name: "delegate unknown label", body: []byte{0x06, 0x40, 0x18, 1}, want: "unknown label"},
		{name: "delegate after catch", body: []byte{0x06, 0x40, 0x19, 0x18, 0}, want: "END opcode expected"},
	})
}

func TestStackSwitching(t *testing.T) {
	runBodyCases(t, []bodyCase{
		{name: "cont.new", sig: functype(ts(refNull(tyI32toI32)), ts(ref(tyCont2))), body: []byte{0x20, 0, 0xe0, tyCont2}},
		{name: "cont.new non-cont", sig: functype(ts(refNull(tyI32toI32)), nil), body: []byte{0x20, 0, 0xe0, tyI32toI32, 0x1a}, want: "non-continuation type"},
		{name: "cont.new wrong func", sig: functype(ts(refNull(tyVoid)), nil), body: []byte{0x20, 0, 0xe0, tyCont2, 0x1a}, want: "type mismatch"},
		{name: "cont.bind", sig: functype(ts(refNull(tyCont2)), ts(ref(tyContToI32))), body: []byte{0x41, 1, 0x20, 0, 0xe1, tyCont2, tyContToI32}},
		{name: "cont.bind mismatch", sig: functype(ts(refNull(tyCont2)), nil), body: []byte{0x41, 1, 0x20, 0, 0xe1, tyCont2, tyContVoid, 0x1a},
			want: "type mismatch in continuation types"},
		{name: "cont.bind too many", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x20, 0, 0xe1, tyContVoid, tyCont2, 0x1a},
			want: "type mismatch in continuation arguments"},
		{name: "suspend", body: []byte{0x41, 1, 0xe2, 0}},
		{name: "suspend missing", body: []byte{0xe2, 0}, want: "type mismatch"},
		{name: "resume", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x20, 0, 0xe3, tyContVoid, 0}},
		{name: "resume handler", sig: functype(ts(refNull(tyCont2)), nil),
			body: []byte{0x02, 0x64, tyContToI32, 0x41, 0, 0x20, 0, 0xe3, tyCont2, 1, 0x00, 1, 0, 0x1a, 0x00, 0x0b, 0x1a}},
		{name: "resume handler abstract label", sig: functype(ts(refNull(tyCont2)), nil),
			body: []byte{0x02, 0x64, 0x68, 0x41, 0, 0x20, 0, 0xe3, tyCont2, 1, 0x00, 1, 0, 0x1a, 0x00, 0x0b, 0x1a},
			want: "type mismatch: instruction requires concrete continuation reference type but label has [(ref cont)]"},
		{name: "resume handler wrong cont", sig: functype(ts(refNull(tyCont2)), nil),
			body: []byte{0x02, 0x64, tyContVoid, 0x41, 0, 0x20, 0, 0xe3, tyCont2, 1, 0x00, 1, 0, 0x1a, 0x00, 0x0b, 0x1a},
			want: "type mismatch in continuation type"},
		{name: "resume switch handler", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x20, 0, 0xe3, tyContVoid, 1, 0x01, 1}},
		{name: "resume switch handler params", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x20, 0, 0xe3, tyContVoid, 1, 0x01, 0},
			want: "type mismatch"},
		{name: "resume_throw", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x41, 0, 0x20, 0, 0xe4, tyContVoid, 0, 0}},
		{name: "resume_throw_ref", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0xd0, 0x69, 0x20, 0, 0xe5, tyContVoid, 0}},
		{name: "switch", sig: functype(ts(refNull(tyRecCont)), nil), body: []byte{0x20, 0, 0xe6, tyRecCont, 1, 0x1a}},
		{name: "switch tag params", sig: functype(ts(refNull(tyRecCont)), nil), body: []byte{0x20, 0, 0xe6, tyRecCont, 0, 0x1a},
			want: "type mismatch in switch tag"},
		{name: "switch no cont param", sig: functype(ts(refNull(tyContVoid)), nil), body: []byte{0x20, 0, 0xe6, tyContVoid, 1},
			want: "type mismatch"},
	})
}

// FuzzFuncBody validates arbitrary function bodies in the test environment:
// whatever the bytes, validation must return (an error or not), not panic.
func FuzzFuncBody(f *testing.F) {
	for _, seed := range [][]byte{
		{0x41, 1, 0x1a},
		{0x02, 0x7f, 0x41, 1, 0x0b, 0x1a},
		{0x06, 0x40, 0x07, 1, 0x02, 0x40, 0x09, 1, 0x0b, 0x0b},
		{0x20, 0, 0xe3, tyCont2, 1, 0x00, 1, 0, 0x1a},
		{0x41, 0, 0x41, 0, 0xfb, 0x08, tyArrI32, 2, 0x1a},
		{0x02, 0x40, 0x1f, 0x40, 1, 0x00, 0, 0, 0x0b, 0x0b},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sig := functype(ts(tI32, refNull(tyCont2), tAny), ts(tI32))
		m := envModule(sig, ts(local(2, tI64), local(1, ref(tyVoid))), body)
		validateBytes(m.bytes(), wasm.All)
	})
}
