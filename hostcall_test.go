//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wasmc/wasmc"
)

// hostCallGuest imports env.f (i64, i64) -> i64 and env.g () -> (i64 i64 i64)
// and calls them from exports of the same signatures.
const hostCallGuest = `(module
  (import "env" "f" (func $f (param i64 i64) (result i64)))
  (import "env" "g" (func $g (result i64 i64 i64)))
  (func (export "f") (param i64 i64) (result i64) (call $f (local.get 0) (local.get 1)))
  (func (export "g") (result i64 i64 i64) (call $g))
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "empty")))`

// hostCallModule instantiates hostCallGuest with f and g as the host
// functions.
func hostCallModule(t *testing.T, f, g wasmc.GoFunction) *wasmc.Module {
	t.Helper()
	r, ctx := newRuntime(t)
	i64 := wasmc.ValueTypeI64
	_, err := r.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithGoFunction(f, []wasmc.ValueType{i64, i64}, []wasmc.ValueType{i64}).Export("f").
		NewFunctionBuilder().WithGoFunction(g, nil, []wasmc.ValueType{i64, i64, i64}).Export("g").
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return instantiate(t, r, "guest", []byte(hostCallGuest))
}

// TestHostCallNoAllocs checks that the fast paths allocate nothing: an empty
// call, and a host call round trip through CallWithStack.
func TestHostCallNoAllocs(t *testing.T) {
	m := hostCallModule(t, func(_ context.Context, s []uint64) { s[0] -= s[1] },
		func(_ context.Context, s []uint64) { s[0], s[1], s[2] = 1, 2, 3 })
	ctx := context.Background()
	f, g, empty := m.ExportedFunction("f"), m.ExportedFunction("g"), m.ExportedFunction("empty")
	s := make([]uint64, 3)
	if n := testing.AllocsPerRun(200, func() {
		s[0], s[1] = 50, 8
		if err := f.CallWithStack(ctx, s); err != nil || s[0] != 42 {
			t.Fatalf("f = %d, %v", s[0], err)
		}
		if err := g.CallWithStack(ctx, s); err != nil || s[0] != 1 || s[1] != 2 || s[2] != 3 {
			t.Fatalf("g = %v, %v", s, err)
		}
	}); n != 0 {
		t.Errorf("host call round trip: %v allocations", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		if _, err := empty.Call(ctx); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("empty call: %v allocations", n)
	}
}

// TestHostStackInBuffer checks what a host function sees of its stack: the
// parameters, zeroed slots for extra results, and the same values after it
// calls back into Wasm through its context, even when it lends its own stack
// to that call.
func TestHostStackInBuffer(t *testing.T) {
	var m *wasmc.Module
	m = hostCallModule(t, func(ctx context.Context, s []uint64) {
		a, b := s[0], s[1]
		if a == 0 { // recurse once, on this stack
			s[0], s[1] = 100, 5
			if err := m.ExportedFunction("f").CallWithStack(ctx, s); err != nil {
				panic(err)
			}
			s[0] = s[0]*1000 + s[1] // s[1] (5) is the nested call's, untouched by it
			return
		}
		inner := []uint64{a, b}
		if err := m.ExportedFunction("add").CallWithStack(ctx, inner); err != nil {
			panic(err)
		}
		if s[0] != a || s[1] != b {
			panic("host stack changed by a nested call")
		}
		s[0] = inner[0] - 2*b
	}, func(_ context.Context, s []uint64) {
		if len(s) != 3 || s[0] != 0 || s[1] != 0 || s[2] != 0 {
			panic("result slots not zeroed")
		}
		s[0], s[1], s[2] = 7, 8, 9
	})
	s := []uint64{9, 9, 9}
	if err := m.ExportedFunction("g").CallWithStack(context.Background(), s); err != nil || s[0] != 7 || s[2] != 9 {
		t.Fatalf("g = %v, %v", s, err)
	}
	s = []uint64{50, 8}
	if err := m.ExportedFunction("f").CallWithStack(context.Background(), s); err != nil || s[0] != 42 {
		t.Fatalf("f(50, 8) = %d, %v", s[0], err)
	}
	s = []uint64{0, 1}
	if err := m.ExportedFunction("f").CallWithStack(context.Background(), s); err != nil || s[0] != 95005 {
		t.Fatalf("f(0, 1) = %d, %v", s[0], err)
	}
}

// TestHostPanicFastPath checks panics under Background, directly and from a
// nested call, and that the module stays usable.
func TestHostPanicFastPath(t *testing.T) {
	bad := errors.New("no such thing")
	var m *wasmc.Module
	m = hostCallModule(t, func(ctx context.Context, s []uint64) {
		switch s[0] {
		case 1:
			panic(bad)
		case 2:
			panic("plain")
		case 3: // a nested call whose host function panics: an error here
			err := m.ExportedFunction("f").CallWithStack(ctx, []uint64{1, 0})
			if !errors.Is(err, bad) {
				panic("nested call returned " + err.Error())
			}
			s[0] = 33
		}
	}, func(context.Context, []uint64) {})
	f := m.ExportedFunction("f")
	ctx := context.Background()
	for _, c := range []struct {
		arg  uint64
		want string
	}{{1, "no such thing"}, {2, "plain"}} {
		s := []uint64{c.arg, 0}
		err := f.CallWithStack(ctx, s)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "env.f") {
			t.Errorf("f(%d): %v", c.arg, err)
		}
		if c.arg == 1 && !errors.Is(err, bad) {
			t.Errorf("f(1): %v does not wrap the panic's error", err)
		}
	}
	s := []uint64{3, 0}
	if err := f.CallWithStack(ctx, s); err != nil || s[0] != 33 {
		t.Errorf("f(3) = %d, %v", s[0], err)
	}
	s = []uint64{40, 2}
	if err := m.ExportedFunction("add").CallWithStack(ctx, s); err != nil || s[0] != 42 {
		t.Errorf("add after panics = %d, %v", s[0], err)
	}
}

