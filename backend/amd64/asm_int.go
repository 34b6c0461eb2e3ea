package amd64

import "math"

// sizeInst returns the instruction skeleton for asmOperand size s: opcode op8
// for bytes, op otherwise, with the 0x66 prefix for S16 and REX.W for S64.
func sizeInst(s Size, op8, op byte) asmInst {
	switch s {
	case S8:
		return asmInst{op: []byte{op8}}
	case S16:
		return asmInst{pfx: 0x66, op: []byte{op}}
	case S64:
		return asmInst{w: true, op: []byte{op}}
	}
	return asmInst{op: []byte{op}}
}

// rmOf returns register r as an r/m asmOperand of size s.
func rmOf(s Size, r Reg) asmOperand {
	if s == S8 {
		return asmR8(r)
	}
	return asmR(r)
}

// rrInst emits an instruction whose ModRM.reg is reg and r/m is o.
func (a *Asm) rrInst(s Size, in asmInst, reg Reg, o asmOperand) {
	in.reg = reg.enc()
	in.reg8 = s == S8
	a.emit(in, o)
}

// immOf writes an immediate of the asmOperand size (imm32 for S64).
func (a *Asm) immOf(s Size, v int32) {
	switch s {
	case S8:
		a.byte1(byte(v))
	case S16:
		a.imm16(int16(v))
	default:
		a.imm32(v)
	}
}

// Mov copies src to dst (MOV r/m, r). A 32-bit move zero-extends.
func (a *Asm) Mov(s Size, dst, src Reg) {
	if a.needGPR(dst, src) {
		a.rrInst(s, sizeInst(s, 0x88, 0x89), src, rmOf(s, dst))
	}
}

// MovRM loads dst from m. 8/16-bit loads leave dst's upper bits alone: use
// Movzx/Movsx to extend.
func (a *Asm) MovRM(s Size, dst Reg, m Mem) {
	if a.needGPR(dst) {
		a.rrInst(s, sizeInst(s, 0x8A, 0x8B), dst, asmM(m))
	}
}

// MovMR stores the low s bytes of src to m.
func (a *Asm) MovMR(s Size, m Mem, src Reg) {
	if a.needGPR(src) {
		a.rrInst(s, sizeInst(s, 0x88, 0x89), src, asmM(m))
	}
}

// MovMI stores imm to m; for S64 it is sign-extended from 32 bits.
func (a *Asm) MovMI(s Size, m Mem, imm int32) {
	in := sizeInst(s, 0xC6, 0xC7)
	if a.emit(in, asmM(m)) {
		a.immOf(s, imm)
	}
}

// MovRI loads a constant with the shortest encoding: for S64, a 32-bit move
// (zero-extending) when imm fits in uint32, the sign-extended imm32 form
// when it fits in int32, otherwise the 10-byte MOVABS.
func (a *Asm) MovRI(s Size, dst Reg, imm int64) {
	if !a.needGPR(dst) {
		return
	}
	switch {
	case s == S8:
		a.opPlusReg(asmInst{}, 0xB0, dst, true)
		a.byte1(byte(imm))
	case s == S16:
		a.opPlusReg(asmInst{pfx: 0x66}, 0xB8, dst, false)
		a.imm16(int16(imm))
	case s == S32 || (imm >= 0 && imm <= math.MaxUint32):
		a.opPlusReg(asmInst{}, 0xB8, dst, false)
		a.imm32(int32(uint32(imm)))
	case fitsInt32(imm):
		a.emit(asmInst{w: true, op: []byte{0xC7}}, asmR(dst))
		a.imm32(int32(imm))
	default:
		a.MovImm64(dst, imm)
	}
}

// MovImm64 always emits MOVABS dst, imm64 (10 bytes); useful when the
// constant is patched later.
func (a *Asm) MovImm64(dst Reg, imm int64) {
	if a.needGPR(dst) {
		a.opPlusReg(asmInst{w: true}, 0xB8, dst, false)
		a.imm64(imm)
	}
}

