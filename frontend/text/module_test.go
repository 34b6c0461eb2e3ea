package text

import (
	"bytes"
	"strings"
	"testing"
)

// firstBody returns the instructions of the first function body (after the
// local declarations, without the final end).
func firstBody(t *testing.T, bin []byte) []byte {
	t.Helper()
	code := sections(bin)[10]
	if code == nil {
		t.Fatalf("no code section in % x", bin)
	}
	_, k := readU32(code) // function count
	size, k2 := readU32(code[k:])
	body := code[k+k2 : k+k2+int(size)]
	nl, k3 := readU32(body)
	body = body[k3:]
	for i := uint32(0); i < nl; i++ {
		_, k := readU32(body)
		body = body[k+1:] // count and a one-byte type
	}
	return body[:len(body)-1]
}

func TestInstrEncodings(t *testing.T) {
	cases := []struct {
		name, mod string
		want      []byte
	}{
		{"labels", `(func (block $l (result i32) (i32.const 1) (br_if $l (i32.const 0))))`,
			[]byte{0x02, 0x7f, 0x41, 1, 0x41, 0, 0x0d, 0, 0x0b}},
		{"if label outside condition", `(func (block $o (if $i (br_if $o (i32.const 0)) (then (br $i)) (else (br $o)))))`,
			[]byte{0x02, 0x40, 0x41, 0, 0x0d, 0, 0x04, 0x40, 0x0c, 0, 0x05, 0x0c, 1, 0x0b, 0x0b}},
		{"br_on_cast", `(func (param anyref) (block $l (result (ref i31)) (br_on_cast $l anyref (ref i31) (local.get 0)) drop unreachable))`,
			[]byte{0x02, 0x64, 0x6c, 0x20, 0, 0xfb, 0x18, 0x01, 0, 0x6e, 0x6c, 0x1a, 0x00, 0x0b}},
		{"ref.test null", `(type $t (struct)) (func (param anyref) (drop (ref.test (ref null $t) (local.get 0))))`,
			[]byte{0x20, 0, 0xfb, 0x15, 0, 0x1a}},
		{"select typed", `(func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) drop)`,
			[]byte{0x41, 1, 0x41, 2, 0x41, 3, 0x1c, 1, 0x7f, 0x1a}},
		{"memarg with memory", `(memory 1) (memory $m 1) (func (drop (i32.load $m offset=4 align=2 (i32.const 0))))`,
			[]byte{0x41, 0, 0x28, 0x41, 1, 4, 0x1a}},
		{"lane memarg", `(memory 1) (func (param v128) (drop (v128.load8_lane 1 (i32.const 0) (local.get 0))))`,
			[]byte{0x41, 0, 0x20, 0, 0xfd, 0x54, 0, 0, 1, 0x1a}},
		{"atomics", `(memory 1 1 shared) (func (drop (i64.atomic.rmw32.cmpxchg_u offset=8 (i32.const 0) (i64.const 1) (i64.const 2))) atomic.fence)`,
			[]byte{0x41, 0, 0x42, 1, 0x42, 2, 0xfe, 0x4e, 2, 8, 0x1a, 0xfe, 0x03, 0}},
		{"legacy try", `(tag $e) (func (try (do (throw $e)) (catch $e) (catch_all)) (try (do) (delegate 0)))`,
			[]byte{0x06, 0x40, 0x08, 0, 0x07, 0, 0x19, 0x0b, 0x06, 0x40, 0x18, 0}},
		{"try_table", `(tag $e) (func (block $h (try_table (catch $e $h) (catch_all_ref $h))))`,
			[]byte{0x02, 0x40, 0x1f, 0x40, 2, 0, 0, 0, 3, 0, 0x0b, 0x0b}},
		{"resume", `(type $f (func)) (type $c (cont $f)) (tag $t) (tag $s) (func (param (ref $c)) (block $l (result (ref $c)) (resume $c (on $t $l) (on $s switch) (local.get 0)) unreachable) drop)`,
			[]byte{0x02, 0x64, 1, 0x20, 0, 0xe3, 1, 2, 0, 0, 0, 1, 1, 0x00, 0x0b, 0x1a}},
		{"struct field names", `(type $s (struct (field $a i32) (field $b (mut i64)))) (func (param (ref $s)) (drop (struct.get $s $b (local.get 0))))`,
			[]byte{0x20, 0, 0xfb, 2, 0, 1, 0x1a}},
		{"v128 const", `(func (drop (v128.const i16x8 -1 0 1 2 3 4 5 0xffff)))`,
			[]byte{0xfd, 0x0c, 0xff, 0xff, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 0xff, 0xff, 0x1a}},
		{"call_indirect implicit type", `(table 1 funcref) (func (call_indirect (param i64) (i64.const 0)))`,
			[]byte{0x42, 0, 0x11, 1, 0}},
	}
	for _, c := range cases {
		bin, err := ParseModule([]byte(c.mod))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := firstBody(t, bin); !bytes.Equal(got, c.want) {
			t.Errorf("%s:\n got % x\nwant % x", c.name, got, c.want)
		}
	}
}

