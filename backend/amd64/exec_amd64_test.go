package amd64_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	_ "github.com/wasmc/wasmc/backend/amd64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/testsuite"
	"github.com/wasmc/wasmc/internal/wastrun"
	"github.com/wasmc/wasmc/runtime"
)

// The execution tests compile WAT with backend.Compile and run it with
// package runtime.

const testFeatures = wasm.V2 &^ wasm.SIMD

func compileWAT(t testing.TB, src string) *wasm.Module {
	t.Helper()
	bin, err := text.ParseModule([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	m, err := binary.Decode(bin, testFeatures)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := validate.Module(m, testFeatures); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return m
}

// instantiate compiles WAT source and instantiates it with imports.
func instantiate(t testing.TB, src string, imports runtime.Resolver) *runtime.Instance {
	t.Helper()
	m := compileWAT(t, src)
	c, err := backend.Compile(m, testFeatures, "amd64")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	mod, err := runtime.NewModule(m, testFeatures, c)
	if err != nil {
		t.Fatalf("module: %v", err)
	}
	t.Cleanup(func() { mod.Close() })
	inst, err := runtime.Instantiate(context.Background(), mod, "test", imports)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

// check calls export name with args and compares the results.
func check(t *testing.T, inst *runtime.Instance, name string, args []uint64, want ...uint64) {
	t.Helper()
	f := inst.ExportedFunction(name)
	if f == nil {
		t.Fatalf("no export %q", name)
	}
	got, err := f.Call(context.Background(), args...)
	if err != nil {
		t.Errorf("%s%v: %v", name, args, err)
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s%v = %#x, want %#x", name, args, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s%v = %#x, want %#x", name, args, got, want)
			return
		}
	}
}

// checkTrap calls export name and expects a trap whose message contains msg.
func checkTrap(t *testing.T, inst *runtime.Instance, name string, args []uint64, msg string) {
	t.Helper()
	got, err := inst.ExportedFunction(name).Call(context.Background(), args...)
	var trap *runtime.Trap
	if !errors.As(err, &trap) || !strings.Contains(err.Error(), msg) {
		t.Errorf("%s%v = %v, %v; want trap %q", name, args, got, err, msg)
	}
}

func a(v ...uint64) []uint64 { return v }

func f32(x float32) uint64 { return uint64(math.Float32bits(x)) }
func f64(x float64) uint64 { return math.Float64bits(x) }

func TestExecCalls(t *testing.T) {
	inst := instantiate(t, `(module
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
	  (func $fac (export "fac") (param i64) (result i64)
	    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
	      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
	  ;; Ten int and ten float parameters: two of each go on the stack.
	  (func $many (param i32 i64 i32 i64 i32 i64 i32 i64 i32 i64
	                     f64 f32 f64 f32 f64 f32 f64 f32 f64 f32) (result f64)
	    (f64.add
	      (f64.convert_i64_s (i64.add (i64.extend_i32_u (local.get 8)) (local.get 9)))
	      (f64.add (local.get 18) (f64.promote_f32 (local.get 19)))))
	  (func (export "many") (result f64)
	    (call $many (i32.const 1) (i64.const 2) (i32.const 3) (i64.const 4) (i32.const 5)
	      (i64.const 6) (i32.const 7) (i64.const 8) (i32.const 9) (i64.const 10)
	      (f64.const 0.5) (f32.const 1) (f64.const 2) (f32.const 3) (f64.const 4)
	      (f32.const 5) (f64.const 6) (f32.const 7) (f64.const 0.25) (f32.const 0.125)))
	  ;; Ten results of each class: the last two of each come back on the stack.
	  (func $multi (param i64 f64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
	                                      f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
	    (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
	    (local.get 0) (local.get 0) (local.get 0) (i64.const 9) (i64.add (local.get 0) (i64.const 10))
	    (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1)
	    (local.get 1) (local.get 1) (local.get 1) (f64.const 9) (f64.add (local.get 1) (f64.const 10)))
	  (func (export "multi") (param i64 f64) (result i64 f64 i64 f64)
	    (local i64 f64 i64 f64) (local $i i32)
	    (call $multi (local.get 0) (local.get 1))
	    (local.set 5) (local.set 3)
	    (drop) (drop) (drop) (drop) (drop) (drop) (drop) (drop)
	    (local.set 4) (local.set 2)
	    (drop) (drop) (drop) (drop) (drop) (drop) (drop) (drop)
	    (local.get 2) (local.get 3) (local.get 4) (local.get 5))
	  (func (export "swap") (param i32 i32 i32) (result i32 i32)
	    ;; Rotating loop-carried values needs a cycle-breaking move.
	    (local $t i32)
	    (block (loop
	      (br_if 1 (i32.eqz (local.get 2)))
	      (local.set $t (local.get 0))
	      (local.set 0 (local.get 1))
	      (local.set 1 (local.get $t))
	      (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
	      (br 0)))
	    (local.get 0) (local.get 1))
	  (func (export "same-arg") (param i32) (result i32)
	    (call 0 (local.get 0) (local.get 0)))
	)`, nil)
	check(t, inst, "add", a(2, 40), 42)
	check(t, inst, "add", a(0xffffffff, 2), 1)
	check(t, inst, "fac", a(20), 2432902008176640000)
	check(t, inst, "many", nil, f64(9+10+0.25+0.125))
	check(t, inst, "multi", a(5, f64(1.5)), 9, f64(9), 15, f64(11.5))
	check(t, inst, "swap", a(1, 2, 3), 2, 1)
	check(t, inst, "swap", a(1, 2, 4), 1, 2)
	check(t, inst, "same-arg", a(21), 42)
}

func TestExecIntegerEdges(t *testing.T) {
	inst := instantiate(t, `(module
	  (func (export "rem_s32") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
	  (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
	  (func (export "div_s32") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
	  (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
	  (func (export "rem_u32") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
	  (func (export "div_self") (param i32) (result i32) (i32.div_s (local.get 0) (local.get 0)))
	  (func (export "shl32") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
	  (func (export "shr_s64") (param i64 i64) (result i64) (i64.shr_s (local.get 0) (local.get 1)))
	  (func (export "rotl32") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
	  (func (export "rotr64c") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 68)))
	  (func (export "shl_self") (param i32) (result i32) (i32.shl (local.get 0) (local.get 0)))
	  (func (export "clz32") (param i32) (result i32) (i32.clz (local.get 0)))
	  (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
	  (func (export "popcnt64") (param i64) (result i64) (i64.popcnt (local.get 0)))
	  (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
	  (func (export "ext32") (param i64) (result i64) (i64.extend32_s (local.get 0)))
	  (func (export "wrap") (param i64) (result i64) (i64.extend_i32_u (i32.wrap_i64 (local.get 0))))
	  (func (export "sub_from_0") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
	  (func (export "mul_imm") (param i64) (result i64) (i64.mul (local.get 0) (i64.const -3)))
	  (func (export "lt_s_imm") (param i32) (result i32) (i32.lt_s (i32.const 5) (local.get 0)))
	  (func (export "ge_u64") (param i64 i64) (result i32) (i64.ge_u (local.get 0) (local.get 1)))
	  (func (export "big_imm") (param i64) (result i64) (i64.add (local.get 0) (i64.const 0x123456789)))
	  (func (export "select") (param i32 i32 i32) (result i32)
	    (select (local.get 0) (local.get 1) (i32.lt_u (local.get 2) (i32.const 10))))
	  (func (export "select64") (param i64 i64 i32) (result i64)
	    (select (local.get 0) (local.get 1) (local.get 2)))
	)`, nil)
	const min32, min64 = 0x80000000, 0x8000000000000000
	check(t, inst, "rem_s32", a(min32, 0xffffffff), 0)
	check(t, inst, "rem_s32", a(0xfffffff9, 2), 0xffffffff) // -7 % 2 = -1
	check(t, inst, "rem_s64", a(min64, math.MaxUint64), 0)
	check(t, inst, "rem_s64", a(7, math.MaxUint64), 0)
	checkTrap(t, inst, "rem_s32", a(1, 0), "integer divide by zero")
	checkTrap(t, inst, "div_s32", a(min32, 0xffffffff), "integer overflow")
	check(t, inst, "div_s32", a(0xfffffff9, 2), 0xfffffffd) // -7 / 2 = -3
	check(t, inst, "div_u64", a(math.MaxUint64, 2), math.MaxUint64/2)
	check(t, inst, "rem_u32", a(0xffffffff, 10), 5)
	check(t, inst, "div_self", a(7), 1)
	check(t, inst, "shl32", a(1, 33), 2)
	check(t, inst, "shr_s64", a(min64, 63), math.MaxUint64)
	check(t, inst, "rotl32", a(0x80000001, 1), 3)
	check(t, inst, "rotr64c", a(0x10), 1)
	check(t, inst, "shl_self", a(3), 24)
	check(t, inst, "clz32", a(0), 32)
	check(t, inst, "clz32", a(1), 31)
	check(t, inst, "ctz64", a(0), 64)
	check(t, inst, "ctz64", a(min64), 63)
	check(t, inst, "popcnt64", a(math.MaxUint64), 64)
	check(t, inst, "ext8", a(0x80), 0xffffff80)
	check(t, inst, "ext32", a(0x80000000), 0xffffffff80000000)
	check(t, inst, "wrap", a(0x1234567887654321), 0x87654321)
	check(t, inst, "sub_from_0", a(1), 0xffffffff)
	check(t, inst, "mul_imm", a(2), uint64(math.MaxUint64-5))
	check(t, inst, "lt_s_imm", a(6), 1)
	check(t, inst, "lt_s_imm", a(5), 0)
	check(t, inst, "lt_s_imm", a(0xffffffff), 0)
	check(t, inst, "ge_u64", a(min64, 1), 1)
	check(t, inst, "big_imm", a(1), 0x12345678a)
	check(t, inst, "select", a(1, 2, 9), 1)
	check(t, inst, "select", a(1, 2, 10), 2)
	check(t, inst, "select64", a(min64, 2, 0), 2)
	check(t, inst, "select64", a(min64, 2, 7), min64)
}

func TestExecFloatEdges(t *testing.T) {
	inst := instantiate(t, `(module
	  (func (export "min32") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
	  (func (export "max64") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
	  (func (export "copysign32") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
	  (func (export "copysign64") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
	  (func (export "neg64") (param f64) (result f64) (f64.neg (local.get 0)))
	  (func (export "abs32") (param f32) (result f32) (f32.abs (local.get 0)))
	  (func (export "nearest64") (param f64) (result f64) (f64.nearest (local.get 0)))
	  (func (export "floor32") (param f32) (result f32) (f32.floor (local.get 0)))
	  (func (export "u64_to_f32") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
	  (func (export "u64_to_f64") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
	  (func (export "u32_to_f64") (param i32) (result f64) (f64.convert_i32_u (local.get 0)))
	  (func (export "f64_to_u64") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
	  (func (export "f32_to_u32") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
	  (func (export "sat_f64_s32") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
	  (func (export "sat_f32_u32") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))
	  (func (export "sat_f64_s64") (param f64) (result i64) (i64.trunc_sat_f64_s (local.get 0)))
	  (func (export "sat_f32_u64") (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
	  (func (export "eq") (param f64 f64) (result i32) (f64.eq (local.get 0) (local.get 1)))
	  (func (export "ne") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))
	  (func (export "br_lt") (param f64 f64) (result i32)
	    (if (result i32) (f64.lt (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
	  (func (export "br_eq") (param f32 f32) (result i32)
	    (if (result i32) (f32.eq (local.get 0) (local.get 1)) (then (i32.const 1)) (else (i32.const 0))))
	  (func (export "fselect") (param f64 f64 f64) (result f64)
	    (select (local.get 0) (local.get 1) (f64.ne (local.get 2) (local.get 2))))
	  (func (export "iselect_feq") (param i32 i32 f32) (result i32)
	    (select (local.get 0) (local.get 1) (f32.eq (local.get 2) (f32.const 1))))
	  (func (export "consts") (result f64)
	    (f64.add (f64.const 0) (f64.add (f64.const -0) (f64.const 0x1.8p1))))
	  (func (export "reinterpret") (param i64) (result i64)
	    (i64.reinterpret_f64 (f64.reinterpret_i64 (local.get 0))))
	)`, nil)
	nan32, nan64 := uint64(0x7fc00000), uint64(0x7ff8000000000000)
	negZero32, negZero64 := f32(float32(math.Copysign(0, -1))), f64(math.Copysign(0, -1))
	check(t, inst, "min32", a(f32(0), negZero32), negZero32)
	check(t, inst, "min32", a(negZero32, f32(0)), negZero32)
	check(t, inst, "min32", a(f32(1), f32(-2)), f32(-2))
	check(t, inst, "max64", a(negZero64, f64(0)), f64(0))
	check(t, inst, "max64", a(f64(0), negZero64), f64(0))
	check(t, inst, "max64", a(f64(3), f64(-2)), f64(3))
	if got, _ := inst.ExportedFunction("max64").Call(context.Background(), nan64, f64(1)); len(got) != 1 || !math.IsNaN(math.Float64frombits(got[0])) {
		t.Errorf("max64(nan, 1) = %#x", got)
	}
	if got, _ := inst.ExportedFunction("min32").Call(context.Background(), f32(1), nan32); len(got) != 1 || !math.IsNaN(float64(math.Float32frombits(uint32(got[0])))) {
		t.Errorf("min32(1, nan) = %#x", got)
	}
	check(t, inst, "copysign32", a(f32(2), f32(-1)), f32(-2))
	check(t, inst, "copysign32", a(0x7fc00001, negZero32), 0xffc00001)
	check(t, inst, "copysign64", a(f64(-2), f64(1)), f64(2))
	check(t, inst, "neg64", a(nan64), 0xfff8000000000000)
	check(t, inst, "abs32", a(0xffc00001), 0x7fc00001)
	check(t, inst, "nearest64", a(f64(2.5)), f64(2))
	check(t, inst, "nearest64", a(f64(-0.5)), negZero64)
	check(t, inst, "floor32", a(f32(-1.5)), f32(-2))
	check(t, inst, "u64_to_f32", a(math.MaxUint64), f32(18446744073709551616))
	check(t, inst, "u64_to_f32", a(0x8000008000000001), f32(9223373136366403584)) // rounds up via the sticky bit
	check(t, inst, "u64_to_f64", a(0x8000000000000401), f64(9223372036854777856))
	check(t, inst, "u64_to_f64", a(5), f64(5))
	check(t, inst, "u32_to_f64", a(0xffffffff), f64(4294967295))
	check(t, inst, "f64_to_u64", a(f64(18446744073709549568)), 18446744073709549568)
	check(t, inst, "f64_to_u64", a(f64(9223372036854775808)), 9223372036854775808)
	check(t, inst, "f64_to_u64", a(f64(1.9)), 1)
	checkTrap(t, inst, "f64_to_u64", a(f64(-1)), "integer overflow")
	checkTrap(t, inst, "f64_to_u64", a(nan64), "invalid conversion to integer")
	check(t, inst, "f32_to_u32", a(f32(4294967040)), 4294967040)
	check(t, inst, "sat_f64_s32", a(nan64), 0)
	check(t, inst, "sat_f64_s32", a(f64(3e9)), 0x7fffffff)
	check(t, inst, "sat_f64_s32", a(f64(-3e9)), 0x80000000)
	check(t, inst, "sat_f64_s32", a(f64(-2147483648.9)), 0x80000000)
	check(t, inst, "sat_f32_u32", a(f32(-5)), 0)
	check(t, inst, "sat_f32_u32", a(f32(5e9)), 0xffffffff)
	check(t, inst, "sat_f32_u32", a(f32(1e19)), 0xffffffff)
	check(t, inst, "sat_f32_u32", a(nan32), 0)
	check(t, inst, "sat_f32_u32", a(f32(4294967040)), 4294967040)
	check(t, inst, "sat_f64_s64", a(f64(1e19)), math.MaxInt64)
	check(t, inst, "sat_f64_s64", a(f64(-1e19)), 1<<63)
	check(t, inst, "sat_f64_s64", a(nan64), 0)
	check(t, inst, "sat_f32_u64", a(f32(1e20)), math.MaxUint64)
	check(t, inst, "sat_f32_u64", a(f32(float32(math.Inf(1)))), math.MaxUint64)
	check(t, inst, "sat_f32_u64", a(f32(1e19)), 9999999980506447872)
	check(t, inst, "sat_f32_u64", a(f32(-0.9)), 0)
	check(t, inst, "sat_f32_u64", a(nan32), 0)
	check(t, inst, "eq", a(nan64, nan64), 0)
	check(t, inst, "eq", a(f64(1), f64(1)), 1)
	check(t, inst, "ne", a(nan32, f32(1)), 1)
	check(t, inst, "ne", a(f32(1), f32(1)), 0)
	check(t, inst, "br_lt", a(f64(1), f64(2)), 1)
	check(t, inst, "br_lt", a(nan64, f64(2)), 0)
	check(t, inst, "br_eq", a(f32(2), f32(2)), 1)
	check(t, inst, "br_eq", a(nan32, nan32), 0)
	check(t, inst, "fselect", a(f64(1), f64(2), nan64), f64(1))
	check(t, inst, "fselect", a(f64(1), f64(2), f64(0)), f64(2))
	check(t, inst, "iselect_feq", a(7, 8, f32(1)), 7)
	check(t, inst, "iselect_feq", a(7, 8, nan32), 8)
	check(t, inst, "consts", nil, f64(3))
	check(t, inst, "reinterpret", a(0x7ff4000000000001), 0x7ff4000000000001)
}

func TestExecMemoryAndTables(t *testing.T) {
	inst := instantiate(t, `(module
	  (memory (export "mem") 1 3)
	  (table 4 funcref)
	  (type $ii (func (param i32) (result i32)))
	  (elem (i32.const 0) $inc $dbl)
	  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
	  (func $dbl (type $ii) (i32.shl (local.get 0) (i32.const 1)))
	  (func (export "indirect") (param i32 i32) (result i32)
	    (call_indirect (type $ii) (local.get 1) (local.get 0)))
	  (func (export "store-load") (param i32 i64) (result i64)
	    (i64.store offset=3 (local.get 0) (local.get 1))
	    (i64.add (i64.load8_s offset=3 (local.get 0)) (i64.load32_u offset=4 (local.get 0))))
	  (func (export "array") (param i32) (result i32)
	    (local $i i32) (local $s i32)
	    (loop $l
	      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
	      (local.set $i (i32.add (local.get $i) (i32.const 1)))
	      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
	    (local.set $i (i32.const 0))
	    (loop $l
	      (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
	      (local.set $i (i32.add (local.get $i) (i32.const 1)))
	      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
	    (local.get $s))
	  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
	  (func (export "size") (result i32) (memory.size))
	  (func (export "fill") (param i32 i32 i32) (result i32)
	    (memory.fill (local.get 0) (local.get 1) (local.get 2))
	    (i32.load8_u (i32.add (local.get 0) (i32.sub (local.get 2) (i32.const 1)))))
	  (func (export "switch") (param i32) (result i32)
	    (block $d (block $c (block $b (block $a
	      (br_table $a $b $c $b $d (local.get 0)))
	      (return (i32.const 10)))
	      (return (i32.const 11)))
	      (return (i32.const 12)))
	    (i32.const 13))
	  (func (export "f32mem") (param i32 f32) (result f32)
	    (f32.store (local.get 0) (local.get 1))
	    (f32.store offset=4 (local.get 0) (f32.const -1.5))
	    (f32.add (f32.load (local.get 0)) (f32.load offset=4 (local.get 0))))
	)`, nil)
	check(t, inst, "indirect", a(0, 41), 42)
	check(t, inst, "indirect", a(1, 21), 42)
	checkTrap(t, inst, "indirect", a(2, 1), "uninitialized element")
	checkTrap(t, inst, "indirect", a(9, 1), "undefined element")
	// load8_s at 11 is int8(0x88); load32_u at 12 reads 77 66 55 44.
	check(t, inst, "store-load", a(8, 0x1122334455667788), 0x44556677-0x78)
	checkTrap(t, inst, "store-load", a(65530, 1), "out of bounds memory access")
	check(t, inst, "array", a(100), 4950)
	check(t, inst, "size", nil, 1)
	check(t, inst, "grow", a(1), 1)
	check(t, inst, "size", nil, 2)
	check(t, inst, "grow", a(5), 0xffffffff)
	check(t, inst, "fill", a(100, 0xab, 10), 0xab)
	check(t, inst, "fill", a(2*65536-10, 7, 10), 7)
	for i, want := range []uint64{10, 11, 12, 11, 13, 13, 13} {
		check(t, inst, "switch", a(uint64(i)), want)
	}
	check(t, inst, "switch", a(0xffffffff), 13)
	check(t, inst, "f32mem", a(16, f32(4)), f32(2.5))
}

// TestExecRegisterPressure keeps more values live than there are
// registers, across calls, so that the allocator spills and reloads.
func TestExecRegisterPressure(t *testing.T) {
	var b strings.Builder
	b.WriteString(`(module (func $id (param i64) (result i64) (local.get 0))
	  (func (export "sum") (param i64) (result i64)`)
	const n = 24
	for i := 0; i < n; i++ {
		b.WriteString(" (local i64 f64)")
	}
	for i := 0; i < n; i++ {
		// local 2i+1 = p*(i+1); local 2i+2 = float(p+i)
		b.WriteString("(local.set " + itoa(2*i+1) + " (i64.mul (local.get 0) (i64.const " + itoa(i+1) + ")))")
		b.WriteString("(local.set " + itoa(2*i+2) + " (f64.convert_i64_s (i64.add (local.get 0) (i64.const " + itoa(i) + "))))")
	}
	b.WriteString("(drop (call $id (i64.const 0)))")
	b.WriteString("(i64.const 0)")
	for i := 0; i < n; i++ {
		b.WriteString("(i64.add (local.get " + itoa(2*i+1) + "))")
		b.WriteString("(i64.add (i64.trunc_f64_s (local.get " + itoa(2*i+2) + ")))")
	}
	b.WriteString("))")
	inst := instantiate(t, b.String(), nil)
	// sum p*(i+1) + (p+i) for i < n
	p := uint64(3)
	want := uint64(0)
	for i := uint64(0); i < n; i++ {
		want += p*(i+1) + p + i
	}
	check(t, inst, "sum", a(p), want)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

func TestExecImportsAndInstances(t *testing.T) {
	other := instantiate(t, `(module
	  (global $g (mut i32) (i32.const 100))
	  (func (export "bump") (param i32) (result i32)
	    (global.set $g (i32.add (global.get $g) (local.get 0)))
	    (global.get $g)))`, nil)
	host := runtime.NewHostFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}},
		func(ctx context.Context, args, results []uint64) error { results[0] = args[0] * 3; return nil }, "triple")
	inst := instantiate(t, `(module
	  (import "other" "bump" (func $bump (param i32) (result i32)))
	  (import "host" "triple" (func $triple (param i64) (result i64)))
	  (global $g (mut i32) (i32.const 1))
	  (func (export "both") (param i32) (result i32)
	    ;; The import runs with the other instance's vmctx; our global must
	    ;; still be ours afterwards.
	    (i32.add (call $bump (local.get 0)) (global.get $g)))
	  (func (export "triple") (param i64) (result i64) (call $triple (local.get 0))))`,
		func(module, name string) (runtime.Extern, error) {
			switch module + "." + name {
			case "other.bump":
				return other.ExportedFunction("bump"), nil
			case "host.triple":
				return host, nil
			}
			return nil, nil
		})
	check(t, inst, "both", a(5), 106)
	check(t, inst, "both", a(5), 111)
	check(t, inst, "triple", a(14), 42)
}

