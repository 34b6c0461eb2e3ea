package arm64

import (
	"fmt"
	"math"

	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/runtime/abi"
)

// The emitter encodes an allocated mfunc. The frame sits below the frame
// record (FP) and is addressed from SP with positive offsets, which the
// scaled 12-bit forms reach furthest: the outgoing argument area at SP,
// then the int spill slots (8 bytes), the float spill slots (16 bytes)
// and the caller's vmctx slot (only with indirect calls).

type emitter struct {
	a      *Asm
	mf     *mfunc
	alloc  *regalloc.Allocation
	labels []Label
	// Offsets from SP.
	intBase, floatBase, vmctxSlot int64
	block                         int // block being emitted
	spills                        mach.Spills
	split                         edgeBlocks // splitEdges
	jumps                         mach.Jumps
	slow                          []slowCheck // out-of-line halves of mBoundsChk
	// saved are the callee-saved registers the function writes: saved in
	// the prologue just below the frame record, restored at each return.
	saved []Reg
}

// encode emits the machine code of mf with allocation alloc.
func encode(mf *mfunc, alloc *regalloc.Allocation) (FuncCode, error) {
	e := &emitter{a: mf.newAsm(), mf: mf, alloc: alloc}
	mf.splitEdges(alloc, &e.split)
	if len(alloc.Start) != len(mf.blocks) {
		return FuncCode{}, fmt.Errorf("arm64: allocation covers %d blocks, function has %d", len(alloc.Start), len(mf.blocks))
	}
	e.intBase = mf.outArea
	e.floatBase = e.intBase + 8*int64(alloc.Slots[regalloc.ClassInt])
	e.vmctxSlot = e.floatBase + 16*int64(alloc.Slots[regalloc.ClassFloat])
	frame := e.vmctxSlot
	if mf.saveVMCtx {
		frame += 8
	}
	w := mach.Written(alloc, calleeSaved)
	for _, r := range CalleeSaved {
		if w.Has(regalloc.Reg(r)) {
			e.saved = append(e.saved, r)
		}
	}
	frame += 8 * int64(len(e.saved))
	if frame > maxFrame || mf.outArea > maxFrame {
		return FuncCode{}, fmt.Errorf("arm64: frame of %s too large", mf.name)
	}
	e.labels = make([]Label, len(mf.blocks))
	for i := range e.labels {
		e.labels[i] = e.a.NewLabel()
	}
	calls := mf.makesCalls()
	e.a.PrologueCheck(FrameSize(int32(frame)), !mf.noEntryCheck && calls, calls || FrameSize(int32(frame)) > abi.LeafFrame)
	e.a.SaveRegs(e.saved)
	next := 0 // next edit
	edits := alloc.Edits
	e.computeJumps()
	e.spills.Prepare(len(mf.blocks), func(b int) []int { return mf.blocks[b].Succs }, edits)
	e.spills.UseLoops(mf, alloc)
	var in instr // e.instr keeps a pointer: one for the function, not one per instruction
	for b, blk := range mf.blocks {
		e.block = b
		e.a.Bind(e.labels[b])
		e.spills.StartBlock(b, mf.blocks[b].Preds, edits, next)
		if e.jumps.Skipped(b) {
			continue
		}
		if len(alloc.Start[b]) != len(blk.instrs) {
			return FuncCode{}, fmt.Errorf("arm64: allocation of block %d covers %d instructions, block has %d", b, len(alloc.Start[b]), len(blk.instrs))
		}
		for i := range blk.instrs {
			for next < len(edits) && edits[next].Pos == (regalloc.Pos{Block: int32(b), Instr: int32(i)}) {
				e.emitEdit(edits, next)
				next++
			}
			var err error
			in, err = e.resolve(&blk.instrs[i], b, i)
			if err != nil {
				return FuncCode{}, err
			}
			e.instr(&in)
			e.noteWrites(b, i, &in)
			for next < len(edits) && edits[next].Pos == (regalloc.Pos{Block: int32(b), Instr: int32(i), After: true}) {
				if in.op.isTerminator() {
					return FuncCode{}, fmt.Errorf("arm64: allocator placed an edit after the terminator of block %d", b)
				}
				e.emitEdit(edits, next)
				next++
			}
		}
	}
	if next < len(edits) {
		return FuncCode{}, fmt.Errorf("arm64: allocator edit at %+v not placed (edits unsorted or out of range)", edits[next].Pos)
	}
	e.slowChecks()
	return e.a.Finish()
}

// spMem returns [SP + off] for an 8-byte access, through X17 when the
// offset does not encode.
func (e *emitter) spMem(off int64) Mem {
	if OffsetOK(S64, off) {
		return M(SP, int32(off))
	}
	e.a.AddImm(S64, ScratchGPR2, SP, off, ScratchGPR2)
	return M(ScratchGPR2, 0)
}

// slot returns the memory of spill slot k of class c.
func (e *emitter) slot(c regalloc.Class, k int) Mem {
	if c == regalloc.ClassFloat {
		return e.spMem(e.floatBase + 16*int64(k))
	}
	return e.spMem(e.intBase + 8*int64(k))
}

