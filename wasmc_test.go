//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/text"
)

func newRuntime(t *testing.T) (*wasmc.Runtime, context.Context) {
	t.Helper()
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	t.Cleanup(func() {
		if err := r.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r, ctx
}

// instantiate compiles src (text or binary) and instantiates it as name.
func instantiate(t *testing.T, r *wasmc.Runtime, name string, src []byte) *wasmc.Module {
	t.Helper()
	ctx := context.Background()
	cm, err := r.CompileModule(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func call(t *testing.T, m *wasmc.Module, name string, args ...uint64) []uint64 {
	t.Helper()
	f := m.ExportedFunction(name)
	if f == nil {
		t.Fatalf("no export %q", name)
	}
	res, err := f.Call(context.Background(), args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func TestCallTypes(t *testing.T) {
	r, _ := newRuntime(t)
	m := instantiate(t, r, "m", []byte(`(module
  (func (export "mix") (param i32 i64 f32 f64) (result f64 i64 i32 f32)
    (f64.add (local.get 3) (f64.promote_f32 (local.get 2)))
    (i64.mul (local.get 1) (i64.const 2))
    (i32.sub (i32.const 0) (local.get 0))
    (local.get 2)))`))
	f := m.ExportedFunction("mix")
	if got := f.ParamTypes(); !slices.Equal(got, []wasmc.ValueType{wasmc.ValueTypeI32, wasmc.ValueTypeI64, wasmc.ValueTypeF32, wasmc.ValueTypeF64}) {
		t.Errorf("params %v", got)
	}
	if got := f.ResultTypes(); !slices.Equal(got, []wasmc.ValueType{wasmc.ValueTypeF64, wasmc.ValueTypeI64, wasmc.ValueTypeI32, wasmc.ValueTypeF32}) {
		t.Errorf("results %v", got)
	}
	res := call(t, m, "mix", wasmc.EncodeI32(7), wasmc.EncodeI64(-3), wasmc.EncodeF32(0.5), wasmc.EncodeF64(1.25))
	if wasmc.DecodeF64(res[0]) != 1.75 || wasmc.DecodeI64(res[1]) != -6 || wasmc.DecodeI32(res[2]) != -7 || wasmc.DecodeF32(res[3]) != 0.5 {
		t.Errorf("mix = %#x", res)
	}
	if _, err := f.Call(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "expects 4 parameters") {
		t.Errorf("wrong arity: %v", err)
	}
	if m.ExportedFunction("nope") != nil || m.ExportedMemory("mix") != nil || m.ExportedGlobal("mix") != nil {
		t.Error("lookups of missing exports must return nil")
	}
	var nilFn *wasmc.Function
	if _, err := nilFn.Call(context.Background()); err == nil {
		t.Error("calling a nil function must fail")
	}
}

func TestMemoryAndGlobals(t *testing.T) {
	r, _ := newRuntime(t)
	m := instantiate(t, r, "m", []byte(`(module
  (memory (export "mem") 1 3)
  (global $g (export "g") (mut i64) (i64.const 5))
  (global (export "c") f32 (f32.const 2.5))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "bump") (global.set $g (i64.add (global.get $g) (i64.const 1))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`))
	mem := m.ExportedMemory("mem")
	if mem != m.Memory() && m.Memory() == nil {
		t.Error("Memory() must find exported memory 0")
	}
	if mem.Size() != 65536 {
		t.Errorf("size %d", mem.Size())
	}
	if !mem.Write(65532, []byte{1, 2, 3, 4}) || mem.Write(65533, []byte{1, 2, 3, 4}) {
		t.Error("Write bounds")
	}
	if got := call(t, m, "load", 65532); got[0] != 0x04030201 {
		t.Errorf("load = %#x", got[0])
	}
	if _, ok := mem.Read(65535, 2); ok {
		t.Error("Read past the end must fail")
	}
	if prev, ok := mem.Grow(1); !ok || prev != 1 || mem.Size() != 2*65536 {
		t.Errorf("Grow: %d %v size %d", prev, ok, mem.Size())
	}
	if got := call(t, m, "grow", 1); got[0] != 2 {
		t.Errorf("memory.grow from Wasm = %d", got[0])
	}
	if _, ok := mem.Grow(1); ok {
		t.Error("Grow beyond the maximum must fail")
	}
	if b, ok := mem.Read(3*65536-1, 1); !ok || b[0] != 0 {
		t.Error("grown pages must be readable and zero")
	}

	g := m.ExportedGlobal("g")
	if g.Type() != wasmc.ValueTypeI64 || !g.Mutable() || g.Get() != 5 {
		t.Errorf("g: %v %v %d", g.Type(), g.Mutable(), g.Get())
	}
	call(t, m, "bump")
	if g.Get() != 6 {
		t.Errorf("after bump: %d", g.Get())
	}
	if err := g.Set(wasmc.EncodeI64(-1)); err != nil || g.Get() != wasmc.EncodeI64(-1) {
		t.Errorf("Set: %v %d", err, g.Get())
	}
	c := m.ExportedGlobal("c")
	if c.Mutable() || wasmc.DecodeF32(c.Get()) != 2.5 || c.Set(0) == nil {
		t.Error("immutable f32 global")
	}
}

func TestHostFunctions(t *testing.T) {
	r, ctx := newRuntime(t)
	var logged []string
	_, err := r.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithFunc(func(_ context.Context, a, b int64) int64 { return a * b }).Export("mul").
		NewFunctionBuilder().WithFunc(func(x float32, y uint32) float64 { return float64(x) + float64(y) }).Export("addf").
		NewFunctionBuilder().WithGoModuleFunction(func(_ context.Context, caller *wasmc.Module, s []uint64) {
		b, ok := caller.Memory().Read(s[0], uint32(s[1]))
		if !ok {
			panic(errors.New("bad string"))
		}
		logged = append(logged, caller.Name()+": "+string(b))
	}, []wasmc.ValueType{wasmc.ValueTypeI32, wasmc.ValueTypeI32}, nil).Export("log").
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := instantiate(t, r, "guest", []byte(`(module
  (import "env" "mul" (func $mul (param i64 i64) (result i64)))
  (import "env" "addf" (func $addf (param f32 i32) (result f64)))
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi there")
  (func (export "square") (param i64) (result i64) (call $mul (local.get 0) (local.get 0)))
  (func (export "addf") (result f64) (call $addf (f32.const 1.5) (i32.const 2)))
  (func (export "hello") (call $log (i32.const 16) (i32.const 8)))
  (func (export "bad") (call $log (i32.const 65535) (i32.const 8))))`))
	if got := call(t, m, "square", wasmc.EncodeI64(-9)); wasmc.DecodeI64(got[0]) != 81 {
		t.Errorf("square = %d", int64(got[0]))
	}
	if got := call(t, m, "addf"); wasmc.DecodeF64(got[0]) != 3.5 {
		t.Errorf("addf = %v", wasmc.DecodeF64(got[0]))
	}
	call(t, m, "hello")
	if !slices.Equal(logged, []string{"guest: hi there"}) {
		t.Errorf("logged %q", logged)
	}
	_, err = m.ExportedFunction("bad").Call(ctx)
	if err == nil || !strings.Contains(err.Error(), "bad string") {
		t.Errorf("host panic: %v", err)
	}
	// The module still works after a host function failed.
	if got := call(t, m, "square", 3); got[0] != 9 {
		t.Errorf("square after failure = %d", got[0])
	}
	// Host functions can be called from Go directly.
	env := r.NewHostModuleBuilder("env2").NewFunctionBuilder().
		WithFunc(func(x int32) int32 { return x + 1 }).Export("inc")
	hm, err := env.Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := call(t, hm, "inc", 41); got[0] != 42 {
		t.Errorf("inc = %d", got[0])
	}
}

func TestLinkingAndNames(t *testing.T) {
	r, ctx := newRuntime(t)
	instantiate(t, r, "lib", []byte(`(module
  (memory (export "mem") 1)
  (global (export "base") i32 (i32.const 8))
  (func (export "twice") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))`))
	m := instantiate(t, r, "app", []byte(`(module
  (import "lib" "mem" (memory 1))
  (import "lib" "base" (global $base i32))
  (import "lib" "twice" (func $twice (param i32) (result i32)))
  (func (export "run") (result i32)
    (i32.store (global.get $base) (i32.const 21))
    (call $twice (i32.load (global.get $base)))))`))
	if got := call(t, m, "run"); got[0] != 42 {
		t.Errorf("run = %d", got[0])
	}
	cm, err := r.CompileModule(ctx, []byte(`(module (import "lib" "missing" (func)))`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig()); err == nil || !strings.Contains(err.Error(), "unknown import") {
		t.Errorf("missing import: %v", err)
	}
	cm, err = r.CompileModule(ctx, []byte(`(module (import "lib" "twice" (func (param i64))))`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig()); err == nil || !strings.Contains(err.Error(), "incompatible import type") {
		t.Errorf("wrong import type: %v", err)
	}
	cm, err = r.CompileModule(ctx, []byte(`(module)`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName("lib")); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("duplicate name: %v", err)
	}
	// Anonymous instances do not claim a name.
	for range 2 {
		if _, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	r, ctx := newRuntime(t)
	for _, c := range []struct{ src, want string }{
		{"\x00asm\x02\x00\x00\x00", "unknown binary version"},
		{"(module (func (result i32)))", "type mismatch"},
		{"(module (fun))", "unknown operator fun"},
	} {
		if _, err := r.CompileModule(ctx, []byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
	r.Close(ctx)
	if _, err := r.CompileModule(ctx, []byte("(module)")); err == nil {
		t.Error("CompileModule after Close must fail")
	}
}

// withNames appends a name section naming the module and functions.
func withNames(bin []byte, module string, funcs ...string) []byte {
	str := func(b []byte, s string) []byte { return append(append(b, byte(len(s))), s...) }
	sub := func(b []byte, id byte, content []byte) []byte {
		return append(append(b, id, byte(len(content))), content...)
	}
	var fn []byte
	fn = append(fn, byte(len(funcs)))
	for i, f := range funcs {
		fn = str(append(fn, byte(i)), f)
	}
	content := str(nil, "name")
	content = sub(content, 0, str(nil, module))
	content = sub(content, 1, fn)
	return sub(bin, 0, content)
}

func TestTrapBacktrace(t *testing.T) {
	r, ctx := newRuntime(t)
	bin, err := text.ParseModule([]byte(`(module
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))`))
	if err != nil {
		t.Fatal(err)
	}
	m := instantiate(t, r, "", withNames(bin, "calc", "inner", "middle", "outer"))
	_, err = m.ExportedFunction("outer").Call(ctx, 0)
	var trap *wasmc.Trap
	if !errors.As(err, &trap) {
		t.Fatalf("error %v is not a *Trap", err)
	}
	if trap.Kind != wasmc.TrapIntegerDivideByZero || !strings.Contains(err.Error(), "integer divide by zero") {
		t.Errorf("trap %v: %v", trap.Kind, err)
	}
	var names []string
	for _, f := range trap.Frames {
		names = append(names, f.String())
	}
	if want := []string{"calc.inner", "calc.middle", "calc.outer"}; !slices.Equal(names, want) {
		t.Errorf("backtrace %q, want %q", names, want)
	}
	if got := call(t, m, "outer", 1); got[0] != 1 {
		t.Errorf("outer(1) = %d after a trap", got[0])
	}
}

func TestStartTrap(t *testing.T) {
	r, ctx := newRuntime(t)
	cm, err := r.CompileModule(ctx, []byte(`(module (func $s unreachable) (start $s))`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName("s"))
	var trap *wasmc.Trap
	if !errors.As(err, &trap) || trap.Kind != wasmc.TrapUnreachable {
		t.Fatalf("start: %v", err)
	}
	// The failed instantiation released its name.
	cm2, err := r.CompileModule(ctx, []byte(`(module)`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.InstantiateModule(ctx, cm2, wasmc.NewModuleConfig().WithName("s")); err != nil {
		t.Errorf("name after a failed instantiation: %v", err)
	}
}

// TestBigFrameBacktrace walks through a frame larger than abi.LeafFrame
// (700 i64 values live across a call spill to about 5.6 KB), whose stack
// check runs before the frame is made: a trap below it and the exhaustion
// of the stack by its recursion both give the right functions.
func TestBigFrameBacktrace(t *testing.T) {
	r, ctx := newRuntime(t)
	const n = 700
	var locals, sets strings.Builder
	sum := "(local.get $l0)"
	for i := range n {
		fmt.Fprintf(&locals, "(local $l%d i64)", i)
		fmt.Fprintf(&sets, "(local.set $l%d (i64.mul (local.get $p) (i64.const %d)))\n", i, i+3)
		if i > 0 {
			sum = fmt.Sprintf("(i64.add %s (local.get $l%d))", sum, i)
		}
	}
	src := fmt.Sprintf(`(module
  (func $leaf (param i64) (result i64) (if (i64.eqz (local.get 0)) (then unreachable)) (i64.const 1))
  (func $big (export "big") (param $p i64) (param $rec i32) (result i64) %s
    %s
    (drop (if (result i64) (local.get $rec)
      (then (call $big (local.get $p) (local.get $rec)))
      (else (call $leaf (local.get $p)))))
    %s)
  (func (export "outer") (param i64) (param i32) (result i64) (call $big (local.get 0) (local.get 1))))`,
		locals.String(), sets.String(), sum)
	m := instantiate(t, r, "big", []byte(src))
	if got := call(t, m, "outer", 1, 0); got[0] != (n*(n-1)/2 + 3*n) {
		t.Errorf("outer(1, 0) = %d", got[0])
	}
	frames := func(args ...uint64) ([]uint32, error) {
		_, err := m.ExportedFunction("outer").Call(ctx, args...)
		var trap *wasmc.Trap
		if !errors.As(err, &trap) {
			return nil, err
		}
		var idx []uint32
		for _, f := range trap.Frames {
			idx = append(idx, f.Index)
		}
		return idx, err
	}
	if idx, err := frames(0, 0); !slices.Equal(idx, []uint32{0, 1, 2}) {
		t.Errorf("trap below the big frame: frames %v (%v), want [0 1 2]", idx, err)
	}
	idx, err := frames(1, 1)
	if len(idx) == 0 || slices.ContainsFunc(idx, func(i uint32) bool { return i != 1 }) {
		t.Errorf("recursion: frames %v (%v), want only the big function", idx, err)
	}
	if !strings.Contains(fmt.Sprint(err), "call stack exhausted") {
		t.Errorf("recursion: %v", err)
	}
}