func TestModuleEncoding(t *testing.T) {
	// Implicit types go after explicit ones; a lone final function type
	// (also in a one-type rec group) is reused, a bigger group's is not.
	src := `(module
	  (rec (type $r (func)) (type (func)))
	  (type $a (func (param i32)))
	  (func (param i32))
	  (func)
	  (func (export "f") (result i64) (i64.const 0)))`
	bin, err := ParseModule([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 20, 4, 0x4e, 2, 0x60, 0, 0, 0x60, 0, 0, 0x60, 1, 0x7f, 0, 0x60, 0, 0, 0x60, 0, 1, 0x7e,
		3, 4, 3, 2, 3, 4,
		7, 5, 1, 1, 'f', 0, 2,
		10, 12, 3, 2, 0, 0x0b, 2, 0, 0x0b, 4, 0, 0x42, 0, 0x0b,
	}
	if !bytes.Equal(bin, want) {
		t.Errorf("got  % x\nwant % x", bin, want)
	}
}

func TestModuleErrors(t *testing.T) {
	cases := []struct{ src, msg string }{
		{`(func (call $nope))`, "unknown function $nope"},
		{`(func (local.get $x))`, "unknown local $x"},
		{`(func (br $l))`, "unknown label $l"},
		{`(func $f) (func $f)`, "duplicate function $f"},
		{`(func (param $x i32) (local $x i32))`, "duplicate local"},
		{`(func block $a end $b)`, "mismatching label"},
		{`(func (i32.frob))`, "unknown operator"},
		{`(func (i32.const 0x1_0000_0000) drop)`, "constant out of range"},
		{`(func) (import "m" "f" (func))`, "import after function definition"},
		{`(type $t (func (param i32))) (func (type $t) (param i64))`, "inline function type"},
		{`(start 0) (start 0) (func)`, "multiple start sections"},
		{`(func (i32.load align=3 (i32.const 0)) drop)`, "alignment must be a power of two"},
		{`(export "\ff" (func 0))`, "malformed UTF-8 encoding"},
		{`(func (struct.get 0 $f))`, "unknown field"},
		{`(module (func)) (func)`, "unexpected token"},
		{`(func`, "unexpected end"},
	}
	for _, c := range cases {
		_, err := ParseModule([]byte(c.src))
		if err == nil || !strings.HasPrefix(err.(*Error).Msg, c.msg) {
			t.Errorf("ParseModule(%q) = %v, want %q", c.src, err, c.msg)
		}
	}
}

func TestParseModuleFieldsNext(t *testing.T) {
	toks, err := Tokenize([]byte(`(module $m (func) (memory 1)) (assert_return)`))
	if err != nil {
		t.Fatal(err)
	}
	bin, next, err := ParseModuleFields(toks, 3)
	if err != nil {
		t.Fatal(err)
	}
	if next != 10 || toks[next].Kind != TokRParen {
		t.Errorf("next = %d (%q), want 10", next, toks[next].Text)
	}
	if s := sections(bin); s[3] == nil || s[5] == nil || s[10] == nil {
		t.Errorf("missing sections in % x", bin)
	}
}
