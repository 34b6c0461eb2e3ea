package arm64

import "math"

var (
	fArith2 = map[mop]FOp2{mFAdd: FADD, mFSub: FSUB, mFMul: FMUL, mFDiv: FDIV, mFMin: FMIN, mFMax: FMAX}
	fArith1 = map[mop]FOp1{mFSqrt: FSQRT, mFAbs: FABS, mFNeg: FNEG}
	fRound  = [...]FOp1{roundUp: FRINTP, roundDown: FRINTM, roundTrunc: FRINTZ, roundNearest: FRINTN}
)

// floatInstr emits the float instructions; it reports whether in was one.
func (e *emitter) floatInstr(in *instr) bool {
	a := e.a
	switch in.op {
	case mFMov:
		if in.r(0) != in.r(1) {
			a.Fmov(S64, in.r(0), in.r(1))
		}
	case mFConst:
		e.fconst(in.size, in.r(0), uint64(in.args[1].imm))
	case mFAdd, mFSub, mFMul, mFDiv, mFMin, mFMax:
		a.Fp2(fArith2[in.op], in.size, in.r(0), in.r(1), in.r(2))
	case mFSqrt, mFAbs, mFNeg:
		a.Fp1(fArith1[in.op], in.size, in.r(0), in.r(1))
	case mFRound:
		if in.imm < 0 || int(in.imm) >= len(fRound) {
			a.fail("bad rounding mode %d", in.imm)
			return true
		}
		a.Fp1(fRound[in.imm], in.size, in.r(0), in.r(1))
	case mFCopysign:
		// Insert a's magnitude bits under b's sign bit (bfxil).
		w := uint8(8 * in.size.Bytes())
		a.Fmov(in.size, ScratchGPR, in.r(1))
		a.Fmov(in.size, ScratchGPR2, in.r(2))
		a.Bfm(in.size, ScratchGPR2, ScratchGPR, 0, w-2)
		a.Fmov(in.size, in.r(0), ScratchGPR2)
	case mFCmp:
		a.Fcmp(in.size, in.r(0), in.r(1))
	case mFCsel:
		a.Fcsel(in.size, in.r(0), in.r(1), in.r(2), in.cond)
	case mFCvt:
		a.Fcvt(in.size, in.size2, in.r(0), in.r(1))
	case mSCvtF:
		a.Scvtf(in.size, in.size2, in.r(0), in.r(1))
	case mUCvtF:
		a.Ucvtf(in.size, in.size2, in.r(0), in.r(1))
	case mFCvtZS:
		a.Fcvtzs(in.size, in.size2, in.r(0), in.r(1))
	case mFCvtZU:
		a.Fcvtzu(in.size, in.size2, in.r(0), in.r(1))
	case mMovToF, mMovToGP:
		a.Fmov(in.size, in.r(0), in.r(1))
	default:
		return false
	}
	return true
}

// fconst loads float bits into d: fmov from XZR for +0, an FMOV
// immediate when the value has one, else through X16.
func (e *emitter) fconst(sz Size, d Reg, bits uint64) {
	a := e.a
	var v float64
	if sz == S32 {
		bits = uint64(uint32(bits))
		v = float64(math.Float32frombits(uint32(bits)))
	} else {
		v = math.Float64frombits(bits)
	}
	switch {
	case bits == 0:
		a.Fmov(sz, d, XZR)
	case v == v && FPImmOK(sz, v): // NaNs keep their payload through X16
		a.FmovImm(sz, d, v)
	default:
		a.MovImm(sz, ScratchGPR, bits)
		a.Fmov(sz, d, ScratchGPR)
	}
}
