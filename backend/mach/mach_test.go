package mach

import (
	"slices"
	"testing"

	"github.com/wasmc/wasmc/regalloc"
)

func TestParallelMoveCycle(t *testing.T) {
	a, b, c := regalloc.FirstVirtual, regalloc.FirstVirtual+1, regalloc.FirstVirtual+2
	tmp := regalloc.FirstVirtual + 10
	var got []Move
	// a <- b, b <- a (a swap) and c <- a.
	ParallelMove([]Move{{a, b, false}, {b, a, false}, {c, a, false}},
		func(m Move) { got = append(got, m) },
		func(regalloc.Class) regalloc.Reg { return tmp })
	want := []Move{{c, a, false}, {tmp, a, false}, {a, b, false}, {b, tmp, false}}
	if !slices.Equal(got, want) {
		t.Errorf("moves = %v, want %v", got, want)
	}
}

func TestComputeCFGLoopDepth(t *testing.T) {
	// 0 -> 1; 1 -> 2, 3; 2 -> 1 (a loop 1-2); 3 exits; 4 unreachable -> 1.
	targets := [][]int{{1}, {2, 3}, {1}, nil, {1}}
	blocks := make([]Block, len(targets))
	ComputeCFG(len(blocks), func(i int) *Block { return &blocks[i] }, func(i int) []int { return targets[i] })
	depths := []int{blocks[0].Depth, blocks[1].Depth, blocks[2].Depth, blocks[3].Depth, blocks[4].Depth}
	if want := []int{0, 1, 1, 0, 0}; !slices.Equal(depths, want) {
		t.Errorf("depths = %v, want %v", depths, want)
	}
	if want := []int{0, 2, 4}; !slices.Equal(blocks[1].Preds, want) {
		t.Errorf("preds of 1 = %v, want %v", blocks[1].Preds, want)
	}
}

// TestArena checks that slices from an arena are zeroed, capped at their
// length and disjoint, across Resets and for large requests.
func TestArena(t *testing.T) {
	var a Arena[int]
	for round := 0; round < 3; round++ {
		a.Reset()
		var got [][]int
		for i, n := range []int{1, 3, 70, 2000, 5, 3000, 2000, 64} {
			s := a.Take(n)
			if len(s) != n || cap(s) != n {
				t.Fatalf("round %d: Take(%d): len %d cap %d", round, n, len(s), cap(s))
			}
			for k := range s {
				if s[k] != 0 {
					t.Fatalf("round %d: Take(%d) not zeroed", round, n)
				}
				s[k] = i + 1
			}
			got = append(got, s)
		}
		for i, s := range got {
			for _, x := range s {
				if x != i+1 {
					t.Fatalf("round %d: slice %d overwritten by slice %d", round, i, x-1)
				}
			}
		}
	}
	if c := a.Copy(4, 5, 6); !slices.Equal(c, []int{4, 5, 6}) {
		t.Errorf("Copy = %v", c)
	}
}

func TestWritten(t *testing.T) {
	keep := regalloc.RegSet{}.Add(12).Add(13)
	a := &regalloc.Allocation{
		Assign: []regalloc.Reg{0, 12, 3},
		Edits: []regalloc.Edit{
			{Kind: regalloc.EditSpill, Src: 13, Slot: 0},
			{Kind: regalloc.EditReload, Dst: 5, Slot: 0},
		},
	}
	if got := Written(a, keep); got != (regalloc.RegSet{}.Add(12)) {
		t.Fatalf("Written = %v, want {12}: a spill's source is not written", got)
	}
	a.Edits = append(a.Edits, regalloc.Edit{Kind: regalloc.EditMove, Dst: 13, Src: 5})
	if got := Written(a, keep); got != keep {
		t.Fatalf("Written = %v, want {12, 13}", got)
	}
}
