package amd64

import (
	"fmt"
	"strings"

	"github.com/wasmc/wasmc/regalloc"
)

// mop is a machine operation of the selected (pre-encoding) code. Most map
// to one x86 instruction; a few are short fixed sequences (division,
// float min/max, conversions) that only need the scratch registers R11 and
// X15 besides their operands, so the allocator sees them as one unit.
type mop uint8

const (
	mInvalid mop = iota
	// Integer moves and memory. Operands: dst, src.
	mMov    // dst = src (64-bit copy; the allocator may coalesce)
	mMovImm // dst = imm (size)
	mMovzx  // dst = zero-extend src from size to size2
	mMovsx  // dst = sign-extend src from size to size2
	mLoad   // dst = zero-extended load of size bytes (into size2)
	mLoadS  // dst = sign-extended load of size bytes into size2
	mStore  // [mem] = src (reg or imm), size bytes
	mLea    // dst = address of mem
	// Two-address integer ALU: dst (read and written), src (reg, imm, or
	// mem: a load folded in).
	mAdd
	mSub
	mAnd
	mOr
	mXor
	mImul
	mImul3 // dst = src * imm (three operands)
	mNeg   // dst = -dst
	mShl   // dst <<= src (RCX or imm); with three operands dst = src << count (BMI2 SHLX)
	mShr
	mSar
	mRol
	mRor
	// Division: dst (fixed RAX or RDX), dividend (fixed RAX), divisor.
	mDivS
	mDivU
	mRemS // handles MIN % -1 = 0 without faulting
	mRemU
	mLzcnt // dst, src
	mTzcnt
	mPopcnt
	mBlsr // dst = src & (src - 1) (BMI1): the lowest set bit cleared
	// Flags.
	mCmp    // flags = a - b (a reg or mem, b reg, imm or mem; at most one mem)
	mLeaCmp // flags = (address of mem a, in the scratch register) - b: an add folded into a compare
	mTest   // flags = a & b
	// flags = a & a, read only as E or NE (a == 0): the emitter drops it
	// when the instruction just before left ZF from a (see zeroFlag).
	mTestZero
	mUcom  // flags = ucomis a, b (size S32: f32, S64: f64)
	mSetcc // dst = cond ? 1 : 0 (32-bit)
	mCmov  // dst = cond ? src : dst
	// Floating point (size S32: f32, S64: f64).
	mFMov     // dst = src (copy; coalescable)
	mFConst   // dst = float with bits imm
	mFLoad    // dst = [mem]
	mFStore   // [mem] = src
	mFAdd     // dst op= src
	mFSub     // dst -= src
	mFMul     // dst *= src
	mFDiv     // dst /= src
	mFSqrt    // dst = sqrt(src)
	mFMin     // Wasm min: dst = min(dst, src)
	mFMax     // Wasm max
	mFRound   // dst = round(src) with mode imm
	mFAbs     // dst = |dst|
	mFNeg     // dst = -dst
	mFCopysgn // dst = copysign(dst, src)
	mFSelect  // dst = cond ? src : dst (flags set before)
	mFCvt     // dst = src converted f32<->f64 (size: dst float size)
	mCvtSI2F  // dst (float size) = signed src (int size2)
	mCvtUI2F  // dst (float size) = unsigned src (int size2)
	mCvtF2SI  // dst (int size) = truncated src (float size2); in range
	mCvtF2UI  // dst (int size) = unsigned truncated src; in range
	mCvtF2SIS // saturating signed truncation
	mCvtF2UIS // saturating unsigned truncation
	mMovToX   // dst xmm = bits of src gpr (size)
	mMovFromX // dst gpr = bits of src xmm (size)
	// Control and calls.
	mParams    // defines the function's register parameters (fixed)
	mMemCopy   // copy a2 bytes from a1 to a0 (RDI, RSI, RCX), overlap allowed; clobbers them
	mMemFill   // set a2 bytes at a0 to a1 (RDI, RAX, RCX); clobbers RDI and RCX
	mTrapIf    // trap with code imm when cond holds
	mBoundsChk // trap with code imm when a+c > b (signed), a >= 0 and c = args[2] < 0: a > b first, the rest out of line
	mIntCheck  // trap with TrapInterrupted when the interrupt flag is set
	mCall      // call defined function imm; fixed uses/defs; clobbers all
	mCallInd   // call code (a0) with vmctx (a1); fixed uses/defs
	mCallBltin // call builtin stub imm; clobbers all
	mJmp       // jump to targets[0]
	mBr        // if cond goto targets[0] else targets[1]
	mBrAddr    // a0 = address of br_table entry a1 (clamped to the default)
	mBrAddrIn  // a0 = address of br_table entry a1, which is in range
	mBrTable   // jump to a0 (from mBrAddr); targets: entries then default
	mRet       // return; fixed uses are the results
	mTrap      // trap with code imm
	numMops
)

