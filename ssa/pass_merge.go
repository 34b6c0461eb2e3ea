package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// mergeBlocks appends each block whose only predecessor ends in a jump to
// it to that predecessor: its parameters become the jump's arguments. A
// chain of such blocks becomes one block, with fewer blocks and jumps for
// the backends to handle. The entry stays first.
func mergeBlocks(f *Func) {
	if len(f.Blocks) == 0 {
		return
	}
	r := newReplacer(f)
	gone := bufs.Cleared(f.scratch.seen, f.NumBlocks())
	defer func() { f.scratch.seen = gone }()
	merged := false
	for _, p := range f.Blocks {
		if gone[p.ID] {
			continue
		}
		for p.Term != nil && p.Term.Op == OpJump {
			b := p.Succs[0].Block
			if b == p || b == f.Blocks[0] || len(b.Preds) != 1 || b.Term == nil {
				break
			}
			args := p.Succs[0].Args
			for i, prm := range b.Params {
				r.set(prm, args[i])
			}
			for _, v := range b.Values {
				v.Block = p
			}
			p.Values = append(p.Values, b.Values...)
			p.Term = b.Term
			p.Term.Block = p
			p.Succs = b.Succs
			for _, e := range b.Succs {
				for i, q := range e.Block.Preds {
					if q == b {
						e.Block.Preds[i] = p
					}
				}
			}
			clear(b.Values)
			b.Values, b.Params, b.Succs, b.Preds, b.Term = nil, nil, nil, nil, nil
			gone[b.ID] = true
			merged = true
		}
	}
	if !merged {
		return
	}
	kept := f.Blocks[:0]
	for _, b := range f.Blocks {
		if !gone[b.ID] {
			kept = append(kept, b)
		}
	}
	clear(f.Blocks[len(kept):])
	f.Blocks = kept
	r.apply(f)
}
