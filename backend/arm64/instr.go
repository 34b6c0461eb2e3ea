package arm64

import (
	"fmt"
	"strings"

	"github.com/wasmc/wasmc/regalloc"
)

// mop is a machine operation of the selected (pre-encoding) code. Most map
// to one A64 instruction; a few are short fixed sequences (remainder,
// popcount, copysign, br_table) that only need the scratch registers X16,
// X17 and V31 besides their operands, so the allocator sees them as one
// unit. Every form is three-address: no operand is read and written.
type mop uint8

const (
	mInvalid mop = iota
	mMov         // dst = src (64-bit copy; the allocator may coalesce)
	mMovImm      // dst = imm (size)
	mSxt         // dst (size2) = sign-extend the low size bits of src
	mUxt         // dst = zero-extend the low size bits of src
	mLoad        // dst = zero-extended load of size bytes (into size2)
	mLoadS       // dst = sign-extended load of size bytes into size2
	mStore       // [mem] = src (XZR for zero), size bytes
	// Three-address integer ALU: dst, a, b (b: reg, imm, shifted or
	// extended reg).
	mAdd
	mSub
	mAnd
	mOr
	mXor
	mMul  // dst = a * b
	mMadd // dst = c + a*b
	mMsub // dst = c - a*b
	mSDiv // dst = a / b (signed; the SSA excluded 0 and MIN/-1)
	mUDiv
	mRemS // dst = a - (a/b)*b, through X16 (MIN % -1 is 0 on arm64)
	mRemU
	mLsl // dst = a << b (b reg or imm; registers use the count mod N)
	mLsr
	mAsr
	mRor
	mNeg // dst = -b (b reg or shifted reg)
	mClz
	mCtz // rbit + clz
	mPopcnt
	// Flags.
	mCmp  // flags = a - b (b reg, imm, shifted or extended reg; a mem [x+c]: an add computed into X16)
	mTst  // flags = a & b (b reg or bitmask imm)
	mCset // dst = cond ? 1 : 0
	mCsel // dst = cond ? a : b
	mFCmp // flags = fcmp a, b
	// Floating point (size S32: f32, S64: f64).
	mFMov   // dst = src (copy; coalescable)
	mFConst // dst = float with bits imm
	mFLoad  // dst = [mem]
	mFStore // [mem] = src
	mFAdd   // dst = a op b
	mFSub
	mFMul
	mFDiv
	mFMin // Wasm min: NaN-propagating, -0 < +0 (fmin does both)
	mFMax
	mFCopysign // dst = |a| with b's sign
	mFSqrt     // dst = op a
	mFAbs
	mFNeg
	mFRound  // dst = round(a), imm: roundP/M/Z/N
	mFCsel   // dst = cond ? a : b
	mFCvt    // dst = src converted f32<->f64 (size: dst float size)
	mSCvtF   // dst (float size) = signed src (int size2)
	mUCvtF   // dst (float size) = unsigned src (int size2)
	mFCvtZS  // dst (int size) = signed truncation of src (float size2), saturating
	mFCvtZU  // dst (int size) = unsigned truncation, saturating (NaN gives 0)
	mMovToF  // dst fp = bits of src gpr (size)
	mMovToGP // dst gpr = bits of src fp (size)
	// Control and calls.
	mParams    // defines the function's register parameters (fixed)
	mMemCopy   // copy a2 bytes from a1 to a0 (X0, X1, X2), overlap allowed; clobbers them
	mMemFill   // set a2 bytes at a0 to a1 (X0, X1, X2); clobbers them
	mTrapIf    // trap with code imm when cond holds (flags)
	mTrapIfReg // trap with code imm when a (size) is non-zero (cond NE) or zero (EQ)
	mBoundsChk // trap with code imm when a+c > b (signed), a >= 0 and c = args[2] < 0: a > b first, the rest out of line
	mIntCheck  // trap with TrapInterrupted when the interrupt flag is set
	mCall      // call defined function imm; fixed uses/defs; clobbers all
	mCallInd   // call code (a0) with vmctx (a1); fixed uses/defs
	mCallBltin // call builtin stub imm; clobbers all
	mJmp       // jump to targets[0]
	mBr        // if cond goto targets[0] else targets[1]
	mCbz       // if a (size) == 0 (cond EQ) or != 0 (NE) goto targets[0] else targets[1]
	mTbz       // if bit imm of a is 0 (cond EQ) or 1 (NE) goto targets[0] else targets[1]
	mBrTable   // index a; targets: entries then default
	mBrTableIn // mBrTable whose index always has an entry: no range check
	mRet       // return; fixed uses are the results
	mTrap      // trap with code imm
	numMops
)

