package amd64

import (
	"fmt"
	"math"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
	"golang.org/x/arch/x86/x86asm"
)

// goSized picks the golang-asm opcode for an operand size.
type goSized [4]obj.As

var (
	goMov   = goSized{x86.AMOVB, x86.AMOVW, x86.AMOVL, x86.AMOVQ}
	goLea   = goSized{0, 0, x86.ALEAL, x86.ALEAQ}
	goTest  = goSized{x86.ATESTB, x86.ATESTW, x86.ATESTL, x86.ATESTQ}
	goImul  = goSized{0, x86.AIMULW, x86.AIMULL, x86.AIMULQ}
	goImul3 = goSized{0, x86.AIMUL3W, x86.AIMUL3L, x86.AIMUL3Q}
	goXchg  = goSized{x86.AXCHGB, x86.AXCHGW, x86.AXCHGL, x86.AXCHGQ}
	goAlu   = map[AluOp]goSized{
		ADD: {x86.AADDB, x86.AADDW, x86.AADDL, x86.AADDQ},
		OR:  {x86.AORB, x86.AORW, x86.AORL, x86.AORQ},
		ADC: {x86.AADCB, x86.AADCW, x86.AADCL, x86.AADCQ},
		SBB: {x86.ASBBB, x86.ASBBW, x86.ASBBL, x86.ASBBQ},
		AND: {x86.AANDB, x86.AANDW, x86.AANDL, x86.AANDQ},
		SUB: {x86.ASUBB, x86.ASUBW, x86.ASUBL, x86.ASUBQ},
		XOR: {x86.AXORB, x86.AXORW, x86.AXORL, x86.AXORQ},
		CMP: {x86.ACMPB, x86.ACMPW, x86.ACMPL, x86.ACMPQ},
	}
	xAlu = map[AluOp]x86asm.Op{ADD: x86asm.ADD, OR: x86asm.OR, ADC: x86asm.ADC, SBB: x86asm.SBB,
		AND: x86asm.AND, SUB: x86asm.SUB, XOR: x86asm.XOR, CMP: x86asm.CMP}
	goShift = map[ShiftOp]goSized{
		ROL: {x86.AROLB, x86.AROLW, x86.AROLL, x86.AROLQ},
		ROR: {x86.ARORB, x86.ARORW, x86.ARORL, x86.ARORQ},
		SHL: {x86.ASHLB, x86.ASHLW, x86.ASHLL, x86.ASHLQ},
		SHR: {x86.ASHRB, x86.ASHRW, x86.ASHRL, x86.ASHRQ},
		SAR: {x86.ASARB, x86.ASARW, x86.ASARL, x86.ASARQ},
	}
	xShift = map[ShiftOp]x86asm.Op{ROL: x86asm.ROL, ROR: x86asm.ROR, SHL: x86asm.SHL, SHR: x86asm.SHR, SAR: x86asm.SAR}
)

func sizeBits(s Size) int { return 8 << s }