func TestCompileErrors(t *testing.T) {
	m := compileWAT(t, `(module (func))`)
	if _, err := backend.Compile(m, testFeatures, "vax"); err == nil || !strings.Contains(err.Error(), "unknown architecture") {
		t.Errorf("unknown arch: %v", err)
	}
	m.Memories = append(m.Memories, wasm.MemoryType{Limits: wasm.Limits{Is64: true}, PageSizeLog2: 16})
	if _, err := backend.Compile(m, testFeatures, "amd64"); err == nil || !strings.Contains(err.Error(), "is not supported yet") {
		t.Errorf("memory64: %v", err)
	}
}

func TestCompileFuncStages(t *testing.T) {
	m := compileWAT(t, `(module (func (param i32) (result i32)
	  (if (result i32) (i32.lt_s (local.get 0) (i32.const 10))
	    (then (i32.const 1)) (else (i32.const 2)))))`)
	st, err := backend.CompileFunc(m, testFeatures, "amd64", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"i32.lt_s", "br_if"} {
		if !strings.Contains(st.Lowered, want) || !strings.Contains(st.Optimized, want) {
			t.Errorf("SSA text lacks %q:\n%s", want, st.Optimized)
		}
	}
	// The compare feeds only the branch: cmp + jcc, no setcc.
	for _, want := range []string{"cmp.32 v0, $10", "br.l", "push rbp", "cmp eax, 0xa", "jl "} {
		if !strings.Contains(st.Machine, want) {
			t.Errorf("machine listing lacks %q:\n%s", want, st.Machine)
		}
	}
	if strings.Contains(st.Machine, "setcc") || strings.Contains(st.Machine, "setl") {
		t.Errorf("compare-and-branch materialized the condition:\n%s", st.Machine)
	}
	if _, err := backend.CompileFunc(m, testFeatures, "amd64", 5); err == nil {
		t.Error("CompileFunc of a missing function succeeded")
	}
}