var mopNames = [numMops]string{
	mInvalid: "invalid", mMov: "mov", mMovImm: "movimm", mSxt: "sxt", mUxt: "uxt",
	mLoad: "load", mLoadS: "loads", mStore: "store",
	mAdd: "add", mSub: "sub", mAnd: "and", mOr: "orr", mXor: "eor", mMul: "mul",
	mMadd: "madd", mMsub: "msub", mSDiv: "sdiv", mUDiv: "udiv", mRemS: "rems", mRemU: "remu",
	mLsl: "lsl", mLsr: "lsr", mAsr: "asr", mRor: "ror", mNeg: "neg",
	mClz: "clz", mCtz: "ctz", mPopcnt: "popcnt",
	mCmp: "cmp", mTst: "tst", mCset: "cset", mCsel: "csel", mFCmp: "fcmp",
	mFMov: "fmov", mFConst: "fconst", mFLoad: "fload", mFStore: "fstore",
	mFAdd: "fadd", mFSub: "fsub", mFMul: "fmul", mFDiv: "fdiv", mFMin: "fmin", mFMax: "fmax",
	mFCopysign: "fcopysign", mFSqrt: "fsqrt", mFAbs: "fabs", mFNeg: "fneg", mFRound: "frint",
	mFCsel: "fcsel", mFCvt: "fcvt", mSCvtF: "scvtf", mUCvtF: "ucvtf", mFCvtZS: "fcvtzs",
	mFCvtZU: "fcvtzu", mMovToF: "movtof", mMovToGP: "movtogp",
	mParams: "params", mMemCopy: "memcopy", mMemFill: "memfill", mTrapIf: "trapif", mTrapIfReg: "trapifreg", mBoundsChk: "boundschk", mIntCheck: "intcheck",
	mCall: "call", mCallInd: "callind", mCallBltin: "callbuiltin", mJmp: "b", mBr: "b",
	mCbz: "cbz", mTbz: "tbz", mBrTable: "brtable", mBrTableIn: "brtable.in", mRet: "ret", mTrap: "trap",
}

func (o mop) String() string {
	if o < numMops && mopNames[o] != "" {
		return mopNames[o]
	}
	return fmt.Sprintf("mop(%d)", uint8(o))
}

// isTerminator reports whether o ends a block.
func (o mop) isTerminator() bool {
	switch o {
	case mJmp, mBr, mCbz, mTbz, mBrTable, mBrTableIn, mRet, mTrap:
		return true
	}
	return false
}

// Rounding modes of mFRound.
const (
	roundUp      = iota // frintp (ceil)
	roundDown           // frintm (floor)
	roundTrunc          // frintz
	roundNearest        // frintn (ties to even)
)

// opKind says what an operand holds.
type opKind uint8

const (
	kNone  opKind = iota
	kReg          // a register (virtual or real)
	kImm          // an immediate (imm)
	kShift        // a register shifted by imm (shift: LSL, LSR, ASR)
	kExt          // a register extended (ext) and shifted left by imm
	kMem          // memory
)

// Shift kinds of kShift operands, as A64 encodes them.
type shiftKind uint8

const (
	shLSL shiftKind = iota
	shLSR
	shASR
)

// Extend kinds of kExt operands and memory indices.
type extKind uint8

const (
	extUXTW extKind = 2
	extLSL  extKind = 3 // a 64-bit index (UXTX)
	extSXTW extKind = 6
)

// role says how an instruction accesses a register operand.
type role uint8

