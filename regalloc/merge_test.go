package regalloc

import (
	"math/rand"
	"slices"
	"testing"
)

// TestMergeInto compares mergeInto with sorting and joining the union of
// two disjoint range lists, for random lists and spare capacities.
func TestMergeInto(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	for iter := 0; iter < 20000; iter++ {
		// Cut [0, 200) into pieces, give each to x, y or neither.
		var x, y []rng
		for p := int32(0); p < 200; {
			l := 1 + rnd.Int31n(6)
			r := rng{p, min(p+l, 200)}
			switch rnd.Intn(3) {
			case 0:
				x = append(x, r)
			case 1:
				y = append(y, r)
			}
			p = r.to
		}
		join := func(rs []rng) []rng {
			var out []rng
			for _, r := range rs {
				if n := len(out); n > 0 && out[n-1].to >= r.from {
					out[n-1].to = max(out[n-1].to, r.to)
					continue
				}
				out = append(out, r)
			}
			return out
		}
		x, y = join(x), join(y)
		want := join(slices.SortedFunc(slices.Values(append(slices.Clone(x), y...)), func(a, b rng) int { return int(a.from - b.from) }))
		xx := make([]rng, len(x), len(x)+rnd.Intn(2*len(y)+1))
		copy(xx, x)
		var a allocator
		got := a.mergeInto(xx, y)
		if !slices.Equal(got, want) {
			t.Fatalf("mergeInto(%v, %v) = %v, want %v", x, y, got, want)
		}
	}
}