func TestAsmMov(t *testing.T) {
	var fs []form
	for _, s := range allSizes {
		for _, d := range allGPR() {
			for _, r := range allGPR() {
				fs = append(fs, form{name: fmt.Sprintf("mov%d %v,%v", s, d, r),
					emit: func(a *Asm) { a.Mov(s, d, r) }, op: x86asm.MOV, args: []x86asm.Arg{xr(s, d), xr(s, r)},
					goAs: goMov[s], goFrom: gReg(s, r), goTo: gReg(s, d)})
			}
		}
	}
	imms := []int64{0, 1, -1, 127, 128, -128, 0x7fffffff, -0x80000000, 0xffffffff, 0x100000000, -0x80000001, 0x123456789abcdef, math.MinInt64}
	for _, s := range allSizes {
		for _, d := range allGPR() {
			for _, v := range imms {
				want := []x86asm.Arg{xr(s, d), x86asm.Imm(v)}
				bits, gas := sizeBits(s), goMov[s]
				if s == S64 && v >= 0 && v <= math.MaxUint32 {
					// Shorter than golang-asm's MOVQ: a zero-extending MOVL.
					want[0], bits, gas = xr(S32, d), 32, x86.AMOVL
				}
				fs = append(fs, form{name: fmt.Sprintf("movri%d %v,%#x", s, d, v),
					emit: func(a *Asm) { a.MovRI(s, d, v) }, op: x86asm.MOV, args: want, immBits: bits,
					goAs: gas, goFrom: gConst(truncImm(s, v)), goTo: gReg(S32, d)})
			}
		}
	}
	for _, d := range allGPR() {
		fs = append(fs, form{name: fmt.Sprintf("movabs %v", d), emit: func(a *Asm) { a.MovImm64(d, 0x1122334455667788) },
			op: x86asm.MOV, args: []x86asm.Arg{xr(S64, d), x86asm.Imm(0x1122334455667788)}})
	}
	for _, s := range allSizes {
		mems := fewMems()
		if s == S64 || s == S8 {
			mems = testMems()
		}
		for _, r := range allGPR() {
			for _, m := range mems {
				fs = append(fs,
					form{name: fmt.Sprintf("load%d %v,%+v", s, r, m), emit: func(a *Asm) { a.MovRM(s, r, m) },
						op: x86asm.MOV, args: []x86asm.Arg{xr(s, r), xm(m)}, memBytes: s.Bytes(),
						goAs: goMov[s], goFrom: gMem(m), goTo: gReg(s, r)},
					form{name: fmt.Sprintf("store%d %+v,%v", s, m, r), emit: func(a *Asm) { a.MovMR(s, m, r) },
						op: x86asm.MOV, args: []x86asm.Arg{xm(m), xr(s, r)}, memBytes: s.Bytes(),
						goAs: goMov[s], goFrom: gReg(s, r), goTo: gMem(m)})
			}
		}
		for _, m := range fewMems() {
			for _, v := range []int32{0, -1, 100, 0x12345678} {
				fs = append(fs, form{name: fmt.Sprintf("movmi%d %+v,%d", s, m, v), emit: func(a *Asm) { a.MovMI(s, m, v) },
					op: x86asm.MOV, args: []x86asm.Arg{xm(m), x86asm.Imm(v)}, immBits: min(sizeBits(s), 32), memBytes: s.Bytes(),
					goAs: goMov[s], goFrom: gConst(truncImm(s, int64(v))), goTo: gMem(m)})
			}
		}
	}
	for _, s := range []Size{S32, S64} {
		for _, r := range allGPR() {
			for _, m := range testMems() {
				fs = append(fs, form{name: fmt.Sprintf("lea%d %v,%+v", s, r, m), emit: func(a *Asm) { a.Lea(s, r, m) },
					op: x86asm.LEA, args: []x86asm.Arg{xr(s, r), xm(m)}, goAs: goLea[s], goFrom: gMem(m), goTo: gReg(s, r)})
			}
		}
	}
	checkForms(t, fs)
}

// truncImm gives golang-asm the constant as the instruction holds it.
func truncImm(s Size, v int64) int64 {
	switch s {
	case S8:
		return int64(int8(v))
	case S16:
		return int64(int16(v))
	case S32:
		return int64(int32(v))
	}
	return v
}

var goExt = map[[3]Size]obj.As{ // {from, to, signed}
	{S8, S16, 0}: x86.AMOVBWZX, {S8, S32, 0}: x86.AMOVBLZX, {S8, S64, 0}: x86.AMOVBQZX,
	{S16, S32, 0}: x86.AMOVWLZX, {S16, S64, 0}: x86.AMOVWQZX,
	{S8, S16, 1}: x86.AMOVBWSX, {S8, S32, 1}: x86.AMOVBLSX, {S8, S64, 1}: x86.AMOVBQSX,
	{S16, S32, 1}: x86.AMOVWLSX, {S16, S64, 1}: x86.AMOVWQSX, {S32, S64, 1}: x86.AMOVLQSX,
}

