package arm64

import "math"

// ftype is the FP type field: single (S32) 00, double (S64) 01.
func (a *Asm) ftype(sz Size) (uint32, bool) {
	switch sz {
	case S32:
		return 0, true
	case S64:
		return 1, true
	}
	a.fail("bad FP size %d", sz)
	return 0, false
}

// FOp2 is a two-operand FP arithmetic op, as encoded in bits 12-15.
type FOp2 uint8

const (
	FMUL   FOp2 = 0
	FDIV   FOp2 = 1
	FADD   FOp2 = 2
	FSUB   FOp2 = 3
	FMAX   FOp2 = 4 // NaN if either is NaN; max(-0, +0) = +0
	FMIN   FOp2 = 5 // NaN if either is NaN; min(-0, +0) = -0
	FMAXNM FOp2 = 6
	FMINNM FOp2 = 7
)

// FOp1 is a one-operand FP op, as encoded in bits 15-20.
type FOp1 uint8

const (
	FMOV   FOp1 = 0
	FABS   FOp1 = 1
	FNEG   FOp1 = 2
	FSQRT  FOp1 = 3
	FRINTN FOp1 = 8  // to nearest, ties to even
	FRINTP FOp1 = 9  // toward +inf (ceil)
	FRINTM FOp1 = 10 // toward -inf (floor)
	FRINTZ FOp1 = 11 // toward zero (trunc)
)

// Fp2 emits vd = vn op vm.
func (a *Asm) Fp2(op FOp2, sz Size, vd, vn, vm Reg) {
	if op > FMINNM {
		a.fail("bad FP op %d", op)
		return
	}
	a.fpRRR(0x1E200800|uint32(op)<<12, sz, vd, vn, vm)
}

func (a *Asm) fpRRR(op uint32, sz Size, vd, vn, vm Reg) {
	ty, ok := a.ftype(sz)
	d, ok1 := a.fpr(vd)
	n, ok2 := a.fpr(vn)
	m, ok3 := a.fpr(vm)
	if ok && ok1 && ok2 && ok3 {
		a.Word(op | ty<<22 | m<<16 | n<<5 | d)
	}
}

// Fp1 emits vd = op(vn).
func (a *Asm) Fp1(op FOp1, sz Size, vd, vn Reg) {
	switch op {
	case FMOV, FABS, FNEG, FSQRT, FRINTN, FRINTP, FRINTM, FRINTZ:
	default:
		a.fail("bad FP op %d", op)
		return
	}
	a.fpRR(0x1E204000|uint32(op)<<15, sz, vd, vn)
}

func (a *Asm) fpRR(op uint32, sz Size, vd, vn Reg) {
	ty, ok := a.ftype(sz)
	d, ok1 := a.fpr(vd)
	n, ok2 := a.fpr(vn)
	if ok && ok1 && ok2 {
		a.Word(op | ty<<22 | n<<5 | d)
	}
}

// Fcvt converts vn of size from to vd of size to (S32 <-> S64).
func (a *Asm) Fcvt(to, from Size, vd, vn Reg) {
	if to == from {
		a.fail("fcvt between equal sizes")
		return
	}
	opc := uint32(4) // to single
	if to == S64 {
		opc = 5
	}
	a.fpRR(0x1E204000|opc<<15, from, vd, vn)
}

// Fcmp compares vn with vm (unordered sets C and V: use CondMI/CondLS and
// friends that treat NaN as false, or CondVS for "is NaN").
func (a *Asm) Fcmp(sz Size, vn, vm Reg) { a.fpRRR(0x1E202000, sz, V0, vn, vm) }

// FcmpZero compares vn with +0.0.
func (a *Asm) FcmpZero(sz Size, vn Reg) { a.fpRRR(0x1E202008, sz, V0, vn, V0) }

