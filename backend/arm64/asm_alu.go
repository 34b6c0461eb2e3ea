package arm64

// Madd emits rd = ra + rn*rm.
func (a *Asm) Madd(sz Size, rd, rn, rm, ra Reg) { a.mulAdd(0x1B000000, sz, rd, rn, rm, ra) }

// Msub emits rd = ra - rn*rm.
func (a *Asm) Msub(sz Size, rd, rn, rm, ra Reg) { a.mulAdd(0x1B008000, sz, rd, rn, rm, ra) }

// Mul emits rd = rn*rm.
func (a *Asm) Mul(sz Size, rd, rn, rm Reg) { a.Madd(sz, rd, rn, rm, XZR) }

// Smulh and Umulh emit the high 64 bits of the 128-bit product.
func (a *Asm) Smulh(rd, rn, rm Reg) { a.mulAdd(0x9B400000, S64, rd, rn, rm, XZR) }

// Umulh is Smulh for unsigned operands.
func (a *Asm) Umulh(rd, rn, rm Reg) { a.mulAdd(0x9BC00000, S64, rd, rn, rm, XZR) }

func (a *Asm) mulAdd(op uint32, sz Size, rd, rn, rm, ra Reg) {
	r, ok := a.gpr(ra, zrOK)
	if ok {
		a.rrr(op|r<<10, sz, rd, rn, rm, zrOK, zrOK, zrOK)
	}
}

// Sdiv emits rd = rn / rm (signed; x/0 = 0, MIN/-1 = MIN: no trap).
func (a *Asm) Sdiv(sz Size, rd, rn, rm Reg) { a.rrr(0x1AC00C00, sz, rd, rn, rm, zrOK, zrOK, zrOK) }

// Udiv emits rd = rn / rm (unsigned; x/0 = 0).
func (a *Asm) Udiv(sz Size, rd, rn, rm Reg) { a.rrr(0x1AC00800, sz, rd, rn, rm, zrOK, zrOK, zrOK) }

// ShiftReg emits rd = rn shifted by rm modulo the width (LSLV..RORV).
func (a *Asm) ShiftReg(sh Shift, sz Size, rd, rn, rm Reg) {
	if sh > ROR {
		a.fail("bad shift %d", sh)
		return
	}
	a.rrr(0x1AC02000|uint32(sh)<<10, sz, rd, rn, rm, zrOK, zrOK, zrOK)
}

// ShiftImm emits rd = rn shifted by amt (0 <= amt < width), as UBFM,
// SBFM or EXTR.
func (a *Asm) ShiftImm(sh Shift, sz Size, rd, rn Reg, amt uint8) {
	w := uint8(8 * sz.Bytes())
	if !a.intSize(sz) {
		return
	}
	if amt >= w {
		a.fail("shift amount %d out of range", amt)
		return
	}
	switch sh {
	case LSL:
		a.Ubfm(sz, rd, rn, (w-amt)%w, w-1-amt)
	case LSR:
		a.Ubfm(sz, rd, rn, amt, w-1)
	case ASR:
		a.Sbfm(sz, rd, rn, amt, w-1)
	case ROR:
		a.Extr(sz, rd, rn, rn, amt)
	default:
		a.fail("bad shift %d", sh)
	}
}

// Ubfm, Sbfm and Bfm are the bitfield moves (immr, imms < width).
func (a *Asm) Ubfm(sz Size, rd, rn Reg, immr, imms uint8) {
	a.bitfield(0x53000000, sz, rd, rn, immr, imms)
}

// Sbfm is the sign-extending bitfield move.
func (a *Asm) Sbfm(sz Size, rd, rn Reg, immr, imms uint8) {
	a.bitfield(0x13000000, sz, rd, rn, immr, imms)
}

// Bfm inserts a bitfield, keeping rd's other bits.
func (a *Asm) Bfm(sz Size, rd, rn Reg, immr, imms uint8) {
	a.bitfield(0x33000000, sz, rd, rn, immr, imms)
}

func (a *Asm) bitfield(op uint32, sz Size, rd, rn Reg, immr, imms uint8) {
	if !a.intSize(sz) {
		return
	}
	w := uint8(8 * sz.Bytes())
	if immr >= w || imms >= w {
		a.fail("bitfield #%d, #%d out of range", immr, imms)
		return
	}
	d, ok1 := a.gpr(rd, zrOK)
	n, ok2 := a.gpr(rn, zrOK)
	if ok1 && ok2 {
		a.Word(op | sz.sf()<<31 | sz.sf()<<22 | uint32(immr)<<16 | uint32(imms)<<10 | n<<5 | d)
	}
}

// Extr emits rd = the width bits of rn:rm starting at bit lsb of rm.
func (a *Asm) Extr(sz Size, rd, rn, rm Reg, lsb uint8) {
	if int(lsb) >= 8*sz.Bytes() {
		a.fail("extr #%d out of range", lsb)
		return
	}
	a.rrr(0x13800000|sz.sf()<<22|uint32(lsb)<<10, sz, rd, rn, rm, zrOK, zrOK, zrOK)
}

// Sxtb sign-extends rn's low byte into the sz-bit rd.
func (a *Asm) Sxtb(sz Size, rd, rn Reg) { a.Sbfm(sz, rd, rn, 0, 7) }

// Sxth sign-extends rn's low halfword into the sz-bit rd.
func (a *Asm) Sxth(sz Size, rd, rn Reg) { a.Sbfm(sz, rd, rn, 0, 15) }