func TestAsmExtend(t *testing.T) {
	var fs []form
	pairs := [][2]Size{{S8, S16}, {S8, S32}, {S8, S64}, {S16, S32}, {S16, S64}, {S32, S64}}
	for _, p := range pairs {
		from, to := p[0], p[1]
		for _, signed := range []bool{false, true} {
			op, sg := x86asm.MOVZX, Size(0)
			if signed {
				op, sg = x86asm.MOVSX, 1
			}
			dstSize := to
			if from == S32 {
				op = x86asm.MOVSXD
				if !signed {
					op, dstSize = x86asm.MOV, S32
				}
			}
			goAs, goTo := goExt[[3]Size{from, to, sg}], to
			if goAs == 0 { // zero-extension from 32 bits is MOVL
				goAs, goTo = x86.AMOVL, S32
			}
			for _, d := range allGPR() {
				for _, r := range allGPR() {
					fs = append(fs, form{name: fmt.Sprintf("ext%v %d->%d %v,%v", signed, from, to, d, r),
						emit: func(a *Asm) {
							if signed {
								a.Movsx(from, to, d, r)
							} else {
								a.Movzx(from, to, d, r)
							}
						},
						op: op, args: []x86asm.Arg{xr(dstSize, d), xr(from, r)}, goAs: goAs, goFrom: gReg(from, r), goTo: gReg(goTo, d)})
				}
				for _, m := range fewMems() {
					fs = append(fs, form{name: fmt.Sprintf("extm%v %d->%d %v,%+v", signed, from, to, d, m),
						emit: func(a *Asm) {
							if signed {
								a.MovsxM(from, to, d, m)
							} else {
								a.MovzxM(from, to, d, m)
							}
						},
						op: op, args: []x86asm.Arg{xr(dstSize, d), xm(m)}, memBytes: from.Bytes(), goAs: goAs, goFrom: gMem(m), goTo: gReg(goTo, d)})
				}
			}
		}
	}
	checkForms(t, fs)
}

