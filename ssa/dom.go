package ssa

// Postorder returns the blocks reachable from the entry in postorder
// (successors visited in edge order), without recursion.
func (f *Func) Postorder() []*Block {
	if len(f.Blocks) == 0 {
		return nil
	}
	seen := make([]bool, f.NumBlocks())
	order := make([]*Block, 0, len(f.Blocks))
	type frame struct {
		b *Block
		i int
	}
	stack := []frame{{f.Blocks[0], 0}}
	seen[f.Blocks[0].ID] = true
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i].Block
			top.i++
			if !seen[s.ID] {
				seen[s.ID] = true
				stack = append(stack, frame{s, 0})
			}
			continue
		}
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	return order
}

// ReversePostorder returns the reachable blocks in reverse postorder.
func (f *Func) ReversePostorder() []*Block {
	po := f.Postorder()
	for i, j := 0, len(po)-1; i < j; i, j = i+1, j-1 {
		po[i], po[j] = po[j], po[i]
	}
	return po
}

// DomTree is the dominator tree of a function's reachable blocks.
type DomTree struct {
	idom []*Block // by block ID; nil for the entry and unreachable blocks
	rpo  []int32  // reverse postorder number by block ID; -1 when unreachable
	pre  []int32  // preorder interval of the tree, for O(1) queries
	post []int32
	kids [][]*Block // children by block ID
}

// Dominators computes the dominator tree with the Cooper-Harvey-Kennedy
// iterative algorithm.
func (f *Func) Dominators() *DomTree {
	n := f.NumBlocks()
	d := &DomTree{idom: make([]*Block, n), rpo: make([]int32, n), pre: make([]int32, n), post: make([]int32, n)}
	for i := range d.rpo {
		d.rpo[i] = -1
	}
	order := f.ReversePostorder()
	if len(order) == 0 {
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
	for changed := true; changed; {
		changed = false
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
	}
	d.idom[entry.ID] = nil
	// Number the tree in preorder/postorder for constant-time dominance.
	children := make([][]*Block, n)
	for _, b := range order[1:] {
		if p := d.idom[b.ID]; p != nil {
			children[p.ID] = append(children[p.ID], b)
		}
	}
	d.kids = children
	clock := int32(0)
	type frame struct {
		b *Block
		i int
	}
	stack := []frame{{entry, 0}}
	d.pre[entry.ID] = clock
	clock++
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(children[top.b.ID]) {
			c := children[top.b.ID][top.i]
			top.i++
			d.pre[c.ID] = clock
			clock++
			stack = append(stack, frame{c, 0})
			continue
		}
		d.post[top.b.ID] = clock
		clock++
		stack = stack[:len(stack)-1]
	}
	return d
}

// Children returns the blocks b immediately dominates, in reverse
// postorder.
func (d *DomTree) Children(b *Block) []*Block { return d.kids[b.ID] }

// Reachable reports whether b is reachable from the entry.
func (d *DomTree) Reachable(b *Block) bool { return int(b.ID) < len(d.rpo) && d.rpo[b.ID] >= 0 }

// Idom returns b's immediate dominator (nil for the entry).
func (d *DomTree) Idom(b *Block) *Block { return d.idom[b.ID] }

// Dominates reports whether a dominates b (every block dominates itself).
// Both must be reachable.
func (d *DomTree) Dominates(a, b *Block) bool {
	return d.pre[a.ID] <= d.pre[b.ID] && d.post[b.ID] <= d.post[a.ID]
}