// Sxtw sign-extends rn's low word into X rd.
func (a *Asm) Sxtw(rd, rn Reg) { a.Sbfm(S64, rd, rn, 0, 31) }

// Uxtb zero-extends rn's low byte into rd (a W write clears the top).
func (a *Asm) Uxtb(rd, rn Reg) { a.Ubfm(S32, rd, rn, 0, 7) }

// Uxth zero-extends rn's low halfword into rd.
func (a *Asm) Uxth(rd, rn Reg) { a.Ubfm(S32, rd, rn, 0, 15) }

// Uxtw zero-extends rn's low word into rd (mov wd, wn).
func (a *Asm) Uxtw(rd, rn Reg) { a.Mov(S32, rd, rn) }

func (a *Asm) unary(op uint32, sz Size, rd, rn Reg) {
	if !a.intSize(sz) {
		return
	}
	d, ok1 := a.gpr(rd, zrOK)
	n, ok2 := a.gpr(rn, zrOK)
	if ok1 && ok2 {
		a.Word(op | sz.sf()<<31 | n<<5 | d)
	}
}

// Clz counts leading zeros.
func (a *Asm) Clz(sz Size, rd, rn Reg) { a.unary(0x5AC01000, sz, rd, rn) }

// Rbit reverses the bit order (ctz = clz(rbit)).
func (a *Asm) Rbit(sz Size, rd, rn Reg) { a.unary(0x5AC00000, sz, rd, rn) }

// Rev reverses the byte order of the whole register.
func (a *Asm) Rev(sz Size, rd, rn Reg) {
	if sz == S64 {
		a.unary(0x5AC00C00, sz, rd, rn)
	} else {
		a.unary(0x5AC00800, sz, rd, rn)
	}
}

// Popcnt counts rn's set bits into rd through V31 (fmov, cnt, addv, fmov).
func (a *Asm) Popcnt(sz Size, rd, rn Reg) {
	if !a.intSize(sz) {
		return
	}
	a.Fmov(sz, ScratchFP, rn)
	a.Cnt8B(ScratchFP, ScratchFP)
	a.Addv8B(ScratchFP, ScratchFP)
	a.Fmov(S32, rd, ScratchFP)
}

// Cnt8B counts the set bits of each byte of vn into vd (cnt vd.8b, vn.8b).
func (a *Asm) Cnt8B(vd, vn Reg) { a.fp2(0x0E205800, vd, vn) }

// Addv8B sums the eight bytes of vn into the byte vd (addv bd, vn.8b).
func (a *Asm) Addv8B(vd, vn Reg) { a.fp2(0x0E31B800, vd, vn) }

func (a *Asm) fp2(op uint32, vd, vn Reg) {
	d, ok1 := a.fpr(vd)
	n, ok2 := a.fpr(vn)
	if ok1 && ok2 {
		a.Word(op | n<<5 | d)
	}
}

// Csel emits rd = c ? rn : rm.
func (a *Asm) Csel(sz Size, rd, rn, rm Reg, c Cond) { a.condSel(0x1A800000, sz, rd, rn, rm, c) }

// Csinc emits rd = c ? rn : rm+1.
func (a *Asm) Csinc(sz Size, rd, rn, rm Reg, c Cond) { a.condSel(0x1A800400, sz, rd, rn, rm, c) }

// Csinv emits rd = c ? rn : ^rm.
func (a *Asm) Csinv(sz Size, rd, rn, rm Reg, c Cond) { a.condSel(0x5A800000, sz, rd, rn, rm, c) }

// Csneg emits rd = c ? rn : -rm.
func (a *Asm) Csneg(sz Size, rd, rn, rm Reg, c Cond) { a.condSel(0x5A800400, sz, rd, rn, rm, c) }

// Cset emits rd = c ? 1 : 0.
func (a *Asm) Cset(sz Size, rd Reg, c Cond) { a.Csinc(sz, rd, XZR, XZR, c.Invert()) }

// Csetm emits rd = c ? -1 : 0.
func (a *Asm) Csetm(sz Size, rd Reg, c Cond) { a.Csinv(sz, rd, XZR, XZR, c.Invert()) }

func (a *Asm) condSel(op uint32, sz Size, rd, rn, rm Reg, c Cond) {
	if c > 15 {
		a.fail("bad condition %d", c)
		return
	}
	a.rrr(op|uint32(c)<<12, sz, rd, rn, rm, zrOK, zrOK, zrOK)
}

// Brk emits a breakpoint (never executed in correct code).
func (a *Asm) Brk(imm uint16) { a.Word(0xD4200000 | uint32(imm)<<5) }

// Nop emits a no-op.
func (a *Asm) Nop() { a.Word(0xD503201F) }

// Barrier options of DMB and DSB.
const (
	BarrierISH   uint8 = 0b1011
	BarrierISHLD uint8 = 0b1001
	BarrierISHST uint8 = 0b1010
	BarrierSY    uint8 = 0b1111
)

// Dmb emits a data memory barrier.
func (a *Asm) Dmb(opt uint8) { a.Word(0xD50330BF | uint32(opt&15)<<8) }

// Dsb emits a data synchronization barrier.
func (a *Asm) Dsb(opt uint8) { a.Word(0xD503309F | uint32(opt&15)<<8) }

// Isb emits an instruction synchronization barrier.
func (a *Asm) Isb() { a.Word(0xD5033FDF) }