func (e *emitter) edit(ed *regalloc.Edit) {
	a := e.a
	dst, src := Reg(ed.Dst), Reg(ed.Src)
	float := ed.Class == regalloc.ClassFloat
	switch ed.Kind {
	case regalloc.EditMove:
		switch {
		case dst == src:
		case float:
			a.Fmov(S64, dst, src)
		default:
			a.Mov(S64, dst, src)
		}
	case regalloc.EditSpill:
		a.Str(S64, src, e.slot(ed.Class, ed.Slot))
	case regalloc.EditReload:
		a.Ldr(S64, dst, e.slot(ed.Class, ed.Slot))
	}
}

// resolve returns a copy of in with its virtual registers replaced by
// their assignments.
func (e *emitter) resolve(in *instr, b, i int) (instr, error) {
	out := *in
	if len(in.fixed) > 0 {
		out.fixed = append([]operand(nil), in.fixed...)
	}
	start := int(e.alloc.Start[b][i])
	k := 0
	var err error
	next := func() regalloc.Reg {
		j := start + k
		k++
		if j < 0 || j >= len(e.alloc.Assign) {
			if err == nil {
				err = fmt.Errorf("arm64: allocation has no register for operand %d of %v", k-1, in)
			}
			return regalloc.Reg(X0)
		}
		r := e.alloc.Assign[j]
		if r >= regalloc.FirstVirtual || !Reg(r).IsGPR() && !Reg(r).IsFP() {
			if err == nil {
				err = fmt.Errorf("arm64: allocator assigned %d to an operand of %v", r, in)
			}
			return regalloc.Reg(X0)
		}
		return r
	}
	one := func(o *operand) {
		switch o.kind {
		case kReg, kShift, kExt:
			if !o.reg.IsVirtual() {
				return
			}
			r := next()
			if o.fixed != regalloc.NoReg && o.fixed != r && err == nil {
				err = fmt.Errorf("arm64: operand of %v must be in %v, got %v", in, Reg(o.fixed), Reg(r))
			}
			o.reg = r
		case kMem:
			if o.mem.base.IsVirtual() {
				o.mem.base = next()
			}
			if o.mem.index.IsVirtual() {
				o.mem.index = next()
			}
		}
	}
	for j := 0; j < int(out.nargs); j++ {
		one(&out.args[j])
	}
	for j := range out.fixed {
		one(&out.fixed[j])
	}
	return out, err
}

// r returns operand k's register.
func (in *instr) r(k int) Reg { return Reg(in.args[k].reg) }

// mem returns operand k's memory operand for an access of size sz,
// computing the address into X16 (and the displacement into X17) when
// no single addressing mode expresses it.
func (e *emitter) mem(in *instr, k int, sz Size) Mem {
	a := e.a
	v := in.args[k].mem
	base := Reg(v.base)
	if v.index != regalloc.NoReg {
		idx, ext := Reg(v.index), Extend(v.ext)
		scaled := v.shift != 0
		if v.disp == 0 && (!scaled || int(v.shift) == int(sz)) {
			return MIdx(base, idx, ext, scaled)
		}
		a.AluExt(ADD, S64, ScratchGPR, base, idx, ext, v.shift)
		base = ScratchGPR
	}
	if OffsetOK(sz, v.disp) {
		return M(base, int32(v.disp))
	}
	tmp := ScratchGPR
	if base == ScratchGPR {
		tmp = ScratchGPR2
	}
	a.MovImm(S64, tmp, uint64(v.disp))
	return MIdx(base, tmp, UXTX, false)
}

var aluOps = map[mop]AluOp{mAdd: ADD, mSub: SUB, mAnd: AND, mOr: ORR, mXor: EOR, mCmp: SUBS, mTst: ANDS}
var shiftOps = map[mop]Shift{mLsl: LSL, mLsr: LSR, mAsr: ASR, mRor: ROR}

// alu emits d = n op b for the second operand's kind (d XZR for compares).
func (e *emitter) alu(op AluOp, sz Size, d, n Reg, b *operand) {
	a := e.a
	switch b.kind {
	case kImm:
		if n == XZR && op != AND && op != ORR && op != EOR && op != ANDS {
			// Encoding 31 means SP in the immediate forms.
			a.MovImm(S64, ScratchGPR, uint64(b.imm))
			a.Alu(op, sz, d, XZR, ScratchGPR)
			return
		}
		a.AluImm(op, sz, d, n, b.imm)
	case kShift:
		a.AluShift(op, sz, d, n, Reg(b.reg), Shift(b.sh), uint8(b.imm))
	case kExt:
		a.AluExt(op, sz, d, n, Reg(b.reg), Extend(b.ext), uint8(b.imm))
	default:
		a.Alu(op, sz, d, n, Reg(b.reg))
	}
}

