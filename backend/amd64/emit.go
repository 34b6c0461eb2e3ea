package amd64

import (
	"fmt"
	"math/bits"

	"github.com/wasmc/wasmc/runtime/abi"

	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/regalloc"
)

// The emitter encodes an allocated mfunc. Frame layout, from RSP up: the
// outgoing argument area, the int spill slots (8 bytes each), the float
// spill slots (16 bytes each, from a 16-byte boundary), the caller's vmctx
// (8 bytes, only with indirect calls), the callee-saved registers the
// function writes (8 bytes each), padding, then the return address and
// the function's stack parameters.

type emitter struct {
	a      *Asm
	mf     *mfunc
	alloc  *regalloc.Allocation
	labels []Label
	// Offsets above RSP.
	vmctxSlot, floatBase, intBase, savedBase int32
	frame                                    int32 // RSP's distance below the return address
	saved                                    []Reg // callee-saved registers to keep, from savedBase up
	block                                    int   // block being emitted
	table                                    Label // jump table of the block's br_table
	tableDefault                             Label // br_table's default, for a branch around the table; -1 for none
	spills                                   mach.Spills
	split                                    edgeBlocks // splitEdges
	jumps                                    mach.Jumps
	slow                                     []slowCheck // out-of-line halves of mBoundsChk
	fixed                                    []operand   // resolve's copy of the instruction's fixed operands
	edited                                   []bool      // computeJumps
	zf                                       zeroFlag    // what ZF holds after the last instruction
	testNext                                 Reg         // register the next instruction tests against zero, or NoReg
	testNextSize                             Size
}

// zeroFlag records that the instruction ending at offset end left ZF set
// exactly when register reg (at size) is zero, so that an mTestZero of reg
// right after it, with no label between, need not be encoded. Matching
// offsets is what makes it safe: any other code emitted in between,
// flag-setting or not, moves the offset on.
type zeroFlag struct {
	end  int
	reg  Reg
	size Size
}

// setsZero notes that the instruction emitted from offset start set ZF
// from reg; nothing is noted if it emitted no code.
func (e *emitter) setsZero(start int, reg Reg, s Size) {
	if end := e.a.Len(); end > start {
		e.zf = zeroFlag{end, reg, s}
	}
}

// hasZero reports whether ZF already says whether reg (at size s) is zero.
func (e *emitter) hasZero(reg Reg, s Size) bool {
	return e.zf.end == e.a.Len() && e.zf.reg == reg && e.zf.size == s && !e.a.LabelHere()
}

// zeroTestAfter returns the register and size that instruction i+1 of
// block b tests against zero (mTestZero) when no allocator edit comes
// between the two, else NoReg: lea then adds instead, setting ZF for it.
// pending are the edits not yet emitted.
func (e *emitter) zeroTestAfter(blk *mblock, b, i int, pending []regalloc.Edit) (Reg, Size) {
	if i+1 >= len(blk.instrs) || blk.instrs[i+1].op != mTestZero {
		return NoReg, 0
	}
	if len(pending) > 0 {
		if p := pending[0].Pos; int(p.Block) == b && (int(p.Instr) == i && p.After || int(p.Instr) == i+1 && !p.After) {
			return NoReg, 0
		}
	}
	var t instr
	if e.resolve(&t, &blk.instrs[i+1], b, i+1) != nil {
		return NoReg, 0
	}
	return t.r(0), t.size
}

// encode emits the machine code of mf with allocation alloc.
func encode(mf *mfunc, alloc *regalloc.Allocation) (FuncCode, error) {
	return new(emitter).encode(mf, alloc)
}

