package amd64

import (
	"math"

	"github.com/wasmc/wasmc/runtime/abi"
)

// pick returns the f32 form for S32 and the f64 form otherwise.
func pick[T any](s Size, f32, f64 T) T {
	if s == S32 {
		return f32
	}
	return f64
}

func trapCode(v int64) abi.TrapCode {
	if v <= 0 || v > math.MaxUint32 {
		return abi.TrapUnknown
	}
	return abi.TrapCode(v)
}

// Bit patterns of the float constants the sequences need.
const (
	f32SignMask = 0x80000000
	f64SignMask = -0x8000000000000000
	f32Two63    = 0x5F000000         // 2^63 as f32
	f64Two63    = 0x43E0000000000000 // 2^63 as f64
)

// scratchConst loads float bits into X15 through R11.
func (e *emitter) scratchConst(s Size, bits int64) {
	e.a.MovRI(S64, ScratchGPR, bits)
	e.a.MovqToX(s, ScratchXMM, ScratchGPR)
}

var fArith = map[mop][2]SSEOp{
	mFAdd: {ADDSS, ADDSD}, mFSub: {SUBSS, SUBSD}, mFMul: {MULSS, MULSD},
	mFDiv: {DIVSS, DIVSD}, mFSqrt: {SQRTSS, SQRTSD},
}

// floatInstr emits the float instructions; it reports whether in was one.
func (e *emitter) floatInstr(in *instr) bool {
	a := e.a
	switch in.op {
	case mFMov:
		if in.r(0) != in.r(1) {
			a.Movaps(in.r(0), in.r(1))
		}
	case mFConst:
		if in.args[1].imm == 0 {
			a.SSE(XORPS, in.r(0), in.r(0))
		} else {
			a.MovRI(S64, ScratchGPR, in.args[1].imm)
			a.MovqToX(in.size, in.r(0), ScratchGPR)
		}
	case mFLoad:
		a.SSEM(pick(in.size, MOVSS, MOVSD), in.r(0), in.m(1))
	case mFStore:
		a.SSEStore(pick(in.size, MOVSS, MOVSD), in.m(0), in.r(1))
	case mFAdd, mFSub, mFMul, mFDiv, mFSqrt:
		ops := fArith[in.op]
		a.SSE(pick(in.size, ops[0], ops[1]), in.r(0), in.r(1))
	case mFMin, mFMax:
		e.minMax(in)
	case mFRound:
		if in.size == S32 {
			a.Roundss(in.r(0), in.r(1), uint8(in.imm))
		} else {
			a.Roundsd(in.r(0), in.r(1), uint8(in.imm))
		}
	case mFAbs:
		e.scratchConst(in.size, pick[int64](in.size, f32SignMask-1, math.MaxInt64))
		a.SSE(ANDPS, in.r(0), ScratchXMM)
	case mFNeg:
		e.scratchConst(in.size, pick[int64](in.size, f32SignMask, f64SignMask))
		a.SSE(XORPS, in.r(0), ScratchXMM)
	case mFCopysgn:
		d, s := in.r(0), in.r(1)
		e.scratchConst(in.size, pick[int64](in.size, f32SignMask-1, math.MaxInt64))
		a.SSE(ANDPS, d, ScratchXMM)
		a.MovqFromX(in.size, ScratchGPR, s)
		if in.size == S32 {
			a.AluI(AND, S32, ScratchGPR, math.MinInt32)
		} else {
			a.ShiftI(SHR, S64, ScratchGPR, 63)
			a.ShiftI(SHL, S64, ScratchGPR, 63)
		}
		a.MovqToX(in.size, ScratchXMM, ScratchGPR)
		a.SSE(ORPS, d, ScratchXMM)
	case mFSelect:
		skip := a.NewLabel()
		e.jumpIf(in.cond.invert(), skip)
		a.Movaps(in.r(0), in.r(1))
		a.Bind(skip)
	case mFCvt:
		if in.size == S64 {
			a.Cvtss2sd(in.r(0), in.r(1))
		} else {
			a.Cvtsd2ss(in.r(0), in.r(1))
		}
	case mCvtSI2F:
		a.SSE(XORPS, in.r(0), in.r(0)) // break the dependency on dst
		e.cvtsi2f(in.size, in.size2, in.r(0), in.r(1))
	case mCvtUI2F:
		e.cvtUnsigned(in)
	case mCvtF2SI:
		e.cvtt(in.size2, in.size, in.r(0), in.r(1))
	case mCvtF2UI:
		e.truncUnsigned(in, false)
	case mCvtF2SIS:
		e.truncSatSigned(in)
	case mCvtF2UIS:
		e.truncUnsigned(in, true)
	case mMovToX:
		a.MovqToX(in.size, in.r(0), in.r(1))
	case mMovFromX:
		a.MovqFromX(in.size, in.r(0), in.r(1))
	default:
		return false
	}
	return true
}