var mopNames = [numMops]string{
	mInvalid: "invalid", mMov: "mov", mMovImm: "movimm", mMovzx: "movzx", mMovsx: "movsx",
	mLoad: "load", mLoadS: "loads", mStore: "store", mLea: "lea",
	mAdd: "add", mSub: "sub", mAnd: "and", mOr: "or", mXor: "xor", mImul: "imul", mImul3: "imul3",
	mNeg: "neg", mShl: "shl", mShr: "shr", mSar: "sar", mRol: "rol", mRor: "ror",
	mDivS: "divs", mDivU: "divu", mRemS: "rems", mRemU: "remu",
	mLzcnt: "lzcnt", mTzcnt: "tzcnt", mPopcnt: "popcnt", mBlsr: "blsr",
	mCmp: "cmp", mLeaCmp: "leacmp", mTest: "test", mTestZero: "testz", mUcom: "ucomis", mSetcc: "setcc", mCmov: "cmov",
	mFMov: "fmov", mFConst: "fconst", mFLoad: "fload", mFStore: "fstore",
	mFAdd: "fadd", mFSub: "fsub", mFMul: "fmul", mFDiv: "fdiv", mFSqrt: "fsqrt",
	mFMin: "fmin", mFMax: "fmax", mFRound: "fround", mFAbs: "fabs", mFNeg: "fneg",
	mFCopysgn: "fcopysign", mFSelect: "fselect", mFCvt: "fcvt",
	mCvtSI2F: "cvtsi2f", mCvtUI2F: "cvtui2f", mCvtF2SI: "cvtf2si", mCvtF2UI: "cvtf2ui",
	mCvtF2SIS: "cvtf2si.sat", mCvtF2UIS: "cvtf2ui.sat", mMovToX: "movtox", mMovFromX: "movfromx",
	mParams: "params", mMemCopy: "memcopy", mMemFill: "memfill", mTrapIf: "trapif", mBoundsChk: "boundschk", mIntCheck: "intcheck", mCall: "call",
	mCallInd: "callind", mCallBltin: "callbuiltin", mJmp: "jmp", mBr: "br",
	mBrAddr: "braddr", mBrAddrIn: "braddr.in", mBrTable: "brtable", mRet: "ret", mTrap: "trap",
}

func (o mop) String() string {
	if o < numMops && mopNames[o] != "" {
		return mopNames[o]
	}
	return fmt.Sprintf("mop(%d)", uint8(o))
}

// isTerminator reports whether o ends a block.
func (o mop) isTerminator() bool {
	return o == mJmp || o == mBr || o == mBrTable || o == mRet || o == mTrap
}

// cc is a branch condition: an x86 Cond, or one of the two float
// conditions that need the parity flag too.
type cc uint8

const (
	ccFEq cc = 16 + iota // ZF=1 and PF=0 (ordered equal)
	ccFNe                // ZF=0 or PF=1 (unordered or not equal)
)

func (c cc) invert() cc {
	switch c {
	case ccFEq:
		return ccFNe
	case ccFNe:
		return ccFEq
	}
	return cc(Cond(c).Invert())
}

var condNames = [...]string{"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g", "feq", "fne"}

func (c cc) String() string {
	if int(c) < len(condNames) {
		return condNames[c]
	}
	return "cc?"
}

// opKind says what an operand holds.
type opKind uint8

const (
	kNone opKind = iota
	kReg         // a register (virtual or real)
	kImm         // an immediate (imm)
	kMem         // memory [base + index*scale + disp]
)

// role says how an instruction accesses a register operand.
type role uint8

const (
	rUse    role = iota // read
	rDef                // written
	rUseDef             // read and written (two-address forms)
)

// vmem is a memory operand whose base and index may be virtual registers
// (index NoVReg when absent).
type vmem struct {
	base, index regalloc.Reg
	scale       uint8
	disp        int32
}