// encode is the function encode with e's buffers (labels, spill and jump
// tables, resolved call operands), kept for the next function.
func (e *emitter) encode(mf *mfunc, alloc *regalloc.Allocation) (FuncCode, error) {
	*e = emitter{a: mf.newAsm(), mf: mf, alloc: alloc, table: -1, tableDefault: -1, zf: zeroFlag{end: -1},
		labels: e.labels[:0], saved: e.saved[:0], spills: e.spills, jumps: e.jumps, slow: e.slow[:0], fixed: e.fixed, edited: e.edited, split: e.split}
	mf.splitEdges(alloc, &e.split)
	if len(alloc.Start) != len(mf.blocks) {
		return FuncCode{}, fmt.Errorf("amd64: allocation covers %d blocks, function has %d", len(alloc.Start), len(mf.blocks))
	}
	written := mach.Written(alloc, calleeSaved)
	for _, r := range CalleeSaved {
		if written.Has(regalloc.Reg(r)) {
			e.saved = append(e.saved, r)
		}
	}
	// Int slots nearest RSP: they are most of the spill traffic, and the
	// first ones (the most used, in regalloc's order) take 8-bit
	// displacements when the outgoing area is small.
	e.intBase = mf.outArea
	e.floatBase = e.intBase + 8*int32(alloc.Slots[regalloc.ClassInt])
	if alloc.Slots[regalloc.ClassFloat] > 0 {
		e.floatBase = (e.floatBase + 15) &^ 15
	}
	top := e.floatBase + 16*int32(alloc.Slots[regalloc.ClassFloat])
	if mf.saveVMCtx {
		e.vmctxSlot = top
		top += 8
	}
	e.savedBase = top
	top += 8 * int32(len(e.saved))
	if top > 1<<30 {
		return FuncCode{}, fmt.Errorf("amd64: frame of %s too large", mf.name)
	}
	calls, callsAny, callsStubs := mf.calls()
	e.frame = FrameSize(top, callsAny)
	for range mf.blocks {
		e.labels = append(e.labels, e.a.NewLabel())
	}
	// A frame within LeafFrame is checked against the limit when the
	// function calls (leaves use the margin above the guard). With the
	// stack's guard region (stackGuard), only when it may call a stub that
	// uses the stack: stubs run with the margin, so that an overflow
	// always faults in a function, whose frame backtraces know.
	check := calls
	if mf.stackGuard {
		check = callsStubs
	}
	body := e.a.PrologueCheck(e.frame, !mf.noEntryCheck && calls, check || e.frame > abi.LeafFrame)
	for k, r := range e.saved {
		e.a.MovMR(S64, e.savedSlot(k), r)
	}
	next := 0 // next edit
	edits := alloc.Edits
	e.computeJumps()
	e.spills.Prepare(len(mf.blocks), func(b int) []int { return mf.blocks[b].Succs }, edits)
	e.spills.UseLoops(mf, alloc)
	for b, blk := range mf.blocks {
		e.block = b
		e.a.Bind(e.labels[b])
		e.spills.StartBlock(b, mf.blocks[b].Preds, edits, next)
		if e.jumps.Skipped(b) {
			continue
		}
		if len(alloc.Start[b]) != len(blk.instrs) {
			return FuncCode{}, fmt.Errorf("amd64: allocation of block %d covers %d instructions, block has %d", b, len(alloc.Start[b]), len(blk.instrs))
		}
		for i := range blk.instrs {
			for next < len(edits) && edits[next].Pos == (regalloc.Pos{Block: int32(b), Instr: int32(i)}) {
				e.emitEdit(edits, next)
				next++
			}
			// In place: the selected code is dead once encoded.
			in := &blk.instrs[i]
			if err := e.resolve(in, in, b, i); err != nil {
				return FuncCode{}, err
			}
			e.testNext, e.testNextSize = e.zeroTestAfter(blk, b, i, edits[next:])
			if in.op == mBrAddr {
				e.tableDefault = e.defaultTarget(blk, b, i, edits[next:])
			}
			e.instr(in)
			e.noteWrites(b, i, in)
			for next < len(edits) && edits[next].Pos == (regalloc.Pos{Block: int32(b), Instr: int32(i), After: true}) {
				if in.op.isTerminator() {
					return FuncCode{}, fmt.Errorf("amd64: allocator placed an edit after the terminator of block %d", b)
				}
				e.emitEdit(edits, next)
				next++
			}
		}
	}
	if next < len(edits) {
		return FuncCode{}, fmt.Errorf("amd64: allocator edit at %+v not placed (edits unsorted or out of range)", edits[next].Pos)
	}
	e.slowChecks()
	fc, err := e.a.Finish()
	fc.Frame, fc.Body = uint32(e.frame), uint32(e.a.LabelOffset(body))
	return fc, err
}

// slot returns the memory of spill slot k of class c.
func (e *emitter) slot(c regalloc.Class, k int) Mem {
	if c == regalloc.ClassFloat {
		return M(RSP, e.floatBase+16*int32(k))
	}
	return M(RSP, e.intBase+8*int32(k))
}