func TestAsmAlu(t *testing.T) {
	var fs []form
	imms := []int32{0, 1, -1, 127, -128, 128, -129, 1000, math.MaxInt32, math.MinInt32}
	for op := ADD; op <= CMP; op++ {
		for _, s := range allSizes {
			gas := goAlu[op][s]
			for _, d := range allGPR() {
				for _, r := range allGPR() {
					f := form{name: fmt.Sprintf("alu%d.%d %v,%v", op, s, d, r), emit: func(a *Asm) { a.Alu(op, s, d, r) },
						op: xAlu[op], args: []x86asm.Arg{xr(s, d), xr(s, r)}, goAs: gas, goFrom: gReg(s, r), goTo: gReg(s, d)}
					if op == CMP {
						f.goFrom, f.goTo = f.goTo, f.goFrom
					}
					fs = append(fs, f)
				}
				for _, v := range imms {
					f := form{name: fmt.Sprintf("alui%d.%d %v,%d", op, s, d, v), emit: func(a *Asm) { a.AluI(op, s, d, v) },
						op: xAlu[op], args: []x86asm.Arg{xr(s, d), x86asm.Imm(v)}, immBits: min(sizeBits(s), 32),
						goAs: gas, goFrom: gConst(truncImm(s, int64(v))), goTo: gReg(s, d)}
					if op == CMP {
						f.goFrom, f.goTo = f.goTo, f.goFrom
					}
					fs = append(fs, f)
				}
				for _, m := range fewMems() {
					fs = append(fs,
						form{name: fmt.Sprintf("alurm%d.%d %v,%+v", op, s, d, m), emit: func(a *Asm) { a.AluRM(op, s, d, m) },
							op: xAlu[op], args: []x86asm.Arg{xr(s, d), xm(m)}, memBytes: s.Bytes()},
						form{name: fmt.Sprintf("alumr%d.%d %+v,%v", op, s, m, d), emit: func(a *Asm) { a.AluMR(op, s, m, d) },
							op: xAlu[op], args: []x86asm.Arg{xm(m), xr(s, d)}, memBytes: s.Bytes()})
				}
			}
			for _, m := range fewMems() {
				for _, v := range []int32{3, -300} {
					fs = append(fs, form{name: fmt.Sprintf("alumi%d.%d %+v,%d", op, s, m, v), emit: func(a *Asm) { a.AluMI(op, s, m, v) },
						op: xAlu[op], args: []x86asm.Arg{xm(m), x86asm.Imm(v)}, immBits: min(sizeBits(s), 32), memBytes: s.Bytes()})
				}
			}
		}
	}
	// golang-asm byte comparison of the memory forms (its operand order
	// differs for CMP, covered by the register forms above).
	for _, s := range allSizes {
		for _, m := range fewMems() {
			fs = append(fs,
				form{name: fmt.Sprintf("addrm%d %+v", s, m), emit: func(a *Asm) { a.AluRM(ADD, s, RDX, m) },
					op: x86asm.ADD, args: []x86asm.Arg{xr(s, RDX), xm(m)}, goAs: goAlu[ADD][s], goFrom: gMem(m), goTo: gReg(s, RDX)},
				form{name: fmt.Sprintf("submr%d %+v", s, m), emit: func(a *Asm) { a.AluMR(SUB, s, m, R9) },
					op: x86asm.SUB, args: []x86asm.Arg{xm(m), xr(s, R9)}, goAs: goAlu[SUB][s], goFrom: gReg(s, R9), goTo: gMem(m)},
				form{name: fmt.Sprintf("cmpmi%d %+v", s, m), emit: func(a *Asm) { a.AluMI(CMP, s, m, 0) },
					op: x86asm.CMP, args: []x86asm.Arg{xm(m), x86asm.Imm(0)}, memBytes: s.Bytes(), goAs: goAlu[CMP][s], goFrom: gMem(m), goTo: gConst(0)})
		}
	}
	checkForms(t, fs)
}

