//go:build amd64 || arm64

package runtime

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// stackFunc makes a stack-form host function of type (i64) -> i64.
func stackFunc(fn HostStackFunc) *Function {
	return NewHostStackFunction(wasm.FuncType{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}},
		fn, "double", nil)
}

// TestHomeExec checks the instance's own execution context: calls under
// Background reuse it and leave it free; a call while it is busy (from a
// host function, through another context) takes a pooled one.
func TestHomeExec(t *testing.T) {
	var inst *Instance
	var inner *execCtx
	inst = instantiateMain(t, stackFunc(func(_ context.Context, s []uint64) {
		if s[0] == 5 {
			if inst.home.busy.Load() != 1 {
				t.Error("home context free during a call")
			}
			r, err := inst.ExportedFunction("add1").Call(context.Background(), 1)
			if err != nil || r[0] != 2 {
				t.Errorf("call from the host function: %v, %v", r, err)
			}
		}
		s[0] *= 2
	}))
	f := inst.ExportedFunction("viaHost")
	s := []uint64{3}
	if err := f.CallWithStack(context.Background(), s); err != nil || s[0] != 7 {
		t.Fatalf("viaHost(3) = %d, %v", s[0], err)
	}
	inner = inst.home.e
	if inner == nil || inst.home.busy.Load() != 0 {
		t.Fatalf("home context %p, busy %d", inner, inst.home.busy.Load())
	}
	s[0] = 5
	if err := f.CallWithStack(context.Background(), s); err != nil || s[0] != 11 {
		t.Fatalf("viaHost(5) = %d, %v", s[0], err)
	}
	if inst.home.e != inner || inst.home.busy.Load() != 0 {
		t.Error("home context replaced or left busy")
	}
}

// TestHostGoexitReleasesHome ends the goroutine of a call inside its host
// function: the home context must come back free, and nesting state reset.
func TestHostGoexitReleasesHome(t *testing.T) {
	var inst *Instance
	inst = instantiateMain(t, stackFunc(func(ctx context.Context, s []uint64) {
		switch s[0] {
		case 1:
			runtime.Goexit()
		case 2: // from a nested call on the same context
			inst.ExportedFunction("viaHost").Call(ctx, 1)
		}
		s[0] *= 2
	}))
	f := inst.ExportedFunction("viaHost")
	for _, arg := range []uint64{1, 2} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.Call(context.Background(), arg)
			t.Errorf("viaHost(%d) returned", arg)
		}()
		<-done
		e := inst.home.e
		if inst.home.busy.Load() != 0 || e == nil || e.inHost != 0 || e.nest != 0 || e.hostN != 0 || e.scratch.top != 0 {
			t.Fatalf("after Goexit: busy %d, context %+v", inst.home.busy.Load(), e)
		}
		if got := call1(t, inst, "viaHost", 20); got != 41 {
			t.Fatalf("viaHost(20) = %d", got)
		}
	}
}

// TestHostPanicName checks a stack-form host function's panic without a
// converter: the error names the function and carries the Wasm backtrace.
func TestHostPanicName(t *testing.T) {
	inst := instantiateMain(t, stackFunc(func(context.Context, []uint64) { panic("boom") }))
	_, err := inst.ExportedFunction("viaHost").Call(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), `host function "double" panicked: boom`) ||
		!strings.Contains(err.Error(), "viaHost") {
		t.Fatalf("got %v", err)
	}
	if inst.home.busy.Load() != 0 {
		t.Error("home context left busy")
	}
}

// TestStaleHomeExec changes the stack size: the home context of the old
// size is dropped, not reused.
func TestStaleHomeExec(t *testing.T) {
	inst := instantiateMain(t, identity())
	if got := call1(t, inst, "add1", 1); got != 2 {
		t.Fatal(got)
	}
	old := inst.home.e
	defer SetStackSize(int(stackSize.Load()))
	SetStackSize(int(stackSize.Load()) * 2)
	if got := call1(t, inst, "add1", 2); got != 3 {
		t.Fatal(got)
	}
	if got := call1(t, inst, "add1", 3); got != 4 {
		t.Fatal(got)
	}
	if e := inst.home.e; e == old || e == nil || e.stale() {
		t.Errorf("home context %p (old %p) after a stack size change", e, old)
	}
}

// BenchmarkHostStackRoundTrip is Go -> Wasm -> stack-form host function ->
// Wasm -> Go through CallWithStack: the fast path, without the public API.
func BenchmarkHostStackRoundTrip(b *testing.B) {
	inst := instantiateMain(b, stackFunc(func(_ context.Context, s []uint64) { s[0] *= 2 }))
	f := inst.ExportedFunction("viaHost")
	ctx := context.Background()
	s := []uint64{1}
	for b.Loop() {
		s[0] = 1
		f.CallWithStack(ctx, s)
	}
	if s[0] != 3 {
		b.Fatalf("viaHost(1) = %d", s[0])
	}
}
