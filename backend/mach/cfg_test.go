package mach

import (
	"math/rand"
	"testing"
)

// TestCFGDominatorsRandom checks the dominators loopDepths computes
// against the data-flow definition on random graphs, reducible or not.
func TestCFGDominatorsRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var c CFG
	for iter := 0; iter < 300; iter++ {
		n := 2 + rng.Intn(14)
		targets := make([][]int, n)
		for i := range targets {
			for k := rng.Intn(3); k >= 0; k-- {
				t := 1 + rng.Intn(n-1)
				if iter%2 == 0 && i+1 < n && rng.Intn(4) > 0 {
					t = i + 1 + rng.Intn(n-i-1) // mostly forward: loops, rarely irreducible
				}
				targets[i] = append(targets[i], t)
			}
		}
		blocks := make([]Block, n)
		c.Compute(n, func(i int) *Block { return &blocks[i] }, func(i int) []int { return targets[i] })
		dom := naiveDom(blocks)
		for b := 1; b < n; b++ {
			if c.num[b] < 0 {
				continue
			}
			// The immediate dominator dominates b, and every other
			// dominator of b dominates it.
			id := c.idom[b]
			if id == b || !dom[b][id] {
				t.Fatalf("graph %d %v: idom(%d) = %d, not a strict dominator", iter, targets, b, id)
			}
			for a := range n {
				if a != b && dom[b][a] && !dom[id][a] {
					t.Fatalf("graph %d %v: idom(%d) = %d, but %d dominates %d and not %d", iter, targets, b, id, a, b, id)
				}
			}
		}
	}
}

func naiveDom(blocks []Block) [][]bool {
	n := len(blocks)
	reach := make([]bool, n)
	work := []int{0}
	reach[0] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, s := range blocks[b].Succs {
			if !reach[s] {
				reach[s] = true
				work = append(work, s)
			}
		}
	}
	dom := make([][]bool, n)
	for b := range dom {
		dom[b] = make([]bool, n)
		for a := range dom[b] {
			dom[b][a] = b != 0 || a == 0
		}
	}
	for changed := true; changed; {
		changed = false
		for b := 1; b < n; b++ {
			if !reach[b] {
				continue
			}
			for a := range n {
				v := a == b
				if !v {
					v = true
					for _, p := range blocks[b].Preds {
						if reach[p] && !dom[p][a] {
							v = false
							break
						}
					}
				}
				if dom[b][a] != v {
					dom[b][a] = v
					changed = true
				}
			}
		}
	}
	return dom
}
