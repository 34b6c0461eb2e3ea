package wast

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/wasm"
)

func mustParse(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Parse("test.wast", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func kinds(cmds []Command) []CommandKind {
	var ks []CommandKind
	for _, c := range cmds {
		ks = append(ks, c.Kind)
	}
	return ks
}

func TestModules(t *testing.T) {
	s := mustParse(t, `
(module $M1 (func (export "f") (result i32) (i32.const 1)))
(module binary "\00asm" "\01\00\00\00")
(module $Q quote "(func)" " (memory 1)")
(module definition $D (func))
(module instance $I $D)
(module instance $D)
(module)
`)
	want := []CommandKind{CmdModule, CmdModule, CmdModule, CmdModule, CmdInstance, CmdInstance, CmdModule}
	if got := kinds(s.Commands); !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	m := s.Commands[0].Module
	if m.Kind != ModuleText || m.Name != "$M1" || m.Line != 2 || m.Definition {
		t.Errorf("text module = %+v", m)
	}
	if f := m.Tokens[m.Fields]; f.Kind != text.TokLParen || m.Tokens[m.Fields+1].Text != "func" {
		t.Errorf("fields start at %+v", f)
	}
	if last := m.Tokens[len(m.Tokens)-1]; last.Kind != text.TokRParen {
		t.Errorf("tokens end with %+v, want )", last)
	}
	if b := s.Commands[1].Module; b.Kind != ModuleBinary || string(b.Source) != "\x00asm\x01\x00\x00\x00" {
		t.Errorf("binary module = %+v", b)
	}
	if q := s.Commands[2].Module; q.Kind != ModuleQuote || q.Name != "$Q" || string(q.Source) != "(func) (memory 1)" {
		t.Errorf("quote module = %+v", q)
	}
	if d := s.Commands[3].Module; !d.Definition || d.Name != "$D" {
		t.Errorf("definition = %+v", d)
	}
	if c := s.Commands[4]; c.Name != "$I" || c.Def != "$D" {
		t.Errorf("instance = %+v", c)
	}
	if c := s.Commands[5]; c.Name != "" || c.Def != "$D" {
		t.Errorf("instance of definition = %+v", c)
	}
	if m := s.Commands[6].Module; m.Fields != 2 || len(m.Tokens) != 3 {
		t.Errorf("empty module fields=%d tokens=%d", m.Fields, len(m.Tokens))
	}
}

func TestActionsAndArgs(t *testing.T) {
	s := mustParse(t, `
(register "M" $M1)
(register "N")
(invoke "f" (i32.const -1) (i64.const 0x10) (f32.const 1.5) (f64.const -0.0))
(get $M1 "g")
(invoke $"M 1" "h" (v128.const i8x16 -1 255 0 1 2 3 4 5 6 7 8 9 10 11 12 -128)
  (v128.const f32x4 1 2 3 4) (ref.null extern) (ref.extern 7) (ref.host 3) (ref.null func))
`)
	if c := s.Commands[0]; c.Kind != CmdRegister || c.As != "M" || c.Name != "$M1" {
		t.Errorf("register = %+v", c)
	}
	if c := s.Commands[1]; c.As != "N" || c.Name != "" {
		t.Errorf("register without instance = %+v", c)
	}
	a := s.Commands[2].Action
	if s.Commands[2].Kind != CmdAction || a.Kind != ActInvoke || a.Name != "f" || len(a.Args) != 4 {
		t.Fatalf("invoke = %+v", a)
	}
	want := []Value{
		{Kind: ValI32, Lo: 0xffffffff},
		{Kind: ValI64, Lo: 16},
		{Kind: ValF32, Lo: uint64(math.Float32bits(1.5))},
		{Kind: ValF64, Lo: 1 << 63},
	}
	if !reflect.DeepEqual(a.Args, want) {
		t.Errorf("args = %v, want %v", a.Args, want)
	}
	if g := s.Commands[3].Action; g.Kind != ActGet || g.Module != "$M1" || g.Name != "g" || g.Args != nil {
		t.Errorf("get = %+v", g)
	}
	h := s.Commands[4].Action
	if h.Module != "$M 1" || len(h.Args) != 6 {
		t.Fatalf("invoke h = %+v", h)
	}
	v := h.Args[0]
	// Lanes ff ff 00 01 02 03 04 05 | 06 07 08 09 0a 0b 0c 80, little endian.
	if v.Kind != ValV128 || v.Shape != I8x16 || v.Lo != 0x050403020100ffff || v.Hi != 0x800c0b0a09080706 {
		t.Errorf("i8x16 = %+v", v)
	}
	f := h.Args[1]
	for i := 0; i < 4; i++ {
		if got := uint32(f.Lane(F32x4, i)); got != math.Float32bits(float32(i+1)) {
			t.Errorf("f32x4 lane %d = %#x", i, got)
		}
	}
	refs := []Value{{Kind: ValRefNull, Heap: wasm.HeapExtern}, {Kind: ValRefExtern, Lo: 7},
		{Kind: ValRefHost, Lo: 3}, {Kind: ValRefNull, Heap: wasm.HeapFunc}}
	if !reflect.DeepEqual(h.Args[2:], refs) {
		t.Errorf("ref args = %v, want %v", h.Args[2:], refs)
	}
}

func TestResults(t *testing.T) {
	s := mustParse(t, `
(assert_return (invoke "f")
  (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const nan:0x4000000000000)
  (v128.const f32x4 nan:canonical 1.0 nan:arithmetic -0)
  (ref.null) (ref.null any) (ref.extern 2) (ref.extern) (ref.func) (ref.any) (ref.eq)
  (ref.i31) (ref.struct) (ref.array) (ref.exn) (ref.host 1)
  (either (i32.const 1) (i32.const 2)))
(assert_return (get "g"))
`)
	c := s.Commands[0]
	if c.Kind != CmdAssertReturn || c.Action.Name != "f" {
		t.Fatalf("assert_return = %+v", c)
	}
	r := c.Results
	if len(r) != 18 {
		t.Fatalf("%d results, want 18", len(r))
	}
	if r[0].Kind != ResValue || r[0].Value != (Value{Kind: ValI32, Lo: 1}) {
		t.Errorf("r0 = %+v", r[0])
	}
	if r[1].NaN != CanonicalNaN || r[1].Value.Kind != ValF32 || r[2].NaN != ArithmeticNaN || r[2].Value.Kind != ValF64 {
		t.Errorf("nan results = %+v %+v", r[1], r[2])
	}
	if r[3].NaN != NotNaN || r[3].Value.Lo != 0x7ff4000000000000 {
		t.Errorf("nan payload = %+v", r[3])
	}
	v := r[4]
	if v.LaneNaN != [4]NaN{CanonicalNaN, NotNaN, ArithmeticNaN, NotNaN} ||
		uint32(v.Value.Lane(F32x4, 1)) != math.Float32bits(1) || uint32(v.Value.Lane(F32x4, 3)) != 1<<31 {
		t.Errorf("v128 pattern = %+v", v)
	}
	if r[5].Kind != ResRefNull || r[6].Kind != ResValue || r[6].Value.Heap != wasm.HeapAny {
		t.Errorf("null results = %+v %+v", r[5], r[6])
	}
	if r[7].Value != (Value{Kind: ValRefExtern, Lo: 2}) || r[8].Kind != ResRefType || r[8].Heap != wasm.HeapExtern {
		t.Errorf("extern results = %+v %+v", r[7], r[8])
	}
	heaps := []wasm.HeapType{wasm.HeapFunc, wasm.HeapAny, wasm.HeapEq, wasm.HeapI31, wasm.HeapStruct, wasm.HeapArray, wasm.HeapExn}
	for i, h := range heaps {
		if r[9+i].Kind != ResRefType || r[9+i].Heap != h {
			t.Errorf("r%d = %+v, want type pattern %v", 9+i, r[9+i], h)
		}
	}
	if r[16].Value != (Value{Kind: ValRefHost, Lo: 1}) {
		t.Errorf("host = %+v", r[16])
	}
	e := r[17]
	if e.Kind != ResEither || len(e.Either) != 2 || e.Either[1].Value.Lo != 2 {
		t.Errorf("either = %+v", e)
	}
	if c := s.Commands[1]; c.Action.Kind != ActGet || len(c.Results) != 0 {
		t.Errorf("assert_return get = %+v", c)
	}
}

func TestAssertions(t *testing.T) {
	s := mustParse(t, `
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
(assert_trap (module (start $s) (func $s unreachable)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_exception (invoke "throw"))
(assert_suspension (invoke "suspend") "unhandled")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
(assert_unlinkable (module instance $I $D) "incompatible import type")
(assert_uninstantiable (module (func $s unreachable) (start $s)) "unreachable")
(assert_invalid_custom (module) "x")
(assert_malformed_custom (module quote "") "y")
`)
	want := []CommandKind{CmdAssertTrap, CmdAssertTrap, CmdAssertExhaustion, CmdAssertException,
		CmdAssertSuspension, CmdAssertInvalid, CmdAssertMalformed, CmdAssertMalformed,
		CmdAssertUnlinkable, CmdAssertUnlinkable, CmdAssertUninstantiable,
		CmdAssertInvalidCustom, CmdAssertMalformedCustom}
	if got := kinds(s.Commands); !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	cs := s.Commands
	if cs[0].Action == nil || cs[0].Text != "integer divide by zero" || cs[0].Module != nil {
		t.Errorf("assert_trap action = %+v", cs[0])
	}
	if cs[1].Action != nil || cs[1].Module == nil || cs[1].Module.Kind != ModuleText || cs[1].Text != "unreachable" {
		t.Errorf("assert_trap module = %+v", cs[1])
	}
	if cs[3].Action.Name != "throw" || cs[3].Text != "" {
		t.Errorf("assert_exception = %+v", cs[3])
	}
	if cs[6].Module.Kind != ModuleQuote || string(cs[6].Module.Source) != "(func" || cs[6].Text != "unexpected end" {
		t.Errorf("assert_malformed = %+v", cs[6])
	}
	if cs[9].Module != nil || cs[9].Name != "$I" || cs[9].Def != "$D" {
		t.Errorf("assert_unlinkable instance = %+v", cs[9])
	}
	for i, c := range cs {
		if c.Line != i+2 {
			t.Errorf("command %d on line %d, want %d", i, c.Line, i+2)
		}
	}
}

func TestThreadsAndMeta(t *testing.T) {
	s := mustParse(t, `
(module $Mem (memory 1 1 shared))
(thread $T1 (shared (module $Mem))
  (register "mem" $Mem)
  (module (import "mem" "m" (memory 1 1 shared)))
  (invoke "run"))
(thread $T2 (invoke "x"))
(wait $T1)
(wait $T2)
(script $S (module))
(input "f.wast")
(output $S)
`)
	want := []CommandKind{CmdModule, CmdThread, CmdThread, CmdWait, CmdWait, CmdScript, CmdInput, CmdOutput}
	if got := kinds(s.Commands); !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	th := s.Commands[1]
	if th.Name != "$T1" || !reflect.DeepEqual(th.Shared, []string{"$Mem"}) ||
		!reflect.DeepEqual(kinds(th.Body), []CommandKind{CmdRegister, CmdModule, CmdAction}) {
		t.Errorf("thread = %+v", th)
	}
	if th := s.Commands[2]; th.Shared != nil || len(th.Body) != 1 {
		t.Errorf("thread without shared = %+v", th)
	}
	if w := s.Commands[3]; w.Name != "$T1" {
		t.Errorf("wait = %+v", w)
	}
	if sc := s.Commands[5]; sc.Name != "$S" || len(sc.Body) != 1 {
		t.Errorf("script = %+v", sc)
	}
	if in := s.Commands[6]; in.Text != "f.wast" {
		t.Errorf("input = %+v", in)
	}
}

func TestBareModule(t *testing.T) {
	s := mustParse(t, "(func)\n(memory 1)\n")
	if len(s.Commands) != 1 || s.Commands[0].Module.Kind != ModuleQuote {
		t.Fatalf("bare module = %+v", s.Commands)
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		`(bogus)`,
		`(module`,
		`(assert_return (invoke "f") (i32.const))`,
		`(assert_return (invoke "f") (i32.const x))`,
		`(assert_return (invoke "f") (either))`,
		`(invoke "f" (ref.func))`,
		`(invoke "f" (f32.const nan:canonical))`,
		`(invoke "f" (v128.const i8x16 1 2))`,
		`(invoke "f" (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))`,
		`(invoke "f" (v128.const i16x8 -32769 0 0 0 0 0 0 0))`,
		`(invoke "f" (v128.const i4x32 0))`,
		`(invoke "f" (ref.null bogus))`,
		`(invoke "f" (ref.extern -1))`,
		`(invoke f)`,
		`(assert_trap (invoke "f"))`,
		`(assert_trap (module definition (func)) "x")`,
		`(register $M)`,
		`(thread $T (shared (module)))`,
		`(module binary "\00asm" $x)`,
		`i32.const`,
		`(assert_invalid (invoke "f") "x")`,
		`(module "\x")`,
	} {
		_, err := Parse("bad.wast", []byte(src))
		if err == nil {
			t.Errorf("Parse(%q) succeeded", src)
			continue
		}
		if !strings.HasPrefix(err.Error(), "bad.wast:1:") {
			t.Errorf("Parse(%q) error %q lacks file:line", src, err)
		}
	}
}
