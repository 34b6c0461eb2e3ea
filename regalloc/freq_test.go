package regalloc

import (
	"math"
	"testing"
)

// freqOf runs the allocator's passes up to estimateFreq on f.
func freqOf(t *testing.T, f *tFunc) []float64 {
	t.Helper()
	a := new(allocator)
	a.reset(f, toyInfo(4, 1))
	if err := a.setup(); err != nil {
		t.Fatal(err)
	}
	if err := a.liveness(); err != nil {
		t.Fatal(err)
	}
	if err := a.buildIntervals(); err != nil {
		t.Fatal(err)
	}
	a.buildLoopBounds()
	a.estimateFreq()
	return a.freq
}

func TestFreqEstimate(t *testing.T) {
	// b1..b4 is a loop; b2 an arm of it; b3 leaves it early (a break).
	f := mustParse(t, `
b0:
  const v1 3
  jmp -> b1
b1 depth 1:
  brnz v1 -> b2 b3
b2 depth 1:
  out v1
  jmp -> b3
b3 depth 1:
  brnz v1 -> b4 b6
b4 depth 1:
  dec v1
  brnz v1 -> b5 b6
b5 depth 1:
  jmp -> b1
b6:
  ret v1
`)
	fr := freqOf(t, f)
	near := func(b int, want float64) {
		t.Helper()
		if math.Abs(fr[b]-want) > 1e-9 {
			t.Errorf("block %d: freq %g, want %g (all: %v)", b, fr[b], want, fr)
		}
	}
	near(0, 1)
	near(1, loopTrips)      // the header runs loopTrips times per entry
	near(2, loopTrips/2)    // an arm gets half
	near(3, loopTrips)      // the join gets both arms back
	near(4, loopTrips*0.9)  // the early exit is taken one time in ten
	near(5, loopTrips*0.81) // and so is the latch's
	near(6, 1+0.9)          // the exits bring back about what entered
	if fr[2] >= fr[1] || fr[5] >= fr[4] {
		t.Errorf("arms and exits should run less often than what leads to them: %v", fr)
	}
}

func TestFreqBlockLaidOutLast(t *testing.T) {
	// b3 carries the edge b0 -> b2 but is laid out last, as the blocks a
	// backend adds for the moves of critical edges are: b2 is a join,
	// not a loop header.
	f := mustParse(t, `
b0:
  const v1 3
  brnz v1 -> b1 b3
b1:
  out v1
  jmp -> b2
b2:
  ret v1
b3:
  jmp -> b2
`)
	fr := freqOf(t, f)
	if fr[2] != 1 || fr[1] != 0.5 || fr[3] != 0.5 {
		t.Errorf("freq %v, want [1 0.5 1 0.5]", fr)
	}
}

func TestFreqDeepNestStaysFinite(t *testing.T) {
	// 40 nested loops: 10^40 overflows nothing, but is capped.
	src := "b0:\n  const v1 1\n  jmp -> b1\n"
	const n = 40
	for i := 1; i <= n; i++ {
		src += "b" + itoa(i) + " depth " + itoa(i) + ":\n  jmp -> b" + itoa(i+1) + "\n"
	}
	// The latches, innermost first.
	for i := n; i >= 1; i-- {
		b := 2*n + 1 - i
		next := b + 1
		src += "b" + itoa(b) + " depth " + itoa(i) + ":\n  brnz v1 -> b" + itoa(i) + " b" + itoa(next) + "\n"
	}
	src += "b" + itoa(2*n+1) + ":\n  ret v1\n"
	f := mustParse(t, src)
	for b, x := range freqOf(t, f) {
		if math.IsNaN(x) || math.IsInf(x, 0) || x > maxFreq {
			t.Fatalf("block %d: freq %g", b, x)
		}
	}
}

// TestArmStoreIsLazy: v2 is defined on every iteration but lives across a
// call only on one arm of the loop; it is stored there, where it leaves
// its register, and not after its definition (loop depth alone ties the
// two).
func TestArmStoreIsLazy(t *testing.T) {
	f := mustParse(t, `
b0:
  mov v1 r0
  const v9 0
  jmp -> b1
b1 depth 1:
  add v2 v1 v1
  brlt v2 v1 -> b2 b3
b2 depth 1:
  call v3 v1 v1
  add v9 v9 v3
  add v9 v9 v2
  jmp -> b3
b3 depth 1:
  add v9 v9 v1
  dec v1
  brnz v1 -> b4 b5
b4 depth 1:
  jmp -> b1
b5:
  ret v9
`)
	a := checkToy(t, f, toyInfo(4, 1))
	for _, e := range a.Edits {
		if e.Kind == EditSpill && e.Pos.Block == 1 {
			t.Errorf("a store on the path every iteration takes: %+v\n%s", e, dumpAlloc(f, a))
		}
	}
}

func TestUseWeightBounded(t *testing.T) {
	// Slot 0 lies in a block as frequent as its depth says, slot 1 in one
	// a hundred times rarer: its use weighs less, but by evictShrink at most.
	a := &allocator{slotBlock: []int32{0, 1}, freq: []float64{100, 1}}
	for _, c := range []struct {
		pos  int32
		want float64
	}{{0, weights[2]}, {4, weights[2] / evictShrink}, {maxPos, weights[2]}} {
		if got := a.useWeight(c.pos, 2); got != c.want {
			t.Errorf("useWeight(%d, 2) = %g, want %g", c.pos, got, c.want)
		}
	}
}