// savedSlot returns the memory of saved callee-saved register k.
func (e *emitter) savedSlot(k int) Mem { return M(RSP, e.savedBase+8*int32(k)) }

func (e *emitter) edit(ed *regalloc.Edit) {
	a := e.a
	dst, src := Reg(ed.Dst), Reg(ed.Src)
	float := ed.Class == regalloc.ClassFloat
	switch ed.Kind {
	case regalloc.EditMove:
		if dst == src {
			return
		}
		if float {
			a.Movaps(dst, src)
		} else {
			a.Mov(S64, dst, src)
		}
	case regalloc.EditSpill:
		if float {
			a.MovsdMR(e.slot(ed.Class, ed.Slot), src)
		} else {
			a.MovMR(S64, e.slot(ed.Class, ed.Slot), src)
		}
	case regalloc.EditReload:
		if float {
			a.MovsdRM(dst, e.slot(ed.Class, ed.Slot))
		} else {
			a.MovRM(S64, dst, e.slot(ed.Class, ed.Slot))
		}
	}
}

// resolve sets *out to a copy of in (instruction i of block b) with its
// virtual registers replaced by their assignments. out may be in:
// resolving again then changes nothing.
func (e *emitter) resolve(out, in *instr, b, i int) error {
	if out != in {
		*out = *in
	}
	if len(in.fixed) > 0 && out != in {
		// Valid until the next instruction's resolve, when e.instr is done with it.
		e.fixed = append(e.fixed[:0], in.fixed...)
		out.fixed = e.fixed
	}
	r := resolver{assign: e.alloc.Assign, next: int(e.alloc.Start[b][i]), in: in}
	for j := 0; j < int(out.nargs); j++ {
		o := &out.args[j]
		if o.kind == kMem && o.mem.base == regalloc.Reg(argArea) {
			o.mem.base = regalloc.Reg(RSP)
			o.mem.disp += e.frame + 8
		}
		r.operand(o)
	}
	for j := range out.fixed {
		r.operand(&out.fixed[j])
	}
	return r.err
}

// resolver hands out the allocator's registers of one instruction's
// operands in order.
type resolver struct {
	assign []regalloc.Reg
	next   int
	in     *instr
	err    error
}

func (r *resolver) reg() regalloc.Reg {
	j := r.next
	r.next++
	if j < 0 || j >= len(r.assign) {
		if r.err == nil {
			r.err = fmt.Errorf("amd64: allocation has no register for an operand of %v", r.in)
		}
		return regalloc.Reg(RAX)
	}
	reg := r.assign[j]
	if reg >= 32 && r.err == nil {
		r.err = fmt.Errorf("amd64: allocator assigned %d to an operand of %v", reg, r.in)
	}
	return reg
}

func (r *resolver) operand(o *operand) {
	switch o.kind {
	case kReg:
		if !o.reg.IsVirtual() {
			return
		}
		reg := r.reg()
		if o.role == rUseDef {
			if d := r.reg(); d != reg && r.err == nil {
				r.err = fmt.Errorf("amd64: read-write operand of %v split between %v and %v", r.in, Reg(reg), Reg(d))
			}
		}
		if o.fixed != regalloc.NoReg && o.fixed != reg && r.err == nil {
			r.err = fmt.Errorf("amd64: operand of %v must be in %v, got %v", r.in, Reg(o.fixed), Reg(reg))
		}
		o.reg = reg
	case kMem:
		if o.mem.base.IsVirtual() {
			o.mem.base = r.reg()
		}
		if o.mem.index.IsVirtual() {
			o.mem.index = r.reg()
		}
	}
}

// r returns operand k's register.
func (in *instr) r(k int) Reg { return Reg(in.args[k].reg) }

// m returns operand k's memory operand.
func (in *instr) m(k int) Mem {
	v := in.args[k].mem
	m := Mem{Base: Reg(v.base), Index: NoReg, Scale: v.scale, Disp: v.disp}
	if v.index != regalloc.NoReg {
		m.Index = Reg(v.index)
	}
	return m
}

// scaleShift is the shift that [index*scale] ([index+index] when there is
// a base) applies to index.
func scaleShift(m Mem) uint8 {
	if m.Base != NoReg {
		return 1
	}
	return uint8(bits.TrailingZeros8(m.Scale))
}

