package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// Postorder returns the blocks reachable from the entry in postorder
// (successors visited in edge order), without recursion.
func (f *Func) Postorder() []*Block {
	return append([]*Block(nil), f.postorder()...)
}

// ReversePostorder returns the reachable blocks in reverse postorder.
func (f *Func) ReversePostorder() []*Block {
	return append([]*Block(nil), f.rpo()...)
}

// postorder is Postorder in a buffer of f that the next call of
// postorder or rpo reuses.
func (f *Func) postorder() []*Block {
	sc := &f.scratch
	sc.rpoValid = false // the buffer now holds postorder
	if len(f.Blocks) == 0 {
		return sc.order[:0]
	}
	seen := bufs.Cleared(sc.seen, f.NumBlocks())
	order := sc.order[:0]
	stack := append(sc.poStack[:0], poFrame{f.Blocks[0], 0})
	seen[f.Blocks[0].ID] = true
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i].Block
			top.i++
			if !seen[s.ID] {
				seen[s.ID] = true
				stack = append(stack, poFrame{s, 0})
			}
			continue
		}
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	sc.seen, sc.order, sc.poStack = seen, order, stack
	return order
}

// rpo is ReversePostorder in the buffer of postorder. Inside Optimize it
// is computed again only when a pass has changed the CFG since.
func (f *Func) rpo() []*Block {
	sc := &f.scratch
	if sc.inOptimize && sc.rpoValid {
		return sc.order
	}
	po := f.postorder()
	for i, j := 0, len(po)-1; i < j; i, j = i+1, j-1 {
		po[i], po[j] = po[j], po[i]
	}
	sc.rpoValid = sc.inOptimize
	return po
}

// DomTree is the dominator tree of a function's reachable blocks.
type DomTree struct {
	idom  []*Block // by block ID; nil for the entry and unreachable blocks
	rpo   []int32  // reverse postorder number by block ID; -1 when unreachable
	pre   []int32  // preorder interval of the tree, for O(1) queries
	post  []int32
	kidAt []int32  // children of block ID i: kids[kidAt[i]:kidAt[i+1]]
	kids  []*Block // in reverse postorder within each parent
	order []*Block
	stack []poFrame
}

// Dominators computes the dominator tree with the Cooper-Harvey-Kennedy
// iterative algorithm. The tree lives in f's buffers: it is valid until
// the next call.
func (f *Func) Dominators() *DomTree {
	n := f.NumBlocks()
	d := &f.scratch.dom
	d.idom = bufs.Cleared(d.idom, n)
	d.rpo = bufs.Resize(d.rpo, n)
	d.pre = bufs.Resize(d.pre, n)
	d.post = bufs.Resize(d.post, n)
	d.kidAt = bufs.Cleared(d.kidAt, n+1)
	for i := range d.rpo {
		d.rpo[i] = -1
	}
	d.order = append(d.order[:0], f.rpo()...)
	order := d.order
	if len(order) == 0 {
		d.kids = d.kids[:0]
		return d
	}
	for i, b := range order {
		d.rpo[b.ID] = int32(i)
	}
	entry := order[0]
	d.idom[entry.ID] = entry
	intersect := func(a, b *Block) *Block {
		for a != b {
			for d.rpo[a.ID] > d.rpo[b.ID] {
				a = d.idom[a.ID]
			}
			for d.rpo[b.ID] > d.rpo[a.ID] {
				b = d.idom[b.ID]
			}
		}
		return a
	}
	for pass := 0; ; pass++ {
		changed := false
		for _, b := range order[1:] {
			var nd *Block
			for _, p := range b.Preds {
				if d.rpo[p.ID] < 0 || d.idom[p.ID] == nil {
					continue
				}
				if nd == nil {
					nd = p
				} else {
					nd = intersect(p, nd)
				}
			}
			if nd != nil && d.idom[b.ID] != nd {
				d.idom[b.ID] = nd
				changed = true
			}
		}
		// The first pass saw only the edges that go forward in reverse
		// postorder. When each edge back dominates its source, the graph
		// is reducible (Wasm's always are) and those edges change nothing:
		// no need for the pass that would confirm it.
		if !changed || pass == 0 && d.backEdgesDominated(order) {
			break
		}
	}
	d.idom[entry.ID] = nil
	// Children lists: count, then fill in reverse postorder.
	for _, b := range order[1:] {
		if p := d.idom[b.ID]; p != nil {
			d.kidAt[p.ID+1]++
		}
	}
	for i := 1; i <= n; i++ {
		d.kidAt[i] += d.kidAt[i-1]
	}
	d.kids = bufs.Resize(d.kids, int(d.kidAt[n]))
	fill := d.post // as a cursor per parent, before the numbering below
	copy(fill, d.kidAt[:n])
	for _, b := range order[1:] {
		if p := d.idom[b.ID]; p != nil {
			d.kids[fill[p.ID]] = b
			fill[p.ID]++
		}
	}
	// Number the tree in preorder/postorder for constant-time dominance.
	clock := int32(0)
	stack := append(d.stack[:0], poFrame{entry, 0})
	d.pre[entry.ID] = clock
	clock++
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if kids := d.Children(top.b); top.i < len(kids) {
			c := kids[top.i]
			top.i++
			d.pre[c.ID] = clock
			clock++
			stack = append(stack, poFrame{c, 0})
			continue
		}
		d.post[top.b.ID] = clock
		clock++
		stack = stack[:len(stack)-1]
	}
	d.stack = stack
	return d
}

// backEdgesDominated reports whether the target of every edge that does
// not go forward in reverse postorder dominates its source, by the idoms
// computed so far.
func (d *DomTree) backEdgesDominated(order []*Block) bool {
	for _, b := range order[1:] {
		rb := d.rpo[b.ID]
		for _, p := range b.Preds {
			if d.rpo[p.ID] < rb {
				continue
			}
			x := p
			for d.rpo[x.ID] > rb {
				x = d.idom[x.ID]
			}
			if x != b {
				return false
			}
		}
	}
	return true
}

// dominators is Dominators, reusing the tree of an earlier pass of
// Optimize when no pass has changed the CFG since (see Pass.KeepsCFG).
func (f *Func) dominators() *DomTree {
	if f.scratch.inOptimize && f.scratch.domValid {
		return &f.scratch.dom
	}
	d := f.Dominators()
	f.scratch.domValid = f.scratch.inOptimize
	return d
}

// Children returns the blocks b immediately dominates, in reverse
// postorder.
func (d *DomTree) Children(b *Block) []*Block {
	return d.kids[d.kidAt[b.ID]:d.kidAt[b.ID+1]]
}

// Reachable reports whether b is reachable from the entry.
func (d *DomTree) Reachable(b *Block) bool { return int(b.ID) < len(d.rpo) && d.rpo[b.ID] >= 0 }

// Idom returns b's immediate dominator (nil for the entry).
func (d *DomTree) Idom(b *Block) *Block { return d.idom[b.ID] }

// Dominates reports whether a dominates b (every block dominates itself).
// Both must be reachable.
func (d *DomTree) Dominates(a, b *Block) bool {
	return d.pre[a.ID] <= d.pre[b.ID] && d.post[b.ID] <= d.post[a.ID]
}
