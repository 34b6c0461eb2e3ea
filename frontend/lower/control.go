package lower

import (
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// body lowers the instructions of the current function.
func (l *Builder) body() error {
	sig := l.f.Sig
	l.ctrl = append(l.ctrl, frame{kind: kindFunc, params: sig.Params, results: sig.Results})
	in := &l.in
	for len(l.ctrl) > 0 {
		if l.ir.AtEnd() {
			l.fail("body ends before its final end")
		}
		if err := l.ir.Next(in); err != nil {
			return err
		}
		if l.cur == nil {
			l.skip()
			continue
		}
		l.instr()
	}
	if !l.ir.AtEnd() {
		l.fail("code after the final end")
	}
	return nil
}

// skip handles an instruction in unreachable code: only the structure
// matters, to find the else or end that makes code reachable again.
func (l *Builder) skip() {
	switch l.in.Op {
	case 0x02, 0x03, 0x04: // block, loop, if
		l.dead++
	case 0x05: // else
		if l.dead == 0 {
			l.elseInstr()
		}
	case 0x0b: // end
		if l.dead > 0 {
			l.dead--
		} else {
			l.end()
		}
	}
}

// control lowers a control instruction; it reports false for other ops.
func (l *Builder) control() bool {
	in := &l.in
	switch in.Op {
	case 0x00: // unreachable
		l.cur.Trap(uint32(abi.TrapUnreachable))
		l.unreachable()
	case 0x01: // nop
	case 0x02: // block
		params, results := l.blockSig(in.Block)
		merge := l.newBlock()
		for _, t := range results {
			merge.NewParam(t)
		}
		l.ctrl = append(l.ctrl, frame{kind: kindBlock, params: params, results: results,
			height: len(l.stack) - len(params), label: merge})
	case 0x03: // loop
		params, results := l.blockSig(in.Block)
		header := l.newBlock()
		header.LoopHeader = true
		if !l.loops.scanned && len(l.localTypes) >= scanMinLocals {
			l.loops.scan(l.code.Body, l.code.Offset, in.Offset, len(l.localTypes))
		}
		l.loopOf[header.ID] = l.loops.loopAt(in.Offset) + 1
		for _, t := range params {
			header.NewParam(t)
		}
		l.cur.Jump(header, l.popN(len(params))...)
		height := len(l.stack)
		l.stack = append(l.stack, header.Params...)
		l.setCurrent(header)
		if Omit&InterruptChecks == 0 {
			l.emit(ssa.OpInterruptCheck, ssa.TypeNone)
		}
		l.ctrl = append(l.ctrl, frame{kind: kindLoop, params: params, results: results, height: height, label: header})
	case 0x04: // if
		params, results := l.blockSig(in.Block)
		cond := l.pop()
		thenB, elseB, merge := l.newBlock(), l.newBlock(), l.newBlock()
		for _, t := range results {
			merge.NewParam(t)
		}
		l.cur.BrIf(cond, ssa.Edge{Block: thenB}, ssa.Edge{Block: elseB})
		l.seal(thenB)
		l.seal(elseB)
		l.ctrl = append(l.ctrl, frame{kind: kindIf, params: params, results: results,
			height: len(l.stack) - len(params), label: merge, elseB: elseB, ifArgs: l.top(len(params))})
		l.setCurrent(thenB)
	case 0x05: // else
		l.elseInstr()
	case 0x0b: // end
		l.end()
	case 0x0c: // br
		l.branch(in.Index)
		l.unreachable()
	case 0x0d: // br_if
		cond := l.pop()
		cont := l.newBlock()
		l.cur.BrIf(cond, l.edgeTo(in.Index, nil), ssa.Edge{Block: cont})
		l.seal(cont)
		l.setCurrent(cont)
	case 0x0e: // br_table
		index := l.pop()
		var ret *ssa.Block
		edges := l.f.NewEdges(len(in.Labels))
		for i, depth := range in.Labels {
			edges[i] = l.edgeTo(depth, &ret)
		}
		l.cur.BrTable(index, edges)
		l.unreachable()
	case 0x0f: // return
		l.cur.Return(l.top(len(l.f.Sig.Results))...)
		l.unreachable()
	default:
		return false
	}
	return true
}

// unreachable ends the current block: the rest of the enclosing block is
// dead until its else or end.
func (l *Builder) unreachable() {
	l.stack = l.stack[:l.ctrl[len(l.ctrl)-1].height]
	l.leave()
}

func (l *Builder) frameAt(depth uint32) *frame {
	if int(depth) >= len(l.ctrl) {
		l.fail("branch depth %d out of range", depth)
	}
	return &l.ctrl[len(l.ctrl)-1-int(depth)]
}

// edgeTo returns the edge of a branch to label depth with the label's
// arguments from the stack. A branch to the function's label returns: it
// goes to a new block (shared through *ret when ret is not nil) that
// returns the values.
func (l *Builder) edgeTo(depth uint32, ret **ssa.Block) ssa.Edge {
	fr := l.frameAt(depth)
	switch fr.kind {
	case kindLoop:
		return ssa.Edge{Block: fr.label, Args: l.top(len(fr.params))}
	case kindFunc:
		if ret != nil && *ret != nil {
			return ssa.Edge{Block: *ret}
		}
		b := l.newBlock()
		b.Return(l.top(len(fr.results))...)
		l.seal(b)
		if ret != nil {
			*ret = b
		}
		return ssa.Edge{Block: b}
	}
	return ssa.Edge{Block: fr.label, Args: l.top(len(fr.results))}
}

// branch ends the current block with a br to label depth.
func (l *Builder) branch(depth uint32) {
	fr := l.frameAt(depth)
	if fr.kind == kindFunc {
		l.cur.Return(l.top(len(fr.results))...)
		return
	}
	e := l.edgeTo(depth, nil)
	l.cur.Jump(e.Block, e.Args...)
}

func (l *Builder) elseInstr() {
	fr := &l.ctrl[len(l.ctrl)-1]
	if fr.kind != kindIf || fr.elseB == nil {
		l.fail("else without if")
	}
	if l.cur != nil {
		l.cur.Jump(fr.label, l.top(len(fr.results))...)
	}
	l.stack = append(l.stack[:fr.height], fr.ifArgs...)
	l.setCurrent(fr.elseB)
	fr.elseB = nil
}

// end closes the innermost frame.
func (l *Builder) end() {
	fr := l.ctrl[len(l.ctrl)-1]
	switch fr.kind {
	case kindFunc:
		if l.cur != nil {
			l.cur.Return(l.top(len(fr.results))...)
			l.leave()
		}
		l.ctrl = l.ctrl[:0]
		return
	case kindLoop:
		// Only the fall-through reaches the code after a loop.
		l.seal(fr.label)
		var results []*ssa.Value
		if l.cur != nil {
			results = l.top(len(fr.results))
		}
		l.ctrl = l.ctrl[:len(l.ctrl)-1]
		l.stack = append(l.stack[:fr.height], results...)
		return
	case kindIf:
		if fr.elseB != nil {
			// No else: the false edge passes the parameters through.
			if l.cur != nil {
				l.cur.Jump(fr.label, l.top(len(fr.results))...)
			}
			l.setCurrent(fr.elseB)
			l.cur.Jump(fr.label, fr.ifArgs...)
			l.leave()
		}
	}
	merge := fr.label
	l.ctrl = l.ctrl[:len(l.ctrl)-1]
	if l.cur != nil && len(merge.Preds) == 0 {
		// Nothing branched to the block's label: keep going in the same
		// block and drop the merge block.
		l.removeBlock(merge)
		return
	}
	if l.cur != nil {
		l.cur.Jump(merge, l.top(len(fr.results))...)
	}
	l.seal(merge)
	l.stack = l.stack[:fr.height]
	if len(merge.Preds) == 0 {
		l.removeBlock(merge)
		l.leave()
		return
	}
	l.setCurrent(merge)
	l.stack = append(l.stack, merge.Params...)
}

// removeBlock deletes b, which nothing branches to, from the function.
func (l *Builder) removeBlock(b *ssa.Block) {
	bs := l.f.Blocks
	for i := len(bs) - 1; i >= 0; i-- {
		if bs[i] == b {
			copy(bs[i:], bs[i+1:])
			bs[len(bs)-1] = nil
			l.f.Blocks = bs[:len(bs)-1]
			return
		}
	}
}