// jumpIf jumps to l when c holds.
func (e *emitter) jumpIf(c cc, l Label) {
	a := e.a
	switch c {
	case ccFEq:
		skip := a.NewLabel()
		a.Jcc(CondP, skip)
		a.Jcc(CondE, l)
		a.Bind(skip)
	case ccFNe:
		a.Jcc(CondP, l)
		a.Jcc(CondNE, l)
	default:
		a.Jcc(Cond(c), l)
	}
}

var aluOps = map[mop]AluOp{mAdd: ADD, mSub: SUB, mAnd: AND, mOr: OR, mXor: XOR}
var shiftOps = map[mop]ShiftOp{mShl: SHL, mShr: SHR, mSar: SAR, mRol: ROL, mRor: ROR}

// instr emits one resolved instruction.
func (e *emitter) instr(in *instr) {
	a := e.a
	start := a.Len()
	switch in.op {
	case mMov:
		if in.r(0) != in.r(1) {
			a.Mov(S64, in.r(0), in.r(1))
		}
	case mMovImm:
		a.MovRI(in.size, in.r(0), in.args[1].imm)
	case mMovzx:
		a.Movzx(in.size, in.size2, in.r(0), in.r(1))
	case mMovsx:
		a.Movsx(in.size, in.size2, in.r(0), in.r(1))
	case mLoad:
		if in.size >= S32 {
			a.MovRM(in.size, in.r(0), in.m(1))
		} else {
			a.MovzxM(in.size, in.size2, in.r(0), in.m(1))
		}
	case mLoadS:
		a.MovsxM(in.size, in.size2, in.r(0), in.m(1))
	case mStore:
		if in.args[1].kind == kImm {
			a.MovMI(in.size, in.m(0), int32(in.args[1].imm))
		} else {
			a.MovMR(in.size, in.m(0), in.r(1))
		}
	case mLea:
		m := in.m(1)
		switch {
		case m.Base == in.r(0) && m.Index == NoReg && e.testNext == in.r(0) && e.testNextSize == in.size:
			// r = r + disp, then tested: add sets the flags the test would.
			a.AluI(ADD, in.size, in.r(0), m.Disp)
			e.setsZero(start, in.r(0), in.size)
		case m.Index == in.r(0) && m.Disp == 0 && (m.Base == NoReg || m.Base == in.r(0) && m.Scale <= 1):
			// r = r * 2^k from a shift (isel shift): shl is shorter.
			a.ShiftI(SHL, in.size, in.r(0), scaleShift(m))
		default:
			a.Lea(in.size, in.r(0), m)
		}
	case mAdd, mSub, mAnd, mOr, mXor:
		if in.args[0].kind == kMem { // a store's read-modify-write
			if in.args[1].kind == kImm {
				a.AluMI(aluOps[in.op], in.size, in.m(0), int32(in.args[1].imm))
			} else {
				a.AluMR(aluOps[in.op], in.size, in.m(0), in.r(1))
			}
			break
		}
		if in.args[1].kind == kMem {
			a.AluRM(aluOps[in.op], in.size, in.r(0), in.m(1))
		} else if in.args[1].kind == kImm {
			a.AluI(aluOps[in.op], in.size, in.r(0), int32(in.args[1].imm))
		} else {
			a.Alu(aluOps[in.op], in.size, in.r(0), in.r(1))
		}
		e.setsZero(start, in.r(0), in.size)
	case mImul:
		if in.args[1].kind == kMem {
			a.ImulM(in.size, in.r(0), in.m(1))
		} else if in.args[1].kind == kImm {
			a.ImulI(in.size, in.r(0), in.r(0), int32(in.args[1].imm))
		} else {
			a.Imul(in.size, in.r(0), in.r(1))
		}
	case mImul3:
		a.ImulI(in.size, in.r(0), in.r(1), int32(in.args[2].imm))
	case mNeg:
		a.Neg(in.size, in.r(0))
		e.setsZero(start, in.r(0), in.size)
	case mShl, mShr, mSar, mRol, mRor:
		if in.args[1].kind == kImm {
			a.ShiftI(shiftOps[in.op], in.size, in.r(0), uint8(in.args[1].imm))
		} else if in.nargs == 3 {
			a.ShiftX(shiftOps[in.op], in.size, in.r(0), in.r(1), in.r(2))
		} else if in.r(1) != RCX {
			a.fail("shift count in %v, not rcx", in.r(1))
		} else {
			a.Shift(shiftOps[in.op], in.size, in.r(0))
		}
	case mDivS, mDivU, mRemS, mRemU:
		e.div(in)
	case mLzcnt:
		a.Lzcnt(in.size, in.r(0), in.r(1))
	case mTzcnt:
		a.Tzcnt(in.size, in.r(0), in.r(1))
	case mPopcnt:
		a.Popcnt(in.size, in.r(0), in.r(1))
	case mBlsr:
		a.Blsr(in.size, in.r(0), in.r(1))
		e.setsZero(start, in.r(0), in.size)
	case mLeaCmp, mCmp:
		if in.op == mLeaCmp {
			a.Lea(in.size, ScratchGPR, in.m(0))
			in.args[0] = operand{kind: kReg, reg: regalloc.Reg(ScratchGPR)}
		}
		switch {
		case in.args[0].kind == kMem && in.args[1].kind == kImm:
			a.AluMI(CMP, in.size, in.m(0), int32(in.args[1].imm))
		case in.args[0].kind == kMem:
			a.AluMR(CMP, in.size, in.m(0), in.r(1))
		case in.args[1].kind == kMem:
			a.AluRM(CMP, in.size, in.r(0), in.m(1))
		case in.args[1].kind != kImm:
			a.Alu(CMP, in.size, in.r(0), in.r(1))
		case in.args[1].imm == 0:
			a.Test(in.size, in.r(0), in.r(0))
		default:
			a.AluI(CMP, in.size, in.r(0), int32(in.args[1].imm))
		}
	case mTestZero:
		if !e.hasZero(in.r(0), in.size) {
			a.Test(in.size, in.r(0), in.r(0))
		}
	case mTest:
		if in.args[1].kind == kImm {
			a.TestI(in.size, in.r(0), int32(in.args[1].imm))
		} else {
			a.Test(in.size, in.r(0), in.r(1))
		}
	case mUcom:
		a.SSE(pick(in.size, UCOMISS, UCOMISD), in.r(0), in.r(1))
	case mSetcc:
		e.setcc(in)
	case mCmov:
		e.cmov(in)
	case mParams:
	case mTrapIf:
		e.jumpIf(in.cond, a.TrapSite(trapCode(in.imm)))
	case mMemCopy:
		a.MemMove()
	case mMemFill:
		a.RepStosb()
	case mBoundsChk:
		e.boundsCheck(in)
	case mIntCheck:
		a.InterruptCheck()
	case mCall:
		a.CallFunc(uint32(in.imm))
	case mCallInd:
		a.CallIndirect(in.r(0), in.r(1), M(RSP, e.vmctxSlot))
	case mCallBltin:
		a.CallStub(StubBuiltin, uint32(in.imm))
	case mJmp:
		if t := e.jumps.Final[in.targets[0]]; t != e.jumps.Next[e.block] {
			a.Jmp(e.labels[t])
		}
	case mBr:
		yes, no := e.jumps.Final[in.targets[0]], e.jumps.Final[in.targets[1]]
		switch next := e.jumps.Next[e.block]; {
		case no == next:
			e.jumpIf(in.cond, e.labels[yes])
		case yes == next:
			e.jumpIf(in.cond.invert(), e.labels[no])
		default:
			e.jumpIf(in.cond, e.labels[yes])
			a.Jmp(e.labels[no])
		}
	case mBrAddr, mBrAddrIn:
		e.brAddr(in)
	case mBrTable:
		e.brTable(in)
	case mRet:
		for k, r := range e.saved {
			a.MovRM(S64, r, e.savedSlot(k))
		}
		a.Epilogue(e.frame)
	case mTrap:
		a.Trap(trapCode(in.imm))
	default:
		if !e.floatInstr(in) {
			a.fail("cannot encode %v", in)
		}
	}
}

