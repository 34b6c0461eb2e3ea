//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"testing"
)

// TestMemoryBaseAcrossInstances reads each instance's memory 0 right
// before and after calls into another instance with a memory of its own
// (a direct import, call_indirect through a table, a host function that
// calls into the other instance from Go): amd64 keeps memory 0's base in
// a register that every change of instance must set and restore.
func TestMemoryBaseAcrossInstances(t *testing.T) {
	r, ctx := newRuntime(t)
	lib := instantiate(t, r, "lib", []byte(`(module
  (memory 1)
  (data (i32.const 0) "\10\20\30")
  (func $peek (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (table (export "tab") 1 funcref)
  (elem (i32.const 0) $peek))`))
	peek := lib.ExportedFunction("peek")
	_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(ctx context.Context, a int32) int32 {
			res, err := peek.Call(ctx, uint64(a))
			if err != nil {
				panic(err)
			}
			return int32(res[0])
		}).Export("hop").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	app := instantiate(t, r, "app", []byte(`(module
  (import "lib" "peek" (func $peek (param i32) (result i32)))
  (import "lib" "tab" (table 1 funcref))
  (import "env" "hop" (func $hop (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\01\02\03")
  ;; sum over i of app[i] * 1000 + callee(i) + app[i], so that a base not
  ;; restored after the call shows in the result.
  (func $sum (param $how i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.mul (i32.load8_u (local.get $i)) (i32.const 1000))))
      (local.set $s (i32.add (local.get $s)
        (if (result i32) (i32.eqz (local.get $how))
          (then (call $peek (local.get $i)))
          (else (if (result i32) (i32.eq (local.get $how) (i32.const 1))
            (then (call_indirect (type $t) (local.get $i) (i32.const 0)))
            (else (call $hop (local.get $i))))))))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (local.get $s))
  ;; A builtin (memory.grow calls back into Go) between two loads.
  (func (export "grow") (result i32) (local $x i32)
    (local.set $x (i32.load8_u (i32.const 2)))
    (drop (memory.grow (i32.const 1)))
    (i32.add (local.get $x) (i32.load8_u (i32.const 1))))
  (func (export "direct") (result i32) (call $sum (i32.const 0)))
  (func (export "indirect") (result i32) (call $sum (i32.const 1)))
  (func (export "host") (result i32) (call $sum (i32.const 2))))`))
	const want = 6000 + 0x10 + 0x20 + 0x30 + 6
	for _, name := range []string{"direct", "indirect", "host"} {
		if got := call(t, app, name); got[0] != want {
			t.Errorf("%s = %d, want %d", name, got[0], want)
		}
	}
	if got := call(t, app, "grow"); got[0] != 5 {
		t.Errorf("grow = %d, want 5", got[0])
	}
	// And the other way round: the library, entered from Go, then app.
	if got := call(t, lib, "peek", 2); got[0] != 0x30 {
		t.Errorf("peek(2) = %#x", got[0])
	}
}
