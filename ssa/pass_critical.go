package ssa

import (
	"github.com/wasmc/wasmc/internal/bufs"
	"slices"
)

// splitCriticalEdges puts a new block on every edge with arguments from
// a block with several successors to a block with several predecessors,
// for the argument moves; the new block takes over the arguments. Edges
// of one block (a br_table) to one target with the same arguments share
// a new block: to the allocator they are one edge.
func splitCriticalEdges(f *Func) {
	n := len(f.Blocks)
	split := false
	// midFor[t] is the block made for the current source's edges to t,
	// valid when midSrc[t] is 1 + the source's ID.
	midFor := bufs.Resize(f.scratch.midFor, f.NumBlocks())
	midSrc := bufs.Cleared(f.scratch.midSrc, f.NumBlocks())
	defer func() {
		clear(midFor)
		f.scratch.midFor, f.scratch.midSrc = midFor, midSrc
	}()
	for _, b := range f.Blocks[:n] {
		if len(b.Succs) < 2 {
			continue
		}
		for i := range b.Succs {
			e := b.Succs[i]
			t := e.Block
			if len(t.Preds) < 2 || len(e.Args) == 0 {
				// Without arguments, the register allocator makes a block
				// for the edge only if it needs moves there.
				continue
			}
			if int(t.ID) < len(midSrc) && midSrc[t.ID] == int32(b.ID)+1 {
				if m := midFor[t.ID]; slices.Equal(m.Succs[0].Args, e.Args) {
					b.Succs[i] = Edge{Block: m}
					continue
				}
			}
			// Predecessor lists are rebuilt at the end: patching them
			// here would be quadratic for large br_tables.
			mid := f.NewBlock()
			mid.Term = f.newValue(OpJump, TypeNone, mid, nil)
			es := f.edges.take(1)
			es[0] = e
			mid.Succs = es
			b.Succs[i] = Edge{Block: mid}
			if int(t.ID) < len(midSrc) {
				midFor[t.ID], midSrc[t.ID] = mid, int32(b.ID)+1
			}
			split = true
		}
	}
	if split {
		f.ComputePreds()
	}
}