func (e *emitter) setcc(in *instr) {
	a, d := e.a, in.r(0)
	switch in.cond {
	case ccFEq:
		a.Setcc(CondE, d)
		a.Setcc(CondNP, ScratchGPR)
		a.Alu(AND, S8, d, ScratchGPR)
	case ccFNe:
		a.Setcc(CondNE, d)
		a.Setcc(CondP, ScratchGPR)
		a.Alu(OR, S8, d, ScratchGPR)
	default:
		a.Setcc(Cond(in.cond), d)
	}
	a.Movzx(S8, S32, d, d)
}

func (e *emitter) cmov(in *instr) {
	a, d, s := e.a, in.r(0), in.r(1)
	switch in.cond {
	case ccFEq:
		a.Mov(S64, ScratchGPR, d)
		a.Cmov(CondE, in.size, d, s)
		a.Cmov(CondP, in.size, d, ScratchGPR)
	case ccFNe:
		a.Cmov(CondNE, in.size, d, s)
		a.Cmov(CondP, in.size, d, s)
	default:
		a.Cmov(Cond(in.cond), in.size, d, s)
	}
}

// div emits division with the dividend in RAX; the quotient ends in RAX,
// the remainder in RDX.
func (e *emitter) div(in *instr) {
	a := e.a
	d := in.r(2)
	if d == RAX || d == RDX {
		a.Mov(S64, ScratchGPR, d)
		d = ScratchGPR
	}
	signExtend := func() {
		if in.size == S64 {
			a.Cqo()
		} else {
			a.Cdq()
		}
	}
	switch in.op {
	case mDivS:
		signExtend()
		a.Idiv(in.size, d)
	case mDivU, mRemU:
		a.Alu(XOR, S32, RDX, RDX)
		a.Div(in.size, d)
	case mRemS:
		// x86 faults on MIN % -1; Wasm wants 0 (and any x % -1 is 0).
		normal, done := a.NewLabel(), a.NewLabel()
		a.AluI(CMP, in.size, d, -1)
		a.Jcc(CondNE, normal)
		a.Alu(XOR, S32, RDX, RDX)
		a.Jmp(done)
		a.Bind(normal)
		signExtend()
		a.Idiv(in.size, d)
		a.Bind(done)
	}
}

