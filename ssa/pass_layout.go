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
	if out := loopsTogether(f, order); out != nil {
		order = out
	}
	n := copy(f.Blocks, order)
	clear(f.Blocks[n:])
	f.Blocks = f.Blocks[:n]
}

// loopsTogether returns order with each loop's blocks contiguous, or nil
// when f has no loops or its nesting is too deep to walk cheaply.
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
	flat := make([]*Block, 0, len(order))
	at := make([]int, len(loops)+1)
	for i, lp := range loops {
		body := lp.body(tags, int32(i), &f.scratch)
		if budget -= len(body); budget < 0 {
			return nil
		}
		heads[lp.Header.ID] = int32(i + 1)
		k := len(flat)
		flat = append(flat, body...)
		slices.SortFunc(flat[k:], func(a, b *Block) int { return int(d.rpo[a.ID] - d.rpo[b.ID]) })
		at[i+1] = len(flat)
	}
	placed := f.tempBool(0, n)
	out := make([]*Block, 0, len(order))
	var placeLoop func(i int)
	placeLoop = func(i int) {
		for _, b := range flat[at[i]:at[i+1]] {
			switch h := heads[b.ID]; {
			case placed[b.ID]:
			case h != 0 && int(h-1) != i:
				placeLoop(int(h - 1)) // an inner loop, from its header on
			default:
				placed[b.ID] = true
				out = append(out, b)
			}
		}
	}
	for _, b := range order {
		switch h := heads[b.ID]; {
		case placed[b.ID]:
		case h != 0:
			placeLoop(int(h - 1))
		default:
			placed[b.ID] = true
			out = append(out, b)
		}
	}
	return out
}
