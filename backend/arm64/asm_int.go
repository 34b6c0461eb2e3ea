package arm64

import (
	"math"
	"math/bits"
)

// Register operand positions accept SP or ZR for encoding 31, never both.
const (
	spOK = 1 << iota
	zrOK
)

// gpr returns the 5-bit number of general register r, checking that the
// position (flags) accepts it.
func (a *Asm) gpr(r Reg, flags int) (uint32, bool) {
	switch {
	case r <= X30:
		return uint32(r), true
	case r == XZR && flags&zrOK != 0, r == SP && flags&spOK != 0:
		return 31, true
	}
	a.fail("register %v not allowed here", r)
	return 0, false
}

// fpr returns the 5-bit number of FP register r.
func (a *Asm) fpr(r Reg) (uint32, bool) {
	if r.IsFP() {
		return uint32(r - V0), true
	}
	a.fail("%v is not an FP register", r)
	return 0, false
}

func (a *Asm) intSize(sz Size) bool {
	if sz == S32 || sz == S64 {
		return true
	}
	a.fail("operand size %d not supported here", sz)
	return false
}

// rrr encodes the three registers of a data-processing instruction.
func (a *Asm) rrr(op uint32, sz Size, rd, rn, rm Reg, fd, fn, fm int) {
	if !a.intSize(sz) {
		return
	}
	d, ok1 := a.gpr(rd, fd)
	n, ok2 := a.gpr(rn, fn)
	m, ok3 := a.gpr(rm, fm)
	if ok1 && ok2 && ok3 {
		a.Word(op | sz.sf()<<31 | m<<16 | n<<5 | d)
	}
}

// AluOp is an arithmetic (ADD..SUBS) or logical (AND..BICS) operation.
type AluOp uint8

const (
	ADD AluOp = iota
	ADDS
	SUB
	SUBS
	AND
	ANDS
	ORR
	EOR
	BIC
	BICS
	ORN
	EON
)

func (op AluOp) arith() bool   { return op <= SUBS }
func (op AluOp) flags() bool   { return op == ADDS || op == SUBS || op == ANDS || op == BICS }
func (op AluOp) negated() bool { return op >= BIC }

// logical opc field and N bit (negated second operand), by op.
var logicOpc = [...]uint32{AND: 0, ANDS: 3, ORR: 1, EOR: 2, BIC: 0, BICS: 3, ORN: 1, EON: 2}

// Shift is a shifted-register operand's shift, as encoded.
type Shift uint8

const (
	LSL Shift = iota
	LSR
	ASR
	ROR
)

// Extend is an extended-register operand's (or a register offset's)
// extension, as encoded.
type Extend uint8

const (
	UXTB Extend = iota
	UXTH
	UXTW
	UXTX
	SXTB
	SXTH
	SXTW
	SXTX
)

// Alu emits rd = rn op rm. An arithmetic op with SP as rd or rn takes the
// extended-register form (which accepts SP).
func (a *Asm) Alu(op AluOp, sz Size, rd, rn, rm Reg) {
	if op.arith() && (rd == SP || rn == SP) {
		ext := UXTX
		if sz == S32 {
			ext = UXTW
		}
		a.AluExt(op, sz, rd, rn, rm, ext, 0)
		return
	}
	a.AluShift(op, sz, rd, rn, rm, LSL, 0)
}

// AluShift emits rd = rn op (rm shift amt). ROR is only valid for the
// logical ops.
func (a *Asm) AluShift(op AluOp, sz Size, rd, rn, rm Reg, sh Shift, amt uint8) {
	if op > EON || sh > ROR || int(amt) >= 8*sz.Bytes() || (op.arith() && sh == ROR) {
		a.fail("bad shifted-register operation %d shift %d #%d", op, sh, amt)
		return
	}
	var base uint32
	if op.arith() {
		base = 0x0B000000 | uint32(op&1)<<29 | uint32(op>>1)<<30
	} else {
		base = 0x0A000000 | logicOpc[op]<<29
		if op.negated() {
			base |= 1 << 21
		}
	}
	a.rrr(base|uint32(sh)<<22|uint32(amt)<<10, sz, rd, rn, rm, zrOK, zrOK, zrOK)
}

// AluExt emits rd = rn op (extend(rm) << amt), amt 0..4, for the
// arithmetic ops. rd may be SP (ADD, SUB) and rn may be SP.
func (a *Asm) AluExt(op AluOp, sz Size, rd, rn, rm Reg, ext Extend, amt uint8) {
	if !op.arith() || ext > SXTX || amt > 4 {
		a.fail("bad extended-register operation %d ext %d #%d", op, ext, amt)
		return
	}
	fd := spOK
	if op.flags() {
		fd = zrOK
	}
	base := 0x0B200000 | uint32(op&1)<<29 | uint32(op>>1)<<30
	a.rrr(base|uint32(ext)<<13|uint32(amt)<<10, sz, rd, rn, rm, fd, spOK, zrOK)
}