// opPlusReg emits an opcode with the register in its low three bits.
func (a *Asm) opPlusReg(in asmInst, op byte, r Reg, byte8 bool) {
	if in.pfx != 0 {
		a.byte1(in.pfx)
	}
	var rex byte
	if in.w {
		rex |= 8
	}
	if r&8 != 0 {
		rex |= 1
	}
	if rex != 0 || (byte8 && isByteHighReg(r)) {
		a.byte1(0x40 | rex)
	}
	a.byte1(op + byte(r&7))
}

// Movzx zero-extends the low `from` bytes of src into dst of size `to`
// (from S32 to S64 is a 32-bit MOV).
func (a *Asm) Movzx(from, to Size, dst, src Reg) {
	if !a.needGPR(dst, src) {
		return
	}
	switch from {
	case S8, S16:
		a.extend(from, to, 0xB6, dst, srcOperand(from, src))
	case S32:
		if a.needSize(to, S64) {
			a.Mov(S32, dst, src)
		}
	default:
		a.fail("movzx from size %d", from)
	}
}

// MovzxM loads and zero-extends `from` bytes at m into dst of size `to`.
func (a *Asm) MovzxM(from, to Size, dst Reg, m Mem) {
	if !a.needGPR(dst) {
		return
	}
	switch from {
	case S8, S16:
		a.extend(from, to, 0xB6, dst, asmM(m))
	case S32:
		if a.needSize(to, S64) {
			a.MovRM(S32, dst, m)
		}
	default:
		a.fail("movzx from size %d", from)
	}
}

// Movsx sign-extends the low `from` bytes of src into dst of size `to`.
func (a *Asm) Movsx(from, to Size, dst, src Reg) {
	if !a.needGPR(dst, src) {
		return
	}
	switch from {
	case S8, S16:
		a.extend(from, to, 0xBE, dst, srcOperand(from, src))
	case S32:
		if a.needSize(to, S64) {
			a.Movsxd(dst, src)
		}
	default:
		a.fail("movsx from size %d", from)
	}
}

// MovsxM loads and sign-extends `from` bytes at m into dst of size `to`.
func (a *Asm) MovsxM(from, to Size, dst Reg, m Mem) {
	if !a.needGPR(dst) {
		return
	}
	switch from {
	case S8, S16:
		a.extend(from, to, 0xBE, dst, asmM(m))
	case S32:
		if a.needSize(to, S64) {
			a.MovsxdM(dst, m)
		}
	default:
		a.fail("movsx from size %d", from)
	}
}

// Movsxd sign-extends a 32-bit src into 64-bit dst.
func (a *Asm) Movsxd(dst, src Reg) {
	if a.needGPR(dst, src) {
		a.rrInst(S64, asmInst{w: true, op: []byte{0x63}}, dst, asmR(src))
	}
}

// MovsxdM loads and sign-extends 32 bits at m into 64-bit dst.
func (a *Asm) MovsxdM(dst Reg, m Mem) {
	if a.needGPR(dst) {
		a.rrInst(S64, asmInst{w: true, op: []byte{0x63}}, dst, asmM(m))
	}
}

func srcOperand(from Size, r Reg) asmOperand {
	if from == S8 {
		return asmR8(r)
	}
	return asmR(r)
}

func (a *Asm) extend(from, to Size, op byte, dst Reg, src asmOperand) {
	if !a.needSize(to, S16, S32, S64) || from >= to {
		if from >= to {
			a.fail("extension from size %d to %d", from, to)
		}
		return
	}
	if from == S16 {
		op++
	}
	in := sizeInst(to, 0, 0)
	in.op = []byte{0x0F, op}
	in.reg = dst.enc()
	a.emit(in, src)
}

// Lea loads the address of m into dst (S32 or S64).
func (a *Asm) Lea(s Size, dst Reg, m Mem) {
	if a.needGPR(dst) && a.needSize(s, S32, S64) {
		a.rrInst(s, sizeInst(s, 0, 0x8D), dst, asmM(m))
	}
}

// AluOp is a two-asmOperand integer operation; its value is the ModRM opcode
// extension of the immediate forms.
type AluOp uint8

