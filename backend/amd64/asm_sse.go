package amd64

// SSEOp is an SSE/SSE2 operation of the form op xmm, xmm/m.
type SSEOp uint8

const (
	ADDSS SSEOp = iota
	ADDSD
	SUBSS
	SUBSD
	MULSS
	MULSD
	DIVSS
	DIVSD
	SQRTSS
	SQRTSD
	MINSS
	MINSD
	MAXSS
	MAXSD
	ANDPS
	ANDPD
	ANDNPS
	ANDNPD
	ORPS
	ORPD
	XORPS
	XORPD
	PXOR
	UCOMISS
	UCOMISD
	CVTSS2SD
	CVTSD2SS
	MOVSS // register form: merges the low lane; loads zero the rest
	MOVSD
	MOVAPS
	MOVUPS
	numSSEOps
)

// sseEnc is the mandatory prefix and the opcode byte after 0F.
var sseEnc = [numSSEOps]struct{ pfx, op byte }{
	ADDSS: {0xF3, 0x58}, ADDSD: {0xF2, 0x58},
	SUBSS: {0xF3, 0x5C}, SUBSD: {0xF2, 0x5C},
	MULSS: {0xF3, 0x59}, MULSD: {0xF2, 0x59},
	DIVSS: {0xF3, 0x5E}, DIVSD: {0xF2, 0x5E},
	SQRTSS: {0xF3, 0x51}, SQRTSD: {0xF2, 0x51},
	MINSS: {0xF3, 0x5D}, MINSD: {0xF2, 0x5D},
	MAXSS: {0xF3, 0x5F}, MAXSD: {0xF2, 0x5F},
	ANDPS: {0, 0x54}, ANDPD: {0x66, 0x54},
	ANDNPS: {0, 0x55}, ANDNPD: {0x66, 0x55},
	ORPS: {0, 0x56}, ORPD: {0x66, 0x56},
	XORPS: {0, 0x57}, XORPD: {0x66, 0x57},
	PXOR:    {0x66, 0xEF},
	UCOMISS: {0, 0x2E}, UCOMISD: {0x66, 0x2E},
	CVTSS2SD: {0xF3, 0x5A}, CVTSD2SS: {0xF2, 0x5A},
	MOVSS: {0xF3, 0x10}, MOVSD: {0xF2, 0x10},
	MOVAPS: {0, 0x28}, MOVUPS: {0, 0x10},
}

func (a *Asm) sseOK(op SSEOp) bool {
	if op < numSSEOps {
		return true
	}
	a.fail("bad SSE op %d", op)
	return false
}

func (op SSEOp) asmInst() asmInst {
	e := sseEnc[op]
	return asmInst{pfx: e.pfx, op: []byte{0x0F, e.op}}
}

// SSE computes dst = dst op src (UCOMIS* only sets flags; SQRT*, CVT* and
// moves write dst from src alone).
func (a *Asm) SSE(op SSEOp, dst, src Reg) {
	if a.sseOK(op) && a.needXMM(dst, src) {
		in := op.asmInst()
		in.reg = dst.enc()
		a.emit(in, asmR(src))
	}
}

// SSEM is SSE with a memory source: a scalar op reads 4 or 8 bytes, a
// packed one 16 (MOVAPS/ANDPS... need 16-byte alignment).
func (a *Asm) SSEM(op SSEOp, dst Reg, m Mem) {
	if a.sseOK(op) && a.needXMM(dst) {
		in := op.asmInst()
		in.reg = dst.enc()
		a.emit(in, asmM(m))
	}
}

// SSEStore stores src to m with MOVSS, MOVSD, MOVAPS or MOVUPS.
func (a *Asm) SSEStore(op SSEOp, m Mem, src Reg) {
	if op != MOVSS && op != MOVSD && op != MOVAPS && op != MOVUPS {
		a.fail("SSEStore with op %d", op)
		return
	}
	if a.needXMM(src) {
		in := op.asmInst()
		in.op[1]++
		in.reg = src.enc()
		a.emit(in, asmM(m))
	}
}

// Movss copies the low f32 lane of src into dst.
func (a *Asm) Movss(dst, src Reg) { a.SSE(MOVSS, dst, src) }

// Movsd copies the low f64 lane of src into dst.
func (a *Asm) Movsd(dst, src Reg) { a.SSE(MOVSD, dst, src) }

// MovssRM loads an f32 (upper lanes zeroed).
func (a *Asm) MovssRM(dst Reg, m Mem) { a.SSEM(MOVSS, dst, m) }

