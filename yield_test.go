package wasmc_test

import (
	"context"
	"math"
	"math/bits"
	"runtime"
	"sync/atomic"
	"testing"
)

// yieldMix keeps eight i64 and four f64 values live around its loop
// header, where compiled code checks for preemption requests.
const yieldMix = `(module
  (func (export "mix") (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local $e i64) (local $f i64) (local $g i64) (local $h i64)
    (local $x f64) (local $y f64) (local $z f64) (local $w f64)
    (local.set $a (i64.const 1)) (local.set $x (f64.const 0.5))
    (loop $l
      (local.set $a (i64.add (i64.mul (local.get $a) (i64.const 3)) (local.get $n)))
      (local.set $b (i64.xor (local.get $b) (i64.shr_u (local.get $a) (i64.const 7))))
      (local.set $c (i64.add (local.get $c) (i64.mul (local.get $b) (i64.const 5))))
      (local.set $d (i64.sub (local.get $d) (local.get $c)))
      (local.set $e (i64.rotl (i64.add (local.get $e) (local.get $d)) (i64.const 5)))
      (local.set $f (i64.add (local.get $f) (i64.and (local.get $e) (local.get $a))))
      (local.set $g (i64.or (local.get $g) (i64.shl (local.get $f) (i64.const 1))))
      (local.set $h (i64.add (local.get $h) (i64.xor (local.get $g) (local.get $b))))
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.5)) (f64.convert_i64_u (i64.and (local.get $n) (i64.const 255)))))
      (local.set $y (f64.add (local.get $y) (f64.mul (local.get $x) (f64.const 0.25))))
      (local.set $z (f64.sub (local.get $z) (f64.div (local.get $y) (f64.const 3))))
      (local.set $w (f64.add (local.get $w) (f64.mul (local.get $z) (f64.const 1e-9))))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $l (i64.ne (local.get $n) (i64.const 0))))
    (i64.add
      (i64.xor (i64.add (local.get $a) (local.get $b)) (i64.add (local.get $c) (local.get $d)))
      (i64.add
        (i64.xor (i64.add (local.get $e) (local.get $f)) (i64.add (local.get $g) (local.get $h)))
        (i64.reinterpret_f64 (f64.add (f64.add (local.get $x) (local.get $y)) (f64.add (local.get $z) (local.get $w))))))))`

// mixInGo is yieldMix's function in Go.
func mixInGo(n uint64) uint64 {
	var a, b, c, d, e, f, g, h uint64 = 1, 0, 0, 0, 0, 0, 0, 0
	x, y, z, w := 0.5, 0.0, 0.0, 0.0
	for {
		a = a*3 + n
		b ^= a >> 7
		c += b * 5
		d -= c
		e = bits.RotateLeft64(e+d, 5)
		f += e & a
		g |= f << 1
		h += g ^ b
		x = x*0.5 + float64(n&255)
		y += x * 0.25
		z -= y / 3
		w += z * 1e-9
		n--
		if n == 0 {
			break
		}
	}
	return (a + b) ^ (c + d) + ((e + f) ^ (g + h)) + math.Float64bits((x+y)+(z+w))
}

// TestYieldKeepsRegisters runs a loop with many live values while other
// goroutines collect garbage without pause: every collection stops the
// world, so the loop is asked to yield again and again, and the yield stub
// must hand back every register intact.
func TestYieldKeepsRegisters(t *testing.T) {
	r, ctx := newRuntime(t)
	mix := instantiate(t, r, "mix", []byte(yieldMix)).ExportedFunction("mix")
	n := uint64(100_000_000)
	if testing.Short() {
		n = 10_000_000
	}
	var stop atomic.Bool
	gcs := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			runtime.GC()
			gcs++
		}
	}()
	res, err := mix.Call(context.WithoutCancel(ctx), n)
	stop.Store(true)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d collections during the loop", gcs)
	if want := mixInGo(n); res[0] != want {
		t.Fatalf("mix(%d) = %#x, want %#x", n, res[0], want)
	}
	if gcs == 0 {
		t.Fatal("no collection ran while Wasm looped")
	}
}
