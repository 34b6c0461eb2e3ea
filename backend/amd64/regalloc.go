package amd64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/regalloc"
)

// mblock is a machine block: instructions ending in a terminator.
type mblock struct {
	mach.Block // successors, predecessors, loop depth
	instrs     []instr
}

// mfunc is a function after instruction selection. It implements
// regalloc.Func.
type mfunc struct {
	name string
	// noEntryCheck: the prologue needs no preemption check even if the
	// function calls (ssa.Func.NoEntryCheck).
	noEntryCheck bool
	// stackGuard: a frame of at most abi.LeafFrame needs no limit check
	// (ssa.Func.StackGuard).
	stackGuard bool
	blocks     []*mblock
	classes    []regalloc.Class // class of virtual register FirstVirtual+i
	// outArea is the largest outgoing argument/result area of a call.
	outArea int32
	// asm, when set, is the assembler to encode with (a Compiler's, reused).
	asm *Asm
	// saveVMCtx reserves a frame slot for R15 around indirect calls.
	saveVMCtx bool
}

// allocatable lists the registers the allocator may use, in preference
// order: the argument registers first so parameters and call arguments
// tend to stay where the convention puts them, the callee-saved ones last
// so that only values live across calls (which the caller-saved ones
// cannot hold) make a function save them.
var allocatable = [2][]regalloc.Reg{
	{regalloc.Reg(RAX), regalloc.Reg(RBX), regalloc.Reg(RCX), regalloc.Reg(RDX),
		regalloc.Reg(RSI), regalloc.Reg(RDI), regalloc.Reg(R8), regalloc.Reg(R9),
		regalloc.Reg(R10), regalloc.Reg(R13), regalloc.Reg(ScratchGPR)},
	{regalloc.Reg(X0), regalloc.Reg(X1), regalloc.Reg(X2), regalloc.Reg(X3),
		regalloc.Reg(X4), regalloc.Reg(X5), regalloc.Reg(X6), regalloc.Reg(X7),
		regalloc.Reg(X8), regalloc.Reg(X9), regalloc.Reg(X10), regalloc.Reg(X11),
		regalloc.Reg(X12), regalloc.Reg(X13), regalloc.Reg(X14)},
}

// calleeSaved is CalleeSaved as a set.
var calleeSaved = func() regalloc.RegSet {
	var s regalloc.RegSet
	for _, r := range CalleeSaved {
		s = s.Add(regalloc.Reg(r))
	}
	return s
}()

// callClobbers is every allocatable register but the callee-saved ones.
var callClobbers = func() regalloc.RegSet {
	var s regalloc.RegSet
	for _, class := range allocatable {
		for _, r := range class {
			if !calleeSaved.Has(r) {
				s = s.Add(r)
			}
		}
	}
	return s
}()

// RegInfo describes the amd64 registers to the allocator.
func RegInfo() *regalloc.RegInfo {
	names := make([]string, 32)
	for i := range names {
		names[i] = Reg(i).String()
	}
	var whole regalloc.RegSet
	return &regalloc.RegInfo{Allocatable: allocatable, Names: names, Whole: whole.Add(regalloc.Reg(ScratchGPR))}
}

func (f *mfunc) NumBlocks() int      { return len(f.blocks) }
func (f *mfunc) Succs(b int) []int   { return f.blocks[b].Succs }
func (f *mfunc) Preds(b int) []int   { return f.blocks[b].Preds }
func (f *mfunc) LoopDepth(b int) int { return f.blocks[b].Depth }
func (f *mfunc) NumInstrs(b int) int { return len(f.blocks[b].instrs) }
func (f *mfunc) Operands(b, i int, ops []regalloc.Operand) []regalloc.Operand {
	return f.blocks[b].instrs[i].operands(ops)
}

func (f *mfunc) RegClass(r regalloc.Reg) regalloc.Class {
	i := int(r - regalloc.FirstVirtual)
	if r.IsVirtual() && i < len(f.classes) {
		return f.classes[i]
	}
	if r < regalloc.FirstVirtual && Reg(r).IsXMM() {
		return regalloc.ClassFloat
	}
	return regalloc.ClassInt
}

func (f *mfunc) Clobbers(b, i int) regalloc.RegSet {
	var s regalloc.RegSet
	switch f.blocks[b].instrs[i].op {
	case mCall, mCallInd, mCallBltin:
		return callClobbers
	case mDivS, mDivU:
		return s.Add(regalloc.Reg(RDX))
	case mRemS, mRemU:
		return s.Add(regalloc.Reg(RAX))
	case mMemCopy:
		return s.Add(regalloc.Reg(RDI)).Add(regalloc.Reg(RSI)).Add(regalloc.Reg(RCX))
	case mMemFill:
		return s.Add(regalloc.Reg(RDI)).Add(regalloc.Reg(RCX))
	}
	return s
}

