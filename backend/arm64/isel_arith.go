package arm64

import (
	"math/bits"

	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// intOp selects integer arithmetic; it reports whether v was one.
func (s *isel) intOp(v *ssa.Value) bool {
	sz := sizeOf(v.Type)
	switch v.Op {
	case ssa.OpI32Add, ssa.OpI64Add:
		if s.mulAdd(v, mMadd) {
			return true
		}
		s.binary(v, mAdd, false)
	case ssa.OpI32Sub, ssa.OpI64Sub:
		if s.mulAdd(v, mMsub) {
			return true
		}
		s.binary(v, mSub, false)
	case ssa.OpI32And, ssa.OpI64And:
		s.binary(v, mAnd, true)
	case ssa.OpI32Or, ssa.OpI64Or:
		s.binary(v, mOr, true)
	case ssa.OpI32Xor, ssa.OpI64Xor:
		s.binary(v, mXor, true)
	case ssa.OpI32Mul, ssa.OpI64Mul:
		s.mul(v)
	case ssa.OpI32Shl, ssa.OpI64Shl:
		s.shift(v, mLsl)
	case ssa.OpI32ShrS, ssa.OpI64ShrS:
		s.shift(v, mAsr)
	case ssa.OpI32ShrU, ssa.OpI64ShrU:
		s.shift(v, mLsr)
	case ssa.OpI32Rotr, ssa.OpI64Rotr:
		s.shift(v, mRor)
	case ssa.OpI32Rotl, ssa.OpI64Rotl:
		s.rotl(v)
	case ssa.OpI32DivS, ssa.OpI64DivS:
		s.rrr(v, mSDiv)
	case ssa.OpI32DivU, ssa.OpI64DivU:
		s.rrr(v, mUDiv)
	case ssa.OpI32RemS, ssa.OpI64RemS:
		s.rrr(v, mRemS)
	case ssa.OpI32RemU, ssa.OpI64RemU:
		s.rrr(v, mRemU)
	case ssa.OpI32Clz, ssa.OpI64Clz:
		s.rr(v, mClz, sz)
	case ssa.OpI32Ctz, ssa.OpI64Ctz:
		s.rr(v, mCtz, sz)
	case ssa.OpI32Popcnt, ssa.OpI64Popcnt:
		s.rr(v, mPopcnt, sz)
	case ssa.OpI32Extend8S, ssa.OpI64Extend8S:
		s.extend(v, mSxt, S8, sz)
	case ssa.OpI32Extend16S, ssa.OpI64Extend16S:
		s.extend(v, mSxt, S16, sz)
	case ssa.OpI64Extend32S, ssa.OpI64ExtendI32S:
		s.extend(v, mSxt, S32, S64)
	case ssa.OpI64ExtendI32U:
		// i32 registers are already zero-extended: the value is its
		// operand's register (no copy for the address folds to leave dead).
		if s.vregs[v.ID] == regalloc.NoReg {
			s.vregs[v.ID] = s.reg(v.Args[0])
		} else {
			s.copyInto(s.vregs[v.ID], v.Args[0])
		}
	case ssa.OpI32WrapI64:
		s.extend(v, mUxt, S32, S32)
	default:
		return false
	}
	return true
}

// rr emits dst = op a.
func (s *isel) rr(v *ssa.Value, op mop, sz Size) {
	s.emitOp(op, sz, regOp(s.vreg(v), rDef), regOp(s.ireg(v.Args[0]), rUse))
}

// rrr emits dst = a op b on registers.
func (s *isel) rrr(v *ssa.Value, op mop) {
	ra, rb := s.ireg(v.Args[0]), s.ireg(v.Args[1])
	s.emitOp(op, sizeOf(v.Type), regOp(s.vreg(v), rDef), regOp(ra, rUse), regOp(rb, rUse))
}

func (s *isel) extend(v *ssa.Value, op mop, from, to Size) {
	in := instr{op: op, size: from, size2: to}
	in.add(regOp(s.vreg(v), rDef), regOp(s.ireg(v.Args[0]), rUse))
	s.emit(in)
}

// binary emits dst = a op b, with b an immediate, shifted or extended
// register when it folds (commutative ops try both orders).
func (s *isel) binary(v *ssa.Value, op mop, logical bool) {
	a, b := v.Args[0], v.Args[1]
	sz := sizeOf(v.Type)
	if v.Op.Has(ssa.Commutative) {
		_, aConst := intConst(a)
		_, bConst := intConst(b)
		aExt := !logical && (a.Op == ssa.OpI64ExtendI32U || a.Op == ssa.OpI64ExtendI32S)
		switch {
		case bConst:
		case aConst, s.isFoldedShift(a), aExt && !s.isFoldedShift(b):
			a, b = b, a
		}
	}
	src := s.aluSrc(b, sz, logical)
	s.emitOp(op, sz, regOp(s.vreg(v), rDef), regOp(s.firstReg(a, src), rUse), src)
}

// firstReg returns the register of an ALU op's first operand a. Register
// 31 there means SP, not XZR, in the immediate and extended-register
// forms of add and sub (and their compares), so a zero is materialized.
func (s *isel) firstReg(a *ssa.Value, src operand) regalloc.Reg {
	if src.kind == kImm || src.kind == kExt {
		return s.reg(a)
	}
	return s.ireg(a)
}

// mulAdd selects madd (c + x*y) or msub (c - x*y) when v's mul operand
// was folded into it.
func (s *isel) mulAdd(v *ssa.Value, op mop) bool {
	c, m := v.Args[0], v.Args[1]
	if op == mMadd && (m.Op != ssa.OpI32Mul && m.Op != ssa.OpI64Mul || !s.fold[m.ID]) {
		c, m = m, c
	}
	if m.Op != ssa.OpI32Mul && m.Op != ssa.OpI64Mul || !s.fold[m.ID] {
		return false
	}
	rx, ry, rc := s.ireg(m.Args[0]), s.ireg(m.Args[1]), s.ireg(c)
	s.emitOp(op, sizeOf(v.Type), regOp(s.vreg(v), rDef), regOp(rx, rUse), regOp(ry, rUse), regOp(rc, rUse))
	return true
}

// mul uses a shift for a power-of-two constant.
func (s *isel) mul(v *ssa.Value) {
	a, b := v.Args[0], v.Args[1]
	if _, ok := intConst(a); ok {
		a, b = b, a
	}
	sz := sizeOf(v.Type)
	if c, ok := intConst(b); ok {
		if sz == S32 {
			c = int64(uint32(c))
		}
		if c > 0 && c&(c-1) == 0 {
			n := int64(bits.TrailingZeros64(uint64(c)))
			if n == 0 {
				s.copyInto(s.vreg(v), a)
			} else {
				s.emitOp(mLsl, sz, regOp(s.vreg(v), rDef), regOp(s.ireg(a), rUse), immOp(n))
			}
			return
		}
	}
	ra, rb := s.ireg(a), s.ireg(b)
	s.emitOp(mMul, sz, regOp(s.vreg(v), rDef), regOp(ra, rUse), regOp(rb, rUse))
}

// shift emits a shift or rotate right; register counts are taken modulo
// the width by the hardware, as Wasm wants.
func (s *isel) shift(v *ssa.Value, op mop) {
	sz := sizeOf(v.Type)
	t := s.vreg(v)
	if c, ok := intConst(v.Args[1]); ok {
		c &= int64(8*sz.Bytes() - 1)
		if c == 0 {
			s.copyInto(t, v.Args[0])
			return
		}
		s.emitOp(op, sz, regOp(t, rDef), regOp(s.ireg(v.Args[0]), rUse), immOp(c))
		return
	}
	ra, rn := s.ireg(v.Args[0]), s.ireg(v.Args[1])
	s.emitOp(op, sz, regOp(t, rDef), regOp(ra, rUse), regOp(rn, rUse))
}

// rotl is a rotate right by the negated count.
func (s *isel) rotl(v *ssa.Value) {
	sz := sizeOf(v.Type)
	t := s.vreg(v)
	w := int64(8 * sz.Bytes())
	if c, ok := intConst(v.Args[1]); ok {
		c = (w - c&(w-1)) & (w - 1)
		if c == 0 {
			s.copyInto(t, v.Args[0])
			return
		}
		s.emitOp(mRor, sz, regOp(t, rDef), regOp(s.ireg(v.Args[0]), rUse), immOp(c))
		return
	}
	ra := s.ireg(v.Args[0])
	n := s.newVReg(regalloc.ClassInt)
	s.emitOp(mNeg, sz, regOp(n, rDef), regOp(s.ireg(v.Args[1]), rUse))
	s.emitOp(mRor, sz, regOp(t, rDef), regOp(ra, rUse), regOp(n, rUse))
}
