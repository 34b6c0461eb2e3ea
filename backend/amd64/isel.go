package amd64

import (
	"fmt"
	"github.com/wasmc/wasmc/internal/bufs"

	"github.com/wasmc/wasmc/backend/mach"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// Instruction selection turns an ssa.Func into an mfunc over virtual
// registers. One mblock per SSA block, in the SSA's layout order, plus a
// block per critical edge with arguments when the SSA left one (placed at
// the end); the allocator splits the others that need moves.
//
// Values with no code of their own:
//   - constants and vmctx are rematerialized at each use (or folded into
//     an immediate or a memory base);
//   - a compare used once, by a br_if, select or trap_if of its own block,
//     becomes flags for that user;
//   - an i64.add used once as a load or store address of its own block
//     (and an i64.shl by 1..3 or an i64.extend_i32_u under it) folds into
//     the addressing mode.
//
// i32 values are kept zero-extended to 64 bits in their registers: every
// instruction producing one writes a 32-bit register. Address folding and
// br_table rely on it.

type isel struct {
	f       *ssa.Func
	mf      *mfunc
	cur     *mblock
	vregs   []regalloc.Reg   // by value ID
	results mach.CallResults // calls' result registers
	fold    []bool           // by value ID: code emitted by the single user
	// entryEdge[b] is the edge whose moves go at the start of mblock b.
	entryEdge []*ssa.Edge
	blockOf   []int // SSA block ID -> mblock index
	curIdx    int   // index of the SSA block being selected
	err       error

	// Buffers kept from one function to the next (see Compiler).
	mfBuf    mfunc
	blockBuf []*mblock // mblocks, reused
	flat     instrBuf  // the instructions of the SSA blocks' mblocks
	flat2    instrBuf  // those of split blocks, made inside a terminator
	ints     mach.Arena[int]
	opnds    mach.Arena[operand]
	cfg      mach.CFG
	moves    []mach.Move
	lazy     []int
	fixedBuf []operand
	layouts  map[*ssa.Signature]*CallLayout
}

// selectFunc runs instruction selection with fresh buffers, counting
// f's uses first.
func selectFunc(f *ssa.Func) (*mfunc, error) {
	f.CountUses()
	return new(isel).selectFunc(f)
}

// selectFunc runs instruction selection on f, whose uses are counted
// (ssa.Optimize ends by counting them). The mfunc it returns lives in s's
// buffers: it is valid until the next call.
func (s *isel) selectFunc(f *ssa.Func) (*mfunc, error) {
	if len(f.Blocks) == 0 {
		return nil, fmt.Errorf("amd64: function %s has no blocks", f.Name)
	}
	s.reset(f)
	for i, b := range f.Blocks {
		s.blockOf[b.ID] = i
		s.newBlock()
	}
	s.decideFolding()
	for i, b := range f.Blocks {
		s.cur = s.mf.blocks[i]
		s.cur.instrs = s.flat.open()
		s.curIdx = i
		if i == 0 {
			s.params(b)
		}
		if e := s.entryEdge[i]; e != nil {
			s.edgeMoves(e)
		}
		for _, v := range b.Values {
			if s.fold[v.ID] || isLazy(v) {
				continue
			}
			s.value(v)
		}
		if b.Term == nil {
			return nil, fmt.Errorf("amd64: block %v of %s has no terminator", b, f.Name)
		}
		s.terminator(b)
		s.cur.instrs = s.flat.close(s.cur.instrs)
		if s.err != nil {
			return nil, s.err
		}
	}
	s.mf.computeCFG(&s.cfg)
	return s.mf, nil
}

// reset prepares s for f, keeping its buffers.
func (s *isel) reset(f *ssa.Func) {
	n := f.NumValues()
	s.f, s.cur, s.curIdx, s.err = f, nil, 0, nil
	s.vregs = bufs.Resize(s.vregs, n)
	for i := range s.vregs {
		s.vregs[i] = regalloc.NoReg
	}
	s.results.Reset(n)
	s.fold = bufs.Cleared(s.fold, n)
	s.blockOf = bufs.Resize(s.blockOf, f.NumBlocks())
	s.entryEdge = bufs.Cleared(s.entryEdge, len(f.Blocks))
	// Let go of the last function's instructions: a block this function
	// does not reuse would keep alive, for the collector to scan, arrays
	// that instrBuf has replaced.
	for _, b := range s.mfBuf.blocks {
		b.instrs = nil
	}
	s.mfBuf = mfunc{name: f.Name, noEntryCheck: f.NoEntryCheck, stackGuard: f.StackGuard, blocks: s.mfBuf.blocks[:0], classes: s.mfBuf.classes[:0]}
	s.mf = &s.mfBuf
	s.ints.Reset()
	s.opnds.Reset()
	s.flat.used, s.flat2.used = 0, 0
	// A large function selects about one instruction per two values:
	// sized so at once, the buffer need not grow through copies that
	// the collector then scans until they are dropped.
	if est := n/2 + len(f.Blocks); cap(s.flat.buf) < est {
		s.flat.buf = bufs.Zeroed[instr](est)[:0]
	}
	if s.layouts == nil {
		s.layouts = make(map[*ssa.Signature]*CallLayout)
	}
}

// newBlock appends an empty mblock to the function.
func (s *isel) newBlock() *mblock {
	k := len(s.mf.blocks)
	if k == len(s.blockBuf) {
		s.blockBuf = append(s.blockBuf, &mblock{})
	}
	b := s.blockBuf[k]
	b.instrs = nil
	b.Block = mach.Block{}
	s.mf.blocks = append(s.mf.blocks, b)
	return b
}

// instrBuf holds the instructions of the blocks of a function, one block
// after another: a block under construction appends into the spare
// capacity, so that selection stops allocating once buf fits a function.
type instrBuf struct {
	buf  []instr
	used int // instructions of finished blocks
}

// open returns an empty instruction list for a new block.
func (ib *instrBuf) open() []instr { return ib.buf[ib.used:ib.used] }

// close accounts for the finished block's list in, which opened empty:
// when in outgrew buf (and moved), buf is replaced by a larger array for
// the next blocks; those before keep the old one.
func (ib *instrBuf) close(in []instr) []instr {
	if len(in) == 0 {
		return nil
	}
	if ib.used < cap(ib.buf) && &in[0] == &ib.buf[:ib.used+1][ib.used] {
		ib.used += len(in)
	} else {
		ib.buf = make([]instr, 0, max(2*cap(ib.buf), 4*len(in), 256))
		ib.used = 0
	}
	return in[:len(in):len(in)]
}

// targets returns a list of branch targets in the function's arena.
func (s *isel) targets(t ...int) []int { return s.ints.Copy(t...) }

func (s *isel) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("amd64: %s: "+format, append([]any{s.f.Name}, args...)...)
	}
}

