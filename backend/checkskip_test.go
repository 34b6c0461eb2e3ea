//go:build amd64 || arm64

package backend_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/x86/x86asm"

	"github.com/wasmc/wasmc/backend"
)

// amd64Check is the interrupt check's compare: cmp qword [rbp], PreemptRequest.
var amd64Check = []byte{0x48, 0x81, 0x7d, 0x00, 0xde, 0xfa, 0xff, 0xff}

// TestCheckSkips checks the list of branches back into loop headers that
// the runtime retargets past the header's interrupt check: on both arches
// each is a branch to a check, its Delta is the check's length, and every
// loop of the module has at least one.
func TestCheckSkips(t *testing.T) {
	m := compileWAT(t, `(module (memory 1)
  (func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (param i32) (local i32 i32)
    (loop $outer
      (local.set 2 (i32.const 0))
      (loop $inner
        (i32.store (local.get 2) (local.get 1))
        (br_if $outer (i32.eq (local.get 2) (i32.const 77)))
        (local.set 2 (i32.add (local.get 2) (i32.const 4)))
        (br_if $inner (i32.lt_u (local.get 2) (local.get 0))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get 1) (local.get 0)))))
  (func (param i32) (result i32)
    (block $done
      (loop $l
        (block $b (block $a
          (br_table $a $b $l $done (i32.and (local.get 0) (i32.const 3))))
          (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
          (br $l))
        (local.set 0 (i32.mul (local.get 0) (i32.const 3)))
        (br $l)))
    (local.get 0))
  (func (loop br 0)))`)
	loops := []int{1, 2, 1, 1}
	c, err := backend.CompileOptions(m, testFeatures, "amd64", backend.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	if err := backend.CheckSkipsValid(c); err != nil {
		t.Fatal(err)
	}
	perFunc := make([]int, len(c.Funcs))
	for _, k := range c.CheckSkips {
		start := int(k.At) - 1 // rel8 jumps and E9 rel32
		if k.Width == 4 && c.Code[start] != 0xE9 {
			start-- // 0F 8x rel32
		}
		in, err := x86asm.Decode(c.Code[start:], 64)
		if err != nil || int(k.At)+int(k.Width) != start+in.Len {
			t.Fatalf("skip at %#x: no jump there (%v, %v)", k.At, in, err)
		}
		rel, ok := in.Args[0].(x86asm.Rel)
		if !ok {
			t.Fatalf("skip at %#x: %v", k.At, in)
		}
		target := start + in.Len + int(rel)
		if !bytes.HasPrefix(c.Code[target:], amd64Check) {
			t.Fatalf("skip at %#x: %v does not jump to a check", k.At, in)
		}
		je, err := x86asm.Decode(c.Code[target+len(amd64Check):], 64)
		if err != nil || je.Op != x86asm.JE {
			t.Fatalf("skip at %#x: the check has no je (%v)", k.At, je)
		}
		if want := len(amd64Check) + je.Len; int(k.Delta) != want {
			t.Fatalf("skip at %#x: delta %d, the check is %d bytes", k.At, k.Delta, want)
		}
		perFunc[c.FuncAt(k.At)]++
	}
	for i, n := range perFunc {
		if n < loops[i] {
			t.Errorf("func %d: %d check skips for %d loops", i, n, loops[i])
		}
	}
	a, err := backend.CompileOptions(m, testFeatures, "arm64", backend.Defaults)
	if err != nil {
		t.Fatal(err)
	}
	if err := backend.CheckSkipsValid(a); err != nil {
		t.Fatal(err)
	}
	perFunc = make([]int, len(a.Funcs))
	for _, k := range a.CheckSkips {
		in, err := arm64asm.Decode(a.Code[k.At:])
		if err != nil {
			t.Fatalf("arm64 skip at %#x: %v", k.At, err)
		}
		var target int64 = -1
		for _, arg := range in.Args {
			if rel, ok := arg.(arm64asm.PCRel); ok {
				target = int64(k.At) + int64(rel)
			}
		}
		if target < 0 || k.Delta != 12 {
			t.Fatalf("arm64 skip at %#x: %v, delta %d", k.At, in, k.Delta)
		}
		ldr, err1 := arm64asm.Decode(a.Code[target:])
		beq, err2 := arm64asm.Decode(a.Code[target+8:])
		if err1 != nil || err2 != nil || ldr.Op != arm64asm.LDR || beq.Op != arm64asm.B || !strings.Contains(beq.String(), "EQ") {
			t.Fatalf("arm64 skip at %#x: %v does not branch to a check (%v ... %v)", k.At, in, ldr, beq)
		}
		if _, to, ok := backend.SkipPatch(a.Code[k.At:], k); !ok || to != target+12 {
			t.Fatalf("arm64 skip at %#x: patched to %#x, want %#x", k.At, to, target+12)
		}
		perFunc[a.FuncAt(k.At)]++
	}
	for i, n := range perFunc {
		if n < loops[i] {
			t.Errorf("arm64 func %d: %d check skips for %d loops", i, n, loops[i])
		}
	}
}
