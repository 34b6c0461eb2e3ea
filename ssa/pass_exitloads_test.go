package ssa

import "testing"

// cmpLoop builds memcmp's loop: h(p, n) loads the bytes at p and p+1,
// leaves for mismatch on a difference (which subtracts them), else counts
// n down and comes round. With store, the loop block stores after the
// loads; with inside, the mismatch block jumps back into the loop.
func cmpLoop(store, inside bool) (f *Func, h, mismatch *Block, x, y *Value) {
	f = NewFunc("cmp", 0, sig([]Type{I64, I32}, []Type{I32}))
	b0, latch, done := f.NewBlock(), f.NewBlock(), f.NewBlock()
	h, mismatch = f.NewBlock(), f.NewBlock()
	b0.Jump(h, b0.NewParam(I64), b0.NewParam(I32))
	p, n := h.NewParam(I64), h.NewParam(I32)
	h.LoopHeader = true
	x = h.NewValueAux(OpI32Load8U, I32, 0, p)
	y = h.NewValueAux(OpI32Load8U, I32, 1, p)
	if store {
		h.NewValueAux(OpI32Store8, TypeNone, 2, p, n)
	}
	h.BrIf(h.NewValue(OpI32Ne, I32, x, y), Edge{Block: mismatch}, Edge{Block: latch})
	n2 := latch.NewValue(OpI32Add, I32, n, latch.NewValueAux(OpConstI32, I32, -1))
	latch.BrIf(n2, Edge{h, []*Value{p, n2}}, Edge{Block: done})
	done.Return(done.NewValueAux(OpConstI32, I32, 0))
	d := mismatch.NewValue(OpI32Sub, I32, x, y)
	if inside {
		mismatch.Jump(h, p, d)
	} else {
		mismatch.Return(d)
	}
	return
}

func TestExitLoads(t *testing.T) {
	f, h, mismatch, x, y := cmpLoop(false, false)
	runPass(t, f, exitLoads)
	if opsIn(mismatch, OpI32Load8U) != 2 {
		t.Fatalf("the mismatch exit does not load the bytes again:\n%s", f)
	}
	d := mismatch.Values[len(mismatch.Values)-1]
	if d.Args[0] == x || d.Args[1] == y || d.Args[0].Block != mismatch || d.Args[1].Block != mismatch {
		t.Errorf("the exit still reads the loop's loads:\n%s", f)
	}
	if opsIn(h, OpI32Load8U) != 2 {
		t.Errorf("the loop lost its loads:\n%s", f)
	}
}

func TestExitLoadsLeftAlone(t *testing.T) {
	for _, c := range []struct {
		name          string
		store, inside bool
		shared        bool
	}{
		{"a store after the loads", true, false, false},
		{"a successor inside the loop", false, true, false},
		{"a shared memory", false, false, true},
	} {
		f, _, mismatch, _, _ := cmpLoop(c.store, c.inside)
		f.SharedMemory = c.shared
		runPass(t, f, exitLoads)
		if n := opsIn(mismatch, OpI32Load8U); n != 0 {
			t.Errorf("%s: %d loads copied into the successor:\n%s", c.name, n, f)
		}
	}
}
