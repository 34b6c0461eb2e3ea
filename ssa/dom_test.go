package ssa

import (
	"math/rand"
	"testing"
)

// TestDominatorsRandom compares Dominators with the textbook data-flow
// solution (Dom(b) = {b} + the intersection of its predecessors' sets) on
// random CFGs, reducible or not.
func TestDominatorsRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 300; iter++ {
		n := 2 + rng.Intn(14)
		f := NewFunc("dom", 0, &Signature{})
		for i := 0; i < n; i++ {
			f.NewBlock()
		}
		forward := iter%2 == 0 // then only jumps forward, or back to a dominator-ish loop header
		for i, b := range f.Blocks {
			target := func() *Block {
				if forward && rng.Intn(4) > 0 {
					if i+1 < n {
						return f.Blocks[i+1+rng.Intn(n-i-1)]
					}
				}
				return f.Blocks[1+rng.Intn(n-1)]
			}
			switch k := rng.Intn(4); {
			case k == 0 && i > 0:
				b.Return()
			case k == 1:
				b.Jump(target())
			default:
				c := b.NewValueAux(OpConstI32, I32, 1)
				b.BrIf(c, Edge{Block: target()}, Edge{Block: target()})
			}
		}
		want := naiveDominators(f)
		d := f.Dominators()
		for _, a := range f.Blocks {
			for _, b := range f.Blocks {
				if !d.Reachable(a) || !d.Reachable(b) {
					continue
				}
				if got := d.Dominates(a, b); got != want[b.ID][a.ID] {
					t.Fatalf("graph %d: Dominates(b%d, b%d) = %v, want %v\n%s", iter, a.ID, b.ID, got, !got, f)
				}
			}
		}
	}
}

// naiveDominators returns, by block ID, the set of blocks dominating it
// (reachable blocks only).
func naiveDominators(f *Func) [][]bool {
	n := f.NumBlocks()
	reach := make([]bool, n)
	for _, b := range f.postorder() {
		reach[b.ID] = true
	}
	dom := make([][]bool, n)
	for _, b := range f.Blocks {
		dom[b.ID] = make([]bool, n)
		for i := range dom[b.ID] {
			dom[b.ID][i] = b != f.Blocks[0]
		}
		dom[b.ID][b.ID] = true
	}
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks[1:] {
			if !reach[b.ID] {
				continue
			}
			for i := 0; i < n; i++ {
				v := i == int(b.ID)
				if !v {
					v = true
					for _, p := range b.Preds {
						if reach[p.ID] && !dom[p.ID][i] {
							v = false
							break
						}
					}
				}
				if dom[b.ID][i] != v {
					dom[b.ID][i] = v
					changed = true
				}
			}
		}
	}
	return dom
}