// cvtsi2f converts signed integer src (size is) to float dst (size fs).
func (e *emitter) cvtsi2f(fs, is Size, dst, src Reg) {
	if fs == S32 {
		e.a.Cvtsi2ss(is, dst, src)
	} else {
		e.a.Cvtsi2sd(is, dst, src)
	}
}

// cvtt truncates float src (size fs) to a signed integer dst of size is.
func (e *emitter) cvtt(fs, is Size, dst, src Reg) {
	if fs == S32 {
		e.a.Cvttss2si(is, dst, src)
	} else {
		e.a.Cvttsd2si(is, dst, src)
	}
}

// minMax implements Wasm min/max: NaN if either operand is NaN, and
// -0 < +0, which MINSS/MAXSS alone get wrong.
func (e *emitter) minMax(in *instr) {
	a, d, s := e.a, in.r(0), in.r(1)
	nan, ordered, done := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.SSE(pick(in.size, UCOMISS, UCOMISD), d, s)
	a.Jcc(CondP, nan)
	a.Jcc(CondNE, ordered)
	// Equal: only the signs of zeros can differ.
	if in.op == mFMin {
		a.SSE(ORPS, d, s)
	} else {
		a.SSE(ANDPS, d, s)
	}
	a.Jmp(done)
	a.Bind(nan)
	a.SSE(pick(in.size, ADDSS, ADDSD), d, s) // a NaN operand gives a NaN
	a.Jmp(done)
	a.Bind(ordered)
	if in.op == mFMin {
		a.SSE(pick(in.size, MINSS, MINSD), d, s)
	} else {
		a.SSE(pick(in.size, MAXSS, MAXSD), d, s)
	}
	a.Bind(done)
}

// cvtUnsigned converts an unsigned integer to a float. u32 widens to a
// non-negative i64; u64 with the top bit set is halved (keeping the low
// bit sticky for correct rounding), converted, and doubled.
func (e *emitter) cvtUnsigned(in *instr) {
	a, d, s := e.a, in.r(0), in.r(1)
	a.SSE(XORPS, d, d)
	if in.size2 == S32 {
		a.Mov(S32, ScratchGPR, s)
		e.cvtsi2f(in.size, S64, d, ScratchGPR)
		return
	}
	big, done, even := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Test(S64, s, s)
	a.Jcc(CondS, big)
	e.cvtsi2f(in.size, S64, d, s)
	a.Jmp(done)
	a.Bind(big)
	a.Mov(S64, ScratchGPR, s)
	a.ShiftI(SHR, S64, ScratchGPR, 1)
	a.Jcc(CondAE, even) // CF is the bit shifted out
	a.AluI(OR, S64, ScratchGPR, 1)
	a.Bind(even)
	e.cvtsi2f(in.size, S64, d, ScratchGPR)
	a.SSE(pick(in.size, ADDSS, ADDSD), d, d)
	a.Bind(done)
}