func TestAsmTestImulUnary(t *testing.T) {
	var fs []form
	for _, s := range allSizes {
		for _, d := range allGPR() {
			for _, r := range allGPR() {
				fs = append(fs,
					form{name: fmt.Sprintf("test%d %v,%v", s, d, r), emit: func(a *Asm) { a.Test(s, d, r) },
						op: x86asm.TEST, args: []x86asm.Arg{xr(s, d), xr(s, r)}, goAs: goTest[s], goFrom: gReg(s, r), goTo: gReg(s, d)},
					form{name: fmt.Sprintf("xchg%d %v,%v", s, d, r), emit: func(a *Asm) { a.Xchg(s, d, r) },
						op: x86asm.XCHG, args: xchgArgs(s, d, r), goAs: goXchgAs(s, d, r), goFrom: gReg(s, r), goTo: gReg(s, d)})
				if s != S8 {
					fs = append(fs, form{name: fmt.Sprintf("imul%d %v,%v", s, d, r), emit: func(a *Asm) { a.Imul(s, d, r) },
						op: x86asm.IMUL, args: []x86asm.Arg{xr(s, d), xr(s, r)}, goAs: goImul[s], goFrom: gReg(s, r), goTo: gReg(s, d)})
					for _, v := range []int32{3, -128, 1000, math.MinInt32} {
						if s == S16 && v < math.MinInt16 {
							continue
						}
						g := gConst(int64(v))
						fs = append(fs, form{name: fmt.Sprintf("imul3%d %v,%v,%d", s, d, r, v), emit: func(a *Asm) { a.ImulI(s, d, r, v) },
							op: x86asm.IMUL, args: []x86asm.Arg{xr(s, d), xr(s, r), x86asm.Imm(v)}, immBits: sizeBits(s),
							goAs: goImul3[s], goFrom: g, goFrom3: &obj.Addr{Type: obj.TYPE_REG, Reg: goR(s, r)}, goTo: gReg(s, d)})
					}
				}
			}
			for _, v := range []int32{1, 0x7f, 0xff, 0x1234, -1} {
				fs = append(fs, form{name: fmt.Sprintf("testi%d %v,%d", s, d, v), emit: func(a *Asm) { a.TestI(s, d, v) },
					op: x86asm.TEST, args: []x86asm.Arg{xr(s, d), x86asm.Imm(v)}, immBits: min(sizeBits(s), 32),
					goAs: goTest[s], goFrom: gConst(truncImm(s, int64(v))), goTo: gReg(s, d)})
			}
			unary := []struct {
				emit func(*Asm, Size, Reg)
				op   x86asm.Op
				gas  goSized
			}{
				{(*Asm).Not, x86asm.NOT, goSized{x86.ANOTB, x86.ANOTW, x86.ANOTL, x86.ANOTQ}},
				{(*Asm).Neg, x86asm.NEG, goSized{x86.ANEGB, x86.ANEGW, x86.ANEGL, x86.ANEGQ}},
				{(*Asm).Mul, x86asm.MUL, goSized{x86.AMULB, x86.AMULW, x86.AMULL, x86.AMULQ}},
				{(*Asm).Div, x86asm.DIV, goSized{x86.ADIVB, x86.ADIVW, x86.ADIVL, x86.ADIVQ}},
				{(*Asm).Idiv, x86asm.IDIV, goSized{x86.AIDIVB, x86.AIDIVW, x86.AIDIVL, x86.AIDIVQ}},
			}
			for _, u := range unary {
				f := form{name: fmt.Sprintf("%v%d %v", u.op, s, d), emit: func(a *Asm) { u.emit(a, s, d) },
					op: u.op, args: []x86asm.Arg{xr(s, d)}, goAs: u.gas[s], goTo: gReg(s, d)}
				if u.op != x86asm.NOT && u.op != x86asm.NEG { // golang-asm takes MUL/DIV's operand as From
					f.goFrom, f.goTo = f.goTo, obj.Addr{}
				}
				fs = append(fs, f)
			}
			if s != S8 {
				for _, m := range fewMems() {
					fs = append(fs, form{name: fmt.Sprintf("imulm%d %v,%+v", s, d, m), emit: func(a *Asm) { a.ImulM(s, d, m) },
						op: x86asm.IMUL, args: []x86asm.Arg{xr(s, d), xm(m)}, memBytes: s.Bytes(), goAs: goImul[s], goFrom: gMem(m), goTo: gReg(s, d)})
				}
			}
		}
	}
	checkForms(t, fs)
}

// goXchgAs skips golang-asm for XCHG AX, AX, which it encodes as 0x90 (a
// NOP in 64-bit mode that would not zero-extend EAX).
func goXchgAs(s Size, d, r Reg) obj.As {
	if d == RAX && r == RAX {
		return 0
	}
	return goXchg[s]
}

// xchgArgs is the operand order x86asm prints: the accumulator form
// lists the other register first.
func xchgArgs(s Size, d, r Reg) []x86asm.Arg {
	if s != S8 && (d == RAX) != (r == RAX) {
		o := d
		if d == RAX {
			o = r
		}
		return []x86asm.Arg{xr(s, o), xr(s, RAX)}
	}
	return []x86asm.Arg{xr(s, d), xr(s, r)}
}

