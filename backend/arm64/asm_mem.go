package arm64

// AddrMode says how a memory operand uses its base register.
type AddrMode uint8

const (
	AddrOffset    AddrMode = iota // [base, #disp] or [base, index...]
	AddrPreIndex                  // [base, #disp]!: base += disp, then access
	AddrPostIndex                 // [base], #disp: access, then base += disp
)

// Mem is a memory operand: Base plus either Disp (Index == NoReg) or
// Index extended by Ext (UXTW, SXTW, UXTX = LSL, SXTX) and, if Scaled,
// shifted left by log2 of the access size. Build it with M, MIdx, MPre or
// MPost.
type Mem struct {
	Base   Reg
	Index  Reg
	Ext    Extend
	Scaled bool
	Disp   int32
	Mode   AddrMode
}

// M returns [base, #disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Disp: disp} }

// MIdx returns [base, index, ext {#log2 size}].
func MIdx(base, index Reg, ext Extend, scaled bool) Mem {
	return Mem{Base: base, Index: index, Ext: ext, Scaled: scaled}
}

// MPre returns [base, #disp]! (pre-index).
func MPre(base Reg, disp int32) Mem {
	return Mem{Base: base, Index: NoReg, Disp: disp, Mode: AddrPreIndex}
}

// MPost returns [base], #disp (post-index).
func MPost(base Reg, disp int32) Mem {
	return Mem{Base: base, Index: NoReg, Disp: disp, Mode: AddrPostIndex}
}

// OffsetOK reports whether [base, #disp] encodes for an access of size sz:
// a scaled unsigned 12-bit offset or a signed 9-bit unscaled one.
func OffsetOK(sz Size, disp int64) bool {
	n := int64(sz.Bytes())
	return (disp >= 0 && disp%n == 0 && disp/n < 4096) || (disp >= -256 && disp < 256)
}

// Ldr loads a value of size sz, zero-extended: into a general register
// (ldrb, ldrh, ldr w, ldr x) or, for an FP register, S32 or S64 (ldr s,
// ldr d).
func (a *Asm) Ldr(sz Size, rt Reg, m Mem) { a.loadStore(sz, 1, rt, m) }

// Str stores the low sz bytes of rt (general or FP register).
func (a *Asm) Str(sz Size, rt Reg, m Mem) { a.loadStore(sz, 0, rt, m) }

// Ldrs loads a value of size sz (S8, S16, S32) sign-extended to the to
// register size (S32 or S64; S32 sources only to S64).
func (a *Asm) Ldrs(sz, to Size, rt Reg, m Mem) {
	switch {
	case !rt.IsGPR() || sz >= to || !a.intSize(to):
		a.fail("bad sign-extending load %d to %d into %v", sz, to, rt)
	case to == S64:
		a.loadStore(sz, 2, rt, m)
	default:
		a.loadStore(sz, 3, rt, m)
	}
}

// loadStore encodes LDR/STR/LDRS* with opc (0 store, 1 load, 2/3 signed
// load to 64/32 bits) in the addressing form m asks for.
func (a *Asm) loadStore(sz Size, opc uint32, rt Reg, m Mem) {
	var t uint32
	var v uint32 // FP/SIMD register bit
	var ok bool
	if rt.IsFP() {
		if sz != S32 && sz != S64 || opc > 1 {
			a.fail("bad FP load/store size %d", sz)
			return
		}
		t, ok, v = uint32(rt-V0), true, 1<<26
	} else {
		if sz > S64 {
			a.fail("bad load/store size %d", sz)
			return
		}
		t, ok = a.gpr(rt, zrOK)
	}
	n, okb := a.gpr(m.Base, spOK)
	if !ok || !okb {
		return
	}
	base := uint32(sz)<<30 | v | opc<<22 | n<<5 | t
	if m.Index != NoReg {
		if m.Mode != AddrOffset || m.Disp != 0 {
			a.fail("register offset with displacement or writeback")
			return
		}
		x, ok := a.gpr(m.Index, zrOK)
		if !ok {
			return
		}
		if m.Ext != UXTW && m.Ext != UXTX && m.Ext != SXTW && m.Ext != SXTX {
			a.fail("bad index extension %d", m.Ext)
			return
		}
		var s uint32
		if m.Scaled {
			s = 1
		}
		a.Word(0x38200800 | base | x<<16 | uint32(m.Ext)<<13 | s<<12)
		return
	}
	d := int64(m.Disp)
	if m.Mode != AddrOffset {
		if d < -256 || d > 255 || m.Mode > AddrPostIndex {
			a.fail("writeback offset %d out of range", d)
			return
		}
		mode := uint32(1) // post-index
		if m.Mode == AddrPreIndex {
			mode = 3
		}
		a.Word(0x38000000 | base | (uint32(d)&0x1FF)<<12 | mode<<10)
		return
	}
	if nb := int64(sz.Bytes()); d >= 0 && d%nb == 0 && d/nb < 4096 {
		a.Word(0x39000000 | base | uint32(d/nb)<<10)
		return
	}
	if d >= -256 && d < 256 {
		a.Word(0x38000000 | base | (uint32(d)&0x1FF)<<12) // LDUR/STUR
		return
	}
	a.fail("offset %d does not encode for a %d-byte access", d, sz.Bytes())
}

