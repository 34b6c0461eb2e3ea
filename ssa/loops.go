package ssa

// Loop is a natural loop: a header that dominates the sources of its back
// edges (the latches), and the blocks that reach a latch without passing
// the header.
type Loop struct {
	Header  *Block
	Latches []*Block
}

// findLoops returns the natural loops of f, inner loops before the loops
// that contain them (headers in decreasing reverse postorder). Edges into
// a block that does not dominate their source (irreducible control flow)
// make no loop.
func findLoops(f *Func, d *DomTree, order []*Block) []*Loop {
	var loops []*Loop
	for i := len(order) - 1; i >= 0; i-- {
		h := order[i]
		var lp *Loop
		for _, p := range h.Preds {
			if d.Reachable(p) && d.Dominates(h, p) {
				if lp == nil {
					lp = &Loop{Header: h}
					loops = append(loops, lp)
				}
				lp.Latches = append(lp.Latches, p)
			}
		}
	}
	return loops
}

// body marks the loop's blocks in inLoop (by block ID, which must cover
// every block) with tag and returns them, header first, in a buffer of
// sc that the next call reuses. It walks
// predecessors back from the latches, so blocks added since the loops
// were found (inner preheaders) are included.
func (lp *Loop) body(inLoop []int32, tag int32, sc *scratch) []*Block {
	blocks := append(sc.body[:0], lp.Header)
	inLoop[lp.Header.ID] = tag
	work := sc.bodyBuf[:0]
	defer func() { sc.body, sc.bodyBuf = blocks, work }()
	for _, l := range lp.Latches {
		if inLoop[l.ID] != tag {
			inLoop[l.ID] = tag
			blocks = append(blocks, l)
			work = append(work, l)
		}
	}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, p := range b.Preds {
			if inLoop[p.ID] != tag {
				inLoop[p.ID] = tag
				blocks = append(blocks, p)
				work = append(work, p)
			}
		}
	}
	return blocks
}

// preheader returns the block through which every entry into the loop
// passes: the only outside predecessor when it ends in a jump, otherwise
// a new block that takes over the outside edges and jumps to the header,
// passing the header's parameters through its own.
func (lp *Loop) preheader(inLoop []int32, tag int32) *Block {
	h := lp.Header
	f := h.Func
	var outside []*Block
	for _, p := range f.uniquePreds(h) {
		if inLoop[p.ID] != tag {
			outside = append(outside, p)
		}
	}
	if len(outside) == 1 && len(outside[0].Succs) == 1 {
		return outside[0]
	}
	pre := f.NewBlock()
	args := make([]*Value, len(h.Params))
	for i, hp := range h.Params {
		args[i] = pre.NewParam(hp.Type)
	}
	for _, p := range outside {
		for i := range p.Succs {
			if e := p.Succs[i]; e.Block == h {
				p.ReplaceSucc(i, Edge{pre, e.Args})
			}
		}
	}
	pre.Jump(h, args...)
	return pre
}