// brAddr computes the target of a br_table: the index selects a 32-bit
// offset from the jump table that the block's mBrTable emits. An index
// past the cases branches to the default (i32 values are zero-extended in
// their registers, so the index addresses the table as it is); when the
// allocator put moves between here and the jump, which that branch would
// skip, the index is clamped to the default's entry instead. mBrAddrIn's
// index has an entry whatever its value: no check.
func (e *emitter) brAddr(in *instr) {
	a := e.a
	dst, idx := in.r(0), in.r(1)
	n := int32(in.imm) // entries before the default
	e.table = a.NewLabel()
	sel := dst // the register that indexes the table
	switch {
	case in.op == mBrAddrIn:
		sel = idx
	case e.tableDefault >= 0:
		a.AluI(CMP, S32, idx, n)
		a.Jcc(CondAE, e.tableDefault)
		sel = idx
	case dst == idx:
		a.MovRI(S32, ScratchGPR, int64(n))
		a.AluI(CMP, S32, idx, n)
		a.Cmov(CondAE, S32, dst, ScratchGPR)
	default:
		a.AluI(CMP, S32, idx, n)
		a.MovRI(S32, dst, int64(n)) // a mov: the flags stay
		a.Cmov(CondB, S32, dst, idx)
	}
	a.LeaLabel(ScratchGPR, e.table)
	a.MovsxdM(dst, MI(ScratchGPR, sel, 4, 0))
	a.Alu(ADD, S64, dst, ScratchGPR)
}

// defaultTarget returns the label of the default target of the br_table
// whose address instruction i of block b computes, or -1 when edits
// (pending, the block's edits from i's on) lie between the two.
func (e *emitter) defaultTarget(blk *mblock, b, i int, pending []regalloc.Edit) Label {
	if i+1 != len(blk.instrs)-1 || blk.instrs[i+1].op != mBrTable {
		return -1
	}
	if len(pending) > 0 && pending[0].Pos.Block == int32(b) && pending[0].Pos.Instr <= int32(i+1) {
		return -1
	}
	t := blk.instrs[i+1].targets
	return e.labels[e.jumps.Final[t[len(t)-1]]]
}

func (e *emitter) brTable(in *instr) {
	a := e.a
	if e.table < 0 {
		a.fail("br_table without its address computation")
		return
	}
	a.JmpR(in.r(0))
	a.Bind(e.table)
	for _, t := range in.targets {
		a.JumpTableEntry(e.labels[e.jumps.Final[t]], e.table)
	}
	e.table, e.tableDefault = -1, -1
}
