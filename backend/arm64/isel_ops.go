package arm64

import (
	"github.com/wasmc/wasmc/backend/mach"
	"math/bits"

	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// isCompare reports whether op is a comparison giving an i32 0 or 1.
func isCompare(op ssa.Op) bool {
	return (op >= ssa.OpI32Eqz && op <= ssa.OpI32GeU) ||
		(op >= ssa.OpI64Eqz && op <= ssa.OpI64GeU) ||
		(op >= ssa.OpF32Eq && op <= ssa.OpF32Ge) ||
		(op >= ssa.OpF64Eq && op <= ssa.OpF64Ge)
}

func isEqz(op ssa.Op) bool { return op == ssa.OpI32Eqz || op == ssa.OpI64Eqz }

// isIntCompare reports whether op is a two-operand integer comparison.
func isIntCompare(op ssa.Op) bool {
	return (op >= ssa.OpI32Eq && op <= ssa.OpI32GeU) || (op >= ssa.OpI64Eq && op <= ssa.OpI64GeU)
}

// shiftKindOf returns the shifted-register form of a shift by a non-zero
// constant, if v is one.
func shiftKindOf(v *ssa.Value) (shiftKind, int64, bool) {
	var k shiftKind
	switch v.Op {
	case ssa.OpI32Shl, ssa.OpI64Shl:
		k = shLSL
	case ssa.OpI32ShrU, ssa.OpI64ShrU:
		k = shLSR
	case ssa.OpI32ShrS, ssa.OpI64ShrS:
		k = shASR
	default:
		return 0, 0, false
	}
	c, ok := intConst(v.Args[1])
	if !ok {
		return 0, 0, false
	}
	c &= int64(8*sizeOf(v.Type).Bytes() - 1)
	return k, c, c != 0
}

// bitTest returns the bit number when v is an and with a single-bit
// constant.
func bitTest(v *ssa.Value) (*ssa.Value, int64, bool) {
	if v.Op != ssa.OpI32And && v.Op != ssa.OpI64And {
		return nil, 0, false
	}
	x, c := v.Args[0], v.Args[1]
	if _, ok := intConst(x); ok {
		x, c = c, x
	}
	n, ok := intConst(c)
	if v.Type == ssa.I32 {
		n = int64(uint32(n))
	}
	if !ok || n == 0 || n&(n-1) != 0 {
		return nil, 0, false
	}
	return x, int64(bits.TrailingZeros64(uint64(n))), true
}

// decideFolding marks the values whose single user emits them.
func (s *isel) decideFolding() {
	for _, b := range s.f.Blocks {
		foldable := func(v *ssa.Value) bool {
			return v.Uses == 1 && v.Block == b && !s.fold[v.ID]
		}
		users := append(s.usersBuf[:0], b.Values...)
		if b.Term != nil {
			users = append(users, b.Term)
		}
		s.usersBuf = users
		for _, u := range users {
			var cond *ssa.Value
			switch u.Op {
			case ssa.OpBrIf, ssa.OpTrapIf:
				cond = u.Args[0]
			case ssa.OpSelect:
				cond = u.Args[2]
			}
			if cond != nil && foldable(cond) {
				switch {
				case isCompare(cond.Op):
					s.fold[cond.ID] = true
					if x := cond.Args[0]; u.Op == ssa.OpBrIf && isEqz(cond.Op) && foldable(x) {
						if _, _, ok := bitTest(x); ok {
							s.fold[x.ID] = true
						}
					}
				case u.Op == ssa.OpBrIf:
					if _, _, ok := bitTest(cond); ok {
						s.fold[cond.ID] = true
					}
				}
			}
			s.foldOperands(u, foldable)
		}
	}
}

// foldOperands marks the shifted, multiplied and address operands of u
// that u's own instruction absorbs.
func (s *isel) foldOperands(u *ssa.Value, foldable func(*ssa.Value) bool) {
	if (u.Op.IsLoad() || u.Op.IsStore()) && len(u.Args) > 0 {
		addr := u.Args[0]
		if addr.Op != ssa.OpI64Add || !foldable(addr) {
			return
		}
		s.fold[addr.ID] = true
		for _, x := range addr.Args {
			if x.Op == ssa.OpI64ExtendI32S && foldable(x) {
				s.fold[x.ID] = true
				return
			}
			if k, c, ok := shiftKindOf(x); ok && k == shLSL && c == int64(bits.TrailingZeros(uint(u.Op.AccessSize()))) && foldable(x) {
				s.fold[x.ID] = true
				if y := x.Args[0]; y.Op == ssa.OpI64ExtendI32S && foldable(y) {
					s.fold[y.ID] = true
				}
				return
			}
		}
		return
	}
	var cands []*ssa.Value
	switch u.Op {
	case ssa.OpI32Add, ssa.OpI64Add:
		for _, x := range u.Args {
			if (x.Op == ssa.OpI32Mul || x.Op == ssa.OpI64Mul) && foldable(x) {
				s.fold[x.ID] = true
				return
			}
		}
		cands = u.Args
	case ssa.OpI32Sub, ssa.OpI64Sub:
		if x := u.Args[1]; (x.Op == ssa.OpI32Mul || x.Op == ssa.OpI64Mul) && foldable(x) {
			s.fold[x.ID] = true
			return
		}
		cands = u.Args[1:]
	case ssa.OpI32And, ssa.OpI64And, ssa.OpI32Or, ssa.OpI64Or, ssa.OpI32Xor, ssa.OpI64Xor:
		cands = u.Args
	default:
		if isIntCompare(u.Op) {
			for _, x := range u.Args {
				if _, _, ok := addConst(x); ok && foldable(x) {
					s.fold[x.ID] = true
					break
				}
			}
			cands = u.Args
		}
	}
	for _, x := range cands {
		_, _, ok := shiftKindOf(x)
		if (ok || x.Op == ssa.OpI64ExtendI32S && u.Op != ssa.OpI64And && u.Op != ssa.OpI64Or && u.Op != ssa.OpI64Xor) && foldable(x) {
			s.fold[x.ID] = true
			return
		}
	}
}

// intConds maps integer comparisons (relative to OpI32Eq / OpI64Eq) to
// conditions and to the condition with the operands swapped.
var intConds = [10][2]Cond{
	{CondEQ, CondEQ}, {CondNE, CondNE}, {CondLT, CondGT}, {CondLO, CondHI}, {CondGT, CondLT},
	{CondHI, CondLO}, {CondLE, CondGE}, {CondLS, CondHS}, {CondGE, CondLE}, {CondHS, CondLS},
}

// condition emits the test of condition value c (an i32) and returns the
// branch that is taken when c != 0, without targets: b.cond after flags,
// cbz/cbnz on a register, or tbz/tbnz on one bit.
func (s *isel) condition(c *ssa.Value) instr {
	if s.fold[c.ID] {
		switch {
		case isEqz(c.Op):
			x := c.Args[0]
			if y, bit, ok := bitTest(x); ok && s.fold[x.ID] {
				return instr{op: mTbz, cond: CondEQ, imm: bit, nargs: 1, args: [4]operand{regOp(s.reg(y), rUse)}}
			}
			return instr{op: mCbz, cond: CondEQ, size: sizeOf(x.Type), nargs: 1, args: [4]operand{regOp(s.reg(x), rUse)}}
		case (c.Op == ssa.OpI32Eq || c.Op == ssa.OpI64Eq || c.Op == ssa.OpI32Ne || c.Op == ssa.OpI64Ne) &&
			(isZero(c.Args[0]) || isZero(c.Args[1])) && !s.fold[c.Args[0].ID] && !s.fold[c.Args[1].ID]:
			x := c.Args[0]
			if isZero(x) {
				x = c.Args[1]
			}
			cond := CondEQ
			if c.Op == ssa.OpI32Ne || c.Op == ssa.OpI64Ne {
				cond = CondNE
			}
			return instr{op: mCbz, cond: cond, size: sizeOf(x.Type), nargs: 1, args: [4]operand{regOp(s.ireg(x), rUse)}}
		case isCompare(c.Op):
			return instr{op: mBr, cond: s.compare(c)}
		default:
			if y, bit, ok := bitTest(c); ok {
				return instr{op: mTbz, cond: CondNE, imm: bit, nargs: 1, args: [4]operand{regOp(s.reg(y), rUse)}}
			}
		}
	}
	return instr{op: mCbz, cond: CondNE, size: S32, nargs: 1, args: [4]operand{regOp(s.reg(c), rUse)}}
}

// flags emits code setting the flags for condition value v (an i32) and
// returns the condition that holds when v is non-zero.
func (s *isel) flags(v *ssa.Value) Cond {
	if s.fold[v.ID] && isCompare(v.Op) {
		return s.compare(v)
	}
	s.emitOp(mCmp, S32, regOp(s.reg(v), rUse), immOp(0))
	return CondNE
}

// floatConds are the conditions of fN.eq..ge after FCMP: each is false
// when the operands are unordered, except ne (MI and LS, not LT and LE,
// exclude the unordered case).
var floatConds = [6]Cond{CondEQ, CondNE, CondMI, CondGT, CondLS, CondGE}

// compare emits the flag-setting instruction of comparison v.
func (s *isel) compare(v *ssa.Value) Cond {
	if isEqz(v.Op) {
		x := v.Args[0]
		s.emitOp(mCmp, sizeOf(x.Type), regOp(s.reg(x), rUse), immOp(0))
		return CondEQ
	}
	a, b := v.Args[0], v.Args[1]
	sz := sizeOf(a.Type)
	if a.Type.IsFloat() {
		k := int(v.Op - ssa.OpF32Eq)
		if a.Type == ssa.F64 {
			k = int(v.Op - ssa.OpF64Eq)
		}
		ra, rb := s.reg(a), s.reg(b)
		s.emitOp(mFCmp, sz, regOp(ra, rUse), regOp(rb, rUse))
		return floatConds[k]
	}
	k := int(v.Op - ssa.OpI32Eq)
	if a.Type == ssa.I64 {
		k = int(v.Op - ssa.OpI64Eq)
	}
	swap := 0
	if _, ok := intConst(a); ok || s.isFoldedShift(a) || a.Op == ssa.OpI64ExtendI32S && s.fold[a.ID] ||
		!s.foldedAddConst(a) && s.foldedAddConst(b) {
		a, b, swap = b, a, 1
	}
	src := s.aluSrc(b, sz, false)
	if x, c, ok := addConst(a); ok && s.fold[a.ID] {
		// a = x + c goes to the scratch register (see mCmp).
		s.emitOp(mCmp, sz, memOp(vmem{base: s.reg(x), index: regalloc.NoReg, disp: c}), src)
		return intConds[k][swap]
	}
	s.emitOp(mCmp, sz, regOp(s.firstReg(a, src), rUse), src)
	return intConds[k][swap]
}

// addConst returns x and c when v is an integer add of x and a constant c.
func addConst(v *ssa.Value) (*ssa.Value, int64, bool) {
	if v.Op != ssa.OpI32Add && v.Op != ssa.OpI64Add {
		return nil, 0, false
	}
	x, k := v.Args[0], v.Args[1]
	if _, ok := intConst(x); ok {
		x, k = k, x
	}
	c, ok := intConst(k)
	if !ok || isLazy(x) {
		return nil, 0, false
	}
	return x, c, true
}

// foldedAddConst reports whether v is an add of a constant that its
// compare absorbs.
func (s *isel) foldedAddConst(v *ssa.Value) bool {
	_, _, ok := addConst(v)
	return ok && s.fold[v.ID]
}

// isFoldedShift reports whether v is a shift its user absorbs.
func (s *isel) isFoldedShift(v *ssa.Value) bool {
	_, _, ok := shiftKindOf(v)
	return ok && s.fold[v.ID]
}

// aluSrc returns v as the second operand of an ALU op or compare of size
// sz: an immediate when it encodes (logical: a bitmask immediate), a
// folded shift as a shifted register, an i64 operand zero- or
// sign-extended from i32 as an extended register (arithmetic only).
func (s *isel) aluSrc(v *ssa.Value, sz Size, logical bool) operand {
	if c, ok := intConst(v); ok && c != 0 {
		if !logical && ArithImmOK(c) || logical && LogicalImmOK(sz, uint64(c)) {
			return immOp(c)
		}
	}
	if k, n, ok := shiftKindOf(v); ok && s.fold[v.ID] {
		return shiftOp(s.reg(v.Args[0]), k, n)
	}
	if !logical && sz == S64 {
		switch v.Op {
		case ssa.OpI64ExtendI32U:
			return extOp(s.reg(v.Args[0]), extUXTW, 0)
		case ssa.OpI64ExtendI32S:
			return extOp(s.reg(v.Args[0]), extSXTW, 0)
		}
	}
	return regOp(s.ireg(v), rUse)
}

// value selects the instructions of one non-terminator value.
func (s *isel) value(v *ssa.Value) {
	op := v.Op
	switch {
	case isCompare(op):
		c := s.compare(v)
		in := instr{op: mCset, size: S32, cond: c}
		in.add(regOp(s.vreg(v), rDef))
		s.emit(in)
		return
	case op.IsLoad():
		s.load(v)
		return
	case op.IsStore():
		s.store(v)
		return
	case op.IsCall():
		s.call(v)
		return
	}
	if s.intOp(v) || s.floatOp(v) || s.convOp(v) {
		return
	}
	switch op {
	case ssa.OpCopy:
		s.copyInto(s.vreg(v), v.Args[0])
	case ssa.OpSelect:
		s.selectValue(v)
	case ssa.OpExtract:
		// The call defined the tuple's registers; nothing to do.
	case ssa.OpTrapIf:
		if s.boundsCheck(v) {
			return
		}
		in := s.condition(v.Args[0])
		switch in.op {
		case mBr:
			in.op = mTrapIf
		case mCbz:
			in.op = mTrapIfReg
		default:
			s.fail("trap_if on %v", in.op)
			return
		}
		in.imm = v.AuxInt
		s.emit(in)
	case ssa.OpInterruptCheck:
		s.emit(instr{op: mIntCheck})
	case ssa.OpMemCopy:
		s.bulk(v, mMemCopy)
	case ssa.OpMemFill:
		s.bulk(v, mMemFill)
	case ssa.OpParam:
		s.fail("parameter %v among block values", v)
	default:
		s.fail("cannot select %v", v.LongString())
	}
}

// selectValue emits csel/fcsel; the flags are set last so that nothing
// materialized for the operands sits between the compare and its use.
// bulkRegs are the registers of mem.copy's and mem.fill's operands, which
// the loops emitting them consume.
var bulkRegs = [3]Reg{X0, X1, X2}

// bulk selects mem.copy or mem.fill.
func (s *isel) bulk(v *ssa.Value, op mop) {
	var regs [3]regalloc.Reg
	mach.DistinctRegs(regs[:], v.Args, s.reg, func(a *ssa.Value) regalloc.Reg {
		r := s.newVReg(regalloc.ClassInt)
		s.copyInto(r, a)
		return r
	})
	s.emitOp(op, S64, fixedOp(regs[0], rUse, bulkRegs[0]), fixedOp(regs[1], rUse, bulkRegs[1]), fixedOp(regs[2], rUse, bulkRegs[2]))
}

func (s *isel) selectValue(v *ssa.Value) {
	var ra, rb regalloc.Reg
	op := mCsel
	if v.Type.IsFloat() {
		op = mFCsel
		ra, rb = s.reg(v.Args[0]), s.reg(v.Args[1])
	} else {
		ra, rb = s.ireg(v.Args[0]), s.ireg(v.Args[1])
	}
	c := s.flags(v.Args[2])
	in := instr{op: op, size: sizeOf(v.Type), cond: c}
	in.add(regOp(s.vreg(v), rDef), regOp(ra, rUse), regOp(rb, rUse))
	s.emit(in)
}

// extract returns the register of a call result.
func (s *isel) extract(v *ssa.Value) regalloc.Reg {
	t := v.Args[0]
	regs := s.tupleRegs(t)
	if int(v.AuxInt) >= len(regs) || v.AuxInt < 0 {
		s.fail("extract %d of a tuple of %d", v.AuxInt, len(regs))
		return s.vreg(v)
	}
	return regs[v.AuxInt]
}

// boundsCheck selects trap_if(i64.gt_s(ea + c, n)) with ea a zero-extended
// i32 and c < 0 (ssa's boundsFast form) as mBoundsChk, and reports
// whether t was one: ea > n, false for most accesses, decides alone.
func (s *isel) boundsCheck(t *ssa.Value) bool {
	cmp := t.Args[0]
	if cmp.Op != ssa.OpI64GtS || !s.fold[cmp.ID] {
		return false
	}
	x, n := cmp.Args[0], cmp.Args[1]
	ea, c, ok := addConst(x)
	if !ok || !s.fold[x.ID] || c >= 0 || ea.Op != ssa.OpI64ExtendI32U || isLazy(n) {
		return false
	}
	in := instr{op: mBoundsChk, size: S64, imm: t.AuxInt}
	in.add(regOp(s.reg(ea), rUse), regOp(s.reg(n), rUse), immOp(c))
	s.emit(in)
	return true
}
