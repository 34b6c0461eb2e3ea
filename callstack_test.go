//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"testing"

	"github.com/wasmc/wasmc"
)

type ctxKey struct{}

func TestCallWithStack(t *testing.T) {
	r, ctx := newRuntime(t)
	var guest *wasmc.Module
	env, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(_ context.Context, x int64) int64 { return x + 1 }).Export("inc").
		NewFunctionBuilder().WithFunc(func(ctx context.Context, x int64) int64 {
		// A derived context still lets the call back nest on this stack.
		ctx = context.WithValue(ctx, ctxKey{}, 1)
		s := []uint64{uint64(x)}
		if err := guest.ExportedFunction("twice").CallWithStack(ctx, s); err != nil {
			panic(err)
		}
		return int64(s[0])
	}).Export("reenter").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	guest = instantiate(t, r, "guest", []byte(`(module
  (import "env" "inc" (func $inc (param i64) (result i64)))
  (import "env" "reenter" (func $reenter (param i64) (result i64)))
  (func (export "twice") (param i64) (result i64) (call $inc (call $inc (local.get 0))))
  (func (export "split") (param i64) (result i32 i32 i64)
    (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))) (local.get 0))
  (func (export "deep") (param i64) (result i64) (call $reenter (local.get 0))))`))

	s := []uint64{0x0000000700000009, 0, 0}
	if err := guest.ExportedFunction("split").CallWithStack(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s[0] != 9 || s[1] != 7 || s[2] != 0x0000000700000009 {
		t.Errorf("split = %#x", s)
	}
	if err := guest.ExportedFunction("split").CallWithStack(ctx, s[:2]); err == nil {
		t.Error("short stack accepted")
	}
	s = []uint64{40}
	if err := guest.ExportedFunction("deep").CallWithStack(ctx, s); err != nil || s[0] != 42 {
		t.Errorf("deep = %d, %v", s[0], err)
	}

	// Host functions called from Go see separate parameter and result slots.
	s = []uint64{5}
	if err := env.ExportedFunction("inc").CallWithStack(ctx, s); err != nil || s[0] != 6 {
		t.Errorf("inc = %d, %v", s[0], err)
	}

	twice := guest.ExportedFunction("twice")
	allocs := testing.AllocsPerRun(100, func() {
		s[0] = 1
		if err := twice.CallWithStack(ctx, s); err != nil || s[0] != 3 {
			t.Fatalf("twice = %d, %v", s[0], err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per call", allocs)
	}
}
