package text

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// fuzzSeeds are small modules that exercise most kinds of field, so that the
// fuzzer has material even without ../shared/testsuite.
var fuzzSeeds = []string{
	`(module)`,
	`(module $m (func $f (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1))) (export "f" (func $f)))`,
	`(module (memory 1) (data (i32.const 0) "hi\00") (func (result i32) (i32.load8_u offset=1 (i32.const 0))))`,
	`(module (table 2 funcref) (elem (i32.const 0) $a $a) (func $a) (func (call_indirect (type 0) (i32.const 1))))`,
	`(module (global $g (mut i64) (i64.const -1)) (func (global.set $g (i64.const 0x1_0000))))`,
	`(module (type $t (func (param f32) (result f64))) (func (type $t) (f64.promote_f32 (local.get 0))))`,
	`(module (func (result i32) (block $b (result i32) (drop (br_if $b (i32.const 1) (i32.const 0))) (i32.const 2))))`,
	`(module (func (loop $l (if (i32.const 0) (then (br $l)) (else nop)))))`,
	`(module (rec (type $a (struct (field (ref null $b)))) (type $b (sub (array (mut i8))))))`,
	`(module (type $s (struct (field i32))) (func (result (ref $s)) (struct.new $s (i32.const 7))))`,
	`(module (tag $e (param i32)) (func (result i32) (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 1))) (i32.const 0))))`,
	`(module (import "spectest" "print_i32" (func $p (param i32))) (start $s) (func $s (call $p (i32.const 1))))`,
	`(module (memory 1 1 shared) (func (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))))`,
	`(module (func (param v128) (result v128) (i8x16.add (local.get 0) (v128.const i32x4 1 2 3 4))))`,
	`(module (func (export "f") (result f32) (f32.const nan:0x200000)))`,
	`(module (func $f (return_call $f)))`,
	`(module (type $ft (func)) (type $ct (cont $ft)) (func $f) (elem declare func $f) (func (drop (cont.new $ct (ref.func $f)))))`,
	`(func) (memory 0) (export "m" (memory 0))`,
}

// suiteSeeds returns up to max top-level text modules of the core scripts of
// ../shared/testsuite, spread over the files (none when it is absent).
func suiteSeeds(max int) []string {
	dir, ok := testsuite.Shared()
	if !ok {
		return nil
	}
	files := testsuite.Glob(filepath.Join(dir, "core"), "*.wast")
	step := 1 + len(files)/max
	var seeds []string
	for i := 0; i < len(files) && len(seeds) < max; i += step {
		src, err := os.ReadFile(files[i])
		if err != nil {
			continue
		}
		toks, err := Tokenize(src)
		if err != nil {
			continue
		}
		for _, m := range scriptModules(files[i], toks) {
			if m.quote || m.malformed || m.start < 2 || toks[m.start-2].Kind != TokLParen {
				continue
			}
			// Top level only: the module form is not inside an assertion.
			if d := depthAt(toks, m.start-2); d != 0 {
				continue
			}
			var b strings.Builder
			for _, t := range toks[m.start-2 : formEnd(toks, m.start-2)] {
				b.WriteString(t.Text)
				b.WriteByte(' ')
			}
			seeds = append(seeds, b.String())
			break
		}
	}
	return seeds
}

// depthAt returns the parenthesis depth before toks[i].
func depthAt(toks []Token, i int) int {
	d := 0
	for _, t := range toks[:i] {
		switch t.Kind {
		case TokLParen:
			d++
		case TokRParen:
			d--
		}
	}
	return d
}

// FuzzParseModule parses arbitrary text and decodes and validates what
// parses: nothing may panic, and rejections must be the packages' own
// error types.
func FuzzParseModule(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range suiteSeeds(40) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		bin, err := ParseModule(src)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("parse error %T is not a *text.Error: %v", err, err)
			}
			return
		}
		m, err := binary.Decode(bin, wasm.All)
		if err == nil {
			err = validate.Module(m, wasm.All)
		}
		if err != nil {
			var we *wasm.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %T is not a *wasm.Error: %v", err, err)
			}
		}
	})
}