const (
	rUse role = iota // read
	rDef             // written
)

// vmem is a memory operand [base + extend(index) << shift + disp] whose
// registers may be virtual (index NoReg when absent). The emitter picks
// the addressing mode, through X16 when one instruction cannot express it.
type vmem struct {
	base, index regalloc.Reg
	ext         extKind
	shift       uint8
	disp        int64
}

// operand is one operand of an instr.
type operand struct {
	kind  opKind
	role  role
	sh    shiftKind
	ext   extKind
	reg   regalloc.Reg
	fixed regalloc.Reg // regalloc.NoReg, or the real register reg must be in
	imm   int64
	mem   vmem
}

// instr is one selected machine instruction. Its operands are args (at
// most four; see the mop comments for their order), fixed (the register
// operands of calls, returns and parameters, each pinned to a
// calling-convention register) and targets (successor block indices).
type instr struct {
	op    mop
	size  Size // operand size; for floats S32 = f32, S64 = f64
	size2 Size // second size: extension target, conversion source
	cond  Cond
	nargs uint8
	args  [4]operand
	// imm is the function index (mCall), builtin (mCallBltin), trap code
	// (mTrap, mTrapIf*), rounding mode (mFRound) or bit number (mTbz).
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

func immOp(v int64) operand { return operand{kind: kImm, imm: v, fixed: regalloc.NoReg} }

func shiftOp(r regalloc.Reg, sh shiftKind, n int64) operand {
	return operand{kind: kShift, reg: r, sh: sh, imm: n, fixed: regalloc.NoReg}
}

func extOp(r regalloc.Reg, ext extKind, n int64) operand {
	return operand{kind: kExt, reg: r, ext: ext, imm: n, fixed: regalloc.NoReg}
}

func memOp(m vmem) operand { return operand{kind: kMem, mem: m, fixed: regalloc.NoReg} }

// realMem is a memory operand on a real base register (SP, FP, X19, X20).
func realMem(base Reg, disp int64) vmem {
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
	}
	return Reg(r).String()
}

var (
	shiftNames = [...]string{"lsl", "lsr", "asr"}
	extNames   = [...]string{extUXTW: "uxtw", extLSL: "lsl", extSXTW: "sxtw"}
)

func (o *operand) String() string {
	switch o.kind {
	case kReg:
		s := regName(o.reg)
		if o.fixed != regalloc.NoReg && o.fixed != o.reg {
			s += "@" + regName(o.fixed)
		}
		if o.role == rDef {
			s = "=" + s
		}
		return s
	case kImm:
		return fmt.Sprintf("$%d", o.imm)
	case kShift:
		return fmt.Sprintf("%s %s #%d", regName(o.reg), shiftNames[o.sh%3], o.imm)
	case kExt:
		s := regName(o.reg) + " " + extNames[o.ext&7]
		if o.imm != 0 {
			s += fmt.Sprintf(" #%d", o.imm)
		}
		return s
	case kMem:
		var b strings.Builder
		b.WriteString("[")
		b.WriteString(regName(o.mem.base))
		if o.mem.index != regalloc.NoReg {
			fmt.Fprintf(&b, "+%s %s", regName(o.mem.index), extNames[o.mem.ext&7])
			if o.mem.shift != 0 {
				fmt.Fprintf(&b, " #%d", o.mem.shift)
			}
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
	case mCset, mCsel, mFCsel, mTrapIf, mBr:
		b.WriteString("." + in.cond.String())
	case mCbz, mTbz, mTrapIfReg:
		if in.cond == CondNE {
			b.WriteString(".nz")
		} else {
			b.WriteString(".z")
		}
	}
	if int(in.size) < len(sizeNames) {
		b.WriteString("." + sizeNames[in.size])
	}
	switch in.op {
	case mSxt, mUxt, mLoad, mLoadS, mFCvt, mSCvtF, mUCvtF, mFCvtZS, mFCvtZU:
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
	case mCall, mCallBltin, mTrap, mTrapIf, mTrapIfReg, mBoundsChk, mFRound, mTbz:
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
