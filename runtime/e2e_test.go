//go:build amd64 || arm64

package runtime

import (
	"context"
	"errors"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/wasmc/wasmc/backend"
	wbin "github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// compileWAT compiles wat with the real compiler for this machine (the
// target registered by e2e_<arch>_test.go) and its default options.
func compileWAT(t *testing.T, wat string) *Module {
	t.Helper()
	return compileWATOptions(t, wat, backend.Defaults)
}

// compileWATOptions is compileWAT with explicit options.
func compileWATOptions(t *testing.T, wat string, opts backend.Options) *Module {
	t.Helper()
	bin, err := text.ParseModule([]byte(wat))
	if err != nil {
		t.Fatal(err)
	}
	bin = appendNames(bin, funcNames(wat))
	m, err := wbin.Decode(bin, wasm.V2)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Module(m, wasm.V2); err != nil {
		t.Fatal(err)
	}
	c, err := backend.CompileOptions(m, wasm.V2, goruntime.GOARCH, opts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if c.GuardPages != opts.GuardPages {
		t.Fatalf("Compiled.GuardPages = %v, want %v", c.GuardPages, opts.GuardPages)
	}
	mod, err := NewModule(m, wasm.V2, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mod.Close() })
	return mod
}

func instantiate(t *testing.T, mod *Module, r Resolver) *Instance {
	t.Helper()
	inst, err := Instantiate(context.Background(), mod, "", r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

func TestCompiledArithmetic(t *testing.T) {
	mod := compileWAT(t, `(module
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
  (func $div (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func $outer (export "outer") (param i32 i32) (result i32) local.get 0 local.get 1 call $div))`)
	inst := instantiate(t, mod, nil)
	if got := call1(t, inst, "add", 40, 2); got != 42 {
		t.Fatalf("add = %d", got)
	}
	if got := call1(t, inst, "fac", 20); got != 2432902008176640000 {
		t.Fatalf("fac(20) = %d", got)
	}
	_, err := inst.ExportedFunction("outer").Call(context.Background(), 1, 0)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapIntegerDivideByZero {
		t.Fatalf("got %v", err)
	}
	if len(trap.Frames) != 2 || trap.Frames[0].Name != "div" || trap.Frames[1].Name != "outer" {
		t.Fatalf("frames %v", trap.Frames)
	}
}

func TestCompiledMemoryTablesGlobals(t *testing.T) {
	mod := compileWAT(t, `(module
  (type $ii (func (param i32) (result i32)))
  (memory (export "mem") 1 4)
  (table (export "tab") 3 funcref)
  (global $g (export "g") (mut i32) (i32.const 10))
  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $ii) local.get 0 i32.const 2 i32.mul)
  (func $dispatch (export "dispatch") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $ii))
  (func $store (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func $load (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func $grow (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func $size (export "size") (result i32) memory.size)
  (func $bump (export "bump") (result i32) global.get $g i32.const 1 i32.add global.set $g global.get $g)
  (func $fill (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (elem (i32.const 0) $inc $dbl)
  (data (i32.const 8) "\2a\00\00\00"))`)
	inst := instantiate(t, mod, nil)
	if got := call1(t, inst, "load", 8); got != 42 {
		t.Fatalf("data segment: load(8) = %d", got)
	}
	if got := call1(t, inst, "dispatch", 0, 5); got != 6 {
		t.Fatalf("dispatch(0, 5) = %d", got)
	}
	if got := call1(t, inst, "dispatch", 1, 5); got != 10 {
		t.Fatalf("dispatch(1, 5) = %d", got)
	}
	for idx, code := range map[uint64]abi.TrapCode{2: abi.TrapUninitializedElement, 3: abi.TrapUndefinedElement} {
		_, err := inst.ExportedFunction("dispatch").Call(context.Background(), idx, 5)
		var trap *Trap
		if !errors.As(err, &trap) || trap.Code != code {
			t.Fatalf("dispatch(%d): got %v, want %v", idx, err, code)
		}
	}
	if _, err := inst.ExportedFunction("store").Call(context.Background(), 100, 7); err != nil {
		t.Fatal(err)
	}
	mem := mustExport(inst, "mem").(*Memory)
	if b, _ := mem.Read(100, 4); b[0] != 7 {
		t.Fatalf("store not visible from Go: %v", b)
	}
	_, err := inst.ExportedFunction("load").Call(context.Background(), 65534)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapOutOfBoundsMemory {
		t.Fatalf("load(65534): %v", err)
	}
	if got := call1(t, inst, "grow", 2); got != 1 {
		t.Fatalf("grow(2) = %d", got)
	}
	if got := call1(t, inst, "size"); got != 3 || mem.Size() != 3 {
		t.Fatalf("size = %d", got)
	}
	if got := call1(t, inst, "load", 65534); got != 0 {
		t.Fatalf("load after grow = %d", got)
	}
	if got := call1(t, inst, "grow", 2); got != 0xffffffff {
		t.Fatalf("grow past max = %#x", got)
	}
	if _, err := inst.ExportedFunction("fill").Call(context.Background(), 200, 0xab, 16); err != nil {
		t.Fatal(err)
	}
	if b, _ := mem.Read(200, 17); b[0] != 0xab || b[15] != 0xab || b[16] != 0 {
		t.Fatalf("fill: %v", b)
	}
	if _, err := inst.ExportedFunction("fill").Call(context.Background(), 3*65536-1, 0, 2); !errors.As(err, &trap) || trap.Code != abi.TrapOutOfBoundsMemory {
		t.Fatalf("fill out of bounds: %v", err)
	}
	if got := call1(t, inst, "bump"); got != 11 || mustExport(inst, "g").(*Global).Get() != 11 {
		t.Fatalf("bump = %d", got)
	}
}

func TestCompiledImportsAndHost(t *testing.T) {
	lib := instantiate(t, compileWAT(t, `(module
  (memory (export "mem") 1)
  (global (export "base") i32 (i32.const 1000))
  (func $sq (export "sq") (param i64) (result i64) local.get 0 local.get 0 i64.mul))`), nil)
	var logged []uint64
	logFn := NewHostFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I64, wasm.F64}, Results: []wasm.ValType{wasm.I64}},
		func(ctx context.Context, args, results []uint64) error {
			logged = append(logged, args[0], args[1])
			results[0] = args[0] + 1
			return nil
		}, "log")
	app := instantiate(t, compileWAT(t, `(module
  (import "lib" "sq" (func $sq (param i64) (result i64)))
  (import "lib" "mem" (memory 1))
  (import "lib" "base" (global $base i32))
  (import "env" "log" (func $log (param i64 f64) (result i64)))
  (func $run (export "run") (param i64) (result i64)
    global.get $base local.get 0 call $sq i64.store
    local.get 0 call $sq f64.const 1.5 call $log))`), func(m, n string) (Extern, error) {
		if m == "env" {
			return logFn, nil
		}
		return mustExport(lib, n), nil
	})
	if got := call1(t, app, "run", 9); got != 82 {
		t.Fatalf("run(9) = %d", got)
	}
	if len(logged) != 2 || logged[0] != 81 || logged[1] != 0x3ff8000000000000 {
		t.Fatalf("host saw %#x", logged)
	}
	if b, _ := mustExport(lib, "mem").(*Memory).Read(1000, 1); b[0] != 81 {
		t.Fatalf("shared memory: %v", b)
	}
}

func TestCompiledDeepRecursionAndLoop(t *testing.T) {
	inst := instantiate(t, compileWAT(t, `(module
  (func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
  (func $count (export "count") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $count i32.const 1 i32.add end)
  (func $spin (export "spin") (loop br 0)))`), nil)
	_, err := inst.ExportedFunction("rec").Call(context.Background(), 0)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapStackOverflow || trap.Frames[0].Name != "rec" {
		t.Fatalf("got %v", err)
	}
	if got := call1(t, inst, "count", 10000); got != 10000 { // fits the stack
		t.Fatalf("count = %d", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = inst.ExportedFunction("spin").Call(ctx)
	if !errors.As(err, &trap) || trap.Code != abi.TrapInterrupted || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	t.Logf("interrupted after %v", time.Since(start))
}
