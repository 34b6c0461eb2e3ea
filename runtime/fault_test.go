//go:build linux && (amd64 || arm64)

package runtime

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

type access struct {
	op   string // e.g. "i64.load32_u"
	typ  string // the value type
	size uint64
}

var accesses = []access{
	{"i32.load", "i32", 4}, {"i64.load", "i64", 8}, {"f32.load", "f32", 4}, {"f64.load", "f64", 8},
	{"i32.load8_s", "i32", 1}, {"i32.load8_u", "i32", 1}, {"i32.load16_s", "i32", 2}, {"i32.load16_u", "i32", 2},
	{"i64.load8_s", "i64", 1}, {"i64.load8_u", "i64", 1}, {"i64.load16_s", "i64", 2}, {"i64.load16_u", "i64", 2},
	{"i64.load32_s", "i64", 4}, {"i64.load32_u", "i64", 4},
	{"i32.store", "i32", 4}, {"i64.store", "i64", 8}, {"f32.store", "f32", 4}, {"f64.store", "f64", 8},
	{"i32.store8", "i32", 1}, {"i32.store16", "i32", 2},
	{"i64.store8", "i64", 1}, {"i64.store16", "i64", 2}, {"i64.store32", "i64", 4},
}

func (a access) store() bool { return strings.Contains(a.op, "store") }

// accessWAT exports, for every access, "<op>" at the address parameter and
// "<op>/max" with the largest offset, both dropping what a load reads.
func accessWAT() string {
	var b strings.Builder
	b.WriteString("(module (memory (export \"mem\") 1)\n")
	b.WriteString("(func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n")
	for _, a := range accesses {
		for _, v := range [...]struct{ name, off string }{{a.op, ""}, {a.op + "/max", "offset=4294967295"}} {
			if a.store() {
				fmt.Fprintf(&b, "(func (export %q) (param i32) (%s %s (local.get 0) (%s.const 0x5a)))\n", v.name, a.op, v.off, a.typ)
			} else {
				fmt.Fprintf(&b, "(func (export %q) (param i32) (drop (%s %s (local.get 0))))\n", v.name, a.op, v.off)
			}
		}
	}
	b.WriteString(")")
	return b.String()
}

func wantOOB(t *testing.T, err error, what string) {
	t.Helper()
	var trap *Trap
	if !errors.As(err, &trap) || trap.Code != abi.TrapOutOfBoundsMemory {
		t.Fatalf("%s: got %v, want an out-of-bounds trap", what, err)
	}
}

// TestGuardPageAccesses runs every load and store width at the edges of a
// one-page memory, compiled with guard pages and with explicit checks:
// both must trap exactly where the spec says, and an out-of-bounds store
// must leave memory unchanged.
func TestGuardPageAccesses(t *testing.T) {
	ctx := context.Background()
	for _, guard := range []bool{true, false} {
		t.Run(fmt.Sprintf("guard=%v", guard), func(t *testing.T) {
			inst := instantiate(t, compileWATOptions(t, accessWAT(), backend.Options{GuardPages: guard}), nil)
			faults := atomic.LoadUint64(&faultCount)
			defer func() {
				// Every trap above was a fault with guard pages, none without.
				n := atomic.LoadUint64(&faultCount) - faults
				if want := uint64(len(accesses) * 10); guard && n != want || !guard && n != 0 {
					t.Errorf("%d faults, want %d", n, map[bool]uint64{true: want}[guard])
				}
			}()
			mem := mustExport(inst, "mem").(*Memory)
			if !mem.guarded {
				t.Fatal("memory has no guard reservation")
			}
			for _, a := range accesses {
				f, fmax := inst.ExportedFunction(a.op), inst.ExportedFunction(a.op+"/max")
				last := 65536 - a.size // the last address where the access fits
				if _, err := f.Call(ctx, last); err != nil {
					t.Fatalf("%s at %d: %v", a.op, last, err)
				}
				for _, addr := range []uint64{last + 1, 65536, 65536 + 4096, 1 << 31, 0xffffffff} {
					if a.store() {
						// Distinct bytes, to see any partial write.
						mem.Write(65528, []byte{1, 2, 3, 4, 5, 6, 7, 8})
					}
					_, err := f.Call(ctx, addr)
					wantOOB(t, err, fmt.Sprintf("%s at %d", a.op, addr))
					if b, _ := mem.Read(65528, 8); a.store() && goruntime.GOARCH == "amd64" && string(b) != "\x01\x02\x03\x04\x05\x06\x07\x08" {
						// arm64 does not promise that a store crossing
						// into a faulting page writes nothing.
						t.Fatalf("%s at %d wrote %x before trapping", a.op, addr, b)
					}
				}
				// offset 2^32-1: any address overflows past 4 GiB, up to
				// the far end of the reservation.
				for _, addr := range []uint64{0, 1, 65536, 0xffffffff} {
					_, err := fmax.Call(ctx, addr)
					wantOOB(t, err, fmt.Sprintf("%s offset=4294967295 at %d", a.op, addr))
				}
			}
			// After growing, the new page is accessible and the one after
			// it still traps.
			if got := call1(t, inst, "grow", 1); got != 1 {
				t.Fatalf("grow(1) = %d", got)
			}
			for _, a := range accesses {
				f := inst.ExportedFunction(a.op)
				if _, err := f.Call(ctx, 65536); err != nil {
					t.Fatalf("%s at 65536 after grow: %v", a.op, err)
				}
				if _, err := f.Call(ctx, 2*65536-a.size+1); err == nil {
					t.Fatalf("%s at %d after grow did not trap", a.op, 2*65536-a.size+1)
				}
			}
			if b, _ := mem.Read(65536, 1); b[0] != 0x5a {
				t.Fatalf("store after grow not visible: %x", b)
			}
		})
	}
}