// MovsdRM loads an f64 (upper lane zeroed).
func (a *Asm) MovsdRM(dst Reg, m Mem) { a.SSEM(MOVSD, dst, m) }

// MovssMR stores an f32.
func (a *Asm) MovssMR(m Mem, src Reg) { a.SSEStore(MOVSS, m, src) }

// MovsdMR stores an f64.
func (a *Asm) MovsdMR(m Mem, src Reg) { a.SSEStore(MOVSD, m, src) }

// Movaps copies a whole XMM register (the preferred register move).
func (a *Asm) Movaps(dst, src Reg) { a.SSE(MOVAPS, dst, src) }

// MovqToX copies a GPR into the low lane of an XMM register, zeroing the
// rest (MOVD for S32, MOVQ for S64).
func (a *Asm) MovqToX(s Size, dst, src Reg) {
	if a.needXMM(dst) && a.needGPR(src) && a.needSize(s, S32, S64) {
		a.emit(asmInst{pfx: 0x66, w: s == S64, op: []byte{0x0F, 0x6E}, reg: dst.enc()}, asmR(src))
	}
}

// MovqFromX copies the low 32 or 64 bits of an XMM register into a GPR
// (a 32-bit copy zero-extends).
func (a *Asm) MovqFromX(s Size, dst, src Reg) {
	if a.needGPR(dst) && a.needXMM(src) && a.needSize(s, S32, S64) {
		a.emit(asmInst{pfx: 0x66, w: s == S64, op: []byte{0x0F, 0x7E}, reg: src.enc()}, asmR(dst))
	}
}

// cvt emits prefix [REX.W] 0F op with reg=dst, r/m=src.
func (a *Asm) cvt(pfx, op byte, w bool, dst, src Reg) {
	a.emit(asmInst{pfx: pfx, w: w, op: []byte{0x0F, op}, reg: dst.enc()}, asmR(src))
}

// Cvtsi2ss converts a signed 32- or 64-bit integer (s) to f32.
func (a *Asm) Cvtsi2ss(s Size, dst, src Reg) {
	if a.needXMM(dst) && a.needGPR(src) && a.needSize(s, S32, S64) {
		a.cvt(0xF3, 0x2A, s == S64, dst, src)
	}
}

// Cvtsi2sd converts a signed 32- or 64-bit integer (s) to f64.
func (a *Asm) Cvtsi2sd(s Size, dst, src Reg) {
	if a.needXMM(dst) && a.needGPR(src) && a.needSize(s, S32, S64) {
		a.cvt(0xF2, 0x2A, s == S64, dst, src)
	}
}

// Cvttss2si truncates an f32 to a signed integer of size s (the
// "integer indefinite" 0x80..0 when out of range or NaN).
func (a *Asm) Cvttss2si(s Size, dst, src Reg) {
	if a.needGPR(dst) && a.needXMM(src) && a.needSize(s, S32, S64) {
		a.cvt(0xF3, 0x2C, s == S64, dst, src)
	}
}

// Cvttsd2si truncates an f64 to a signed integer of size s.
func (a *Asm) Cvttsd2si(s Size, dst, src Reg) {
	if a.needGPR(dst) && a.needXMM(src) && a.needSize(s, S32, S64) {
		a.cvt(0xF2, 0x2C, s == S64, dst, src)
	}
}

// Cvtss2sd widens f32 to f64.
func (a *Asm) Cvtss2sd(dst, src Reg) { a.SSE(CVTSS2SD, dst, src) }

// Cvtsd2ss narrows f64 to f32.
func (a *Asm) Cvtsd2ss(dst, src Reg) { a.SSE(CVTSD2SS, dst, src) }

// Rounding modes of ROUNDSS/ROUNDSD (bit 3 suppresses the precision
// exception, as Wasm wants).
const (
	RoundNearest uint8 = 0x8
	RoundDown    uint8 = 0x9 // floor
	RoundUp      uint8 = 0xA // ceil
	RoundTrunc   uint8 = 0xB
)

func (a *Asm) round(op byte, dst, src Reg, mode uint8) {
	if a.needXMM(dst, src) {
		a.emit(asmInst{pfx: 0x66, op: []byte{0x0F, 0x3A, op}, reg: dst.enc()}, asmR(src))
		a.byte1(mode)
	}
}

// Roundss rounds an f32 (SSE4.1) with a Round* mode.
func (a *Asm) Roundss(dst, src Reg, mode uint8) { a.round(0x0A, dst, src, mode) }

// Roundsd rounds an f64 (SSE4.1) with a Round* mode.
func (a *Asm) Roundsd(dst, src Reg, mode uint8) { a.round(0x0B, dst, src, mode) }
