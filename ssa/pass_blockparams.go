package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// removeRedundantParams deletes block parameters that receive the same
// value on every incoming edge (ignoring edges that pass the parameter
// itself around a loop) and replaces their uses with that value. It
// repeats until no parameter is redundant, since removing one can make
// another redundant. Entry parameters are the function's and stay.
func removeRedundantParams(f *Func) {
	r := newReplacer(f)
	// Reverse postorder sees most parameters after the values they are
	// replaced by, so one or two rounds usually suffice.
	order := f.rpo()
	f.computeIncoming()
	replaced := func(p *Value) bool { return r.to[p.ID] != nil }
	for changed := true; changed; {
		changed = false
		for _, b := range order[1:] {
			if len(b.Params) == 0 {
				continue
			}
			edges := f.incoming(b)
			// Mark the block's redundant parameters, then remove them
			// together: one new argument list per edge.
			found := false
			for i, p := range b.Params {
				if same := redundantValue(edges, p, i, r); same != nil {
					r.set(p, same)
					found = true
				}
			}
			if found {
				removeParams(b, edges, replaced)
				changed = true
			}
		}
	}
	r.apply(f)
}

// computeIncoming lists the edges into every block, for incoming: one
// pass over all edges, where finding a block's edges through its
// predecessors would scan a br_table's thousands of edges once per
// target. The lists hold while the edges stay as they are.
func (f *Func) computeIncoming() {
	sc := &f.scratch
	n := f.NumBlocks()
	at := bufs.Cleared(sc.inAt, n+1)
	for _, b := range f.Blocks {
		for _, e := range b.Succs {
			at[e.Block.ID+1]++
		}
	}
	for i := 1; i <= n; i++ {
		at[i] += at[i-1]
	}
	edges := bufs.Resize(sc.inEdges, int(at[n]))
	fill := bufs.Resize(sc.inFill, n)
	copy(fill, at[:n])
	for _, b := range f.Blocks {
		for k := range b.Succs {
			e := &b.Succs[k]
			edges[fill[e.Block.ID]] = e
			fill[e.Block.ID]++
		}
	}
	sc.inAt, sc.inEdges, sc.inFill = at, edges, fill
}

// incoming returns the edges into b as computeIncoming found them.
func (f *Func) incoming(b *Block) []*Edge {
	at := f.scratch.inAt
	return f.scratch.inEdges[at[b.ID]:at[b.ID+1]]
}

// redundantValue returns the only value other than parameter p (number
// i) itself that edges pass for it, or nil.
func redundantValue(edges []*Edge, p *Value, i int, r *replacer) *Value {
	var same *Value
	for _, e := range edges {
		a := r.resolve(e.Args[i])
		if a == p || a == same {
			continue
		}
		if same != nil {
			return nil
		}
		same = a
	}
	return same
}