// TestGuardPageTrapBacktrace checks a fault's trap message and that its
// backtrace starts at the faulting function.
func TestGuardPageTrapBacktrace(t *testing.T) {
	mod := compileWATOptions(t, `(module (memory 1)
  (func $inner (param i32) (result i32) (i32.add (i32.load offset=16 (local.get 0)) (i32.const 1)))
  (func $middle (param i32) (result i32) (i32.mul (call $inner (local.get 0)) (i32.const 3)))
  (func $outer (export "outer") (param i32) (result i32) (i32.sub (call $middle (local.get 0)) (i32.const 2))))`,
		backend.Options{GuardPages: true})
	inst := instantiate(t, mod, nil)
	if got := call1(t, inst, "outer", 100); got != 1 {
		t.Fatalf("outer(100) = %d", got)
	}
	_, err := inst.ExportedFunction("outer").Call(context.Background(), 65530)
	wantOOB(t, err, "outer(65530)")
	var trap *Trap
	errors.As(err, &trap)
	var names []string
	for _, f := range trap.Frames {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "inner middle outer" {
		t.Fatalf("backtrace %v", trap.Frames)
	}
	inner := mod.compiled.Funcs[0]
	if off := trap.Frames[0].Offset; off == 0 || off > inner.Size {
		t.Fatalf("trap offset %#x outside inner (size %#x)", off, inner.Size)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "wasm trap: out of bounds memory access\n\tat inner (func[0])+0x") {
		t.Fatalf("message %q", msg)
	}
}

// TestGuardPageChainsToGo checks that faults outside compiled code still
// reach Go's own handler once the fault handler is installed: a nil
// dereference in a host function called from Wasm, and one in plain Go,
// are ordinary recoverable panics.
func TestGuardPageChainsToGo(t *testing.T) {
	if err := guardPagesReady(); err != nil {
		t.Fatal(err)
	}
	var nilPtr *uint64
	host := i64Func(func(_ context.Context, x uint64) (uint64, error) {
		if x == 0 {
			return *nilPtr, nil
		}
		return x, nil
	})
	mod := compileWATOptions(t, `(module
  (import "env" "h" (func $h (param i64) (result i64)))
  (memory 1)
  (func (export "f") (param i64) (result i64) (call $h (local.get 0)))
  (func (export "oob") (param i32) (result i32) (i32.load (local.get 0))))`, backend.Options{GuardPages: true})
	inst := instantiate(t, mod, func(string, string) (Extern, error) { return host, nil })
	for i := range 3 {
		_, err := inst.ExportedFunction("f").Call(context.Background(), 0)
		if err == nil || !strings.Contains(err.Error(), "nil pointer dereference") {
			t.Fatalf("host nil dereference: got %v", err)
		}
		var trap *Trap
		if errors.As(err, &trap) {
			t.Fatalf("host nil dereference became a trap: %v", err)
		}
		if got := call1(t, inst, "f", uint64(i+1)); got != uint64(i+1) {
			t.Fatalf("f(%d) = %d", i+1, got)
		}
		_, err = inst.ExportedFunction("oob").Call(context.Background(), 1<<20)
		wantOOB(t, err, "oob")
		func() {
			defer func() {
				r := recover()
				if e, ok := r.(goruntime.Error); !ok || !strings.Contains(e.Error(), "nil pointer dereference") {
					t.Fatalf("Go nil dereference: recovered %v", r)
				}
			}()
			_ = *nilPtr
		}()
	}
}

// TestGuardPageConcurrentTraps has many goroutines fault at once, mixed with
// calls that succeed.
func TestGuardPageConcurrentTraps(t *testing.T) {
	mod := compileWATOptions(t, `(module (memory 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "loop") (param i32) (result i32) (local $s i32)
    (loop $l (local.set $s (i32.add (local.get $s) (i32.load (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 4096)))
      (br $l))
    (local.get $s)))`, backend.Options{GuardPages: true})
	inst := instantiate(t, mod, nil)
	n := 100
	if testing.Short() {
		n = 20
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				var err error
				if (g+i)%2 == 0 {
					_, err = inst.ExportedFunction("loop").Call(context.Background(), uint64(i%16))
				} else {
					_, err = inst.ExportedFunction("load").Call(context.Background(), 65536+uint64(i))
				}
				var trap *Trap
				if !errors.As(err, &trap) || trap.Code != abi.TrapOutOfBoundsMemory {
					errs <- fmt.Errorf("goroutine %d call %d: %v", g, i, err)
					return
				}
				if r, err := inst.ExportedFunction("load").Call(context.Background(), 8); err != nil || r[0] != 0 {
					errs <- fmt.Errorf("goroutine %d call %d: in-bounds load: %v %v", g, i, r, err)
					return
				}
				if i%10 == 0 {
					goruntime.GC()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestGuardPagesNeedReservation checks that code without bounds checks
// never gets a memory without a guard reservation, while code with
// explicit checks may.
func TestGuardPagesNeedReservation(t *testing.T) {
	const wat = `(module (import "a" "mem" (memory 1)) (func (export "f") (result i32) (i32.load (i32.const 0))))`
	mem, err := NewMemory(wasm.MemoryType{Limits: wasm.Limits{Min: 1}, PageSizeLog2: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if !mem.guarded || uint64(len(mem.mem)) != guardReservation {
		t.Fatalf("NewMemory reserved %d bytes, guarded %v", len(mem.mem), mem.guarded)
	}
	mem.guarded = false // as if the 8 GiB reservation had failed
	resolve := func(string, string) (Extern, error) { return mem, nil }
	if _, err := Instantiate(context.Background(), compileWATOptions(t, wat, backend.Options{GuardPages: true}), "", resolve); err == nil {
		t.Fatal("guard-page code instantiated against an unguarded memory")
	}
	inst, err := Instantiate(context.Background(), compileWATOptions(t, wat, backend.Options{}), "", resolve)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	if got := call1(t, inst, "f"); got != 0 {
		t.Fatalf("f() = %d", got)
	}
}

// TestGuardPageStackOverflow runs hand-written recursion without stack
// checks into the Wasm stack's guard page: the fault is a stack-overflow
// trap with the recursing function on top of the backtrace.
func TestGuardPageStackOverflow(t *testing.T) {
	mod := testModule(t, `(module (func $rec (export "rec")))`, func(a *asm) { a.enter().call("f0").leave().ret() })
	defer mod.Close()
	inst := instantiate(t, mod, nil)
	for range 3 {
		faults := atomic.LoadUint64(&faultCount)
		_, err := inst.ExportedFunction("rec").Call(context.Background())
		var trap *Trap
		if !errors.As(err, &trap) || trap.Code != abi.TrapStackOverflow || len(trap.Frames) == 0 || trap.Frames[0].Name != "rec" {
			t.Fatalf("got %v", err)
		}
		if atomic.LoadUint64(&faultCount) == faults {
			t.Fatal("no fault counted")
		}
	}
}
