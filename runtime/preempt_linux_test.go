//go:build linux && (amd64 || arm64)

package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wasmc/wasmc/runtime/abi"
)

// preemptWAT has a loop that keeps many values of every class live in
// registers, flags included between its compares and branches, and an
// empty infinite loop.
const preemptWAT = `(module
  (func $spin (export "spin") (loop br 0))
  (func $mix (export "mix") (param $n i32) (result i64)
    (local $i i32) (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local $x f64) (local $y f64) (local $z f64) (local $w f64)
    (local.set $a (i64.const 1))
    (local.set $w (f64.const 1e300))
    (loop $l
      (local.set $a (i64.add (i64.mul (local.get $a) (i64.const 6364136223846793005)) (i64.extend_i32_u (local.get $i))))
      (local.set $b (i64.xor (local.get $b) (i64.rotl (local.get $a) (i64.const 13))))
      (local.set $c (i64.add (local.get $c) (i64.shr_u (local.get $b) (i64.const 7))))
      (local.set $d (i64.sub (local.get $d) (local.get $c)))
      (local.set $e (select (local.get $a) (local.get $d) (i64.lt_u (local.get $b) (local.get $c))))
      (local.set $f (i64.add (local.get $f) (local.get $e)))
      (local.set $g (i64.xor (local.get $g) (i64.mul (local.get $f) (local.get $b))))
      (local.set $h (i64.add (local.get $h) (i64.div_u (local.get $g) (i64.or (local.get $c) (i64.const 1)))))
      (local.set $x (f64.add (local.get $x) (f64.convert_i64_u (i64.and (local.get $a) (i64.const 0xffff)))))
      (local.set $y (f64.add (f64.mul (local.get $y) (f64.const 0.999999)) (local.get $x)))
      (local.set $z (f64.sqrt (f64.add (local.get $z) (local.get $y))))
      (local.set $w (f64.min (local.get $w) (local.get $z)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.xor (i64.xor (i64.xor (local.get $a) (local.get $b)) (i64.xor (local.get $c) (local.get $d)))
      (i64.xor (i64.xor (i64.xor (local.get $e) (local.get $f)) (i64.xor (local.get $g) (local.get $h)))
        (i64.xor
          (i64.xor (i64.reinterpret_f64 (local.get $x)) (i64.reinterpret_f64 (local.get $y)))
          (i64.xor (i64.xor (i64.reinterpret_f64 (local.get $z)) (i64.reinterpret_f64 (local.get $w)))
            (i64.extend_i32_u (local.get $i)))))))
)`