// isLazy reports whether v is rematerialized at its uses.
func isLazy(v *ssa.Value) bool { return v.Op.IsConst() || v.Op == ssa.OpVMCtx || isMemBase0(v) }

// isMemBase0 reports whether v loads memory 0's base from its vmctx slot,
// which MemBaseReg holds throughout Wasm code.
func isMemBase0(v *ssa.Value) bool {
	return v.Op == ssa.OpI64Load && v.AuxInt == abi.VMMemBase0 && v.Args[0].Op == ssa.OpVMCtx
}

// fixedReg returns the register that always holds lazy value v, if any.
func fixedReg(v *ssa.Value) (regalloc.Reg, bool) {
	switch {
	case v.Op == ssa.OpVMCtx:
		return regalloc.Reg(VMCtxReg), true
	case isMemBase0(v):
		return regalloc.Reg(MemBaseReg), true
	}
	return regalloc.NoReg, false
}

func classOf(t ssa.Type) regalloc.Class {
	if t.IsFloat() {
		return regalloc.ClassFloat
	}
	return regalloc.ClassInt
}

// sizeOf is the operand size of an int or float type.
func sizeOf(t ssa.Type) Size {
	if t == ssa.I32 || t == ssa.F32 {
		return S32
	}
	return S64
}

func (s *isel) newVReg(c regalloc.Class) regalloc.Reg {
	s.mf.classes = append(s.mf.classes, c)
	return regalloc.FirstVirtual + regalloc.Reg(len(s.mf.classes)-1)
}

// vreg returns the register holding v's result (allocated on first use).
func (s *isel) vreg(v *ssa.Value) regalloc.Reg {
	if r := s.vregs[v.ID]; r != regalloc.NoReg {
		return r
	}
	r := s.newVReg(classOf(v.Type))
	s.vregs[v.ID] = r
	return r
}