// ArithImmOK reports whether v (or -v) fits ADD/SUB's 12-bit immediate,
// optionally shifted left by 12.
func ArithImmOK(v int64) bool {
	if v < 0 {
		if v == math.MinInt64 {
			return false
		}
		v = -v
	}
	return v < 1<<12 || (v&0xFFF == 0 && v < 1<<24)
}

// AluImm emits rd = rn op imm. Arithmetic ops take a 12-bit immediate,
// optionally shifted by 12 (a negative one flips ADD and SUB); logical
// ops take a bitmask immediate (BIC, ORN, EON, BICS invert it). Operands
// that do not encode are errors: check with ArithImmOK and LogicalImmOK.
func (a *Asm) AluImm(op AluOp, sz Size, rd, rn Reg, imm int64) {
	if op > EON || !a.intSize(sz) {
		a.fail("bad immediate operation %d", op)
		return
	}
	if op.arith() {
		a.arithImm(op, sz, rd, rn, imm)
		return
	}
	v := uint64(imm)
	if op.negated() {
		v = ^v
		op -= BIC - AND // BIC->AND, BICS->ANDS, ORN->ORR, EON->EOR
	}
	n, immr, imms, ok := encodeLogicalImm(v, sz)
	if !ok {
		a.fail("%#x is not a bitmask immediate", imm)
		return
	}
	fd := spOK
	if op == ANDS {
		fd = zrOK
	}
	d, ok1 := a.gpr(rd, fd)
	s, ok2 := a.gpr(rn, zrOK)
	if ok1 && ok2 {
		a.Word(0x12000000 | sz.sf()<<31 | logicOpc[op]<<29 | n<<22 | immr<<16 | imms<<10 | s<<5 | d)
	}
}

func (a *Asm) arithImm(op AluOp, sz Size, rd, rn Reg, imm int64) {
	if !ArithImmOK(imm) {
		a.fail("immediate %d does not fit add/sub", imm)
		return
	}
	if imm < 0 {
		imm = -imm
		op ^= 2 // ADD<->SUB, ADDS<->SUBS
	}
	var sh uint32
	if imm >= 1<<12 {
		sh, imm = 1, imm>>12
	}
	fd := spOK
	if op.flags() {
		fd = zrOK
	}
	d, ok1 := a.gpr(rd, fd)
	n, ok2 := a.gpr(rn, spOK)
	if ok1 && ok2 {
		a.Word(0x11000000 | sz.sf()<<31 | uint32(op>>1)<<30 | uint32(op&1)<<29 | sh<<22 | uint32(imm)<<10 | n<<5 | d)
	}
}

// LogicalImmOK reports whether v (its low 32 bits for S32) is a bitmask
// immediate of AND/ORR/EOR/ANDS.
func LogicalImmOK(sz Size, v uint64) bool {
	_, _, _, ok := encodeLogicalImm(v, sz)
	return ok
}

// encodeLogicalImm finds N:immr:imms for v: a rotated run of ones within
// an element of 2..64 bits, replicated over the register.
func encodeLogicalImm(v uint64, sz Size) (n, immr, imms uint32, ok bool) {
	if sz == S32 {
		v &= math.MaxUint32
		v |= v << 32
	}
	if v == 0 || v == math.MaxUint64 {
		return 0, 0, 0, false
	}
	e := uint(64) // smallest period
	for e > 2 {
		h := e / 2
		if v>>h&(1<<h-1) != v&(1<<h-1) {
			break
		}
		e = h
	}
	mask := uint64(math.MaxUint64)
	if e < 64 {
		mask = 1<<e - 1
	}
	elt := v & mask
	ones := bits.OnesCount64(elt)
	run := uint64(1)<<uint(ones) - 1
	for r := uint(0); r < e; r++ {
		// rotl(elt, r) within e bits == run means elt = ror(run, r).
		rot := (elt<<r | elt>>(e-r)) & mask
		if r == 0 {
			rot = elt
		}
		if rot == run {
			if e == 64 {
				n = 1
			}
			imms = uint32(^(2*e-1))&0x3F | uint32(ones-1)
			return n, uint32(r), imms, true
		}
	}
	return 0, 0, 0, false
}

