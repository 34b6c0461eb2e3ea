package amd64

import (
	"github.com/wasmc/wasmc/backend/mach"
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

// decideFolding marks the values whose single user emits them.
func (s *isel) decideFolding() {
	for _, b := range s.f.Blocks {
		for _, u := range b.Values {
			s.foldInto(u)
		}
		if b.Term != nil {
			s.foldInto(b.Term)
		}
	}
	s.foldLoads()
}

// foldable reports whether v may be emitted by its user u: u is its only
// user, in the same block, and v is not folded elsewhere already.
func (s *isel) foldable(v, u *ssa.Value) bool {
	return v.Uses == 1 && v.Block == u.Block && !s.fold[v.ID]
}

// foldInto marks the operands that user u emits itself.
func (s *isel) foldInto(u *ssa.Value) {
	var cond *ssa.Value
	switch u.Op {
	case ssa.OpBrIf, ssa.OpTrapIf:
		cond = u.Args[0]
	case ssa.OpSelect:
		cond = u.Args[2]
	}
	if cond != nil && (isCompare(cond.Op) || cond.Op == ssa.OpI32And) && s.foldable(cond, u) {
		s.fold[cond.ID] = true
	}
	s.foldArith(u)
	if (u.Op.IsLoad() || u.Op.IsStore()) && len(u.Args) > 0 {
		addr := u.Args[0]
		if addr.Op != ssa.OpI64Add || !s.foldable(addr, u) {
			return
		}
		s.foldAddress(addr, u)
	}
}

// foldAddress marks address addr (an i64.add) as emitted by access u, with
// the zero-extension or scaling shift of its index that only u uses.
func (s *isel) foldAddress(addr, u *ssa.Value) {
	s.fold[addr.ID] = true
	for _, x := range addr.Args {
		if (x.Op == ssa.OpI64ExtendI32U || x.Op == ssa.OpI64Shl && shiftScale(x) != 0) && s.foldable(x, u) {
			s.fold[x.ID] = true
			if z := x.Args[0]; x.Op == ssa.OpI64Shl && z.Op == ssa.OpI64ExtendI32U && s.foldable(z, u) {
				s.fold[z.ID] = true
			}
		}
	}
}

// foldArith marks the operands u's own instruction absorbs: a shift by
// 1..3 under an add (an lea index scale) and an add of a constant under
// an integer compare (an lea into the scratch register).
func (s *isel) foldArith(u *ssa.Value) {
	switch {
	case u.Op == ssa.OpI32Add || u.Op == ssa.OpI64Add:
		if _, sh, c := flagAdd(u); c != nil && !s.fold[sh.ID] && !s.fold[c.ID] {
			s.fold[sh.ID], s.fold[c.ID] = true, true
			return
		}
		for _, x := range u.Args {
			if indexScale(x) != 0 && s.foldable(x, u) {
				s.fold[x.ID] = true
				return
			}
		}
		for _, x := range u.Args {
			if x.Op == u.Op && s.foldable(x, u) {
				s.fold[x.ID] = true
				if !s.leaShape(u) {
					s.fold[x.ID] = false
				}
				return
			}
		}
	case u.Op == ssa.OpI32And || u.Op == ssa.OpI64And:
		// x & (x - 1) is one blsr.
		if x, dec := blsrOperands(u); x != nil && s.foldable(dec, u) {
			s.fold[dec.ID] = true
		}
	case u.Op == ssa.OpI32Ctz || u.Op == ssa.OpI32Clz || u.Op == ssa.OpI32Popcnt:
		// The 32-bit count reads only the low half of a wrap's operand.
		if x := u.Args[0]; x.Op == ssa.OpI32WrapI64 && s.foldable(x, u) {
			s.fold[x.ID] = true
		}
	case u.Op == ssa.OpI32Eqz || u.Op == ssa.OpI64Eqz:
		// eqz(x & y) is a test of x against y; eqz of a comparison is the
		// comparison with the opposite condition (for floats, the one that
		// holds when unordered: eqz(a >= b) is not a < b, which simplify
		// therefore leaves).
		x := u.Args[0]
		if (x.Op == ssa.OpI32And || x.Op == ssa.OpI64And || isCompare(x.Op) && len(x.Args) == 2) && s.foldable(x, u) {
			s.fold[x.ID] = true
		}
	case isCompare(u.Op) && len(u.Args) == 2 && !u.Args[0].Type.IsFloat():
		for _, x := range u.Args {
			if _, _, ok := addConst(x); ok && s.foldable(x, u) {
				s.fold[x.ID] = true
				return
			}
		}
	}
}

// addConst returns x and c when v is an add of x and a constant c that
// fits an lea displacement.
func addConst(v *ssa.Value) (*ssa.Value, int32, bool) {
	if v.Op != ssa.OpI32Add && v.Op != ssa.OpI64Add {
		return nil, 0, false
	}
	x, k := v.Args[0], v.Args[1]
	if _, ok := constImm(x, sizeOf(v.Type)); ok {
		x, k = k, x
	}
	c, ok := constImm(k, sizeOf(v.Type))
	if !ok || isLazy(x) {
		return nil, 0, false
	}
	return x, int32(c), true
}

// indexScale returns the scale of a shift left by 1..3 (of either size),
// or 0.
func indexScale(v *ssa.Value) uint8 {
	if v.Op == ssa.OpI32Shl && v.Args[1].Op == ssa.OpConstI32 {
		switch v.Args[1].AuxInt & 31 {
		case 1:
			return 2
		case 2:
			return 4
		case 3:
			return 8
		}
		return 0
	}
	return shiftScale(v)
}

// shiftScale returns the scale of i64.shl x, 1..3, or 0.
func shiftScale(v *ssa.Value) uint8 {
	if v.Op != ssa.OpI64Shl || v.Args[1].Op != ssa.OpConstI64 {
		return 0
	}
	switch v.Args[1].AuxInt & 63 {
	case 1:
		return 2
	case 2:
		return 4
	case 3:
		return 8
	}
	return 0
}

// intConds maps integer comparisons (relative to OpI32Eq / OpI64Eq) to
// conditions and to the condition with the operands swapped.
var intConds = [10][2]Cond{
	{CondE, CondE}, {CondNE, CondNE}, {CondL, CondG}, {CondB, CondA}, {CondG, CondL},
	{CondA, CondB}, {CondLE, CondGE}, {CondBE, CondAE}, {CondGE, CondLE}, {CondAE, CondBE},
}

// flags emits code setting the flags for condition value v (an i32) and
// returns the condition that holds when v is non-zero.
func (s *isel) flags(v *ssa.Value) cc {
	if s.fold[v.ID] && isCompare(v.Op) {
		return s.compare(v)
	}
	if s.fold[v.ID] && v.Op == ssa.OpI32And {
		s.testAnd(v)
		return cc(CondNE)
	}
	s.emitOp(mTestZero, S32, regOp(s.reg(v), rUse))
	return cc(CondNE)
}

// testAnd sets the flags from and v without computing it: test x, y (or
// an immediate), which also spares the copy a two-address and needs.
func (s *isel) testAnd(v *ssa.Value) {
	x, y := v.Args[0], v.Args[1]
	sz := sizeOf(v.Type)
	if _, ok := constImm(x, sz); ok {
		x, y = y, x
	}
	s.emitOp(mTest, sz, regOp(s.reg(x), rUse), s.src(y, sz))
}

// compare emits the flag-setting instruction of comparison v.
func (s *isel) compare(v *ssa.Value) cc {
	switch v.Op {
	case ssa.OpI32Eqz, ssa.OpI64Eqz:
		if x := v.Args[0]; s.fold[x.ID] && isCompare(x.Op) {
			return s.compare(x).invert()
		} else if s.fold[x.ID] {
			s.testAnd(x)
			return cc(CondE)
		}
		s.emitOp(mTestZero, sizeOf(v.Args[0].Type), regOp(s.reg(v.Args[0]), rUse))
		return cc(CondE)
	}
	a, b := v.Args[0], v.Args[1]
	sz := sizeOf(a.Type)
	if c, ok := constImm(b, sz); ok && c == 0 && (v.Op == ssa.OpI32Ne || v.Op == ssa.OpI64Ne) {
		// x != 0 is the test of eqz, with the other condition.
		s.emitOp(mTestZero, sz, regOp(s.reg(a), rUse))
		return cc(CondNE)
	}
	if a.Type.IsFloat() {
		var c cc
		switch v.Op {
		case ssa.OpF32Eq, ssa.OpF64Eq:
			c = ccFEq
		case ssa.OpF32Ne, ssa.OpF64Ne:
			c = ccFNe
		case ssa.OpF32Lt, ssa.OpF64Lt:
			a, b, c = b, a, cc(CondA)
		case ssa.OpF32Gt, ssa.OpF64Gt:
			c = cc(CondA)
		case ssa.OpF32Le, ssa.OpF64Le:
			a, b, c = b, a, cc(CondAE)
		default: // ge
			c = cc(CondAE)
		}
		ra, rb := s.reg(a), s.reg(b)
		s.emitOp(mUcom, sz, regOp(ra, rUse), regOp(rb, rUse))
		return c
	}
	k := int(v.Op - ssa.OpI32Eq)
	if a.Type == ssa.I64 {
		k = int(v.Op - ssa.OpI64Eq)
	}
	if s.foldedLoad(a) && a.Op == ssa.OpI32Load8U || s.foldedLoad(b) && b.Op == ssa.OpI32Load8U {
		// Bytes compared as bytes (byteCompare): unsigned conditions.
		sz = S8
		if k >= 2 && k%2 == 0 {
			k++
		}
	}
	swap := 0
	_, aConst := constImm(a, sz)
	_, bConst := constImm(b, sz)
	switch {
	case aConst && !bConst, !aConst && !s.foldedAddConst(a) && s.foldedAddConst(b):
		a, b, swap = b, a, 1
	case s.foldedLoad(a) && !bConst && !s.foldedAddConst(b):
		a, b, swap = b, a, 1 // the load becomes the memory operand
	}
	if s.foldedLoad(a) && bConst {
		c, _ := constImm(b, sz)
		s.emitOp(mCmp, sz, s.loadMem(a), immOp(c))
		return cc(intConds[k][swap])
	}
	if x, c, ok := addConst(a); ok && s.fold[a.ID] {
		// a = x + c goes to the scratch register.
		m := vmem{base: s.reg(x), index: regalloc.NoReg, disp: c}
		if s.foldedLoad(b) {
			s.emitOp(mLeaCmp, sz, memOp(m), s.loadMem(b))
		} else {
			s.emitOp(mLeaCmp, sz, memOp(m), s.src(b, sz))
		}
		return cc(intConds[k][swap])
	}
	first := regOp(s.reg(a), rUse)
	if s.foldedLoad(b) {
		s.emitOp(mCmp, sz, first, s.loadMem(b))
		return cc(intConds[k][swap])
	}
	s.emitOp(mCmp, sz, first, s.src(b, sz))
	return cc(intConds[k][swap])
}

// foldedAddConst reports whether v is an add of a constant that its
// compare absorbs.
func (s *isel) foldedAddConst(v *ssa.Value) bool {
	_, _, ok := addConst(v)
	return ok && s.fold[v.ID]
}

// value selects the instructions of one non-terminator value.
func (s *isel) value(v *ssa.Value) {
	op := v.Op
	switch {
	case isCompare(op):
		c := s.compare(v)
		in := instr{op: mSetcc, size: S32, cond: c}
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
		c := s.flags(v.Args[0])
		s.emit(instr{op: mTrapIf, cond: c, imm: v.AuxInt})
	case ssa.OpInterruptCheck:
		s.emit(instr{op: mIntCheck})
	case ssa.OpMemCopy:
		s.bulk(v, mMemCopy, RDI, RSI, RCX)
	case ssa.OpMemFill:
		s.bulk(v, mMemFill, RDI, RAX, RCX)
	case ssa.OpParam:
		s.fail("parameter %v among block values", v)
	default:
		s.fail("cannot select %v", v.LongString())
	}
}

// bulk selects mem.copy or mem.fill, whose three operands go to the
// string instructions' registers.
func (s *isel) bulk(v *ssa.Value, op mop, r0, r1, r2 Reg) {
	var regs [3]regalloc.Reg
	mach.DistinctRegs(regs[:], v.Args, s.reg, func(a *ssa.Value) regalloc.Reg {
		r := s.newVReg(regalloc.ClassInt)
		s.copyInto(r, a)
		return r
	})
	s.emitOp(op, S64, fixedOp(regs[0], rUse, r0), fixedOp(regs[1], rUse, r1), fixedOp(regs[2], rUse, r2))
}

func (s *isel) selectValue(v *ssa.Value) {
	a, b := v.Args[0], v.Args[1]
	t := s.vreg(v)
	ra := s.reg(a)
	s.copyInto(t, b)
	c := s.flags(v.Args[2])
	if v.Type.IsFloat() {
		in := instr{op: mFSelect, size: sizeOf(v.Type), cond: c}
		in.add(regOp(t, rUseDef), regOp(ra, rUse))
		s.emit(in)
		return
	}
	in := instr{op: mCmov, size: sizeOf(v.Type), cond: c}
	in.add(regOp(t, rUseDef), regOp(ra, rUse))
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

// binary emits t = a; t op= b for a two-address op.
func (s *isel) binary(v *ssa.Value, op mop) {
	a, b := v.Args[0], v.Args[1]
	sz := sizeOf(v.Type)
	if v.Op.Has(ssa.Commutative) {
		_, aConst := constImm(a, sz)
		_, bConst := constImm(b, sz)
		// The constant or folded load is the source; the copy into t
		// costs nothing when its operand dies here.
		if aConst || s.foldedLoad(a) || !bConst && !s.foldedLoad(b) && a.Uses > 1 && b.Uses == 1 {
			a, b = b, a
		}
	}
	t := s.vreg(v)
	var sb operand
	if s.foldedLoad(b) {
		sb = s.loadMem(b)
	} else {
		sb = s.src(b, sz)
	}
	s.copyInto(t, a)
	s.emitOp(op, sz, regOp(t, rUseDef), sb)
}

// unary emits t = a; op t.
func (s *isel) unary(v *ssa.Value, op mop) {
	t := s.vreg(v)
	s.copyInto(t, v.Args[0])
	s.emitOp(op, sizeOf(v.Type), regOp(t, rUseDef))
}

// intOp selects integer arithmetic; it reports whether v was one.
func (s *isel) intOp(v *ssa.Value) bool {
	sz := sizeOf(v.Type)
	switch v.Op {
	case ssa.OpI32Add, ssa.OpI64Add:
		s.add(v)
	case ssa.OpI32Sub, ssa.OpI64Sub:
		if c, ok := constImm(v.Args[0], sz); ok && c == 0 {
			t := s.vreg(v)
			s.copyInto(t, v.Args[1])
			s.emitOp(mNeg, sz, regOp(t, rUseDef))
			return true
		}
		s.binary(v, mSub)
	case ssa.OpI32And, ssa.OpI64And:
		if x, from, ok := s.zextMask(v); ok {
			to := sz
			if from < S32 {
				to = S32 // writing the 32-bit register clears the rest
			}
			in := instr{op: mMovzx, size: from, size2: to}
			in.add(regOp(s.vreg(v), rDef), regOp(s.reg(x), rUse))
			s.emit(in)
			return true
		}
		if x, dec := blsrOperands(v); x != nil && s.fold[dec.ID] {
			s.emitOp(mBlsr, sz, regOp(s.vreg(v), rDef), regOp(s.reg(x), rUse))
			return true
		}
		s.binary(v, mAnd)
	case ssa.OpI32Or, ssa.OpI64Or:
		s.binary(v, mOr)
	case ssa.OpI32Xor, ssa.OpI64Xor:
		s.binary(v, mXor)
	case ssa.OpI32Mul, ssa.OpI64Mul:
		a, b := v.Args[0], v.Args[1]
		if _, ok := constImm(a, sz); ok {
			a, b = b, a
		}
		if c, ok := constImm(b, sz); ok {
			ra := s.reg(a)
			s.emitOp(mImul3, sz, regOp(s.vreg(v), rDef), regOp(ra, rUse), immOp(c))
			return true
		}
		s.binary(v, mImul)
	case ssa.OpI32Shl, ssa.OpI64Shl:
		s.shift(v, mShl)
	case ssa.OpI32ShrS, ssa.OpI64ShrS:
		s.shift(v, mSar)
	case ssa.OpI32ShrU, ssa.OpI64ShrU:
		s.shift(v, mShr)
	case ssa.OpI32Rotl, ssa.OpI64Rotl:
		s.shift(v, mRol)
	case ssa.OpI32Rotr, ssa.OpI64Rotr:
		s.shift(v, mRor)
	case ssa.OpI32DivS, ssa.OpI64DivS:
		s.div(v, mDivS, RAX)
	case ssa.OpI32DivU, ssa.OpI64DivU:
		s.div(v, mDivU, RAX)
	case ssa.OpI32RemS, ssa.OpI64RemS:
		s.div(v, mRemS, RDX)
	case ssa.OpI32RemU, ssa.OpI64RemU:
		s.div(v, mRemU, RDX)
	case ssa.OpI32Clz, ssa.OpI64Clz:
		s.emitOp(mLzcnt, sz, regOp(s.vreg(v), rDef), regOp(s.countSrc(v), rUse))
	case ssa.OpI32Ctz, ssa.OpI64Ctz:
		s.emitOp(mTzcnt, sz, regOp(s.vreg(v), rDef), regOp(s.countSrc(v), rUse))
	case ssa.OpI32Popcnt, ssa.OpI64Popcnt:
		s.emitOp(mPopcnt, sz, regOp(s.vreg(v), rDef), regOp(s.countSrc(v), rUse))
	case ssa.OpI32Extend8S, ssa.OpI64Extend8S:
		s.extend(v, mMovsx, S8, sz)
	case ssa.OpI32Extend16S, ssa.OpI64Extend16S:
		s.extend(v, mMovsx, S16, sz)
	case ssa.OpI64Extend32S, ssa.OpI64ExtendI32S:
		s.extend(v, mMovsx, S32, S64)
	case ssa.OpI64ExtendI32U:
		// i32 registers are already zero-extended: the value is its
		// operand's register (a copy would keep two registers alive when
		// the operand lives on).
		if s.vregs[v.ID] == regalloc.NoReg {
			s.vregs[v.ID] = s.reg(v.Args[0])
		} else {
			s.copyInto(s.vregs[v.ID], v.Args[0])
		}
	case ssa.OpI32WrapI64:
		s.extend(v, mMovzx, S32, S64)
	default:
		return false
	}
	return true
}

// countSrc returns the register a bit count v reads: a folded wrap's
// operand, whose low half the 32-bit instruction reads.
func (s *isel) countSrc(v *ssa.Value) regalloc.Reg {
	if x := v.Args[0]; x.Op == ssa.OpI32WrapI64 && s.fold[x.ID] {
		return s.reg(x.Args[0])
	}
	return s.reg(v.Args[0])
}

// blsrOperands returns x and x - 1 when v is x & (x - 1) (an and of x
// with x plus the constant -1), else nils.
func blsrOperands(v *ssa.Value) (x, dec *ssa.Value) {
	sz, add := sizeOf(v.Type), ssa.OpI32Add
	if v.Op == ssa.OpI64And {
		add = ssa.OpI64Add
	}
	for k, a := range v.Args {
		x := v.Args[1-k]
		if a.Op != add || (a.Args[0] != x && a.Args[1] != x) {
			continue
		}
		c := a.Args[1]
		if c == x {
			c = a.Args[0]
		}
		if n, ok := constImm(c, sz); ok && n == -1 && c != x {
			return x, a
		}
	}
	return nil, nil
}

func (s *isel) extend(v *ssa.Value, op mop, from, to Size) {
	in := instr{op: op, size: from, size2: to}
	in.add(regOp(s.vreg(v), rDef), regOp(s.reg(v.Args[0]), rUse))
	s.emit(in)
}

// flagAdd matches i32.add(x, cmp << k) with k = 1..31, clang's form of
// c ? x + 2^k : x: it returns x, the shift and the comparison when the
// shift and the comparison have no other use (in v's block). add selects
// it as the comparison, lea t2, [x+2^k] and cmov, instead of setcc,
// movzx, shl and add. (cmp itself, k = 0, is no shorter so.)
func flagAdd(v *ssa.Value) (x, sh, c *ssa.Value) {
	if v.Op != ssa.OpI32Add {
		return nil, nil, nil
	}
	only := func(a, u *ssa.Value) bool { return a.Uses == 1 && a.Block == u.Block }
	for i, y := range v.Args {
		x := v.Args[1-i]
		if y.Op != ssa.OpI32Shl || !only(y, v) || isLazy(x) {
			continue
		}
		n, ok := constImm(y.Args[1], S32)
		if c := y.Args[0]; ok && n > 0 && n < 32 && isCompare(c.Op) && only(c, y) {
			return x, y, c
		}
	}
	return nil, nil, nil
}

// add uses LEA as a three-operand add (a two-address add with a folded
// load).
func (s *isel) add(v *ssa.Value) {
	a, b := v.Args[0], v.Args[1]
	sz := sizeOf(v.Type)
	if x, sh, c := flagAdd(v); c != nil && s.fold[sh.ID] && s.fold[c.ID] {
		rx := s.reg(x)
		cond := s.flags(c) // lea and mov leave the flags alone
		t, step := s.vreg(v), s.newVReg(regalloc.ClassInt)
		k, _ := constImm(sh.Args[1], S32)
		s.emitOp(mLea, S32, regOp(step, rDef), memOp(vmem{base: rx, index: regalloc.NoReg, disp: int32(uint32(1) << k)}))
		s.emitOp(mMov, S32, regOp(t, rDef), regOp(rx, rUse))
		in := instr{op: mCmov, size: S32, cond: cond}
		in.add(regOp(t, rUseDef), regOp(step, rUse))
		s.emit(in)
		return
	}
	if s.foldedLoad(a) || s.foldedLoad(b) {
		s.binary(v, mAdd)
		return
	}
	if s.leaShape(v) {
		s.emitOp(mLea, sz, regOp(s.vreg(v), rDef), memOp(s.leaMem(v)))
		return
	}
	if _, ok := constImm(a, sz); ok {
		a, b = b, a
	}
	if _, ok := constImm(b, sz); !ok && indexScale(a) != 0 && s.fold[a.ID] {
		a, b = b, a
	}
	t := s.vreg(v)
	ra := s.reg(a)
	m := vmem{base: ra, index: regalloc.NoReg}
	if c, ok := constImm(b, sz); ok {
		m.disp = int32(c)
	} else if indexScale(b) != 0 && s.fold[b.ID] {
		// A shift by 1..3 folds into the index scale.
		m.scale = indexScale(b)
		m.index = s.indexReg(b.Args[0], nil)
	} else {
		m.index = s.reg(b)
	}
	s.emitOp(mLea, sz, regOp(t, rDef), memOp(m))
}

func (s *isel) shift(v *ssa.Value, op mop) {
	sz := sizeOf(v.Type)
	t := s.vreg(v)
	n := v.Args[1]
	if n.Op == ssa.OpConstI32 || n.Op == ssa.OpConstI64 {
		mask := int64(31)
		if sz == S64 {
			mask = 63
		}
		c := n.AuxInt & mask
		if op == mShl && c >= 1 && c <= 3 {
			// lea t, [x*2^c] (x+x for 1): no copy of x when it lives on;
			// the emitter shifts in place when t and x share a register.
			x := s.reg(v.Args[0])
			m := vmem{base: regalloc.NoReg, index: x, scale: 1 << c}
			if c == 1 {
				m = vmem{base: x, index: x, scale: 1}
			}
			s.emitOp(mLea, sz, regOp(t, rDef), memOp(m))
			return
		}
		s.copyInto(t, v.Args[0])
		if c != 0 {
			s.emitOp(op, sz, regOp(t, rUseDef), immOp(c))
		}
		return
	}
	rn := s.reg(n)
	if op == mShl || op == mShr || op == mSar {
		// BMI2 SHLX/SHRX/SARX: no fixed RCX, no copy of the source.
		s.emitOp(op, sz, regOp(t, rDef), regOp(s.reg(v.Args[0]), rUse), regOp(rn, rUse))
		return
	}
	s.copyInto(t, v.Args[0])
	s.emitOp(op, sz, regOp(t, rUseDef), fixedOp(rn, rUse, RCX))
}

// div emits a division with the dividend in RAX and the result in res.
func (s *isel) div(v *ssa.Value, op mop, res Reg) {
	sz := sizeOf(v.Type)
	ra := s.reg(v.Args[0])
	rb := s.reg(v.Args[1])
	if rb == ra {
		// x / x: the divisor needs its own register besides RAX.
		rb = s.newVReg(regalloc.ClassInt)
		s.copyInto(rb, v.Args[1])
	}
	s.emitOp(op, sz, fixedOp(s.vreg(v), rDef, res), fixedOp(ra, rUse, RAX), regOp(rb, rUse))
}

// zextMask reports whether and v keeps the low 8, 16 or (i64) 32 bits of
// a register operand: a movzx, which needs no copy when that operand
// lives on and no 64-bit immediate for 0xffffffff.
func (s *isel) zextMask(v *ssa.Value) (*ssa.Value, Size, bool) {
	x, k := v.Args[0], v.Args[1]
	if k.Op != ssa.OpConstI32 && k.Op != ssa.OpConstI64 {
		x, k = k, x
	}
	if k.Op != ssa.OpConstI32 && k.Op != ssa.OpConstI64 || isLazy(x) || s.foldedLoad(x) {
		return nil, 0, false
	}
	c := uint64(k.AuxInt)
	if v.Op == ssa.OpI32And {
		c = uint64(uint32(c))
	}
	switch {
	case c == 0xff:
		return x, S8, true
	case c == 0xffff:
		return x, S16, true
	case c == 0xffffffff && v.Op == ssa.OpI64And:
		return x, S32, true
	}
	return nil, 0, false
}