// TestHostGoexit runs host functions that end their goroutine: the calls
// never return, and the module keeps working.
func TestHostGoexit(t *testing.T) {
	var m *wasmc.Module
	m = hostCallModule(t, func(ctx context.Context, s []uint64) {
		if s[0] == 1 {
			runtime.Goexit()
		}
		if s[0] == 2 { // from a nested call
			m.ExportedFunction("f").CallWithStack(ctx, []uint64{1, 0})
		}
		s[0] += s[1]
	}, func(context.Context, []uint64) {})
	f := m.ExportedFunction("f")
	for _, arg := range []uint64{1, 2, 1} {
		done := make(chan bool)
		go func() {
			defer close(done)
			f.CallWithStack(context.Background(), []uint64{arg, 0})
			done <- true
		}()
		if <-done {
			t.Fatalf("f(%d) returned", arg)
		}
		s := []uint64{40, 2}
		if err := f.CallWithStack(context.Background(), s); err != nil || s[0] != 42 {
			t.Fatalf("f after Goexit = %d, %v", s[0], err)
		}
	}
}

// TestHostCallsConcurrent calls host functions from many goroutines at
// once, with garbage collections and stack growth inside the host function.
func TestHostCallsConcurrent(t *testing.T) {
	m := hostCallModule(t, func(_ context.Context, s []uint64) {
		if s[0]%64 == 0 {
			runtime.GC()
		}
		s[0] = uint64(deep(int(s[0]%200))) + s[1]
	}, func(context.Context, []uint64) {})
	f := m.ExportedFunction("f")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := make([]uint64, 2)
			for i := range 300 {
				x := uint64(g*1000 + i)
				s[0], s[1] = x, 7
				if err := f.CallWithStack(context.Background(), s); err != nil || s[0] != uint64(deep(int(x%200)))+7 {
					t.Errorf("f(%d) = %d, %v", x, s[0], err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// deep recurses with a large frame, to grow the goroutine's stack.
func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + 1 + int(pad[n%256]) - n%256
}
