//go:build amd64 || arm64

package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

const mainWAT = `(module
  (import "env" "double" (func $double (param i64) (result i64)))
  (memory (export "mem") 1 3)
  (table (export "tab") 4 funcref)
  (global (export "g") (mut i64) (i64.const 7))
  (global (export "gi") i32 (i32.const -1))
  (func $add1 (export "add1") (param i64) (result i64) local.get 0 i64.const 1 i64.add)
  (func $viaHost (export "viaHost") (param i64) (result i64) local.get 0 call $double i64.const 1 i64.add)
  (func $boom (export "boom") unreachable)
  (func $callBoom (export "callBoom") call $boom)
  (func $grow (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func $spin (export "spin") (loop br 0))
  (func $recurse (export "recurse") call $recurse)
  (elem (i32.const 1) $add1 $boom)
  (data (i32.const 16) "hello"))`

// mainBodies is the machine code of mainWAT's functions.
var mainBodies = []func(a *asm){
	func(a *asm) { a.enter().inc0().leave().ret() },
	func(a *asm) { a.enter().callImport(0).inc0().leave().ret() },
	func(a *asm) { a.enter().call("trap_unreachable") },
	func(a *asm) { a.enter().call("f2").leave().ret() },
	func(a *asm) {
		a.enter().ctxStoreImm(abi.ExecArgs, 0).ctxStore0(abi.ExecArgs + 8).call("builtin_grow").
			ctxLoad0(abi.ExecArgs).leave().ret()
	},
	func(a *asm) {
		a.enter().spin()
	},
	func(a *asm) { a.enter().stackCheck().call("f6").leave().ret() },
}

func i64Func(fn func(ctx context.Context, x uint64) (uint64, error)) *Function {
	t := wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}}
	return NewHostFunction(t, func(ctx context.Context, args, results []uint64) error {
		r, err := fn(ctx, args[0])
		results[0] = r
		return err
	}, "double")
}