// Ldp loads two registers (both general or both FP, S32 or S64) from m
// (offset, pre- or post-index; Disp a multiple of the size in ±64 slots).
func (a *Asm) Ldp(sz Size, rt1, rt2 Reg, m Mem) { a.pair(1, sz, rt1, rt2, m) }

// Stp stores two registers like Ldp.
func (a *Asm) Stp(sz Size, rt1, rt2 Reg, m Mem) { a.pair(0, sz, rt1, rt2, m) }

func (a *Asm) pair(l uint32, sz Size, rt1, rt2 Reg, m Mem) {
	if !a.intSize(sz) || m.Index != NoReg {
		a.fail("bad pair operand")
		return
	}
	var t1, t2, opc, v uint32
	var ok1, ok2 bool
	if rt1.IsFP() && rt2.IsFP() {
		t1, t2, ok1, ok2, v = uint32(rt1-V0), uint32(rt2-V0), true, true, 1
		opc = uint32(sz - S32) // S: 00, D: 01
	} else {
		t1, ok1 = a.gpr(rt1, zrOK)
		t2, ok2 = a.gpr(rt2, zrOK)
		opc = 2 * uint32(sz-S32) // W: 00, X: 10
	}
	n, okb := a.gpr(m.Base, spOK)
	if !ok1 || !ok2 || !okb {
		return
	}
	nb := int32(sz.Bytes())
	if m.Disp%nb != 0 || m.Disp/nb < -64 || m.Disp/nb > 63 {
		a.fail("pair offset %d out of range", m.Disp)
		return
	}
	mode := uint32(2)
	switch m.Mode {
	case AddrPostIndex:
		mode = 1
	case AddrPreIndex:
		mode = 3
	}
	imm7 := uint32(m.Disp/nb) & 0x7F
	a.Word(0x28000000 | opc<<30 | v<<26 | mode<<23 | l<<22 | imm7<<15 | t2<<10 | n<<5 | t1)
}

// MemMove copies n bytes from src to dst as memmove does: forward unless
// dst starts inside the source, then backward from the ends; eight bytes
// at a time, then single bytes. dst, src, n, X16 and X17 are clobbered.
func (a *Asm) MemMove(dst, src, n Reg) {
	back, done := a.NewLabel(), a.NewLabel()
	a.Alu(SUB, S64, ScratchGPR, dst, src)
	a.Cmp(S64, ScratchGPR, n)
	a.Bcond(CondLO, back) // 0 <= dst-src < n: dst inside the source
	a.copyLoop(dst, src, n, 8, 1, done)
	a.Bind(back)
	a.Alu(ADD, S64, src, src, n)
	a.Alu(ADD, S64, dst, dst, n)
	a.copyLoop(dst, src, n, -8, -1, done)
	a.Bind(done)
}

// copyLoop copies n bytes in steps of wide (8 or -8) bytes while at least
// that many remain, then of narrow, and branches to done. Negative steps
// copy backward, pre-decrementing.
func (a *Asm) copyLoop(dst, src, n Reg, wide, narrow int32, done Label) {
	mem := func(r Reg, step int32) Mem {
		if step < 0 {
			return MPre(r, step)
		}
		return MPost(r, step)
	}
	loop8, loop1 := a.NewLabel(), a.NewLabel()
	a.Bind(loop8)
	a.AluImm(SUBS, S64, ScratchGPR, n, 8)
	a.Bcond(CondLO, loop1)
	a.Ldr(S64, ScratchGPR2, mem(src, wide))
	a.Str(S64, ScratchGPR2, mem(dst, wide))
	a.Mov(S64, n, ScratchGPR)
	a.B(loop8)
	a.Bind(loop1)
	a.Cbz(S64, n, done)
	a.Ldr(S8, ScratchGPR2, mem(src, narrow))
	a.Str(S8, ScratchGPR2, mem(dst, narrow))
	a.AluImm(SUB, S64, n, n, 1)
	a.B(loop1)
}

// MemSet sets n bytes from dst to the low byte of v, eight at a time,
// then one. dst, v, n, X16 and X17 are clobbered.
func (a *Asm) MemSet(dst, v, n Reg) {
	loop8, loop1, done := a.NewLabel(), a.NewLabel(), a.NewLabel()
	a.Uxtb(v, v)
	a.MovImm(S64, ScratchGPR2, 0x0101010101010101)
	a.Mul(S64, v, v, ScratchGPR2) // the byte in all eight
	a.Bind(loop8)
	a.AluImm(SUBS, S64, ScratchGPR, n, 8)
	a.Bcond(CondLO, loop1)
	a.Str(S64, v, MPost(dst, 8))
	a.Mov(S64, n, ScratchGPR)
	a.B(loop8)
	a.Bind(loop1)
	a.Cbz(S64, n, done)
	a.Str(S8, v, MPost(dst, 1))
	a.AluImm(SUB, S64, n, n, 1)
	a.B(loop1)
	a.Bind(done)
}
