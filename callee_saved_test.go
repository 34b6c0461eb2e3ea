//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc"
)

// The checksums of testdata/callee_saved.wat, computed in Go.

const mixPrime = 1099511628211

func csMix(vs ...uint64) uint64 {
	s := vs[0]
	for _, v := range vs[1:] {
		s = s*mixPrime ^ v
	}
	return s
}

func csLeaf(x uint64) uint64 { return x*31 + 7 }

func csBusy(x uint64) uint64 {
	var a [8]uint64
	for k := range a {
		a[k] = csLeaf(x + uint64(k))
	}
	return csMix(a[:]...)
}

// csVals are the k values each export keeps live: x*(2k+3) ^ x>>k ^ n.
func csVals(x, n uint64, k int) []uint64 {
	v := make([]uint64, k)
	for i := range v {
		v[i] = x*uint64(2*i+3) ^ x>>i ^ n
	}
	return v
}

func csAcrossCalls(x uint64) uint64 {
	r1 := csBusy(x)
	r2 := csBusy(r1)
	r3 := csBusy(r2 ^ csVals(x, 0, 1)[0])
	return csMix(append(csVals(x, 0, 10), r1, r2, r3)...)
}

func csHost7(p []uint64) []uint64 {
	r := make([]uint64, 7)
	for k := range r {
		r[k] = churn(p[k]) ^ p[(k+1)%7]
	}
	return r
}

func csAcrossHost(x uint64) uint64 {
	v := csVals(x, 0, 10)
	r1 := churn(x)
	r2 := churn(r1)
	h := csHost7([]uint64{x, r1, r2, v[1], v[2], v[3], v[4]})
	r3 := csBusy(r2)
	return csMix(append(append(v, r1, r2, r3), h...)...)
}

// csAcrossBuiltins is the checksum when the memory had pages pages and
// the table size entries before the call.
func csAcrossBuiltins(x, pages, size uint64) uint64 {
	l := (x & 0xff) * 0x0101010101010101
	return csMix(append(csVals(x, 0, 10), pages, l, size)...)
}

func csTrapBetween(x uint64) uint64 {
	r := csBusy(x + 1)
	return csMix(append(csVals(x, 0, 10), csBusy(x), r^csBusy(r))...)
}

func csRec(n uint32, x uint64) uint64 {
	if n == 0 {
		return csLeaf(x)
	}
	r := csRec(n-1, x*3+uint64(n))
	return csMix(append(csVals(x, uint64(n), 7), r)...)
}

func csSlowPath(x uint64) uint64 {
	if x < 1000 {
		return x * 7
	}
	return x*5 ^ csBusy(x)
}

func csPaths(x uint64) uint64 {
	return csMix(append(csVals(x, 0, 10), csSlowPath(x&511), csSlowPath(x|1024))...)
}

func csWide(x uint64) uint64 { return csMix(csVals(x, 77, 10)...) }

func csAcrossWide(x uint64) uint64 {
	v := csVals(x, 0, 10)
	r1 := csWide(x)
	r2 := csWide(r1 ^ v[3])
	return csMix(append(v, r1, r2)...)
}

func csThroughMid(x uint64) uint64 {
	v := csVals(x, 0, 10)
	r1 := csWide(x) + 1
	r2 := csWide(r1^v[3]) + 1
	return csMix(append(v, r1, r2)...)
}

func csLoopCalls(n uint32, x uint64) uint64 {
	acc := x
	for i := uint32(0); i < n; i++ {
		y := acc ^ uint64(i)
		z := y * 3
		if i&1 != 0 {
			acc = acc*mixPrime ^ (csBusy(y) + y + z)
		} else {
			acc += z
		}
	}
	return acc
}

// churn keeps twelve values live in a loop, so that Go uses (and
// clobbers) every general-purpose register between Wasm's calls.
//
//go:noinline
func churn(x uint64) uint64 {
	a, b, c, d, e, f := x, x^1, x^2, x^3, x^4, x^5
	g, h, i, j, k, l := x^6, x^7, x^8, x^9, x^10, x^11
	for n := uint64(0); n < 16; n++ {
		a, b, c, d = a*3+b, b^c<<1, c+d*5, d^e>>2
		e, f, g, h = e*7+f, f^g<<3, g+h*9, h^i>>1
		i, j, k, l = i*11+j, j^k<<2, k+l*13, l^a>>3+n
	}
	return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j ^ k ^ l
}

