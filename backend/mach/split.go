package mach

import (
	"slices"

	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/regalloc"
)

// EdgeBlocks places the blocks a backend makes for the critical edges
// that the register allocator found moves for (regalloc.Allocation.Split;
// split block n+j holds the moves of Split[j]).
type EdgeBlocks struct {
	// Num is the new number of block b, old (b < n) or split (n+j).
	Num     []int
	edits   []regalloc.Edit
	cnt     []int
	starts  [][]int32 // SplitEdges' scratch
	regSets []regalloc.RegSet
}

// Place numbers the blocks of a function of n blocks with split edges
// split (sorted by Pred). A split block goes right before its edge's
// target when nothing else reaches the target from the block before it
// (preds(b) are the predecessors of b, split edges going to their new
// blocks), so it falls into the target as the edge's own block would
// have in the layout; the others go after all blocks, out of the way.
// Place reports whether any block is renumbered.
func (x *EdgeBlocks) Place(n int, split []regalloc.Edge, preds func(b int) []int) bool {
	num := bufs.Resize(x.Num, n+len(split))
	x.Num = num
	// num[s] is first 1 + the split block put before old block s, or 0.
	clear(num[:n])
	moved := false
	for j, e := range split {
		s := int(e.Succ)
		if s == 0 || num[s] != 0 || slices.Contains(preds(s), s-1) {
			continue
		}
		num[s] = n + j + 1
		moved = true
	}
	if !moved {
		for b := range num {
			num[b] = b
		}
		return false
	}
	for j := range split {
		num[n+j] = -1
	}
	next := 0
	for b := 0; b < n; b++ {
		if m := num[b]; m != 0 {
			num[m-1] = next
			next++
		}
		num[b] = next
		next++
	}
	for j := range split {
		if num[n+j] < 0 {
			num[n+j] = next
			next++
		}
	}
	return true
}

// Renumber returns edits with their blocks renumbered by Num, sorted
// again (stably). The result is x's buffer, and edits' array becomes it:
// the two are swapped on every call.
func (x *EdgeBlocks) Renumber(edits []regalloc.Edit) []regalloc.Edit {
	n := len(x.Num)
	cnt := bufs.Resize(x.cnt, n+1)
	x.cnt = cnt
	clear(cnt)
	for i := range edits {
		cnt[x.Num[edits[i].Pos.Block]+1]++
	}
	for b := 1; b <= n; b++ {
		cnt[b] += cnt[b-1]
	}
	out := bufs.Resize(x.edits, len(edits))
	for _, e := range edits {
		b := x.Num[e.Pos.Block]
		e.Pos.Block = int32(b)
		out[cnt[b]] = e
		cnt[b]++
	}
	x.edits = edits[:0]
	return out
}

// Permute moves s[b] to s[num[b]], through the scratch buffer tmp.
func Permute[T any](num []int, s []T, tmp *[]T) {
	t := append((*tmp)[:0], s...)
	*tmp = t
	for b, v := range t {
		s[num[b]] = v
	}
	clear(t) // drop the references it holds
}

// EdgeTarget is what SplitEdges needs of a backend's block type B.
type EdgeTarget[B any] struct {
	// Jump returns a new block holding only a jump to target, whose
	// Succs share the jump's targets.
	Jump func(target int) B
	// CFG returns b's successors, predecessors and loop depth.
	CFG func(b B) *Block
	// Targets returns the targets of b's terminator (which b's Succs
	// share), nil when b is empty.
	Targets func(b B) []int
}

// SplitEdges makes the blocks of the critical edges that carry moves
// (alloc.Split): each holds its edits and a jump to the edge's target,
// and the edge's source branches to it instead. The blocks are placed by
// Place and the function renumbered (blocks, alloc.Start, alloc.Edits);
// tmp is scratch. It returns the new blocks.
func SplitEdges[B any](blocks []B, alloc *regalloc.Allocation, x *EdgeBlocks, tmp *[]B, t EdgeTarget[B]) []B {
	if len(alloc.Split) == 0 {
		return blocks
	}
	n := len(blocks)
	for _, ed := range alloc.Split {
		nb := len(blocks)
		p, s := int(ed.Pred), int(ed.Succ)
		blk := t.Jump(s)
		c := t.CFG(blk)
		c.Preds, c.Depth = []int{p}, t.CFG(blocks[s]).Depth
		blocks = append(blocks, blk)
		retarget(t.Targets(blocks[p]), s, nb)
		retarget(t.CFG(blocks[s]).Preds, p, nb)
		// The jump has no operands.
		alloc.Start = append(alloc.Start, []int32{int32(len(alloc.Assign))})
		for _, sets := range blockSets(alloc) {
			if len(*sets) > 0 {
				*sets = append(*sets, regalloc.RegSet{})
			}
		}
	}
	if !x.Place(n, alloc.Split, func(b int) []int { return t.CFG(blocks[b]).Preds }) {
		return blocks
	}
	num := x.Num
	Permute(num, blocks, tmp)
	Permute(num, alloc.Start, &x.starts)
	for _, sets := range blockSets(alloc) {
		if len(*sets) == len(blocks) {
			Permute(num, *sets, &x.regSets)
		}
	}
	for _, blk := range blocks {
		ts := t.Targets(blk)
		for k, b := range ts {
			ts[k] = num[b]
		}
		preds := t.CFG(blk).Preds
		for k, q := range preds {
			preds[k] = num[q]
		}
	}
	alloc.Edits = x.Renumber(alloc.Edits)
	return blocks
}

// blockSets are the allocation's register sets by block, which split
// blocks extend (empty) and renumbering permutes.
func blockSets(alloc *regalloc.Allocation) [2]*[]regalloc.RegSet {
	return [2]*[]regalloc.RegSet{&alloc.Writes, &alloc.Named}
}

func retarget(bs []int, from, to int) {
	for k, b := range bs {
		if b == from {
			bs[k] = to
		}
	}
}