func TestAsmShiftBits(t *testing.T) {
	var fs []form
	for _, op := range []ShiftOp{ROL, ROR, SHL, SHR, SAR} {
		for _, s := range allSizes {
			for _, d := range allGPR() {
				fs = append(fs, form{name: fmt.Sprintf("shift%d.%d %v,cl", op, s, d), emit: func(a *Asm) { a.Shift(op, s, d) },
					op: xShift[op], args: []x86asm.Arg{xr(s, d), x86asm.CL}, goAs: goShift[op][s], goFrom: gReg(S8, RCX), goTo: gReg(s, d)})
				for _, n := range []uint8{1, 5, 7, 31, 63} {
					fs = append(fs, form{name: fmt.Sprintf("shifti%d.%d %v,%d", op, s, d, n), emit: func(a *Asm) { a.ShiftI(op, s, d, n) },
						op: xShift[op], args: []x86asm.Arg{xr(s, d), x86asm.Imm(n)}, immBits: 8, goAs: goShift[op][s], goFrom: gConst(int64(n)), goTo: gReg(s, d)})
				}
			}
		}
	}
	bits := []struct {
		emit func(*Asm, Size, Reg, Reg)
		op   x86asm.Op
		gas  goSized
	}{
		{(*Asm).Lzcnt, x86asm.LZCNT, goSized{2: x86.ALZCNTL, 3: x86.ALZCNTQ}},
		{(*Asm).Tzcnt, x86asm.TZCNT, goSized{2: x86.ATZCNTL, 3: x86.ATZCNTQ}},
		{(*Asm).Popcnt, x86asm.POPCNT, goSized{2: x86.APOPCNTL, 3: x86.APOPCNTQ}},
		{(*Asm).Bsr, x86asm.BSR, goSized{2: x86.ABSRL, 3: x86.ABSRQ}},
		{(*Asm).Bsf, x86asm.BSF, goSized{2: x86.ABSFL, 3: x86.ABSFQ}},
	}
	for _, b := range bits {
		for _, s := range []Size{S32, S64} {
			for _, d := range allGPR() {
				for _, r := range allGPR() {
					fs = append(fs, form{name: fmt.Sprintf("%v%d %v,%v", b.op, s, d, r), emit: func(a *Asm) { b.emit(a, s, d, r) },
						op: b.op, args: []x86asm.Arg{xr(s, d), xr(s, r)}, goAs: b.gas[s], goFrom: gReg(s, r), goTo: gReg(s, d)})
				}
			}
		}
	}
	checkForms(t, fs)
}