const (
	ADD AluOp = 0
	OR  AluOp = 1
	ADC AluOp = 2
	SBB AluOp = 3
	AND AluOp = 4
	SUB AluOp = 5
	XOR AluOp = 6
	CMP AluOp = 7
)

// Alu computes dst = dst op src (CMP only sets flags).
func (a *Asm) Alu(op AluOp, s Size, dst, src Reg) {
	if a.needGPR(dst, src) && a.aluOK(op) {
		b := byte(op) << 3
		a.rrInst(s, sizeInst(s, b, b+1), src, rmOf(s, dst))
	}
}

// AluRM computes dst = dst op [m].
func (a *Asm) AluRM(op AluOp, s Size, dst Reg, m Mem) {
	if a.needGPR(dst) && a.aluOK(op) {
		b := byte(op) << 3
		a.rrInst(s, sizeInst(s, b+2, b+3), dst, asmM(m))
	}
}

// AluMR computes [m] = [m] op src.
func (a *Asm) AluMR(op AluOp, s Size, m Mem, src Reg) {
	if a.needGPR(src) && a.aluOK(op) {
		b := byte(op) << 3
		a.rrInst(s, sizeInst(s, b, b+1), src, asmM(m))
	}
}

// AluI computes dst = dst op imm (sign-extended to the asmOperand size),
// using the imm8 form when imm fits and the short accumulator form for RAX.
func (a *Asm) AluI(op AluOp, s Size, dst Reg, imm int32) {
	if !a.needGPR(dst) || !a.aluOK(op) {
		return
	}
	a.aluImm(op, s, rmOf(s, dst), imm, dst == RAX)
}

// AluMI computes [m] = [m] op imm.
func (a *Asm) AluMI(op AluOp, s Size, m Mem, imm int32) {
	if a.aluOK(op) {
		a.aluImm(op, s, asmM(m), imm, false)
	}
}

func (a *Asm) aluImm(op AluOp, s Size, o asmOperand, imm int32, acc bool) {
	imm = truncImm32(s, imm)
	switch {
	case s == S8:
		if acc {
			a.byte1(byte(op)<<3 | 4)
		} else {
			in := sizeInst(s, 0x80, 0)
			in.reg = byte(op)
			a.emit(in, o)
		}
		a.byte1(byte(imm))
	case fitsInt8(int64(imm)):
		in := sizeInst(s, 0, 0x83)
		in.reg = byte(op)
		a.emit(in, o)
		a.byte1(byte(imm))
	case acc:
		in := sizeInst(s, 0, byte(op)<<3|5)
		if in.pfx != 0 {
			a.byte1(in.pfx)
		}
		if in.w {
			a.byte1(0x48)
		}
		a.byte1(in.op[0])
		a.immOf(s, imm)
	default:
		in := sizeInst(s, 0, 0x81)
		in.reg = byte(op)
		a.emit(in, o)
		a.immOf(s, imm)
	}
}

// truncImm32 reduces an immediate to the operand size, so that a 16-bit
// 0xffff is seen as -1 and gets the imm8 form.
func truncImm32(s Size, v int32) int32 {
	switch s {
	case S8:
		return int32(int8(v))
	case S16:
		return int32(int16(v))
	}
	return v
}

// Test sets flags from x & y.
func (a *Asm) Test(s Size, x, y Reg) {
	if a.needGPR(x, y) {
		a.rrInst(s, sizeInst(s, 0x84, 0x85), y, rmOf(s, x))
	}
}

// TestI sets flags from r & imm (no imm8 form exists).
func (a *Asm) TestI(s Size, r Reg, imm int32) {
	if !a.needGPR(r) {
		return
	}
	if r == RAX {
		in := sizeInst(s, 0xA8, 0xA9)
		if in.pfx != 0 {
			a.byte1(in.pfx)
		}
		if in.w {
			a.byte1(0x48)
		}
		a.byte1(in.op[0])
	} else {
		a.emit(sizeInst(s, 0xF6, 0xF7), rmOf(s, r))
	}
	a.immOf(s, imm)
}