func (s *isel) emit(in instr) { s.cur.instrs = append(s.cur.instrs, in) }

func (s *isel) emitOp(op mop, size Size, ops ...operand) {
	// Built in place: an instr is large to copy.
	s.cur.instrs = append(s.cur.instrs, instr{op: op, size: size})
	in := &s.cur.instrs[len(s.cur.instrs)-1]
	in.nargs = uint8(copy(in.args[:], ops))
}

// reg returns a register holding v, materializing constants and vmctx.
func (s *isel) reg(v *ssa.Value) regalloc.Reg {
	if isLazy(v) {
		r := s.newVReg(classOf(v.Type))
		s.materialize(r, v)
		return r
	}
	if v.Op == ssa.OpExtract {
		return s.extract(v)
	}
	if s.fold[v.ID] {
		// A folded value whose user wants it in a register after all
		// (an address too complex for one operand): compute it here.
		s.fold[v.ID] = false
		s.value(v)
	}
	return s.vreg(v)
}

// materialize writes lazy value v into register r.
func (s *isel) materialize(r regalloc.Reg, v *ssa.Value) {
	switch v.Op {
	case ssa.OpVMCtx, ssa.OpI64Load:
		f, _ := fixedReg(v)
		s.emitOp(mMov, S64, regOp(r, rDef), regOp(f, rUse))
	case ssa.OpConstF32, ssa.OpConstF64:
		bits := v.AuxInt
		if v.Op == ssa.OpConstF32 {
			bits = int64(uint32(bits))
		}
		s.emitOp(mFConst, sizeOf(v.Type), regOp(r, rDef), immOp(bits))
	default:
		c := v.AuxInt
		if v.Type == ssa.I32 {
			c = int64(uint32(c))
		}
		s.emitOp(mMovImm, sizeOf(v.Type), regOp(r, rDef), immOp(c))
	}
}

// constImm reports whether v is an integer constant usable as a
// sign-extended imm32 for an operation of size sz.
func constImm(v *ssa.Value, sz Size) (int64, bool) {
	if v.Op != ssa.OpConstI32 && v.Op != ssa.OpConstI64 {
		return 0, false
	}
	if sz == S32 || v.Op == ssa.OpConstI32 {
		return int64(int32(v.AuxInt)), true
	}
	return v.AuxInt, fitsInt32(v.AuxInt)
}

// src returns an operand for v: an immediate when it fits, else a register.
func (s *isel) src(v *ssa.Value, sz Size) operand {
	if c, ok := constImm(v, sz); ok {
		return immOp(c)
	}
	return regOp(s.reg(v), rUse)
}

// copyInto emits dst = v.
func (s *isel) copyInto(dst regalloc.Reg, v *ssa.Value) {
	if isLazy(v) {
		s.materialize(dst, v)
		return
	}
	op := mMov
	if v.Type.IsFloat() {
		op = mFMov
	}
	s.emitOp(op, S64, regOp(dst, rDef), regOp(s.reg(v), rUse))
}

// params defines the entry block's parameters from the calling convention.
func (s *isel) params(b *ssa.Block) {
	l, err := s.layoutOf(s.f.Sig)
	if err != nil {
		s.fail("%v", err)
		return
	}
	if len(b.Params) != len(l.Params) {
		s.fail("entry block has %d parameters, signature %d", len(b.Params), len(l.Params))
		return
	}
	in := instr{op: mParams, size: S64}
	fixed := s.fixedBuf[:0]
	for i, p := range b.Params {
		if loc := l.Params[i]; !loc.OnStack() {
			fixed = append(fixed, fixedOp(s.vreg(p), rDef, loc.Reg))
		}
	}
	in.fixed = s.opnds.Copy(fixed...)
	s.fixedBuf = fixed
	s.emit(in)
	for i, p := range b.Params {
		if loc := l.Params[i]; loc.OnStack() {
			s.loadSlot(s.vreg(p), p.Type, realMem(argArea, loc.Offset))
		}
	}
}