// TestExecSpecNumeric runs the numeric scripts of the WebAssembly 2.0 core
// suite (wazero's copy) and the ones that stress instruction selection:
// every assertion must pass.
func TestExecSpecNumeric(t *testing.T) {
	dir := filepath.Join(testsuite.MustWazeroSpecDir(t), "v2", "testdata")
	for _, name := range []string{
		"i32", "i64", "f32", "f64", "f32_cmp", "f64_cmp", "f32_bitwise", "f64_bitwise",
		"conversions", "int_exprs", "float_exprs", "float_misc", "int_literals", "float_literals",
		"select", "br_table", "switch", "left-to-right", "address", "traps", "fac", "call_indirect",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".wast")
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := wast.Parse(path, src)
			if err != nil {
				t.Fatal(err)
			}
			e := wastrun.NewNativeEngine(wasm.V2)
			defer e.Close()
			res := wastrun.Run(s, wastrun.Options{Features: wasm.V2, Engine: e})
			for _, c := range res.Checks {
				if c.Outcome != wastrun.Pass {
					t.Errorf("%s:%d: %s", name, c.Line, c.Reason)
				}
			}
			if res.Passed == 0 {
				t.Errorf("%s: nothing ran", name)
			}
		})
	}
}

// TestCompileDeterministic compiles a module of many functions on several
// workers twice: the code must be identical.
func TestCompileDeterministic(t *testing.T) {
	var b strings.Builder
	b.WriteString("(module")
	for i := 0; i < 64; i++ {
		b.WriteString(` (func (param i32) (result i32) (local i32)
		  (loop (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const ` + itoa(i+1) + `))))
		    (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
		  (local.get 1))`)
	}
	b.WriteString(")")
	m := compileWAT(t, b.String())
	prev := goruntime.GOMAXPROCS(8)
	defer goruntime.GOMAXPROCS(prev)
	c1, err := backend.Compile(m, testFeatures, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := backend.Compile(m, testFeatures, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c1.Code, c2.Code) || len(c1.Funcs) != 64 {
		t.Fatalf("two compilations differ (or %d functions)", len(c1.Funcs))
	}
}