// Cmp compares rn with rm (SUBS XZR); rn may be SP.
func (a *Asm) Cmp(sz Size, rn, rm Reg) { a.Alu(SUBS, sz, XZR, rn, rm) }

// CmpImm compares rn with imm (see ArithImmOK).
func (a *Asm) CmpImm(sz Size, rn Reg, imm int64) { a.AluImm(SUBS, sz, XZR, rn, imm) }

// Cmn compares rn with -rm (ADDS XZR).
func (a *Asm) Cmn(sz Size, rn, rm Reg) { a.Alu(ADDS, sz, XZR, rn, rm) }

// Tst sets flags from rn & rm.
func (a *Asm) Tst(sz Size, rn, rm Reg) { a.Alu(ANDS, sz, XZR, rn, rm) }

// TstImm sets flags from rn & imm (a bitmask immediate).
func (a *Asm) TstImm(sz Size, rn Reg, imm int64) { a.AluImm(ANDS, sz, XZR, rn, imm) }

// Neg emits rd = -rm.
func (a *Asm) Neg(sz Size, rd, rm Reg) { a.Alu(SUB, sz, rd, XZR, rm) }

// Mvn emits rd = ^rm.
func (a *Asm) Mvn(sz Size, rd, rm Reg) { a.Alu(ORN, sz, rd, XZR, rm) }

// Mov copies rn to rd (ORR, or ADD #0 when either is SP). A 32-bit move
// zero-extends into the X register.
func (a *Asm) Mov(sz Size, rd, rn Reg) {
	if rd == SP || rn == SP {
		a.AluImm(ADD, sz, rd, rn, 0)
		return
	}
	a.Alu(ORR, sz, rd, XZR, rn)
}

// Movz, Movn and Movk move imm16 shifted left by shift (0, 16, 32, 48).
func (a *Asm) Movz(sz Size, rd Reg, imm16 uint16, shift uint8) { a.movWide(2, sz, rd, imm16, shift) }

// Movn moves the inverse of imm16 << shift.
func (a *Asm) Movn(sz Size, rd Reg, imm16 uint16, shift uint8) { a.movWide(0, sz, rd, imm16, shift) }

// Movk keeps rd's other bits.
func (a *Asm) Movk(sz Size, rd Reg, imm16 uint16, shift uint8) { a.movWide(3, sz, rd, imm16, shift) }

func (a *Asm) movWide(opc uint32, sz Size, rd Reg, imm16 uint16, shift uint8) {
	if !a.intSize(sz) {
		return
	}
	if shift%16 != 0 || int(shift) >= 8*sz.Bytes() {
		a.fail("bad move-wide shift %d", shift)
		return
	}
	if d, ok := a.gpr(rd, 0); ok {
		a.Word(0x12800000 | sz.sf()<<31 | opc<<29 | uint32(shift/16)<<21 | uint32(imm16)<<5 | d)
	}
}

// MovImm64 loads a 64-bit constant into rd with the shortest sequence.
func (a *Asm) MovImm64(rd Reg, v uint64) { a.MovImm(S64, rd, v) }

// MovImm loads constant v (its low 32 bits for S32, zero-extended) into
// rd: one MOVZ, MOVN or ORR when possible, else MOVZ or MOVN followed by
// a MOVK per remaining halfword.
func (a *Asm) MovImm(sz Size, rd Reg, v uint64) {
	if !a.intSize(sz) {
		return
	}
	halves := 4
	if sz == S32 {
		halves = 2
		v &= math.MaxUint32
	}
	zeros, ones := 0, 0
	for i := range halves {
		switch uint16(v >> (16 * i)) {
		case 0:
			zeros++
		case 0xFFFF:
			ones++
		}
	}
	if zeros < halves-1 && ones < halves-1 && LogicalImmOK(sz, v) {
		a.AluImm(ORR, sz, rd, XZR, int64(v))
		return
	}
	// With more all-ones halves, start from MOVN (fills them) and patch
	// the others; else start from MOVZ.
	inv := ones > zeros
	skip := uint16(0)
	if inv {
		skip = 0xFFFF
	}
	first := true
	for i := range halves {
		h := uint16(v >> (16 * i))
		if h == skip {
			continue
		}
		switch {
		case first && inv:
			a.movWide(0, sz, rd, ^h, uint8(16*i))
		case first:
			a.movWide(2, sz, rd, h, uint8(16*i))
		default:
			a.movWide(3, sz, rd, h, uint8(16*i))
		}
		first = false
	}
	if first { // every half equals skip: 0 or all ones
		if inv {
			a.movWide(0, sz, rd, 0, 0)
		} else {
			a.movWide(2, sz, rd, 0, 0)
		}
	}
}
