//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wasmc/wasmc"
)

// TestGoNeverWaitsOnWasm runs an infinite Wasm loop while another goroutine
// collects garbage ten times and a ticker keeps ticking: the collections
// complete, the ticker ticks, and cancelling the call's context stops the
// loop. It checks progress; the latencies, which a loaded machine stretches
// by itself, are logged.
func TestGoNeverWaitsOnWasm(t *testing.T) {
	r, _ := newRuntime(t)
	ctx := context.Background()
	started := make(chan struct{}, 1)
	_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func() { started <- struct{}{} }).Export("started").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := instantiate(t, r, "spin", []byte(`(module
  (import "env" "started" (func $started))
  (func (export "spin") (local $i i64)
    (call $started)
    (loop $forever
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $forever))))`))
	ticks, late, cancelled := spinWhileCollecting(t, m.ExportedFunction("spin"), started)
	// Progress, not timing: the ticker ran while Wasm looped. Its lateness
	// and the cancellation latency depend on the machine's load.
	t.Logf("%d ticks, worst lateness %v, cancelled in %v", ticks, late, cancelled)
	if ticks < 5 {
		t.Fatalf("the ticker ticked %d times while Wasm looped", ticks)
	}
}

// spinWhileCollecting runs spin, collects garbage ten times while it loops
// (failing if that hangs), then cancels it. It returns how often a 5 ms
// ticker ticked meanwhile, its worst lateness and how long the
// cancellation took.
func spinWhileCollecting(t *testing.T, spin *wasmc.Function, started chan struct{}) (ticks int, late, cancelled time.Duration) {
	callCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := spin.Call(callCtx)
		done <- err
	}()
	<-started

	const period = 5 * time.Millisecond
	stopTicker := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(period)
		defer tk.Stop()
		last := time.Now()
		for {
			select {
			case <-stopTicker:
				return
			case now := <-tk.C:
				ticks++
				late = max(late, now.Sub(last)-period)
				last = now
			}
		}
	}()

	gcDone := make(chan struct{})
	go func() {
		for range 10 {
			runtime.GC()
		}
		close(gcDone)
	}()
	// A liveness check, not a timing one: on a loaded machine ten GCs can
	// take seconds even beside a pure Go loop. On failure the loop is
	// cancelled first, so that its code is not unmapped under it.
	select {
	case <-gcDone:
	case <-time.After(60 * time.Second):
		cancel()
		<-done
		t.Fatal("runtime.GC did not complete while Wasm was looping")
	}
	time.Sleep(100 * time.Millisecond) // keep ticking after GC too
	close(stopTicker)
	wg.Wait()
	select {
	case err := <-done:
		t.Fatalf("the loop returned early: %v", err)
	default:
	}

	t0 := time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not stop the loop")
	}
	cancelled = time.Since(t0)
	var trap *wasmc.Trap
	if !errors.As(err, &trap) || trap.Kind != wasmc.TrapInterrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled call returned %v", err)
	}
	return ticks, late, cancelled
}

func TestDeadline(t *testing.T) {
	r, _ := newRuntime(t)
	m := instantiate(t, r, "", []byte(`(module (func (export "spin") (loop $l (br $l))))`))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := m.ExportedFunction("spin").Call(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	// A context already done never enters Wasm.
	_, err = m.ExportedFunction("spin").Call(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("done context: %v", err)
	}
}

// TestDeadlineStopsRecursion: a recursion that would run for ages in a
// shallow stack (fib without memo, one frame per level) has no loop to
// check at; the check at entry of recursive functions stops it.
func TestDeadlineStopsRecursion(t *testing.T) {
	r, _ := newRuntime(t)
	m := instantiate(t, r, "", []byte(`(module
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2))))))))`))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := m.ExportedFunction("fib").Call(ctx, 90)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("fib(90) with a 20 ms deadline: %v", err)
	}
}

// TestDeepRecursionThroughStubs recurses until the stack is exhausted
// through a host function, a builtin (memory.size is inline, memory.grow
// calls the runtime) and frames of about 1 KiB (values live across the
// call): on amd64 prologues of frames that small leave the overflow to
// the guard region below the stack, so the fault may come in a stub or
// in a frame's first store. Each is the stack-exhausted trap, the
// recursing function on top of the backtrace, and the runtime usable
// after it.
func TestDeepRecursionThroughStubs(t *testing.T) {
	r, ctx := newRuntime(t)
	calls := 0
	_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(x int64) int64 { calls++; return x + 1 }).Export("inc").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	src := `(module
  (import "env" "inc" (func $inc (param i64) (result i64)))
  (memory 1)
  (func $host (export "host") (param i64) (result i64)
    (i64.add (call $inc (local.get 0)) (call $host (i64.add (local.get 0) (i64.const 1)))))
  (func $grow (export "grow") (param i64) (result i64)
    (drop (memory.grow (i32.const 0)))
    (i64.add (local.get 0) (call $grow (i64.add (local.get 0) (i64.const 1)))))
  (func $wide (export "wide") (param i64) (result f64)`
	// 120 f64 values live across the recursive call make a frame of
	// about 1 KiB.
	for i := 0; i < 120; i++ {
		src += "\n    (f64.convert_i64_s (i64.add (local.get 0) (i64.const " + strconv.Itoa(i) + ")))"
	}
	src += "\n    (call $wide (i64.add (local.get 0) (i64.const 1)))"
	for i := 0; i < 120; i++ {
		src += "\n    f64.add"
	}
	src += "))"
	m := instantiate(t, r, "", []byte(src))
	index := map[string]uint32{"host": 1, "grow": 2, "wide": 3}
	for _, name := range []string{"host", "grow", "wide", "host"} {
		_, err := m.ExportedFunction(name).Call(ctx, 0)
		var trap *wasmc.Trap
		if !errors.As(err, &trap) || trap.Kind != wasmc.TrapStackExhausted {
			t.Fatalf("%s: deep recursion: %v", name, err)
		}
		if len(trap.Frames) == 0 || trap.Frames[0].Index != index[name] {
			t.Errorf("%s: backtrace %v", name, trap.Frames)
		}
	}
	if calls == 0 {
		t.Error("the host function never ran")
	}
}

func TestDeepRecursionExhaustsStack(t *testing.T) {
	r, ctx := newRuntime(t)
	m := instantiate(t, r, "", []byte(`(module
  (func $down (export "down") (param i64) (result i64)
    (i64.add (i64.const 1) (call $down (i64.add (local.get 0) (i64.const 1))))))`))
	for range 3 { // the stack is usable again after each overflow
		_, err := m.ExportedFunction("down").Call(ctx, 0)
		var trap *wasmc.Trap
		if !errors.As(err, &trap) || trap.Kind != wasmc.TrapStackExhausted {
			t.Fatalf("deep recursion: %v", err)
		}
		if trap.Kind.String() != "call stack exhausted" || len(trap.Frames) == 0 {
			t.Errorf("trap %q with %d frames", trap.Kind, len(trap.Frames))
		}
	}
}
