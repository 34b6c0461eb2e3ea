package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// licm hoists loop-invariant computations to loop preheaders (created as
// needed): pure ops whose operands are defined outside the loop, except
// those the frontend guards with checks (division, trapping truncation),
// and, in loops without calls, loads from memory records (the length and
// base change only in calls). Inner loops go first, so values hoisted to
// an inner preheader can move on out of the enclosing loop.
func licm(f *Func) {
	if len(f.Blocks) == 0 {
		return
	}
	d := f.dominators()
	loops := findLoops(f, d, d.order)
	if len(loops) == 0 {
		return
	}
	nBlocks := f.NumBlocks()
	// Bound the work on deeply nested loops: each body walk is linear.
	budget := 8*len(f.Blocks) + 1024
	inLoop := bufs.Resize(f.scratch.loopTag, f.NumBlocks()+len(loops))
	for i := range inLoop {
		inLoop[i] = -1
	}
	moved := f.scratch.moved[:0]
	defer func() {
		clear(moved)
		f.scratch.loopTag, f.scratch.moved = inLoop, moved[:0]
	}()
	for tag, lp := range loops {
		if lp.Header == f.Blocks[0] {
			continue
		}
		blocks := lp.body(inLoop, int32(tag), &f.scratch)
		if budget -= len(blocks); budget < 0 {
			return
		}
		hasCall := false
		for _, b := range blocks {
			for _, v := range b.Values {
				if v.Op.IsCall() {
					hasCall = true
				}
			}
		}
		moved = moved[:0]
		// Repeat over the body until nothing moves: the walk order need
		// not put definitions first; usually one or two rounds.
		for changed := true; changed; {
			changed = false
			for _, b := range blocks {
				kept := b.Values[:0]
				for _, v := range b.Values {
					if invariant(f, v, inLoop, int32(tag), hasCall) {
						moved = append(moved, v)
						v.Block = nil // outside the loop from now on
						changed = true
						continue
					}
					kept = keep(kept, v)
				}
				clearTail(b, kept)
			}
		}
		if len(moved) == 0 {
			continue
		}
		pre := lp.preheader(inLoop, int32(tag))
		if f.NumBlocks() > nBlocks {
			f.scratch.domValid, f.scratch.rpoValid = false, false // a new block: the CFG changed
		}
		for _, v := range moved {
			v.Block = pre
		}
		pre.Values = append(pre.Values, moved...)
	}
}

// invariant reports whether v may move to the loop's preheader.
func invariant(f *Func, v *Value, inLoop []int32, tag int32, hasCall bool) bool {
	switch {
	case v.Op.IsLoad():
		if hasCall || memOf(f, v.Args[0]) < 0 {
			return false
		}
	case !pureOp(v) || unsafeToHoist(v.Op):
		return false
	}
	for _, a := range v.Args {
		if a.Block != nil && inLoop[a.Block.ID] == tag {
			return false
		}
	}
	return true
}

// unsafeToHoist reports ops that are undefined (and may fault) on inputs
// the frontend's checks exclude: they must stay behind those checks.
func unsafeToHoist(op Op) bool {
	switch op {
	case OpI32DivS, OpI32DivU, OpI32RemS, OpI32RemU, OpI64DivS, OpI64DivU, OpI64RemS, OpI64RemU,
		OpI32TruncF32S, OpI32TruncF32U, OpI32TruncF64S, OpI32TruncF64U,
		OpI64TruncF32S, OpI64TruncF32U, OpI64TruncF64S, OpI64TruncF64U:
		return true
	}
	return false
}