// loadSlot loads a value of type t from an 8-byte slot.
func (s *isel) loadSlot(dst regalloc.Reg, t ssa.Type, m vmem) {
	if t.IsFloat() {
		s.emitOp(mFLoad, sizeOf(t), regOp(dst, rDef), memOp(m))
		return
	}
	in := instr{op: mLoad, size: sizeOf(t), size2: sizeOf(t)}
	in.add(regOp(dst, rDef), memOp(m))
	s.emit(in)
}

// storeSlot stores v to an 8-byte slot (i32 and f32 use its low half).
func (s *isel) storeSlot(m vmem, v *ssa.Value) {
	if v.Type.IsFloat() {
		if v.Op == ssa.OpConstF32 || v.Op == ssa.OpConstF64 {
			bits := v.AuxInt
			if v.Op == ssa.OpConstF32 {
				bits = int64(int32(uint32(bits)))
			}
			if fitsInt32(bits) {
				s.emitOp(mStore, sizeOf(v.Type), memOp(m), immOp(bits))
				return
			}
		}
		s.emitOp(mFStore, sizeOf(v.Type), memOp(m), regOp(s.reg(v), rUse))
		return
	}
	if v.Op == ssa.OpConstI32 && int32(v.AuxInt) < 0 {
		// An imm32 would be sign-extended; keep the slot zero-extended.
		s.emitOp(mStore, S64, memOp(m), regOp(s.reg(v), rUse))
		return
	}
	s.emitOp(mStore, S64, memOp(m), s.src(v, S64))
}

// layoutOf places an SSA signature per the calling convention,
// remembering the layouts of the signatures seen (the frontend shares
// one Signature per type).
func (s *isel) layoutOf(sig *ssa.Signature) (*CallLayout, error) {
	if l := s.layouts[sig]; l != nil {
		return l, nil
	}
	l, err := layoutOf(sig)
	if err == nil {
		s.layouts[sig] = l
	}
	return l, err
}

// layoutOf places an SSA signature per the calling convention.
func layoutOf(sig *ssa.Signature) (*CallLayout, error) {
	conv := func(ts []ssa.Type) ([]wasm.ValType, error) {
		out := make([]wasm.ValType, len(ts))
		for i, t := range ts {
			switch t {
			case ssa.I32:
				out[i] = wasm.ValType{Kind: wasm.KindI32}
			case ssa.I64:
				out[i] = wasm.ValType{Kind: wasm.KindI64}
			case ssa.F32:
				out[i] = wasm.ValType{Kind: wasm.KindF32}
			case ssa.F64:
				out[i] = wasm.ValType{Kind: wasm.KindF64}
			default:
				return nil, fmt.Errorf("amd64: compiling values of type %v is not supported yet", t)
			}
		}
		return out, nil
	}
	p, err := conv(sig.Params)
	if err != nil {
		return nil, err
	}
	r, err := conv(sig.Results)
	if err != nil {
		return nil, err
	}
	return Layout(&wasm.FuncType{Params: p, Results: r})
}

// edgeMoves emits the parallel copy of edge e's arguments into its target's
// parameters. Register cycles are broken with a temporary.
func (s *isel) edgeMoves(e *ssa.Edge) {
	params := e.Block.Params
	if len(params) != len(e.Args) {
		s.fail("edge to %v has %d arguments for %d parameters", e.Block, len(e.Args), len(params))
		return
	}
	moves, lazy := s.moves[:0], s.lazy[:0]
	defer func() { s.moves, s.lazy = moves[:0], lazy }()
	for i, a := range e.Args {
		dst := s.vreg(params[i])
		if isLazy(a) {
			lazy = append(lazy, i)
			continue
		}
		if src := s.reg(a); src != dst {
			moves = append(moves, mach.Move{Dst: dst, Src: src, Float: a.Type.IsFloat()})
		}
	}
	mach.ParallelMove(moves, func(m mach.Move) {
		op := mMov
		if m.Float {
			op = mFMov
		}
		s.emitOp(op, S64, regOp(m.Dst, rDef), regOp(m.Src, rUse))
	}, s.newVReg)
	for _, i := range lazy {
		s.materialize(s.vreg(params[i]), e.Args[i])
	}
}

