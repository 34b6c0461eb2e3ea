package ssa

// splitCriticalEdges puts a new block on every edge from a block with
// several successors to a block with several predecessors, as the
// register allocator requires. The new block takes over the edge's
// arguments.
func splitCriticalEdges(f *Func) {
	n := len(f.Blocks)
	split := false
	for _, b := range f.Blocks[:n] {
		if len(b.Succs) < 2 {
			continue
		}
		for i := range b.Succs {
			e := b.Succs[i]
			if len(e.Block.Preds) < 2 {
				continue
			}
			// Predecessor lists are rebuilt at the end: patching them
			// here would be quadratic for large br_tables.
			mid := f.NewBlock()
			mid.Term = f.newValue(OpJump, TypeNone, mid, nil)
			mid.Succs = []Edge{e}
			b.Succs[i] = Edge{Block: mid}
			split = true
		}
	}
	if split {
		f.ComputePreds()
	}
}