// Per condition: x86asm's SETcc, CMOVcc and Jcc, golang-asm's SETcc and CMOV{W,L,Q}cc.
var condTable = [16]struct {
	set, cmov, jcc x86asm.Op
	goSet          obj.As
	goCmov         goSized
}{
	CondO:  {x86asm.SETO, x86asm.CMOVO, x86asm.JO, x86.ASETOS, goSized{1: x86.ACMOVWOS, 2: x86.ACMOVLOS, 3: x86.ACMOVQOS}},
	CondNO: {x86asm.SETNO, x86asm.CMOVNO, x86asm.JNO, x86.ASETOC, goSized{1: x86.ACMOVWOC, 2: x86.ACMOVLOC, 3: x86.ACMOVQOC}},
	CondB:  {x86asm.SETB, x86asm.CMOVB, x86asm.JB, x86.ASETCS, goSized{1: x86.ACMOVWCS, 2: x86.ACMOVLCS, 3: x86.ACMOVQCS}},
	CondAE: {x86asm.SETAE, x86asm.CMOVAE, x86asm.JAE, x86.ASETCC, goSized{1: x86.ACMOVWCC, 2: x86.ACMOVLCC, 3: x86.ACMOVQCC}},
	CondE:  {x86asm.SETE, x86asm.CMOVE, x86asm.JE, x86.ASETEQ, goSized{1: x86.ACMOVWEQ, 2: x86.ACMOVLEQ, 3: x86.ACMOVQEQ}},
	CondNE: {x86asm.SETNE, x86asm.CMOVNE, x86asm.JNE, x86.ASETNE, goSized{1: x86.ACMOVWNE, 2: x86.ACMOVLNE, 3: x86.ACMOVQNE}},
	CondBE: {x86asm.SETBE, x86asm.CMOVBE, x86asm.JBE, x86.ASETLS, goSized{1: x86.ACMOVWLS, 2: x86.ACMOVLLS, 3: x86.ACMOVQLS}},
	CondA:  {x86asm.SETA, x86asm.CMOVA, x86asm.JA, x86.ASETHI, goSized{1: x86.ACMOVWHI, 2: x86.ACMOVLHI, 3: x86.ACMOVQHI}},
	CondS:  {x86asm.SETS, x86asm.CMOVS, x86asm.JS, x86.ASETMI, goSized{1: x86.ACMOVWMI, 2: x86.ACMOVLMI, 3: x86.ACMOVQMI}},
	CondNS: {x86asm.SETNS, x86asm.CMOVNS, x86asm.JNS, x86.ASETPL, goSized{1: x86.ACMOVWPL, 2: x86.ACMOVLPL, 3: x86.ACMOVQPL}},
	CondP:  {x86asm.SETP, x86asm.CMOVP, x86asm.JP, x86.ASETPS, goSized{1: x86.ACMOVWPS, 2: x86.ACMOVLPS, 3: x86.ACMOVQPS}},
	CondNP: {x86asm.SETNP, x86asm.CMOVNP, x86asm.JNP, x86.ASETPC, goSized{1: x86.ACMOVWPC, 2: x86.ACMOVLPC, 3: x86.ACMOVQPC}},
	CondL:  {x86asm.SETL, x86asm.CMOVL, x86asm.JL, x86.ASETLT, goSized{1: x86.ACMOVWLT, 2: x86.ACMOVLLT, 3: x86.ACMOVQLT}},
	CondGE: {x86asm.SETGE, x86asm.CMOVGE, x86asm.JGE, x86.ASETGE, goSized{1: x86.ACMOVWGE, 2: x86.ACMOVLGE, 3: x86.ACMOVQGE}},
	CondLE: {x86asm.SETLE, x86asm.CMOVLE, x86asm.JLE, x86.ASETLE, goSized{1: x86.ACMOVWLE, 2: x86.ACMOVLLE, 3: x86.ACMOVQLE}},
	CondG:  {x86asm.SETG, x86asm.CMOVG, x86asm.JG, x86.ASETGT, goSized{1: x86.ACMOVWGT, 2: x86.ACMOVLGT, 3: x86.ACMOVQGT}},
}

func TestAsmCondOps(t *testing.T) {
	var fs []form
	for c := CondO; c <= CondG; c++ {
		ct := condTable[c]
		if c.Invert().Invert() != c || condTable[c.Invert()].jcc == ct.jcc {
			t.Errorf("Invert(%d) = %d", c, c.Invert())
		}
		for _, d := range allGPR() {
			fs = append(fs, form{name: fmt.Sprintf("set%d %v", c, d), emit: func(a *Asm) { a.Setcc(c, d) },
				op: ct.set, args: []x86asm.Arg{xr(S8, d)}, goAs: ct.goSet, goTo: gReg(S8, d)})
			for _, s := range []Size{S16, S32, S64} {
				for _, r := range allGPR() {
					fs = append(fs, form{name: fmt.Sprintf("cmov%d.%d %v,%v", c, s, d, r), emit: func(a *Asm) { a.Cmov(c, s, d, r) },
						op: ct.cmov, args: []x86asm.Arg{xr(s, d), xr(s, r)}, goAs: ct.goCmov[s], goFrom: gReg(s, r), goTo: gReg(s, d)})
				}
			}
		}
	}
	checkForms(t, fs)
}