// instr emits one resolved instruction.
func (e *emitter) instr(in *instr) {
	a := e.a
	switch in.op {
	case mMov:
		if in.r(0) != in.r(1) {
			a.Mov(S64, in.r(0), in.r(1))
		}
	case mMovImm:
		a.MovImm(in.size, in.r(0), uint64(in.args[1].imm))
	case mSxt:
		switch in.size {
		case S8:
			a.Sxtb(in.size2, in.r(0), in.r(1))
		case S16:
			a.Sxth(in.size2, in.r(0), in.r(1))
		default:
			a.Sxtw(in.r(0), in.r(1))
		}
	case mUxt:
		a.Mov(S32, in.r(0), in.r(1))
	case mLoad, mFLoad:
		a.Ldr(in.size, in.r(0), e.mem(in, 1, in.size))
	case mLoadS:
		a.Ldrs(in.size, in.size2, in.r(0), e.mem(in, 1, in.size))
	case mStore, mFStore:
		a.Str(in.size, in.r(1), e.mem(in, 0, in.size))
	case mAdd, mSub, mAnd, mOr, mXor:
		e.alu(aluOps[in.op], in.size, in.r(0), in.r(1), &in.args[2])
	case mCmp, mTst:
		n := in.r(0)
		if in.args[0].kind == kMem {
			// The first operand is an add folded into the compare.
			m := in.args[0].mem
			a.AddImm(in.size, ScratchGPR, Reg(m.base), m.disp, ScratchGPR2)
			n = ScratchGPR
		}
		e.alu(aluOps[in.op], in.size, XZR, n, &in.args[1])
	case mMul:
		a.Mul(in.size, in.r(0), in.r(1), in.r(2))
	case mMadd:
		a.Madd(in.size, in.r(0), in.r(1), in.r(2), in.r(3))
	case mMsub:
		a.Msub(in.size, in.r(0), in.r(1), in.r(2), in.r(3))
	case mSDiv:
		a.Sdiv(in.size, in.r(0), in.r(1), in.r(2))
	case mUDiv:
		a.Udiv(in.size, in.r(0), in.r(1), in.r(2))
	case mRemS, mRemU:
		// a - (a/b)*b; sdiv gives MIN for MIN / -1, so MIN % -1 is 0.
		if in.op == mRemS {
			a.Sdiv(in.size, ScratchGPR, in.r(1), in.r(2))
		} else {
			a.Udiv(in.size, ScratchGPR, in.r(1), in.r(2))
		}
		a.Msub(in.size, in.r(0), ScratchGPR, in.r(2), in.r(1))
	case mLsl, mLsr, mAsr, mRor:
		if in.args[2].kind == kImm {
			a.ShiftImm(shiftOps[in.op], in.size, in.r(0), in.r(1), uint8(in.args[2].imm))
		} else {
			a.ShiftReg(shiftOps[in.op], in.size, in.r(0), in.r(1), in.r(2))
		}
	case mNeg:
		e.alu(SUB, in.size, in.r(0), XZR, &in.args[1])
	case mClz:
		a.Clz(in.size, in.r(0), in.r(1))
	case mCtz:
		a.Rbit(in.size, in.r(0), in.r(1))
		a.Clz(in.size, in.r(0), in.r(0))
	case mPopcnt:
		a.Popcnt(in.size, in.r(0), in.r(1))
	case mCset:
		a.Cset(S32, in.r(0), in.cond)
	case mCsel:
		a.Csel(in.size, in.r(0), in.r(1), in.r(2), in.cond)
	case mParams:
	case mTrapIf:
		a.TrapIf(in.cond, trapCode(in.imm))
	case mBoundsChk:
		e.boundsCheck(in)
	case mTrapIfReg:
		if in.cond == CondEQ {
			a.Cbz(in.size, in.r(0), a.TrapSite(trapCode(in.imm)))
		} else {
			a.Cbnz(in.size, in.r(0), a.TrapSite(trapCode(in.imm)))
		}
	case mIntCheck:
		a.InterruptCheck()
	case mMemCopy:
		a.MemMove(in.r(0), in.r(1), in.r(2))
	case mMemFill:
		a.MemSet(in.r(0), in.r(1), in.r(2))
	case mCall:
		a.CallFunc(uint32(in.imm))
	case mCallInd:
		slot := e.spMem(e.vmctxSlot)
		a.Str(S64, VMCtxReg, slot)
		a.Mov(S64, VMCtxReg, in.r(1))
		a.Blr(in.r(0))
		a.Ldr(S64, VMCtxReg, e.spMem(e.vmctxSlot))
	case mCallBltin:
		a.CallStub(StubBuiltin, uint32(in.imm))
	case mRet:
		a.RestoreRegs(e.saved)
		a.Epilogue()
	case mTrap:
		a.Trap(trapCode(in.imm))
	default:
		if !e.branch(in) && !e.floatInstr(in) {
			a.fail("cannot encode %v", in)
		}
	}
}

func trapCode(v int64) abi.TrapCode {
	if v <= 0 || v > math.MaxUint32 {
		return abi.TrapUnknown
	}
	return abi.TrapCode(v)
}
