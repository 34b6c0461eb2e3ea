package amd64

import "github.com/wasmc/wasmc/regalloc"

// emitEdit emits edits[idx] of the current block, minus what
// mach.Spills finds redundant.
func (e *emitter) emitEdit(edits []regalloc.Edit, idx int) {
	if ed, ok := e.spills.Edit(edits, idx); ok {
		e.edit(&ed)
	}
}

// noteWrites tells e.spills what instruction i of block b (resolved as
// in) wrote: a register copy passes on what its source holds.
func (e *emitter) noteWrites(b, i int, in *instr) {
	s := &e.spills
	if (in.op == mMov || in.op == mFMov) && in.args[1].kind == kReg {
		s.Copy(in.args[0].reg, in.args[1].reg)
		return
	}
	for k := 0; k < int(in.nargs); k++ {
		if o := &in.args[k]; o.kind == kReg && o.role != rUse {
			s.Def(o.reg)
		}
	}
	for k := range in.fixed {
		if o := &in.fixed[k]; o.kind == kReg && o.role != rUse {
			s.Def(o.reg)
		}
	}
	s.Clobber(e.mf.Clobbers(b, i).Union(e.mf.EarlyClobbers(b, i)))
}
