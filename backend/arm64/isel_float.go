package arm64

import (
	"github.com/wasmc/wasmc/ssa"
)

// floatOp selects float arithmetic; it reports whether v was one. A64's
// fmin/fmax already follow Wasm (NaN in, NaN out; -0 < +0) and frintn
// rounds ties to even, so each op is one instruction.
func (s *isel) floatOp(v *ssa.Value) bool {
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
		s.fbinary(v, mFCopysign)
	case ssa.OpF32Sqrt, ssa.OpF64Sqrt:
		s.funary(v, mFSqrt, 0)
	case ssa.OpF32Abs, ssa.OpF64Abs:
		s.funary(v, mFAbs, 0)
	case ssa.OpF32Neg, ssa.OpF64Neg:
		s.funary(v, mFNeg, 0)
	case ssa.OpF32Ceil, ssa.OpF64Ceil:
		s.funary(v, mFRound, roundUp)
	case ssa.OpF32Floor, ssa.OpF64Floor:
		s.funary(v, mFRound, roundDown)
	case ssa.OpF32Trunc, ssa.OpF64Trunc:
		s.funary(v, mFRound, roundTrunc)
	case ssa.OpF32Nearest, ssa.OpF64Nearest:
		s.funary(v, mFRound, roundNearest)
	default:
		return false
	}
	return true
}

// fbinary emits dst = a op b.
func (s *isel) fbinary(v *ssa.Value, op mop) {
	ra, rb := s.reg(v.Args[0]), s.reg(v.Args[1])
	s.emitOp(op, sizeOf(v.Type), regOp(s.vreg(v), rDef), regOp(ra, rUse), regOp(rb, rUse))
}

// funary emits dst = op a.
func (s *isel) funary(v *ssa.Value, op mop, imm int64) {
	in := instr{op: op, size: sizeOf(v.Type), imm: imm}
	in.add(regOp(s.vreg(v), rDef), regOp(s.reg(v.Args[0]), rUse))
	s.emit(in)
}

// convOp selects conversions and reinterpretations. fcvtzs/fcvtzu
// saturate and give 0 for NaN, which is exactly trunc_sat; the trapping
// truncations only see inputs the frontend has range-checked, and
// ucvtf converts unsigned operands directly.
func (s *isel) convOp(v *ssa.Value) bool {
	var op mop
	switch v.Op {
	case ssa.OpI32TruncF32S, ssa.OpI32TruncF64S, ssa.OpI64TruncF32S, ssa.OpI64TruncF64S,
		ssa.OpI32TruncSatF32S, ssa.OpI32TruncSatF64S, ssa.OpI64TruncSatF32S, ssa.OpI64TruncSatF64S:
		op = mFCvtZS
	case ssa.OpI32TruncF32U, ssa.OpI32TruncF64U, ssa.OpI64TruncF32U, ssa.OpI64TruncF64U,
		ssa.OpI32TruncSatF32U, ssa.OpI32TruncSatF64U, ssa.OpI64TruncSatF32U, ssa.OpI64TruncSatF64U:
		op = mFCvtZU
	case ssa.OpF32ConvertI32S, ssa.OpF32ConvertI64S, ssa.OpF64ConvertI32S, ssa.OpF64ConvertI64S:
		op = mSCvtF
	case ssa.OpF32ConvertI32U, ssa.OpF32ConvertI64U, ssa.OpF64ConvertI32U, ssa.OpF64ConvertI64U:
		op = mUCvtF
	case ssa.OpF32DemoteF64, ssa.OpF64PromoteF32:
		op = mFCvt
	case ssa.OpI32ReinterpretF32, ssa.OpI64ReinterpretF64:
		op = mMovToGP
	case ssa.OpF32ReinterpretI32, ssa.OpF64ReinterpretI64:
		op = mMovToF
	default:
		return false
	}
	var src = s.reg(v.Args[0])
	if !v.Args[0].Type.IsFloat() {
		src = s.ireg(v.Args[0])
	}
	in := instr{op: op, size: sizeOf(v.Type), size2: sizeOf(v.Args[0].Type)}
	in.add(regOp(s.vreg(v), rDef), regOp(src, rUse))
	s.emit(in)
	return true
}
