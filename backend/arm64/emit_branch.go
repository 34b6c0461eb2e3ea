package arm64

// branch emits the terminators that jump to blocks; it reports whether in
// was one. A branch to the next block falls through.
func (e *emitter) branch(in *instr) bool {
	a := e.a
	switch in.op {
	case mJmp:
		if t := e.jumps.Final[in.targets[0]]; t != e.jumps.Next[e.block] {
			a.B(e.labels[t])
		}
	case mBr, mCbz, mTbz:
		yes, no := e.jumps.Final[in.targets[0]], e.jumps.Final[in.targets[1]]
		switch next := e.jumps.Next[e.block]; {
		case no == next:
			e.jumpIf(in, false, e.labels[yes])
		case yes == next:
			e.jumpIf(in, true, e.labels[no])
		default:
			e.jumpIf(in, false, e.labels[yes])
			a.B(e.labels[no])
		}
	case mBrTable, mBrTableIn:
		e.brTable(in)
	default:
		return false
	}
	return true
}

// jumpIf jumps to l when in's condition holds (or, inverted, fails).
func (e *emitter) jumpIf(in *instr, invert bool, l Label) {
	a := e.a
	c := in.cond
	if invert {
		c = c.Invert()
	}
	switch in.op {
	case mBr:
		a.Bcond(c, l)
	case mCbz:
		if c == CondEQ {
			a.Cbz(in.size, in.r(0), l)
		} else {
			a.Cbnz(in.size, in.r(0), l)
		}
	case mTbz:
		if c == CondEQ {
			a.Tbz(in.r(0), uint8(in.imm), l)
		} else {
			a.Tbnz(in.r(0), uint8(in.imm), l)
		}
	}
}

// brTable clamps the (zero-extended i32) index to the default entry and
// jumps into a table of B instructions:
//
//	mov w17, #n; cmp w_idx, w17; csel w17, w_idx, w17, lo
//	adr x16, table; add x16, x16, x17, lsl #2; br x16
//	table: b L0; ...; b Ln
func (e *emitter) brTable(in *instr) {
	a := e.a
	n := len(in.targets) - 1
	table := a.NewLabel()
	idx := in.r(0) // i32 values are zero-extended in their registers
	if in.op != mBrTableIn {
		a.MovImm(S32, ScratchGPR2, uint64(n))
		a.Cmp(S32, idx, ScratchGPR2)
		a.Csel(S32, ScratchGPR2, idx, ScratchGPR2, CondLO)
		idx = ScratchGPR2
	}
	a.Adr(ScratchGPR, table)
	a.AluShift(ADD, S64, ScratchGPR, ScratchGPR, idx, LSL, 2)
	a.Br(ScratchGPR)
	a.Bind(table)
	for _, t := range in.targets {
		a.B(e.labels[e.jumps.Final[t]])
	}
}
