//go:build amd64 || arm64

package runtime

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goruntime "runtime"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

const userWAT = `(module
  (import "a" "add1" (func $add1 (param i64) (result i64)))
  (import "a" "mem" (memory 1))
  (import "a" "g" (global (mut i64)))
  (import "a" "tab" (table 2 funcref))
  (func $twice (export "twice") (param i64) (result i64) local.get 0 call $add1 call $add1)
  (elem (i32.const 3) $twice)
  (data (i32.const 0) "AB"))`

var userBodies = []func(a *asm){
	func(a *asm) { a.enter().callImport(0).callImport(0).leave().ret() },
}

func exportsOf(inst *Instance) Resolver {
	return func(_, name string) (Extern, error) {
		x, _ := inst.Export(name)
		return x, nil
	}
}

func TestImportsAcrossInstances(t *testing.T) {
	mainInst := instantiateMain(t, identity())
	mod := testModule(t, userWAT, userBodies...)
	user, err := Instantiate(context.Background(), mod, "user", exportsOf(mainInst))
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	if got := call1(t, user, "twice", 5); got != 7 {
		t.Fatalf("twice(5) = %d", got)
	}
	x, _ := mainInst.Export("mem")
	if b, _ := x.(*Memory).Read(0, 2); string(b) != "AB" {
		t.Fatalf("imported memory not initialized: %q", b)
	}
	x, _ = mainInst.Export("tab")
	ref, _ := x.(*Table).Get(3)
	if f, ok := FunctionOf(ref); !ok || f != user.ExportedFunction("twice") {
		t.Fatalf("tab[3] = %v", f)
	}
	// The importer keeps the exporter's code and storage alive.
	mainInst.Close()
	if got := call1(t, user, "twice", 1); got != 3 {
		t.Fatalf("twice(1) after closing the exporter = %d", got)
	}
	if _, err := mainInst.ExportedFunction("add1").Call(context.Background(), 1); err == nil {
		t.Fatal("call into a closed instance")
	}
}

func TestLinkErrors(t *testing.T) {
	mainInst := instantiateMain(t, identity())
	mod := testModule(t, userWAT, userBodies...)
	oneTooSmall, _ := NewMemory(wasm.MemoryType{Limits: wasm.Limits{Min: 0, Max: 1, HasMax: true}})
	defer oneTooSmall.Close()
	cases := []struct {
		name, swap string
		with       Extern
		want       string
	}{
		{"missing", "add1", nil, "unknown import"},
		{"func type", "add1", mainInst.ExportedFunction("boom"), "incompatible import type"},
		{"kind", "add1", oneTooSmall, "incompatible import type"},
		{"memory size", "mem", oneTooSmall, "incompatible import type"},
		{"global mutability", "g", mustExport(mainInst, "gi"), "incompatible import type"},
	}
	for _, c := range cases {
		_, err := Instantiate(context.Background(), mod, "user", func(m, n string) (Extern, error) {
			if n == c.swap {
				return c.with, nil
			}
			return mustExport(mainInst, n), nil
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func mustExport(inst *Instance, name string) Extern {
	x, _ := inst.Export(name)
	return x
}

func TestInstantiationTrapKeepsEarlierWrites(t *testing.T) {
	mainInst := instantiateMain(t, identity())
	mod := testModule(t, `(module
  (import "a" "mem" (memory 1))
  (data (i32.const 100) "XY")
  (data (i32.const 65535) "Z!"))`)
	_, err := Instantiate(context.Background(), mod, "bad", exportsOf(mainInst))
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapOutOfBoundsMemory || err.Error() != "wasm trap: out of bounds memory access" {
		t.Fatalf("got %v", err)
	}
	if b, _ := mustExport(mainInst, "mem").(*Memory).Read(100, 2); string(b) != "XY" {
		t.Fatalf("first segment not applied: %q", b)
	}
}

func TestStartFunction(t *testing.T) {
	var calls atomic.Int32
	host := i64Func(func(_ context.Context, x uint64) (uint64, error) {
		if x == 5 {
			calls.Add(1)
		}
		return x, nil
	})
	mod := testModule(t, `(module
  (import "env" "h" (func $h (param i64) (result i64)))
  (func $s i64.const 5 call $h drop)
  (start $s))`, func(a *asm) {
		a.enter().movImm0(5).callImport(0).leave().ret()
	})
	inst, err := Instantiate(context.Background(), mod, "s", func(string, string) (Extern, error) { return host, nil })
	if err != nil {
		t.Fatal(err)
	}
	inst.Close()
	if calls.Load() != 1 {
		t.Fatalf("start ran %d times", calls.Load())
	}
}

// TestCancelInfiniteLoop runs an infinite Wasm loop while GC runs (which
// must complete), then cancels its context: the call returns an
// interrupted trap wrapping context.Canceled, with the loop's frame.
func TestCancelInfiniteLoop(t *testing.T) {
	inst := instantiateMain(t, identity())
	spin := inst.ExportedFunction("spin")
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result)
	go func() {
		_, err := spin.Call(ctx)
		done <- result{err, time.Now()}
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	gcDone := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			goruntime.GC()
		}
		close(gcDone)
	}()
	// A liveness check, not a timing one (ten GCs can take seconds on a
	// loaded machine); on failure the loop stops before its code goes.
	select {
	case <-gcDone:
	case <-time.After(60 * time.Second):
		cancel()
		<-done
		t.Fatal("GC did not complete while Wasm looped")
	}
	gcTime := time.Since(start)
	at := time.Now()
	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not stop the loop")
	}
	var trap *Trap
	if !errors.As(r.err, &trap) || trap.Code != abi.TrapInterrupted || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("got %v", r.err)
	}
	if len(trap.Frames) != 1 || trap.Frames[0].Name != "spin" {
		t.Fatalf("frames %v", trap.Frames)
	}
	t.Logf("10 GCs in %v, cancel latency %v", gcTime, r.at.Sub(at))
	// Deadlines work the same way, and a done context never enters.
	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := spin.Call(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if _, err := spin.Call(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if got := call1(t, inst, "add1", 1); got != 2 { // pooled context reset
		t.Fatal(got)
	}
}