// target returns the mblock an edge of b jumps to, arranging for the
// edge's moves: at the end of b when it has one successor, at the start of
// the target when b is its only predecessor, else in a new block.
func (s *isel) target(b *ssa.Block, k int) int {
	e := &b.Succs[k]
	t := s.blockOf[e.Block.ID]
	if len(b.Succs) == 1 {
		s.edgeMoves(e)
		return t
	}
	if len(e.Block.Preds) == 1 && t > s.curIdx {
		s.entryEdge[t] = e
		return t
	}
	if len(e.Args) == 0 {
		// No moves of its own: the allocator makes a block for a
		// critical edge only if it needs moves there (Allocation.Split).
		return t
	}
	split := s.newBlock()
	split.instrs = s.flat2.open()
	s.entryEdge = append(s.entryEdge, nil)
	saved := s.cur
	s.cur = split
	s.edgeMoves(e)
	s.emit(instr{op: mJmp, targets: s.targets(t)})
	split.instrs = s.flat2.close(split.instrs)
	s.cur = saved
	return len(s.mf.blocks) - 1
}

func (s *isel) terminator(b *ssa.Block) {
	t := b.Term
	switch t.Op {
	case ssa.OpJump:
		if len(b.Succs) != 1 {
			s.fail("jump with %d successors", len(b.Succs))
			return
		}
		s.emit(instr{op: mJmp, targets: s.targets(s.target(b, 0))})
	case ssa.OpBrIf:
		if len(b.Succs) != 2 || len(t.Args) != 1 {
			s.fail("malformed br_if")
			return
		}
		yes, no := s.target(b, 0), s.target(b, 1)
		c := s.flags(t.Args[0])
		s.emit(instr{op: mBr, cond: c, targets: s.targets(yes, no)})
	case ssa.OpBrTable:
		if len(b.Succs) == 0 || len(t.Args) != 1 {
			s.fail("malformed br_table")
			return
		}
		// Entries past the cases go to the default.
		cases, inRange := mach.BrTableEntries(t.Args[0], len(b.Succs)-1)
		op := mBrAddr
		if inRange {
			op = mBrAddrIn
		}
		targets := s.ints.Take(cases + 1)
		for k := range targets {
			targets[k] = s.target(b, min(k, len(b.Succs)-1))
		}
		if len(b.Succs) == 1 {
			s.emit(instr{op: mJmp, targets: targets[len(targets)-1:]})
			return
		}
		// The terminator may not define registers: the target address is
		// computed before it.
		addr := s.newVReg(regalloc.ClassInt)
		idx := s.reg(t.Args[0])
		s.emit(instr{op: op, size: S32, nargs: 2, args: [3]operand{regOp(addr, rDef), regOp(idx, rUse)}, imm: int64(cases)})
		in := instr{op: mBrTable, targets: targets}
		in.add(regOp(addr, rUse))
		s.emit(in)
	case ssa.OpReturn:
		s.ret(t)
	case ssa.OpTrap:
		s.emit(instr{op: mTrap, imm: t.AuxInt})
	default:
		s.fail("unexpected terminator %v", t.Op)
	}
}

func (s *isel) ret(t *ssa.Value) {
	l, err := s.layoutOf(s.f.Sig)
	if err != nil {
		s.fail("%v", err)
		return
	}
	if len(t.Args) != len(l.Results) {
		s.fail("return of %d values, signature has %d", len(t.Args), len(l.Results))
		return
	}
	in := instr{op: mRet}
	for i, a := range t.Args {
		if loc := l.Results[i]; loc.OnStack() {
			s.storeSlot(realMem(argArea, loc.Offset), a)
		}
	}
	in.fixed = s.fixedUses(t.Args, l.Results, map[regalloc.Reg]bool{})
	s.emit(in)
}

// fixedUses returns the register operands for values passed in registers
// per locs. A value passed twice (or already in seen) is copied so that
// each fixed operand has its own virtual register.
func (s *isel) fixedUses(vals []*ssa.Value, locs []Loc, seen map[regalloc.Reg]bool) []operand {
	ops := s.fixedBuf[:0]
	defer func() { s.fixedBuf = ops }()
	for i, v := range vals {
		loc := locs[i]
		if loc.OnStack() {
			continue
		}
		r := s.reg(v)
		if seen[r] {
			c := s.newVReg(classOf(v.Type))
			s.copyInto(c, v)
			r = c
		}
		seen[r] = true
		ops = append(ops, fixedOp(r, rUse, loc.Reg))
	}
	return s.opnds.Copy(ops...)
}