func TestAsmMisc(t *testing.T) {
	fs := []form{
		{name: "cdq", emit: (*Asm).Cdq, op: x86asm.CDQ, goAs: x86.ACDQ},
		{name: "cqo", emit: (*Asm).Cqo, op: x86asm.CQO, goAs: x86.ACQO},
		{name: "ret", emit: (*Asm).Ret, op: x86asm.RET, goAs: obj.ARET},
		{name: "ud2", emit: (*Asm).Ud2, op: x86asm.UD2, goAs: obj.AUNDEF},
		{name: "int3", emit: (*Asm).Int3, op: x86asm.INT, args: []x86asm.Arg{x86asm.Imm(3)}},
		{name: "leave", emit: (*Asm).Leave, op: x86asm.LEAVE},
	}
	for _, r := range allGPR() {
		fs = append(fs,
			form{name: "push " + r.String(), emit: func(a *Asm) { a.Push(r) }, op: x86asm.PUSH, args: []x86asm.Arg{xr(S64, r)},
				goAs: x86.APUSHQ, goFrom: gReg(S64, r)},
			form{name: "pop " + r.String(), emit: func(a *Asm) { a.Pop(r) }, op: x86asm.POP, args: []x86asm.Arg{xr(S64, r)},
				goAs: x86.APOPQ, goTo: gReg(S64, r)},
			form{name: "jmp " + r.String(), emit: func(a *Asm) { a.JmpR(r) }, op: x86asm.JMP, args: []x86asm.Arg{xr(S64, r)}},
			form{name: "call " + r.String(), emit: func(a *Asm) { a.CallR(r) }, op: x86asm.CALL, args: []x86asm.Arg{xr(S64, r)}})
	}
	for _, m := range testMems() {
		fs = append(fs,
			form{name: fmt.Sprintf("callm %+v", m), emit: func(a *Asm) { a.CallM(m) }, op: x86asm.CALL, args: []x86asm.Arg{xm(m)}, memBytes: 8},
			form{name: fmt.Sprintf("jmpm %+v", m), emit: func(a *Asm) { a.JmpM(m) }, op: x86asm.JMP, args: []x86asm.Arg{xm(m)}, memBytes: 8})
	}
	checkForms(t, fs)

	// Multi-byte no-ops decode as one NOP each.
	for n := 1; n <= 9; n++ {
		a := NewAsm()
		a.Nop(n)
		inst, err := x86asm.Decode(a.Bytes(), 64)
		if err != nil || inst.Op != x86asm.NOP || inst.Len != n {
			t.Errorf("nop(%d) = % x: %v %v", n, a.Bytes(), inst, err)
		}
	}
	a := NewAsm()
	a.Ret()
	a.Nop(25)
	if a.Len() != 26 {
		t.Errorf("nop(25) emitted %d bytes", a.Len()-1)
	}
}

// Operand errors are reported by Finish, never by a panic.
func TestAsmOperandErrors(t *testing.T) {
	bad := []func(a *Asm){
		func(a *Asm) { a.Mov(S64, X0, RAX) },
		func(a *Asm) { a.MovRM(S64, RAX, MI(RAX, RSP, 1, 0)) },
		func(a *Asm) { a.MovRM(S64, RAX, MI(RAX, RBX, 3, 0)) },
		func(a *Asm) { a.MovRM(S64, RAX, M(X3, 0)) },
		func(a *Asm) { a.SSE(ADDSD, RAX, X1) },
		func(a *Asm) { a.Lea(S8, RAX, M(RAX, 0)) },
		func(a *Asm) { a.Movzx(S32, S16, RAX, RBX) },
		func(a *Asm) { a.Imul(S8, RAX, RBX) },
		func(a *Asm) { a.Jmp(Label(7)) },
		func(a *Asm) { a.Jmp(a.NewLabel()) },
		func(a *Asm) { l := a.NewLabel(); a.Bind(l); a.Bind(l) },
		func(a *Asm) { a.SSEStore(ADDSS, M(RAX, 0), X0) },
		func(a *Asm) { a.Cvtsi2sd(S16, X0, RAX) },
		func(a *Asm) { a.Alu(AluOp(9), S64, RAX, RBX) },
		func(a *Asm) { a.Push(NoReg) },
	}
	for i, f := range bad {
		a := NewAsm()
		f(a)
		if _, err := a.Finish(); err == nil {
			t.Errorf("case %d: no error for a bad operand", i)
		}
	}
}