func isTrap(err error, kind wasmc.TrapKind) bool {
	var trap *wasmc.Trap
	return errors.As(err, &trap) && trap.Kind == kind
}

// calleeSavedModule instantiates testdata/callee_saved.wat with its host
// functions; reenter reports its own failures through fail.
func calleeSavedModule(t *testing.T) *wasmc.Module {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "callee_saved.wat"))
	if err != nil {
		t.Fatal(err)
	}
	r, ctx := newRuntime(t)
	i64 := wasmc.ValueTypeI64
	seven := []wasmc.ValueType{i64, i64, i64, i64, i64, i64, i64}
	var m *wasmc.Module
	reenter := func(ctx context.Context, s []uint64) {
		x := s[0]
		if _, err := m.ExportedFunction("trap_between").Call(ctx, x, 1); !isTrap(err, wasmc.TrapUnreachable) {
			panic(fmt.Sprintf("nested trap_between(%d, 1): %v, want an unreachable trap", x, err))
		}
		res, err := m.ExportedFunction("across_calls").Call(ctx, x)
		if err != nil {
			panic(fmt.Sprintf("nested across_calls(%d): %v", x, err))
		}
		s[0] = res[0]
	}
	_, err = r.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithGoFunction(func(_ context.Context, s []uint64) { s[0] = churn(s[0]) }, []wasmc.ValueType{i64}, []wasmc.ValueType{i64}).Export("host").
		NewFunctionBuilder().WithGoFunction(func(_ context.Context, s []uint64) { copy(s, csHost7(s[:7])) }, seven, seven).Export("host7").
		NewFunctionBuilder().WithGoFunction(reenter, []wasmc.ValueType{i64}, []wasmc.ValueType{i64}).Export("reenter").
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m = instantiate(t, r, "callee_saved", src)
	return m
}

// TestCalleeSaved checks that values live across calls survive: Wasm calls
// whose callees use the callee-saved registers, host calls, builtins, a
// trap in a callee, a host function re-entering Wasm, a deep recursion,
// calls on one path only and in a loop, calls to a leaf with many live values.
func TestCalleeSaved(t *testing.T) {
	m := calleeSavedModule(t)
	ctx := context.Background()
	xs := []uint64{0, 1, 0x123456789abcdef, 1<<64 - 1}
	check := func(name string, want uint64, args ...uint64) {
		t.Helper()
		res, err := m.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s%v: %v", name, args, err)
		}
		if res[0] != want {
			t.Errorf("%s%v = %#x, want %#x", name, args, res[0], want)
		}
	}
	for _, x := range xs {
		check("busy", csBusy(x), x)
		check("paths", csPaths(x), x)
		check("loop_calls", csLoopCalls(9, x), 9, x)
		check("across_calls", csAcrossCalls(x), x)
		check("across_host", csAcrossHost(x), x)
		check("across_wide", csAcrossWide(x), x)
		check("through_mid", csThroughMid(x), x)
	}
	for i, x := range xs {
		check("across_builtins", csAcrossBuiltins(x, uint64(1+i), uint64(4+i)), x)
	}
	for _, x := range xs {
		if _, err := m.ExportedFunction("trap_between").Call(ctx, x, 1); !isTrap(err, wasmc.TrapUnreachable) {
			t.Fatalf("trap_between(%d, 1): %v, want an unreachable trap", x, err)
		}
		check("trap_between", csTrapBetween(x), x, 0)
		check("across_calls", csAcrossCalls(x), x)
		check("via_reenter", csMix(append(csVals(x, 0, 10), csAcrossCalls(x))...), x)
	}
	for _, n := range []uint32{1, 5, 200} {
		check("rec", csRec(n, 77), uint64(n), 77)
	}
}
