package amd64

import (
	"github.com/wasmc/wasmc/ssa"
)

// floatOp selects float arithmetic; it reports whether v was one.
func (s *isel) floatOp(v *ssa.Value) bool {
	sz := sizeOf(v.Type)
	switch v.Op {
	case ssa.OpF32Add, ssa.OpF64Add:
		s.fbinary(v, mFAdd)
	case ssa.OpF32Sub, ssa.OpF64Sub:
		s.fbinary(v, mFSub)
	case ssa.OpF32Mul, ssa.OpF64Mul:
		s.fbinary(v, mFMul)
	case ssa.OpF32Div, ssa.OpF64Div:
		s.fbinary(v, mFDiv)
	case ssa.OpF32Min, ssa.OpF64Min:
		s.fbinary(v, mFMin)
	case ssa.OpF32Max, ssa.OpF64Max:
		s.fbinary(v, mFMax)
	case ssa.OpF32Copysign, ssa.OpF64Copysign:
		s.fbinary(v, mFCopysgn)
	case ssa.OpF32Sqrt, ssa.OpF64Sqrt:
		s.emitOp(mFSqrt, sz, regOp(s.vreg(v), rDef), regOp(s.reg(v.Args[0]), rUse))
	case ssa.OpF32Abs, ssa.OpF64Abs:
		s.unary(v, mFAbs)
	case ssa.OpF32Neg, ssa.OpF64Neg:
		s.unary(v, mFNeg)
	case ssa.OpF32Ceil, ssa.OpF64Ceil:
		s.round(v, RoundUp)
	case ssa.OpF32Floor, ssa.OpF64Floor:
		s.round(v, RoundDown)
	case ssa.OpF32Trunc, ssa.OpF64Trunc:
		s.round(v, RoundTrunc)
	case ssa.OpF32Nearest, ssa.OpF64Nearest:
		s.round(v, RoundNearest)
	default:
		return false
	}
	return true
}

// fbinary emits t = a; t op= b.
func (s *isel) fbinary(v *ssa.Value, op mop) {
	t := s.vreg(v)
	rb := s.reg(v.Args[1])
	s.copyInto(t, v.Args[0])
	s.emitOp(op, sizeOf(v.Type), regOp(t, rUseDef), regOp(rb, rUse))
}

func (s *isel) round(v *ssa.Value, mode uint8) {
	in := instr{op: mFRound, size: sizeOf(v.Type), imm: int64(mode)}
	in.add(regOp(s.vreg(v), rDef), regOp(s.reg(v.Args[0]), rUse))
	s.emit(in)
}

// convOp selects conversions and reinterpretations.
func (s *isel) convOp(v *ssa.Value) bool {
	var op mop
	switch v.Op {
	case ssa.OpI32TruncF32S, ssa.OpI32TruncF64S, ssa.OpI64TruncF32S, ssa.OpI64TruncF64S:
		op = mCvtF2SI
	case ssa.OpI32TruncF32U, ssa.OpI32TruncF64U, ssa.OpI64TruncF32U, ssa.OpI64TruncF64U:
		op = mCvtF2UI
	case ssa.OpI32TruncSatF32S, ssa.OpI32TruncSatF64S, ssa.OpI64TruncSatF32S, ssa.OpI64TruncSatF64S:
		op = mCvtF2SIS
	case ssa.OpI32TruncSatF32U, ssa.OpI32TruncSatF64U, ssa.OpI64TruncSatF32U, ssa.OpI64TruncSatF64U:
		op = mCvtF2UIS
	case ssa.OpF32ConvertI32S, ssa.OpF32ConvertI64S, ssa.OpF64ConvertI32S, ssa.OpF64ConvertI64S:
		op = mCvtSI2F
	case ssa.OpF32ConvertI32U, ssa.OpF32ConvertI64U, ssa.OpF64ConvertI32U, ssa.OpF64ConvertI64U:
		op = mCvtUI2F
	case ssa.OpF32DemoteF64, ssa.OpF64PromoteF32:
		op = mFCvt
	case ssa.OpI32ReinterpretF32, ssa.OpI64ReinterpretF64:
		op = mMovFromX
	case ssa.OpF32ReinterpretI32, ssa.OpF64ReinterpretI64:
		op = mMovToX
	default:
		return false
	}
	in := instr{op: op, size: sizeOf(v.Type), size2: sizeOf(v.Args[0].Type)}
	in.add(regOp(s.vreg(v), rDef), regOp(s.reg(v.Args[0]), rUse))
	s.emit(in)
	return true
}