// Imul computes dst *= src (S16, S32, S64).
func (a *Asm) Imul(s Size, dst, src Reg) {
	if a.needGPR(dst, src) && a.needSize(s, S16, S32, S64) {
		in := sizeInst(s, 0, 0)
		in.op = []byte{0x0F, 0xAF}
		a.rrInst(s, in, dst, asmR(src))
	}
}

// ImulM computes dst *= [m].
func (a *Asm) ImulM(s Size, dst Reg, m Mem) {
	if a.needGPR(dst) && a.needSize(s, S16, S32, S64) {
		in := sizeInst(s, 0, 0)
		in.op = []byte{0x0F, 0xAF}
		a.rrInst(s, in, dst, asmM(m))
	}
}

// ImulI computes dst = src * imm.
func (a *Asm) ImulI(s Size, dst, src Reg, imm int32) {
	if !a.needGPR(dst, src) || !a.needSize(s, S16, S32, S64) {
		return
	}
	imm = truncImm32(s, imm)
	if fitsInt8(int64(imm)) {
		a.rrInst(s, sizeInst(s, 0, 0x6B), dst, asmR(src))
		a.byte1(byte(imm))
		return
	}
	a.rrInst(s, sizeInst(s, 0, 0x69), dst, asmR(src))
	a.immOf(s, imm)
}

// unary emits the F6/F7 group with extension ext.
func (a *Asm) unary(ext byte, s Size, r Reg) {
	if a.needGPR(r) {
		in := sizeInst(s, 0xF6, 0xF7)
		in.reg = ext
		a.emit(in, rmOf(s, r))
	}
}

// Not computes r = ^r.
func (a *Asm) Not(s Size, r Reg) { a.unary(2, s, r) }

// Neg computes r = -r.
func (a *Asm) Neg(s Size, r Reg) { a.unary(3, s, r) }

// Mul computes RDX:RAX = RAX * r, unsigned.
func (a *Asm) Mul(s Size, r Reg) { a.unary(4, s, r) }

// Div divides RDX:RAX by r, unsigned: quotient in RAX, remainder in RDX.
func (a *Asm) Div(s Size, r Reg) { a.unary(6, s, r) }

// Idiv divides RDX:RAX by r, signed.
func (a *Asm) Idiv(s Size, r Reg) { a.unary(7, s, r) }

// ShiftOp is a shift or rotate; its value is the ModRM opcode extension.
type ShiftOp uint8

const (
	ROL ShiftOp = 0
	ROR ShiftOp = 1
	SHL ShiftOp = 4
	SHR ShiftOp = 5
	SAR ShiftOp = 7
)

func (a *Asm) validShift(op ShiftOp) bool {
	if op <= ROR || op == SHL || op == SHR || op == SAR {
		return true
	}
	a.fail("bad shift op %d", op)
	return false
}

func (a *Asm) aluOK(op AluOp) bool {
	if op <= CMP {
		return true
	}
	a.fail("bad ALU op %d", op)
	return false
}

func (a *Asm) condOK(c Cond) bool {
	if c <= CondG {
		return true
	}
	a.fail("bad condition %d", c)
	return false
}

// Shift shifts or rotates r by CL.
func (a *Asm) Shift(op ShiftOp, s Size, r Reg) {
	if a.needGPR(r) && a.validShift(op) {
		in := sizeInst(s, 0xD2, 0xD3)
		in.reg = byte(op)
		a.emit(in, rmOf(s, r))
	}
}

// ShiftX sets dst = src shifted by count (BMI2 SHLX, SHRX, SARX): three
// operands, any count register, flags untouched.
func (a *Asm) ShiftX(op ShiftOp, s Size, dst, src, count Reg) {
	var pp byte
	switch op {
	case SHL:
		pp = 1 // 66
	case SAR:
		pp = 2 // F3
	case SHR:
		pp = 3 // F2
	default:
		a.fail("shiftx: bad op %d", op)
		return
	}
	if !a.needGPR(dst, src, count) || !a.needSize(s, S32, S64) {
		return
	}
	// Three-byte VEX, map 0F38: inverted R and B, X unused (set).
	b1 := byte(0x40 | 0x02)
	if dst&8 == 0 {
		b1 |= 0x80
	}
	if src&8 == 0 {
		b1 |= 0x20
	}
	b2 := (^byte(count)&15)<<3 | pp
	if s == S64 {
		b2 |= 0x80
	}
	a.buf = append(a.buf, 0xC4, b1, b2, 0xF7, 0xC0|byte(dst&7)<<3|byte(src&7))
}

