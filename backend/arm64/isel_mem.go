package arm64

import (
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// address returns the memory operand for a load or store of addr + off.
// The emitter turns it into one addressing mode, or adds the index or the
// displacement into X16 first when A64 has no mode for the combination.
func (s *isel) address(addr *ssa.Value, off int64) vmem {
	if addr.Op == ssa.OpVMCtx {
		return realMem(VMCtxReg, off)
	}
	if !s.fold[addr.ID] {
		return vmem{base: s.reg(addr), index: regalloc.NoReg, disp: off}
	}
	x, y := addr.Args[0], addr.Args[1]
	if _, ok := intConst(x); ok {
		x, y = y, x
	}
	if c, ok := intConst(y); ok && c+off >= -1<<31 && c+off < 1<<32 {
		return vmem{base: s.base(x), index: regalloc.NoReg, disp: off + c}
	}
	// Put the scaled or extended operand in the index position.
	if s.isFoldedShift(x) || isExtend(x) && !s.isFoldedShift(y) {
		x, y = y, x
	}
	m := vmem{base: s.base(x), disp: off}
	if _, n, ok := shiftKindOf(y); ok && s.fold[y.ID] {
		m.shift = uint8(n)
		y = y.Args[0]
	}
	switch y.Op {
	case ssa.OpI64ExtendI32U:
		m.index, m.ext = s.reg(y.Args[0]), extUXTW
	case ssa.OpI64ExtendI32S:
		m.index, m.ext = s.reg(y.Args[0]), extSXTW
	default:
		m.index, m.ext = s.reg(y), extLSL
	}
	return m
}

func isExtend(v *ssa.Value) bool {
	return v.Op == ssa.OpI64ExtendI32U || v.Op == ssa.OpI64ExtendI32S
}

// base returns the register of an address's base: X20 for vmctx.
func (s *isel) base(v *ssa.Value) regalloc.Reg {
	if v.Op == ssa.OpVMCtx {
		return regalloc.Reg(VMCtxReg)
	}
	return s.ireg(v)
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
	op, r := mStore, regalloc.Reg(XZR)
	switch {
	case isZero(x):
	case x.Type.IsFloat():
		op, r = mFStore, s.reg(x)
	default:
		r = s.reg(x)
	}
	m := s.address(v.Args[0], v.AuxInt)
	s.emitOp(op, sz, memOp(m), regOp(r, rUse))
}