// operand is one operand of an instr.
type operand struct {
	kind  opKind
	role  role
	reg   regalloc.Reg
	fixed regalloc.Reg // regalloc.NoReg, or the real register reg must be in
	imm   int64
	mem   vmem
}

// instr is one selected machine instruction. Its operands are args
// (at most three; see the mop comments for their order), fixed (the
// register operands of calls, returns and parameters, each pinned to a
// calling-convention register) and targets (successor block indices).
type instr struct {
	op    mop
	size  Size // operand size; for floats S32 = f32, S64 = f64
	size2 Size // second size: extension target, conversion source/target
	cond  cc
	nargs uint8
	args  [3]operand
	// imm is the function index (mCall), builtin (mCallBltin), trap code
	// (mTrap, mTrapIf), rounding mode (mFRound) or signedness flag.
	imm     int64
	fixed   []operand
	targets []int
}

func regOp(r regalloc.Reg, ro role) operand {
	return operand{kind: kReg, role: ro, reg: r, fixed: regalloc.NoReg}
}

func fixedOp(r regalloc.Reg, ro role, fixed Reg) operand {
	return operand{kind: kReg, role: ro, reg: r, fixed: regalloc.Reg(fixed)}
}

func immOp(v int64) operand { return operand{kind: kImm, imm: v} }

func memOp(m vmem) operand { return operand{kind: kMem, mem: m} }

// realMem is a memory operand on real registers (RSP, RBP, R14, R15).
func realMem(base Reg, disp int32) vmem {
	return vmem{base: regalloc.Reg(base), index: regalloc.NoReg, disp: disp}
}

func (in *instr) add(ops ...operand) {
	for _, o := range ops {
		if int(in.nargs) < len(in.args) {
			in.args[in.nargs] = o
			in.nargs++
		}
	}
}

// regName formats a register: real ones by name, virtual ones as v<n>.
func regName(r regalloc.Reg) string {
	switch {
	case r == regalloc.NoReg:
		return "_"
	case r.IsVirtual():
		return fmt.Sprintf("v%d", r-regalloc.FirstVirtual)
	case r < 32:
		return Reg(r).String()
	}
	return fmt.Sprintf("r%d", r)
}

func (o *operand) String() string {
	switch o.kind {
	case kReg:
		s := regName(o.reg)
		if o.fixed != regalloc.NoReg && o.fixed != o.reg {
			s += "@" + regName(o.fixed)
		}
		switch o.role {
		case rDef:
			s = "=" + s
		case rUseDef:
			s = "+" + s
		}
		return s
	case kImm:
		return fmt.Sprintf("$%d", o.imm)
	case kMem:
		var b strings.Builder
		b.WriteString("[")
		b.WriteString(regName(o.mem.base))
		if o.mem.index != regalloc.NoReg {
			fmt.Fprintf(&b, "+%s*%d", regName(o.mem.index), max(o.mem.scale, 1))
		}
		if o.mem.disp != 0 {
			fmt.Fprintf(&b, "%+d", o.mem.disp)
		}
		b.WriteString("]")
		return b.String()
	}
	return "?"
}

var sizeNames = [...]string{"8", "16", "32", "64"}

func (in *instr) String() string {
	var b strings.Builder
	b.WriteString(in.op.String())
	switch in.op {
	case mSetcc, mCmov, mFSelect, mTrapIf, mBr:
		b.WriteString("." + in.cond.String())
	}
	if int(in.size) < len(sizeNames) {
		b.WriteString("." + sizeNames[in.size])
	}
	switch in.op {
	case mMovzx, mMovsx, mLoad, mLoadS, mFCvt, mCvtSI2F, mCvtUI2F, mCvtF2SI, mCvtF2UI, mCvtF2SIS, mCvtF2UIS:
		b.WriteString("." + sizeNames[in.size2&3])
	}
	sep := " "
	for i := 0; i < int(in.nargs); i++ {
		b.WriteString(sep + in.args[i].String())
		sep = ", "
	}
	for i := range in.fixed {
		b.WriteString(sep + in.fixed[i].String())
		sep = ", "
	}
	switch in.op {
	case mCall, mCallBltin, mTrap, mTrapIf, mBoundsChk, mFRound:
		fmt.Fprintf(&b, "%s#%d", sep, in.imm)
	}
	for i, t := range in.targets {
		if i == 0 {
			b.WriteString(" ->")
		}
		fmt.Fprintf(&b, " b%d", t)
	}
	return b.String()
}