// Fcsel emits vd = c ? vn : vm.
func (a *Asm) Fcsel(sz Size, vd, vn, vm Reg, c Cond) {
	a.fpRRR(0x1E200C00|uint32(c&15)<<12, sz, vd, vn, vm)
}

// Fmov copies between registers of size sz: FP to FP, general to FP or FP
// to general (S32 pairs W with S, S64 pairs X with D; XZR as the source
// gives +0.0).
func (a *Asm) Fmov(sz Size, dst, src Reg) {
	switch {
	case dst.IsFP() && src.IsFP():
		a.Fp1(FMOV, sz, dst, src)
	case dst.IsFP():
		a.cvtInt(0, 7, sz, sz, src, dst, false)
	case src.IsFP():
		a.cvtInt(0, 6, sz, sz, dst, src, true)
	default:
		a.fail("fmov between general registers %v, %v", dst, src)
	}
}

// cvtInt encodes the FP<->integer conversion group: isz selects W or X,
// fsz S or D; toInt says the general register is the destination.
func (a *Asm) cvtInt(rmode, opcode uint32, isz, fsz Size, r, v Reg, toInt bool) {
	if !a.intSize(isz) {
		return
	}
	ty, ok := a.ftype(fsz)
	f, ok1 := a.fpr(v)
	g, ok2 := a.gpr(r, zrOK)
	if !ok || !ok1 || !ok2 {
		return
	}
	w := 0x1E200000 | isz.sf()<<31 | ty<<22 | rmode<<19 | opcode<<16
	if toInt {
		a.Word(w | f<<5 | g)
	} else {
		a.Word(w | g<<5 | f)
	}
}

// Scvtf converts the signed isz-bit rn to the fsz float vd.
func (a *Asm) Scvtf(fsz, isz Size, vd, rn Reg) { a.cvtInt(0, 2, isz, fsz, rn, vd, false) }

// Ucvtf converts the unsigned isz-bit rn to the fsz float vd.
func (a *Asm) Ucvtf(fsz, isz Size, vd, rn Reg) { a.cvtInt(0, 3, isz, fsz, rn, vd, false) }

// Fcvtzs converts the fsz float vn to a signed isz-bit rd, rounding toward
// zero and saturating (NaN gives 0).
func (a *Asm) Fcvtzs(isz, fsz Size, rd, vn Reg) { a.cvtInt(3, 0, isz, fsz, rd, vn, true) }

// Fcvtzu is Fcvtzs for an unsigned result.
func (a *Asm) Fcvtzu(isz, fsz Size, rd, vn Reg) { a.cvtInt(3, 1, isz, fsz, rd, vn, true) }

// FPImmOK reports whether v is an FMOV immediate of size sz: ±(16..31)/16
// × 2^(-3..4), exactly representable.
func FPImmOK(sz Size, v float64) bool {
	_, ok := fpImm8(sz, v)
	return ok
}

func fpImm8(sz Size, v float64) (uint32, bool) {
	if sz == S32 && float64(float32(v)) != v {
		return 0, false
	}
	b := math.Float64bits(v)
	if b&(1<<48-1) != 0 {
		return 0, false
	}
	exp := b >> 52 & 0x7FF
	// exp = NOT(b6):b6 x8:cd, i.e. 0x3FC..0x403.
	if exp < 0x3FC || exp > 0x403 {
		return 0, false
	}
	imm := uint32(b>>63)<<7 | uint32(exp>>8&1)<<6 | uint32(exp&3)<<4 | uint32(b>>48&15)
	return imm, true
}

// FmovImm loads an FMOV immediate (see FPImmOK) into vd.
func (a *Asm) FmovImm(sz Size, vd Reg, v float64) {
	imm, ok := fpImm8(sz, v)
	if !ok {
		a.fail("%v is not an FP immediate", v)
		return
	}
	ty, ok := a.ftype(sz)
	d, ok1 := a.fpr(vd)
	if ok && ok1 {
		a.Word(0x1E201000 | ty<<22 | imm<<13 | d)
	}
}
