package amd64

import "github.com/wasmc/wasmc/internal/bufs"

// computeJumps finds the blocks that are nothing but a jump once
// allocated (see mach.Jumps): no allocator edits, and only moves the
// allocator coalesced before the jump.
func (e *emitter) computeJumps() {
	mf := e.mf
	edited := bufs.Cleared(e.edited, len(mf.blocks))
	e.edited = edited
	for i := range e.alloc.Edits {
		if b := int(e.alloc.Edits[i].Pos.Block); b < len(edited) {
			edited[b] = true
		}
	}
	var r instr
	trivial := func(b int) bool {
		in := mf.blocks[b].instrs
		if edited[b] || len(in) == 0 || in[len(in)-1].op != mJmp {
			return false
		}
		for i := range in[:len(in)-1] {
			if in[i].op != mMov && in[i].op != mFMov {
				return false
			}
			if err := e.resolve(&r, &in[i], b, i); err != nil || r.args[0].reg != r.args[1].reg {
				return false
			}
		}
		return true
	}
	e.jumps.Compute(len(mf.blocks), trivial, func(b int) int {
		in := mf.blocks[b].instrs
		return in[len(in)-1].targets[0]
	})
}

// slowCheck is the out-of-line half of an mBoundsChk: the exact test of
// a+c > b, reached when a > b.
type slowCheck struct {
	at, back Label
	a, b     Reg
	c        int32
	code     int64
}

// boundsCheck emits the fast half of an mBoundsChk.
func (e *emitter) boundsCheck(in *instr) {
	a := e.a
	sc := slowCheck{at: a.NewLabel(), back: a.NewLabel(), a: in.r(0), b: in.r(1), c: int32(in.args[2].imm), code: in.imm}
	a.Alu(CMP, S64, sc.a, sc.b)
	a.Jcc(CondG, sc.at)
	a.Bind(sc.back)
	e.slow = append(e.slow, sc)
}

// slowChecks emits the out-of-line halves of the function's mBoundsChks.
func (e *emitter) slowChecks() {
	a := e.a
	for _, sc := range e.slow {
		a.Bind(sc.at)
		a.Lea(S64, ScratchGPR, M(sc.a, sc.c))
		a.Alu(CMP, S64, ScratchGPR, sc.b)
		a.Jcc(CondG, a.TrapSite(trapCode(sc.code)))
		a.Jmp(sc.back)
	}
	e.slow = e.slow[:0]
}