// truncSatSigned is the saturating signed truncation: CVTT gives the
// "integer indefinite" MIN on NaN and overflow, which is then fixed up.
func (e *emitter) truncSatSigned(in *instr) {
	a, d, s := e.a, in.r(0), in.r(1)
	fs, is := in.size2, in.size
	done, nan := a.NewLabel(), a.NewLabel()
	e.cvtt(fs, is, d, s)
	if is == S32 {
		a.AluI(CMP, S32, d, math.MinInt32)
	} else {
		a.MovRI(S64, ScratchGPR, math.MinInt64)
		a.Alu(CMP, S64, d, ScratchGPR)
	}
	a.Jcc(CondNE, done)
	ucomis := pick(fs, UCOMISS, UCOMISD)
	a.SSE(ucomis, s, s)
	a.Jcc(CondP, nan)
	a.SSE(XORPS, ScratchXMM, ScratchXMM)
	a.SSE(ucomis, s, ScratchXMM)
	a.Jcc(CondB, done) // negative overflow: MIN is right
	a.MovRI(is, d, pick[int64](is, math.MaxInt32, math.MaxInt64))
	a.Jmp(done)
	a.Bind(nan)
	a.Alu(XOR, S32, d, d)
	a.Bind(done)
}

// truncUnsigned truncates to an unsigned integer. Without sat the
// frontend has range-checked the input. u32 goes through a 64-bit CVTT;
// u64 inputs >= 2^63 are converted as -(trunc(2^63 - x)) with the top bit
// then flipped.
func (e *emitter) truncUnsigned(in *instr, sat bool) {
	a, d, s := e.a, in.r(0), in.r(1)
	fs := in.size2
	done := a.NewLabel()
	ucomis := pick(fs, UCOMISS, UCOMISD)
	if in.size == S32 {
		e.cvtt(fs, S64, d, s)
		if !sat {
			return
		}
		special, big := a.NewLabel(), a.NewLabel()
		a.Test(S64, d, d)
		a.Jcc(CondS, special) // negative, NaN or >= 2^63
		a.MovRI(S64, ScratchGPR, math.MaxUint32)
		a.Alu(CMP, S64, d, ScratchGPR)
		a.Jcc(CondBE, done)
		a.Jmp(big)
		a.Bind(special)
		a.SSE(XORPS, ScratchXMM, ScratchXMM)
		a.SSE(ucomis, s, ScratchXMM)
		a.Jcc(CondA, big) // huge positive; NaN and negatives fall through
		a.Alu(XOR, S32, d, d)
		a.Jmp(done)
		a.Bind(big)
		a.MovRI(S32, d, math.MaxUint32)
		a.Bind(done)
		return
	}
	big := a.NewLabel()
	e.scratchConst(fs, pick[int64](fs, f32Two63, f64Two63))
	a.SSE(ucomis, s, ScratchXMM)
	a.Jcc(CondAE, big) // NaN (CF=1) stays on the small path
	e.cvtt(fs, S64, d, s)
	if sat {
		a.Test(S64, d, d)
		a.Jcc(CondNS, done)
		a.Alu(XOR, S32, d, d) // NaN or negative
	}
	a.Jmp(done)
	a.Bind(big)
	a.SSE(pick(fs, SUBSS, SUBSD), ScratchXMM, s) // 2^63 - x, exact
	e.cvtt(fs, S64, d, ScratchXMM)
	a.Neg(S64, d)
	if sat {
		// x >= 2^64 made the conversion give MIN, which NEG overflows.
		sat := a.NewLabel()
		a.Jcc(CondO, sat)
		a.MovRI(S64, ScratchGPR, math.MinInt64)
		a.Alu(XOR, S64, d, ScratchGPR)
		a.Jmp(done)
		a.Bind(sat)
		a.MovRI(S64, d, -1)
	} else {
		a.MovRI(S64, ScratchGPR, math.MinInt64)
		a.Alu(XOR, S64, d, ScratchGPR)
	}
	a.Bind(done)
}
