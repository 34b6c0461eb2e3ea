package ssa

import "slices"

// layoutRPO orders the blocks in reverse postorder (every block after its
// dominator, loop bodies after their headers), except that each loop's
// blocks stay together: a block outside the loop that reverse postorder
// puts among them (an early exit's arm) follows the whole loop. The
// register allocator takes a loop to be the run of blocks from its header
// on at a greater depth, and an exit in the middle cut it in two.
// Unreachable blocks are dropped (deadBlocks has removed them already).
func layoutRPO(f *Func) {
	order := f.rpo()
	out := loopsTogether(f, order)
	if out != nil {
		order = out
	}
	n := copy(f.Blocks, order)
	clear(f.Blocks[n:])
	f.Blocks = f.Blocks[:n]
	clear(out) // f's buffer: drop the pointers
}

// loopsTogether returns order with each loop's blocks contiguous, in a
// buffer of f's that layoutRPO clears after use, or nil when f has no loops or
// its nesting is too deep to walk cheaply.
func loopsTogether(f *Func, order []*Block) []*Block {
	d := f.dominators()
	loops := findLoops(f, d, d.order)
	if len(loops) == 0 {
		return nil
	}
	n := f.NumBlocks()
	heads := f.tempInt32(0, n) // loop index + 1 of the loop a block heads
	tags := f.tempInt32(1, n)
	for i := range tags {
		tags[i] = -1
	}
	// Each loop's blocks in reverse postorder, one after another in flat.
	budget := 8*len(f.Blocks) + 1024
	flat, at := f.scratch.layoutFlat[:0], append(f.scratch.layoutAt[:0], 0)
	defer func() { clear(flat); f.scratch.layoutFlat, f.scratch.layoutAt = flat[:0], at[:0] }()
	for i, lp := range loops {
		body := lp.body(tags, int32(i), &f.scratch)
		if budget -= len(body); budget < 0 {
			return nil
		}
		heads[lp.Header.ID] = int32(i + 1)
		k := len(flat)
		flat = append(flat, body...)
		slices.SortFunc(flat[k:], func(a, b *Block) int { return int(d.rpo[a.ID] - d.rpo[b.ID]) })
		at = append(at, len(flat))
	}
	placed := f.tempBool(0, n)
	out := f.scratch.layoutOut[:0]
	// place lays out blocks (reverse postorder of loop self, or of the
	// whole function for -1), each inner loop whole from its header on.
	var place func(blocks []*Block, self int32)
	place = func(blocks []*Block, self int32) {
		for _, b := range blocks {
			switch h := heads[b.ID] - 1; {
			case placed[b.ID]:
			case h >= 0 && h != self:
				place(flat[at[h]:at[h+1]], h)
			default:
				placed[b.ID] = true
				out = append(out, b)
			}
		}
	}
	place(order, -1)
	f.scratch.layoutOut = out[:0]
	return out
}