// asCompiled loads mod's code again without its check skips: every loop
// iteration checks, as on a platform without signal preemption.
func asCompiled(t *testing.T, mod *Module) *Module {
	t.Helper()
	c := *mod.compiled
	c.CheckSkips = nil
	m, err := NewModule(mod.wasm, mod.features, &c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestSignalPreemptPatchesLoops checks that loading retargets the loops'
// back jumps exactly when signal preemption is on, and that a loop whose
// iterations no longer check still stops for a cancellation, with the
// loop's function in the backtrace.
func TestSignalPreemptPatchesLoops(t *testing.T) {
	mod := compileWAT(t, preemptWAT)
	if len(mod.compiled.CheckSkips) < 2 {
		t.Fatalf("%d check skips, want one per loop", len(mod.compiled.CheckSkips))
	}
	on := signalPreempt()
	if on != signalPreemptWanted() {
		t.Fatalf("signal preemption %v, environment asks for %v: %v", on, signalPreemptWanted(), signalPreemptReady())
	}
	for _, k := range mod.compiled.CheckSkips {
		if patched := mod.code[k.At] != mod.compiled.Code[k.At]; patched != on {
			t.Errorf("skip at %#x: patched %v, signal preemption %v", k.At, patched, on)
		}
	}
	inst := instantiate(t, mod, nil)
	before := atomic.LoadUint64(&preemptCount)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := inst.ExportedFunction("spin").Call(ctx)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapInterrupted || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if len(trap.Frames) != 1 || trap.Frames[0].Name != "spin" {
		t.Fatalf("frames %v", trap.Frames)
	}
	if n := atomic.LoadUint64(&preemptCount) - before; on && n == 0 {
		t.Fatal("the loop stopped without a signal's preemption")
	}
}

// TestSignalPreemptKeepsState runs a loop that keeps every register class
// and the flags busy while other goroutines force collections (each
// stops the loop's goroutine), and compares its result with the same code
// run with a check on every iteration.
func TestSignalPreemptKeepsState(t *testing.T) {
	mod := compileWAT(t, preemptWAT)
	want := call1(t, instantiate(t, asCompiled(t, mod), nil), "mix", 1000)
	inst := instantiate(t, mod, nil)
	if got := call1(t, inst, "mix", 1000); got != want {
		t.Fatalf("mix(1000) = %#x, want %#x", got, want)
	}
	const n = 20_000_000
	want = call1(t, instantiate(t, asCompiled(t, mod), nil), "mix", n)
	stop := make(chan struct{})
	gcs := make(chan int, 1)
	go func() {
		k := 0
		for {
			select {
			case <-stop:
				gcs <- k
				return
			default:
				goruntime.GC()
				k++
			}
		}
	}()
	before := atomic.LoadUint64(&preemptCount)
	start := time.Now()
	// Until the collector has stopped the loop a few times (one call on an
	// idle machine): a busy one may not run the collector meanwhile.
	for calls := 1; ; calls++ {
		if got := call1(t, inst, "mix", n); got != want {
			close(stop)
			t.Fatalf("call %d: mix(%d) = %#x, want %#x", calls, n, got, want)
		}
		preempted := atomic.LoadUint64(&preemptCount) - before
		if !signalPreempt() || preempted >= 10 || time.Since(start) > time.Minute {
			close(stop)
			k := <-gcs
			t.Logf("%d collections, %d preemptions by signal, %d calls", k, preempted, calls)
			if signalPreempt() && preempted < 10 {
				t.Fatalf("only %d preemptions by signal in a minute of collections", preempted)
			}
			return
		}
	}
}

// TestSignalPreemptEverywhere asks the running loop to stop every few
// microseconds, as a cancellation watcher would without cancelling, so
// that the signals land on every kind of instruction of the loop (and its
// compares and branches) thousands of times; the result must not change.
// It calls the loop until 2,000 preemptions have happened (one or two
// calls on an idle machine), so a busy machine only makes it take longer.
func TestSignalPreemptEverywhere(t *testing.T) {
	if !signalPreempt() {
		t.Skip("signal preemption is off:", signalPreemptReady())
	}
	mod := compileWAT(t, preemptWAT)
	const n = 10_000_000
	want := call1(t, instantiate(t, asCompiled(t, mod), nil), "mix", n)
	inst := instantiate(t, mod, nil)
	call1(t, inst, "mix", 1) // makes the instance's own execution context
	e := inst.home.e
	ctx, cancel := context.WithCancel(context.Background()) // watched: notes the thread
	defer cancel()
	defer pester(e, 10*time.Microsecond)()
	before := atomic.LoadUint64(&preemptCount)
	start := time.Now()
	for calls := 1; ; calls++ {
		r, err := inst.ExportedFunction("mix").Call(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if r[0] != want {
			t.Fatalf("call %d: mix(%d) = %#x, want %#x", calls, n, r[0], want)
		}
		preempted := atomic.LoadUint64(&preemptCount) - before
		if preempted >= 2000 {
			t.Logf("%d preemptions by signal in %d calls", preempted, calls)
			return
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("only %d preemptions by signal in %d calls over a minute", preempted, calls)
		}
	}
}

// pester asks e's goroutine to stop every interval, as a cancellation
// watcher would without cancelling (the run must be watched, so that e
// knows its thread), until the returned function is called.
func pester(e *execCtx, interval time.Duration) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			default:
				e.requestYield()
				e.wakeThread()
				for t0 := time.Now(); time.Since(t0) < interval; { // spin: sleeps are too coarse
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

// patched reports whether mod was loaded with its check skips applied.
func patched(mod *Module) bool {
	k := mod.compiled.CheckSkips[0]
	return mod.code[k.At] != mod.compiled.Code[k.At]
}

// TestSignalPreemptAfterIgnore checks, in a child process, that a module
// loaded while SIGURG is ignored keeps its loop checks, and so does one
// loaded after signal.Notify has put Go's handler back: the kernel dropped
// Go's preemption signals meanwhile, and Go sends a thread none after one
// it never saw (its pending mark stays set), so a loop without checks
// could hold up a GC for ever. Both stop for a deadline.
func TestSignalPreemptAfterIgnore(t *testing.T) {
	const child = "WASMC_TEST_SIGURG_CHILD"
	if os.Getenv(child) == "" {
		if !signalPreempt() {
			t.Skip("signal preemption is off:", signalPreemptReady())
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalPreemptAfterIgnore$", "-test.v")
		cmd.Env = append(os.Environ(), child+"=1")
		out, err := cmd.CombinedOutput()
		if errors.Is(err, syscall.ENOEXEC) {
			// Under user-mode emulation (qemu without binfmt_misc)
			// the test binary cannot start itself; the code under
			// test is the same on every architecture.
			t.Skip("cannot re-execute the test binary here:", err)
		}
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		t.Logf("child:\n%s", out)
		return
	}
	spin := func(mod *Module) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		_, err := instantiate(t, mod, nil).ExportedFunction("spin").Call(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	}
	if !patched(compileWAT(t, preemptWAT)) {
		t.Fatal("not patched before SIGURG was ignored")
	}
	signal.Ignore(syscall.SIGURG)
	mod := compileWAT(t, preemptWAT)
	if patched(mod) {
		t.Fatal("patched while SIGURG is ignored")
	}
	spin(mod)
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGURG)
	mod = compileWAT(t, preemptWAT)
	if patched(mod) {
		t.Fatal("patched after SIGURG was ignored")
	}
	for range 20 { // several deadlines, with GCs, on whichever threads
		spin(mod)
		goruntime.GC()
	}
}

// backCopyWAT copies most of its memory one byte up, again and again: a
// memory.copy whose destination starts inside its source runs backward
// (on amd64 a rep movsb with the direction flag set), long enough that
// preemption signals land inside it.
const backCopyWAT = `(module
  (memory 10)
  (func (export "back") (param $n i32)
    (loop $l
      (memory.copy (i32.const 1) (i32.const 0) (i32.const 500000))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "at") (param i32) (result i32) (i32.load8_u (local.get 0))))`

// TestSignalPreemptInBackwardCopy preempts a backward memory.copy over and
// over while other goroutines clear buffers between sentinels. Go's
// memclr and memmove use string instructions that assume the direction
// flag clear: Go code run on the thread after a preemption that left it
// set (this goroutine's yield, or whatever the scheduler runs there)
// clears and copies backward, over its neighbours.
func TestSignalPreemptInBackwardCopy(t *testing.T) {
	if !signalPreempt() {
		t.Skip("signal preemption is off:", signalPreemptReady())
	}
	inst := instantiate(t, compileWAT(t, backCopyWAT), nil)
	mem := inst.memories[0]
	pattern := func(i int) byte { return byte(i*7 + 3) }
	for i, b := 0, mem.Bytes(); i < 600000; i++ {
		b[i] = pattern(i)
	}
	if _, err := inst.ExportedFunction("back").Call(context.Background(), 1); err != nil {
		t.Fatal(err) // makes the instance's own execution context
	}
	for i, b := 0, mem.Bytes(); i < 600000; i++ {
		b[i] = pattern(i)
	}
	e := inst.home.e
	ctx, cancel := context.WithCancel(context.Background()) // watched: notes the thread
	defer cancel()
	defer pester(e, 20*time.Microsecond)()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad atomic.Value
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 3*4096)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := range buf {
					buf[i] = 0xAA
				}
				clear(buf[4096 : 2*4096])
				for i, v := range buf {
					want := byte(0xAA) // the sentinels
					if i >= 4096 && i < 2*4096 {
						want = 0
					}
					if v != want {
						bad.Store(fmt.Sprintf("byte %d of a cleared buffer is %#x", i, v))
						return
					}
				}
				goruntime.Gosched()
			}
		}()
	}
	before := atomic.LoadUint64(&preemptCount)
	start := time.Now()
	const n = 40
	calls := 0
	for ; atomic.LoadUint64(&preemptCount)-before < 500 && time.Since(start) < 30*time.Second && bad.Load() == nil; calls++ {
		if _, err := inst.ExportedFunction("back").Call(ctx, n); err != nil {
			close(stop)
			wg.Wait()
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if msg := bad.Load(); msg != nil {
		t.Fatal(msg)
	}
	// Each copy shifted the pattern up by one byte.
	shift := calls * n
	for i, b := range mem.Bytes()[:500000] {
		want := pattern(0)
		if i >= shift {
			want = pattern(i - shift)
		}
		if b != want {
			t.Fatalf("memory[%d] = %#x after %d copies, want %#x", i, b, shift, want)
		}
	}
	preempted := atomic.LoadUint64(&preemptCount) - before
	if preempted < 100 {
		t.Fatalf("only %d preemptions by signal in %d calls", preempted, calls)
	}
	t.Logf("%d preemptions by signal in %d calls", preempted, calls)
}