// Blsr sets dst = src & (src - 1), the lowest set bit of src cleared
// (BMI1), with ZF set from the result.
func (a *Asm) Blsr(s Size, dst, src Reg) {
	if !a.needGPR(dst, src) || !a.needSize(s, S32, S64) {
		return
	}
	// Three-byte VEX, map 0F38: ModRM.reg is the opcode extension /1
	// (R inverted: set), vvvv names dst, B extends src.
	b1 := byte(0x80 | 0x40 | 0x02)
	if src&8 == 0 {
		b1 |= 0x20
	}
	b2 := (^byte(dst) & 15) << 3
	if s == S64 {
		b2 |= 0x80
	}
	a.buf = append(a.buf, 0xC4, b1, b2, 0xF3, 0xC0|1<<3|byte(src&7))
}

// ShiftI shifts or rotates r by n (the short form when n is 1).
func (a *Asm) ShiftI(op ShiftOp, s Size, r Reg, n uint8) {
	if !a.needGPR(r) || !a.validShift(op) {
		return
	}
	if n == 1 {
		in := sizeInst(s, 0xD0, 0xD1)
		in.reg = byte(op)
		a.emit(in, rmOf(s, r))
		return
	}
	in := sizeInst(s, 0xC0, 0xC1)
	in.reg = byte(op)
	a.emit(in, rmOf(s, r))
	a.byte1(n)
}

// bitScan emits [prefix] 0F op, reg=dst, r/m=src (S32 or S64).
func (a *Asm) bitScan(pfx, op byte, s Size, dst, src Reg) {
	if a.needGPR(dst, src) && a.needSize(s, S32, S64) {
		a.rrInst(s, asmInst{pfx: pfx, w: s == S64, op: []byte{0x0F, op}}, dst, asmR(src))
	}
}

// Lzcnt counts leading zeros (ABM/LZCNT).
func (a *Asm) Lzcnt(s Size, dst, src Reg) { a.bitScan(0xF3, 0xBD, s, dst, src) }

// Tzcnt counts trailing zeros (BMI1).
func (a *Asm) Tzcnt(s Size, dst, src Reg) { a.bitScan(0xF3, 0xBC, s, dst, src) }

// Popcnt counts set bits.
func (a *Asm) Popcnt(s Size, dst, src Reg) { a.bitScan(0xF3, 0xB8, s, dst, src) }

// Bsr finds the highest set bit (ZF set and dst undefined when src is 0).
func (a *Asm) Bsr(s Size, dst, src Reg) { a.bitScan(0, 0xBD, s, dst, src) }

// Bsf finds the lowest set bit.
func (a *Asm) Bsf(s Size, dst, src Reg) { a.bitScan(0, 0xBC, s, dst, src) }

// Setcc sets the low byte of dst to 1 if c holds, else 0 (upper bits kept).
func (a *Asm) Setcc(c Cond, dst Reg) {
	if a.needGPR(dst) && a.condOK(c) {
		a.emit(asmInst{op: []byte{0x0F, 0x90 + byte(c)}}, asmR8(dst))
	}
}

// Cmov copies src to dst if c holds (S16, S32, S64).
func (a *Asm) Cmov(c Cond, s Size, dst, src Reg) {
	if a.needGPR(dst, src) && a.needSize(s, S16, S32, S64) && a.condOK(c) {
		in := sizeInst(s, 0, 0)
		in.op = []byte{0x0F, 0x40 + byte(c)}
		a.rrInst(s, in, dst, asmR(src))
	}
}