func instantiateMain(t testing.TB, double *Function) *Instance {
	t.Helper()
	mod := testModule(t, mainWAT, mainBodies...)
	inst, err := Instantiate(context.Background(), mod, "main", func(m, n string) (Extern, error) {
		if m == "env" && n == "double" && double != nil {
			return double, nil
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

func call1(t *testing.T, inst *Instance, name string, args ...uint64) uint64 {
	t.Helper()
	r, err := inst.ExportedFunction(name).Call(context.Background(), args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(r) != 1 {
		t.Fatalf("%s: %d results", name, len(r))
	}
	return r[0]
}

func TestCallAndHostFunction(t *testing.T) {
	inst := instantiateMain(t, i64Func(func(_ context.Context, x uint64) (uint64, error) { return 2 * x, nil }))
	if got := call1(t, inst, "add1", 41); got != 42 {
		t.Fatalf("add1(41) = %d", got)
	}
	for i := uint64(0); i < 1000; i++ {
		if got := call1(t, inst, "viaHost", i); got != 2*i+1 {
			t.Fatalf("viaHost(%d) = %d", i, got)
		}
	}
	if _, err := inst.ExportedFunction("add1").Call(context.Background()); err == nil {
		t.Fatal("wrong argument count accepted")
	}
}

func TestHostErrorsAndPanics(t *testing.T) {
	bad := errors.New("host says no")
	inst := instantiateMain(t, i64Func(func(_ context.Context, x uint64) (uint64, error) {
		if x == 1 {
			panic("host blew up")
		}
		return 0, bad
	}))
	_, err := inst.ExportedFunction("viaHost").Call(context.Background(), 0)
	if !errors.Is(err, bad) || !strings.Contains(err.Error(), "viaHost") {
		t.Fatalf("got %v", err)
	}
	_, err = inst.ExportedFunction("viaHost").Call(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "host blew up") {
		t.Fatalf("got %v", err)
	}
	if got := call1(t, inst, "add1", 1); got != 2 { // still usable
		t.Fatal(got)
	}
}

func TestNestedCalls(t *testing.T) {
	var inst *Instance
	// double(x) calls back into Wasm: viaHost(x-1) recursively, so depth
	// levels of Go and Wasm frames alternate on one execution context.
	inst = instantiateMain(t, i64Func(func(ctx context.Context, x uint64) (uint64, error) {
		if x == 0 {
			return 0, nil
		}
		r, err := inst.ExportedFunction("viaHost").Call(ctx, x-1)
		return r[0] + 10, err
	}))
	const depth = 200
	// viaHost(n) = double(n)+1 = viaHost(n-1)+11, viaHost(0) = 1.
	if got := call1(t, inst, "viaHost", depth); got != 1+11*depth {
		t.Fatalf("viaHost(%d) = %d", depth, got)
	}
}

func TestTrapBacktrace(t *testing.T) {
	inst := instantiateMain(t, i64Func(func(_ context.Context, x uint64) (uint64, error) { return x, nil }))
	_, err := inst.ExportedFunction("callBoom").Call(context.Background())
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapUnreachable {
		t.Fatalf("got %v", err)
	}
	var names []string
	for _, f := range trap.Frames {
		names = append(names, f.Name)
	}
	if fmt.Sprint(names) != "[boom callBoom]" {
		t.Fatalf("frames %v\n%v", trap.Frames, err)
	}
	if !strings.HasPrefix(err.Error(), "wasm trap: unreachable\n\tat boom (func[3])") {
		t.Fatalf("message %q", err.Error())
	}
	// The context is reusable after a trap.
	if got := call1(t, inst, "add1", 1); got != 2 {
		t.Fatal(got)
	}
}

func TestStackExhaustion(t *testing.T) {
	inst := instantiateMain(t, identity())
	for i := 0; i < 3; i++ {
		_, err := inst.ExportedFunction("recurse").Call(context.Background())
		var trap *Trap
		if !errors.As(err, &trap) || trap.Code != abi.TrapStackOverflow {
			t.Fatalf("got %v", err)
		}
		if len(trap.Frames) != maxFrames || trap.Frames[0].Name != "recurse" {
			t.Fatalf("%d frames: %v", len(trap.Frames), trap.Frames[:1])
		}
	}
}

func TestMemory(t *testing.T) {
	inst := instantiateMain(t, identity())
	x, _ := inst.Export("mem")
	mem := x.(*Memory)
	if b, ok := mem.Read(16, 5); !ok || string(b) != "hello" {
		t.Fatalf("data segment: %q", b)
	}
	if mem.Size() != 1 || len(mem.Bytes()) != 65536 {
		t.Fatal(mem.Size())
	}
	for want := uint64(1); want <= 2; want++ {
		if got := call1(t, inst, "grow", 1); got != want {
			t.Fatalf("grow = %d, want %d", got, want)
		}
	}
	if got := call1(t, inst, "grow", 1); got != 0xffffffff {
		t.Fatalf("grow past max = %#x", got)
	}
	if mem.Size() != 3 || !mem.Write(3*65536-2, []byte{1, 2}) || mem.Write(3*65536-1, []byte{1, 2}) {
		t.Fatal("size or bounds after growth")
	}
	if _, ok := mem.Grow(1); ok {
		t.Fatal("grew past the maximum")
	}
}

func TestTablesAndGlobals(t *testing.T) {
	inst := instantiateMain(t, identity())
	x, _ := inst.Export("tab")
	tab := x.(*Table)
	if tab.Len() != 4 {
		t.Fatal(tab.Len())
	}
	if v, ok := tab.Get(0); !ok || v != 0 {
		t.Fatalf("tab[0] = %#x", v)
	}
	ref, _ := tab.Get(1)
	f, ok := FunctionOf(ref)
	if !ok || f != inst.ExportedFunction("add1") {
		t.Fatalf("tab[1] = %#x is %v", ref, f)
	}
	if r, err := f.Call(context.Background(), 9); err != nil || r[0] != 10 {
		t.Fatal(r, err)
	}
	if old, ok := tab.Grow(2, ref); !ok || old != 4 || tab.Len() != 6 {
		t.Fatal(old, ok)
	}
	if v, _ := tab.Get(5); v != ref {
		t.Fatal("grown elements not initialized")
	}
	g, _ := inst.Export("g")
	gi, _ := inst.Export("gi")
	if g.(*Global).Get() != 7 || gi.(*Global).Get() != 0xffffffff {
		t.Fatal(g.(*Global).Get(), gi.(*Global).Get())
	}
	if err := gi.(*Global).Set(1); err == nil {
		t.Fatal("immutable global set")
	}
	if err := g.(*Global).Set(8); err != nil || g.(*Global).Get() != 8 {
		t.Fatal(err)
	}
}

func identity() *Function {
	return i64Func(func(_ context.Context, x uint64) (uint64, error) { return x, nil })
}

// TestNestedFromOtherGoroutines calls back into Wasm from goroutines a
// host function starts: one it waits for (may nest on its stack) and one
// that outlives the host call (must not touch the suspended stack).
func TestNestedFromOtherGoroutines(t *testing.T) {
	var inst *Instance
	late := make(chan uint64, 1)
	inst = instantiateMain(t, i64Func(func(ctx context.Context, x uint64) (uint64, error) {
		if x != 100 {
			return x, nil
		}
		done := make(chan uint64)
		go func() {
			r, _ := inst.ExportedFunction("viaHost").Call(ctx, 5)
			done <- r[0]
		}()
		go func() {
			time.Sleep(20 * time.Millisecond)
			r, _ := inst.ExportedFunction("viaHost").Call(ctx, 7)
			late <- r[0]
		}()
		return <-done, nil
	}))
	for i := 0; i < 3; i++ {
		if got := call1(t, inst, "viaHost", 100); got != 7 { // double(100) = viaHost(5) = 6
			t.Fatalf("viaHost(100) = %d", got)
		}
		if got := <-late; got != 8 {
			t.Fatalf("late call = %d", got)
		}
	}
}
