package amd64

import (
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// address returns the memory operand for a load or store of addr + off.
func (s *isel) address(addr *ssa.Value, off int64) vmem {
	if addr.Op == ssa.OpVMCtx && fitsInt32(off) {
		return realMem(VMCtxReg, int32(off))
	}
	if !s.fold[addr.ID] {
		return s.baseDisp(s.reg(addr), off)
	}
	x, y := addr.Args[0], addr.Args[1]
	if _, ok := constImm(x, S64); ok {
		x, y = y, x
	}
	if c, ok := constImm(y, S64); ok && fitsInt32(off+c) {
		if r, ok := fixedReg(x); ok {
			return vmem{base: r, index: regalloc.NoReg, disp: int32(off + c)}
		}
		return s.baseDisp(s.indexReg(x, nil), off+c)
	}
	scale := uint8(1)
	// Put the scaled or extended operand in the index position.
	if s.fold[x.ID] && x.Block == addr.Block {
		x, y = y, x
	}
	base, fixed := fixedReg(x)
	if !fixed {
		base = s.indexReg(x, nil)
	}
	index := s.indexReg(y, &scale)
	m := vmem{base: base, index: index, scale: scale}
	if fitsInt32(off) {
		m.disp = int32(off)
		return m
	}
	t := s.newVReg(regalloc.ClassInt)
	s.emitOp(mLea, S64, regOp(t, rDef), memOp(m))
	return s.baseDisp(t, off)
}

// indexReg returns a register holding v for an address: the operand of a
// folded i64.extend_i32_u (already zero-extended) or i64.shl (setting
// *scale), or v itself.
func (s *isel) indexReg(v *ssa.Value, scale *uint8) regalloc.Reg {
	if s.fold[v.ID] {
		switch {
		case v.Op == ssa.OpI64ExtendI32U:
			return s.reg(v.Args[0])
		case v.Op == ssa.OpI64Shl && scale != nil:
			*scale = shiftScale(v)
			return s.indexReg(v.Args[0], nil)
		}
	}
	return s.reg(v)
}

// baseDisp returns [r+off], adding off first when it does not fit.
func (s *isel) baseDisp(r regalloc.Reg, off int64) vmem {
	if fitsInt32(off) {
		return vmem{base: r, index: regalloc.NoReg, disp: int32(off)}
	}
	c := s.newVReg(regalloc.ClassInt)
	s.emitOp(mMovImm, S64, regOp(c, rDef), immOp(off))
	return vmem{base: r, index: c, scale: 1}
}

var loadKinds = map[ssa.Op]struct {
	op         mop
	size, into Size
}{
	ssa.OpI32Load: {mLoad, S32, S32}, ssa.OpI64Load: {mLoad, S64, S64},
	ssa.OpF32Load: {mFLoad, S32, S32}, ssa.OpF64Load: {mFLoad, S64, S64},
	ssa.OpI32Load8S: {mLoadS, S8, S32}, ssa.OpI32Load8U: {mLoad, S8, S32},
	ssa.OpI32Load16S: {mLoadS, S16, S32}, ssa.OpI32Load16U: {mLoad, S16, S32},
	ssa.OpI64Load8S: {mLoadS, S8, S64}, ssa.OpI64Load8U: {mLoad, S8, S64},
	ssa.OpI64Load16S: {mLoadS, S16, S64}, ssa.OpI64Load16U: {mLoad, S16, S64},
	ssa.OpI64Load32S: {mLoadS, S32, S64}, ssa.OpI64Load32U: {mLoad, S32, S64},
}

func (s *isel) load(v *ssa.Value) {
	k, ok := loadKinds[v.Op]
	if !ok || len(v.Args) != 1 {
		s.fail("malformed load %v", v.LongString())
		return
	}
	m := s.address(v.Args[0], v.AuxInt)
	in := instr{op: k.op, size: k.size, size2: k.into}
	in.add(regOp(s.vreg(v), rDef), memOp(m))
	s.emit(in)
}

func (s *isel) store(v *ssa.Value) {
	if len(v.Args) != 2 {
		s.fail("malformed store %v", v.LongString())
		return
	}
	x := v.Args[1]
	var sz Size
	switch v.Op.AccessSize() {
	case 1:
		sz = S8
	case 2:
		sz = S16
	case 4:
		sz = S32
	default:
		sz = S64
	}
	if op, y, ok := s.rmw(v); ok {
		src := s.src(y, sz)
		s.emitOp(op, sz, memOp(s.address(v.Args[0], v.AuxInt)), src)
		return
	}
	var src operand
	op := mStore
	switch {
	case x.Type.IsFloat() && (x.Op == ssa.OpConstF32 || x.Op == ssa.OpConstF64):
		bits := x.AuxInt
		if sz == S32 {
			bits = int64(int32(uint32(bits)))
		}
		if fitsInt32(bits) {
			src = immOp(bits)
		} else {
			op, src = mFStore, regOp(s.reg(x), rUse)
		}
	case x.Type.IsFloat():
		op, src = mFStore, regOp(s.reg(x), rUse)
	default:
		if (x.Op == ssa.OpConstI32 || x.Op == ssa.OpConstI64) && sz <= S32 {
			src = immOp(int64(int32(x.AuxInt))) // only the low bytes are stored
		} else {
			src = s.src(x, sz)
		}
	}
	m := s.address(v.Args[0], v.AuxInt)
	s.emitOp(op, sz, memOp(m), src)
}