// Xchg swaps x and y (the one-byte accumulator form when one is RAX).
func (a *Asm) Xchg(s Size, x, y Reg) {
	if !a.needGPR(x, y) {
		return
	}
	if s != S8 && (x == RAX) != (y == RAX) {
		other := x
		if x == RAX {
			other = y
		}
		in := sizeInst(s, 0, 0)
		a.opPlusReg(in, 0x90, other, false)
		return
	}
	a.rrInst(s, sizeInst(s, 0x86, 0x87), y, rmOf(s, x))
}

// Cdq sign-extends EAX into EDX.
func (a *Asm) Cdq() { a.byte1(0x99) }

// Cqo sign-extends RAX into RDX.
func (a *Asm) Cqo() { a.bytes(0x48, 0x99) }

// Push pushes a 64-bit register.
func (a *Asm) Push(r Reg) {
	if a.needGPR(r) {
		a.opPlusReg(asmInst{}, 0x50, r, false)
	}
}

// Pop pops a 64-bit register.
func (a *Asm) Pop(r Reg) {
	if a.needGPR(r) {
		a.opPlusReg(asmInst{}, 0x58, r, false)
	}
}

// Ret returns.
func (a *Asm) Ret() { a.byte1(0xC3) }

// Pushfq pushes the flags.
func (a *Asm) Pushfq() { a.byte1(0x9C) }

// Popfq pops the flags.
func (a *Asm) Popfq() { a.byte1(0x9D) }

// Ud2 is the guaranteed invalid instruction.
func (a *Asm) Ud2() { a.bytes(0x0F, 0x0B) }

// Int3 is a breakpoint; also the padding between functions.
func (a *Asm) Int3() { a.byte1(0xCC) }

// nops are the recommended multi-byte NOP sequences, by length.
var nops = [10][]byte{
	1: {0x90},
	2: {0x66, 0x90},
	3: {0x0F, 0x1F, 0x00},
	4: {0x0F, 0x1F, 0x40, 0x00},
	5: {0x0F, 0x1F, 0x44, 0x00, 0x00},
	6: {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
	7: {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
	8: {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	9: {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}

// Nop emits n bytes of no-ops in as few instructions as possible.
func (a *Asm) Nop(n int) {
	for n > 0 {
		k := min(n, 9)
		a.bytes(nops[k]...)
		n -= k
	}
}

// RepMovsb copies RCX bytes from [RSI] to [RDI], forward when the
// direction flag is clear; RDI, RSI and RCX advance.
func (a *Asm) RepMovsb() { a.bytes(0xF3, 0xA4) }

// RepStosb stores AL in RCX bytes from [RDI].
func (a *Asm) RepStosb() { a.bytes(0xF3, 0xAA) }

// Std and Cld set and clear the direction flag (Go and the ABI keep it
// clear).
func (a *Asm) Std() { a.byte1(0xFD) }
func (a *Asm) Cld() { a.byte1(0xFC) }

// MemMove copies RCX bytes from [RSI] to [RDI] as memmove does: forward
// unless the destination starts inside the source, then backward. With
// fast short rep movsb (FSRM) a forward copy of a few bytes costs little
// more than the moves; the rare backward one runs a byte per cycle.
// Clobbers RDI, RSI, RCX, R11 and the flags.
func (a *Asm) MemMove() {
	back, done := a.NewLabel(), a.NewLabel()
	a.Mov(S64, ScratchGPR, RDI)
	a.Alu(SUB, S64, ScratchGPR, RSI)
	a.Alu(CMP, S64, ScratchGPR, RCX)
	a.Jcc(CondB, back) // 0 <= dst-src < n: dst inside the source
	a.RepMovsb()
	a.Jmp(done)
	a.Bind(back)
	a.Lea(S64, RSI, MI(RSI, RCX, 1, -1))
	a.Lea(S64, RDI, MI(RDI, RCX, 1, -1))
	a.Std()
	a.RepMovsb()
	a.Cld()
	a.Bind(done)
}

// Leave restores RSP from RBP and pops RBP.
func (a *Asm) Leave() { a.byte1(0xC9) }