// EarlyClobbers reports the scratch register R11 for every instruction
// whose encoding may use it (emitter.instr): values live in R11 only
// across the integer arithmetic, loads, stores, compares and branches of
// keepsScratch, never as an operand of an instruction that writes R11
// before reading its operands.
func (f *mfunc) EarlyClobbers(b, i int) regalloc.RegSet {
	var s regalloc.RegSet
	if !keepsScratch[f.blocks[b].instrs[i].op] {
		s = s.Add(regalloc.Reg(ScratchGPR))
	}
	return s
}

// keepsScratch lists the instructions whose encoding never touches R11.
// The interrupt check (mIntCheck) no longer does either, but stays off the
// list: values kept in R11 across loop headers made brotli's bucket loop
// allocate worse (+6.8% instructions; docs/performance.md).
var keepsScratch = func() (k [numMops]bool) {
	for _, op := range []mop{mMov, mMovImm, mMovzx, mMovsx, mLoad, mLoadS, mStore, mLea,
		mAdd, mSub, mAnd, mOr, mXor, mImul, mImul3, mNeg, mShl, mShr, mSar, mRol, mRor,
		mLzcnt, mTzcnt, mPopcnt, mBlsr, mCmp, mTestZero, mTest, mParams, mTrapIf,
		mJmp, mBr, mRet, mTrap} {
		k[op] = true
	}
	return
}()

func (f *mfunc) IsMove(b, i int) (dst, src regalloc.Reg, ok bool) {
	in := &f.blocks[b].instrs[i]
	if in.op != mMov && in.op != mFMov {
		return 0, 0, false
	}
	d, s := in.args[0], in.args[1]
	if d.kind != kReg || s.kind != kReg || !d.reg.IsVirtual() || !s.reg.IsVirtual() {
		return 0, 0, false
	}
	return d.reg, s.reg, true
}

// operands appends the register operands the allocator sees, in order:
// args (a use then a def for read-write operands, memory base then
// index), then the fixed operands. Real registers are never allocatable
// here (RSP, RBP, R11, R14, R15, X15), so only virtual ones are reported.
func (in *instr) operands(ops []regalloc.Operand) []regalloc.Operand {
	for k := 0; k < int(in.nargs); k++ {
		ops = appendOperand(ops, &in.args[k])
	}
	for k := range in.fixed {
		ops = appendOperand(ops, &in.fixed[k])
	}
	return ops
}

func appendOperand(ops []regalloc.Operand, o *operand) []regalloc.Operand {
	switch o.kind {
	case kReg:
		if !o.reg.IsVirtual() {
			return ops
		}
		switch o.role {
		case rUse:
			ops = append(ops, regalloc.Operand{Reg: o.reg, Fixed: o.fixed})
		case rDef:
			ops = append(ops, regalloc.Operand{Reg: o.reg, Def: true, Fixed: o.fixed})
		case rUseDef:
			ops = append(ops, regalloc.Operand{Reg: o.reg, Fixed: o.fixed},
				regalloc.Operand{Reg: o.reg, Def: true, Fixed: o.fixed})
		}
	case kMem:
		if o.mem.base.IsVirtual() {
			ops = append(ops, regalloc.Operand{Reg: o.mem.base, Fixed: regalloc.NoReg})
		}
		if o.mem.index.IsVirtual() {
			ops = append(ops, regalloc.Operand{Reg: o.mem.index, Fixed: regalloc.NoReg})
		}
	}
	return ops
}

// computeCFG fills the blocks' successors and predecessors from the
// terminators' targets and their loop depths (see mach.ComputeCFG).
func (f *mfunc) computeCFG(c *mach.CFG) {
	c.Compute(len(f.blocks),
		func(i int) *mach.Block { return &f.blocks[i].Block },
		func(i int) []int {
			if n := len(f.blocks[i].instrs); n > 0 {
				return f.blocks[i].instrs[n-1].targets
			}
			return nil
		})
}

// splitEdges makes the blocks of the critical edges that carry moves
// (mach.SplitEdges); x keeps the buffers.
func (f *mfunc) splitEdges(alloc *regalloc.Allocation, x *edgeBlocks) {
	f.blocks = mach.SplitEdges(f.blocks, alloc, &x.EdgeBlocks, &x.blocks, blockEdges)
}

// blockEdges is the view of mblock that mach.SplitEdges works through.
var blockEdges = mach.EdgeTarget[*mblock]{
	Jump: func(target int) *mblock {
		blk := &mblock{instrs: []instr{{op: mJmp, targets: []int{target}}}}
		blk.Succs = blk.instrs[0].targets
		return blk
	},
	CFG: func(b *mblock) *mach.Block { return &b.Block },
	Targets: func(b *mblock) []int {
		if n := len(b.instrs); n > 0 {
			return b.instrs[n-1].targets
		}
		return nil
	},
}

// edgeBlocks is mach.EdgeBlocks with the block scratch of splitEdges.
type edgeBlocks struct {
	mach.EdgeBlocks
	blocks []*mblock
}
