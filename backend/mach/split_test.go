package mach

import (
	"slices"
	"testing"

	"github.com/wasmc/wasmc/regalloc"
)

func TestEdgeBlocksPlace(t *testing.T) {
	// 0 -> {1, 3}; 1 -> {2, 3}; 2 -> 3. Split edges 0->3 (block 4) and
	// 1->3 (block 5); 3's predecessors are then 2, 4 and 5.
	preds := map[int][]int{1: {0}, 2: {1}, 3: {2, 4, 5}}
	split := []regalloc.Edge{{Pred: 0, Succ: 3}, {Pred: 1, Succ: 3}}
	var x EdgeBlocks
	if x.Place(4, split, func(b int) []int { return preds[b] }) {
		t.Errorf("block 2 falls into 3, yet split blocks moved: %v", x.Num)
	}
	if want := []int{0, 1, 2, 3, 4, 5}; !slices.Equal(x.Num, want) {
		t.Errorf("Num = %v, want %v", x.Num, want)
	}
	// Without the edge 2->3, the first split block goes before 3.
	preds[3] = []int{4, 5}
	if !x.Place(4, split, func(b int) []int { return preds[b] }) {
		t.Fatal("no block moved")
	}
	if want := []int{0, 1, 2, 4, 3, 5}; !slices.Equal(x.Num, want) {
		t.Errorf("Num = %v, want %v", x.Num, want)
	}
	edits := []regalloc.Edit{
		{Pos: regalloc.Pos{Block: 1}}, {Pos: regalloc.Pos{Block: 3}, Dst: 1}, {Pos: regalloc.Pos{Block: 3}, Dst: 2},
		{Pos: regalloc.Pos{Block: 4}, Dst: 3}, {Pos: regalloc.Pos{Block: 5}, Dst: 4},
	}
	got := x.Renumber(edits)
	var blocks, dsts []int
	for _, e := range got {
		blocks, dsts = append(blocks, int(e.Pos.Block)), append(dsts, int(e.Dst))
	}
	if !slices.Equal(blocks, []int{1, 3, 4, 4, 5}) || !slices.Equal(dsts, []int{0, 3, 1, 2, 4}) {
		t.Errorf("renumbered edits: blocks %v, dsts %v", blocks, dsts)
	}
	s := []string{"a", "b", "c", "d", "e", "f"}
	var tmp []string
	Permute(x.Num, s, &tmp)
	if want := []string{"a", "b", "c", "e", "d", "f"}; !slices.Equal(s, want) {
		t.Errorf("Permute: %v, want %v", s, want)
	}
}
