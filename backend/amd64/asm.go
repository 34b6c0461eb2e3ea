package amd64

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Reg is a machine register: the general-purpose registers carry their
// hardware numbers (RAX=0 ... R15=15), XMM registers follow at 16..31.
type Reg uint8

const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
	X0
	X1
	X2
	X3
	X4
	X5
	X6
	X7
	X8
	X9
	X10
	X11
	X12
	X13
	X14
	X15
	// argArea, as the base of a selected instruction's memory operand,
	// stands for the function's incoming stack parameters: RSP plus the
	// frame (known only after allocation) plus the return address.
	argArea Reg = 0x40
	// NoReg marks an absent register (a Mem without index).
	NoReg Reg = 0xff
)

var regNames = [32]string{
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7",
	"x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
}

func (r Reg) String() string {
	if r < 32 {
		return regNames[r]
	}
	if r == NoReg {
		return "noreg"
	}
	return fmt.Sprintf("reg(%d)", uint8(r))
}

// IsXMM reports whether r is an XMM register.
func (r Reg) IsXMM() bool { return r >= X0 && r <= X15 }

// IsGPR reports whether r is a general-purpose register.
func (r Reg) IsGPR() bool { return r <= R15 }

// enc is the 4-bit encoding number of a register of either class.
func (r Reg) enc() byte { return byte(r) & 15 }

// Size is an integer asmOperand size.
type Size uint8

const (
	S8 Size = iota
	S16
	S32
	S64
)

// Bytes returns the asmOperand size in bytes.
func (s Size) Bytes() int { return 1 << s }

// Cond is an x86 condition code, as encoded in Jcc/SETcc/CMOVcc.
type Cond uint8

const (
	CondO  Cond = iota // overflow
	CondNO             // not overflow
	CondB              // below (unsigned <), carry
	CondAE             // above or equal (unsigned >=)
	CondE              // equal, zero
	CondNE             // not equal
	CondBE             // below or equal (unsigned <=)
	CondA              // above (unsigned >)
	CondS              // sign
	CondNS             // not sign
	CondP              // parity (unordered after UCOMIS*)
	CondNP             // not parity
	CondL              // less (signed <)
	CondGE             // greater or equal (signed >=)
	CondLE             // less or equal (signed <=)
	CondG              // greater (signed >)
)

// Invert returns the negated condition.
func (c Cond) Invert() Cond { return c ^ 1 }

// Mem is a memory asmOperand [Base + Index*Scale + Disp]. Index is NoReg when
// absent; Scale is 1, 2, 4 or 8 (0 means 1).
type Mem struct {
	Base, Index Reg
	Scale       uint8
	Disp        int32
}

// M returns the memory asmOperand [base+disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Disp: disp} }

// MI returns the memory asmOperand [base+index*scale+disp].
func MI(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// Label is a position in an Asm's code, bound once with Bind.
type Label int32

// StubKind names a stub of the module's stub section (stubs.go).
type StubKind uint8

const (
	StubExit    StubKind = iota + 1 // the exit path; arg unused
	StubTrap                        // arg is an abi.TrapCode
	StubBuiltin                     // arg is an abi.Builtin
	StubHost                        // arg is an import index: that import's host stub
	StubYield                       // the preemption exit of interrupt checks; arg unused
)

// RelocKind says what a relocation refers to.
type RelocKind uint8

const (
	RelocFunc RelocKind = iota + 1 // Index is a function index (module index space, a defined function)
	RelocStub                      // Stub and Index (its argument) name a stub
)

// Reloc is a PC-relative 32-bit reference the linker resolves: it writes
// target - (Offset + 4) at Offset. The field is always the last four bytes
// of its instruction, so Offset+4 is the address the CPU adds it to.
type Reloc struct {
	Offset uint32
	Kind   RelocKind
	Stub   StubKind
	Index  uint32
}

// FuncCode is an assembled function (or stub): code and the relocations
// the linker must resolve.
type FuncCode struct {
	Code   []byte
	Relocs []Reloc
	// Frame is how far the function moves RSP below its return address;
	// the frame is in place from offset Body on (backtraces step over it).
	Frame, Body uint32
	// Skips are the jumps back into interrupt checks, with At relative
	// to the function (backend.CheckSkip).
	Skips []backend.CheckSkip
}

// fixup is a reference to a label: a rel32 at at (relative to at+4), or a
// 32-bit difference target-base (a jump table entry) when base >= 0. The
// rel32 of a jump may shrink to a rel8 when Finish relaxes the code.
type fixup struct {
	at     int
	target Label
	base   Label
	jump   jumpForm
	rel8   bool // the reference is a rel8 at at (relative to at+1)
	// relaxed: Finish turned the jump's rel32 into a rel8.
	relaxed bool
}

// Asm encodes x86-64 instructions into a buffer. Operand errors (a register
// of the wrong class, an unencodable memory asmOperand) do not panic: the
// first one is kept and returned by Finish.
type Asm struct {
	buf    []byte
	labels []int // bound offsets, -1 while unbound
	fixups []fixup
	relocs []Reloc
	err    error
	// trapSites maps a trap code to the label of its out-of-line call to
	// the trap stub, emitted by Finish.
	trapSites map[abi.TrapCode]Label
	trapOrder []abi.TrapCode
	// yieldSites are the out-of-line calls of interrupt checks to the yield
	// stub, each returning to the code after its check.
	yieldSites []yieldSite
	// instanceCalls are the out-of-line indirect calls into other
	// instances (CallIndirect).
	instanceCalls []instanceCall
	// checks are the interrupt checks that start where a label is bound
	// (FuncCode.Skips).
	checks  []checkMark
	boundAt int   // offset of the last label bound, -1 for none
	cuts    []cut // relax's buffer
}

type yieldSite struct{ call, back Label }

// checkMark is an interrupt check that starts at label start and ends at
// label past.
type checkMark struct{ start, past Label }

// NewAsm returns an empty assembler.
func NewAsm() *Asm { return &Asm{boundAt: -1} }

// Bytes returns the code emitted so far (label references may be unresolved
// before Finish).
func (a *Asm) Bytes() []byte { return a.buf }

// Len returns the current code size, the offset of the next instruction.
func (a *Asm) Len() int { return len(a.buf) }

// Err returns the first asmOperand error, if any.
func (a *Asm) Err() error { return a.err }

// Relocs returns the relocations recorded so far.
func (a *Asm) Relocs() []Reloc { return a.relocs }

func (a *Asm) fail(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("amd64 asm at %#x: "+format, append([]any{len(a.buf)}, args...)...)
	}
}

// NewLabel returns a fresh unbound label.
func (a *Asm) NewLabel() Label {
	a.labels = append(a.labels, -1)
	return Label(len(a.labels) - 1)
}

// Bind binds l to the current position.
func (a *Asm) Bind(l Label) {
	if !a.validLabel(l) {
		return
	}
	if a.labels[l] >= 0 {
		a.fail("label %d bound twice", l)
		return
	}
	a.labels[l] = len(a.buf)
	a.boundAt = len(a.buf)
}

// LabelHere reports whether a label is bound at the current offset: code
// that jumps there may arrive with other flags and registers.
func (a *Asm) LabelHere() bool { return a.boundAt == len(a.buf) }

// LabelOffset returns the offset l is bound to, or -1.
func (a *Asm) LabelOffset(l Label) int {
	if l < 0 || int(l) >= len(a.labels) {
		return -1
	}
	return a.labels[l]
}

func (a *Asm) validLabel(l Label) bool {
	if l < 0 || int(l) >= len(a.labels) {
		a.fail("unknown label %d", l)
		return false
	}
	return true
}

// Finish emits the out-of-line trap sites, resolves every label reference
// and returns the code with its relocations. The Asm must not be used
// afterwards.
func (a *Asm) Finish() (FuncCode, error) {
	for _, code := range a.trapOrder {
		a.Bind(a.trapSites[code])
		a.CallStub(StubTrap, uint32(code))
	}
	for _, y := range a.yieldSites {
		a.Bind(y.call)
		a.CallStub(StubYield, 0)
		a.Jmp(y.back)
	}
	for _, c := range a.instanceCalls {
		a.instanceSwitch(c)
	}
	for _, f := range a.fixups {
		if a.labels[f.target] < 0 {
			a.fail("label %d never bound", f.target)
		} else if f.base >= 0 && a.labels[f.base] < 0 {
			a.fail("label %d never bound", f.base)
		}
	}
	if a.err != nil {
		return FuncCode{}, a.err
	}
	a.relax()
	for _, f := range a.fixups {
		t := a.labels[f.target]
		var v int64
		switch {
		case f.rel8:
			v = int64(t - (f.at + 1))
			if !fitsInt8(v) {
				a.fail("short jump distance %d out of range", v)
			}
			a.buf[f.at] = byte(int8(v))
			continue
		case f.base >= 0:
			v = int64(t - a.labels[f.base])
		default:
			v = int64(t - (f.at + 4))
		}
		if v < math.MinInt32 || v > math.MaxInt32 {
			a.fail("label distance %d out of range", v)
			break
		}
		binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(v)))
	}
	if a.err != nil {
		return FuncCode{}, a.err
	}
	return FuncCode{Code: a.buf, Relocs: a.relocs, Skips: a.checkSkips()}, nil
}

// checkSkips lists the jumps back into interrupt checks, with their final
// offsets and widths once relax has run. Such a jump starts after the
// check, so its displacement plus the check's length still points
// backwards and fits the same width.
func (a *Asm) checkSkips() []backend.CheckSkip {
	if len(a.checks) == 0 {
		return nil
	}
	spans := make(backend.CheckSpans, len(a.checks))
	for _, c := range a.checks {
		spans[a.labels[c.start]] = a.labels[c.past] - a.labels[c.start]
	}
	var out []backend.CheckSkip
	for _, f := range a.fixups {
		if f.base >= 0 || !f.rel8 && f.jump == 0 {
			continue // a jump table entry, a call or a lea
		}
		width := uint8(4)
		if f.rel8 {
			width = 1
		}
		if k, ok := spans.Skip(f.at, a.labels[f.target], width); ok {
			out = append(out, k)
		}
	}
	return out
}

func (a *Asm) byte1(b byte)    { a.buf = append(a.buf, b) }
func (a *Asm) bytes(b ...byte) { a.buf = append(a.buf, b...) }
func (a *Asm) imm16(v int16)   { a.buf = binary.LittleEndian.AppendUint16(a.buf, uint16(v)) }
func (a *Asm) imm32(v int32)   { a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(v)) }
func (a *Asm) imm64(v int64)   { a.buf = binary.LittleEndian.AppendUint64(a.buf, uint64(v)) }
func fitsInt8(v int64) bool    { return v >= -128 && v <= 127 }
func fitsInt32(v int64) bool   { return v >= math.MinInt32 && v <= math.MaxInt32 }
func isByteHighReg(r Reg) bool { return r >= RSP && r <= RDI }
func (a *Asm) labelRef(l Label, j jumpForm) {
	a.fixups = append(a.fixups, fixup{at: len(a.buf), target: l, base: -1, jump: j})
}

// asmOperand is the r/m asmOperand of an instruction: a register or memory.
type asmOperand struct {
	mem   bool
	reg   Reg
	m     Mem
	rip   bool // RIP-relative disp32 (m unused)
	byte8 bool // reg is used as an 8-bit register
}

func asmR(r Reg) asmOperand  { return asmOperand{reg: r} }
func asmR8(r Reg) asmOperand { return asmOperand{reg: r, byte8: true} }
func asmM(m Mem) asmOperand  { return asmOperand{mem: true, m: m} }

// asmInst describes one legacy/REX-encoded instruction.
type asmInst struct {
	pfx     byte // mandatory or asmOperand-size prefix (0x66, 0xF2, 0xF3), 0 for none
	w       bool // REX.W
	op      []byte
	reg     byte // ModRM.reg: a register's 4-bit number or an opcode extension
	reg8    bool // reg names an 8-bit register (SPL..DIL need a REX)
	rmIsReg bool
}

// emit encodes in with r/m asmOperand o. It returns false (after recording an
// error) when o is not encodable.
func (a *Asm) emit(in asmInst, o asmOperand) bool {
	var rex byte
	if in.w {
		rex |= 8
	}
	if in.reg&8 != 0 {
		rex |= 4
	}
	force := in.reg8 && isByteHighReg(Reg(in.reg))
	if o.mem && !o.rip {
		m := o.m
		if m.Base == NoReg && m.Index == NoReg || m.Base != NoReg && !m.Base.IsGPR() {
			a.fail("memory base %v is not a general register", m.Base)
			return false
		}
		if m.Index != NoReg {
			if !m.Index.IsGPR() || m.Index == RSP {
				a.fail("bad memory index %v", m.Index)
				return false
			}
			if m.Index&8 != 0 {
				rex |= 2
			}
		}
		if m.Base != NoReg && m.Base&8 != 0 {
			rex |= 1
		}
	} else if !o.mem {
		if o.reg&8 != 0 {
			rex |= 1
		}
		if o.byte8 && isByteHighReg(o.reg) {
			force = true
		}
	}
	if in.pfx != 0 {
		a.byte1(in.pfx)
	}
	if rex != 0 || force {
		a.byte1(0x40 | rex)
	}
	a.bytes(in.op...)
	regField := (in.reg & 7) << 3
	switch {
	case o.rip:
		a.byte1(regField | 5)
		a.imm32(o.m.Disp)
	case !o.mem:
		a.byte1(0xC0 | regField | o.reg.enc()&7)
	default:
		a.memOperand(regField, o.m)
	}
	return true
}

// scaleBits is the SIB encoding of an index scale.
func (a *Asm) scaleBits(scale uint8) byte {
	switch scale {
	case 0, 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	case 8:
		return 3
	}
	a.fail("bad scale %d", scale)
	return 0
}

// memOperand writes ModRM (with regField), SIB and displacement. Without
// a base ([index*scale + disp]) the SIB's base field 101 with mod 00
// takes a 32-bit displacement.
func (a *Asm) memOperand(regField byte, m Mem) {
	if m.Base == NoReg {
		a.byte1(regField | 4)
		a.byte1(a.scaleBits(m.Scale)<<6 | (m.Index.enc()&7)<<3 | 5)
		a.imm32(m.Disp)
		return
	}
	base := m.Base.enc() & 7
	var mod byte
	switch {
	case m.Disp == 0 && base != 5: // RBP/R13 have no disp-less form
		mod = 0
	case fitsInt8(int64(m.Disp)):
		mod = 1
	default:
		mod = 2
	}
	if m.Index == NoReg && base != 4 {
		a.byte1(mod<<6 | regField | base)
	} else {
		idx := byte(4) // none
		if m.Index != NoReg {
			idx = m.Index.enc() & 7
		}
		ss := a.scaleBits(m.Scale)
		a.byte1(mod<<6 | regField | 4)
		a.byte1(ss<<6 | idx<<3 | base)
	}
	switch mod {
	case 1:
		a.byte1(byte(int8(m.Disp)))
	case 2:
		a.imm32(m.Disp)
	}
}

func (a *Asm) needGPR(rs ...Reg) bool {
	for _, r := range rs {
		if !r.IsGPR() {
			a.fail("%v is not a general register", r)
			return false
		}
	}
	return true
}

func (a *Asm) needXMM(rs ...Reg) bool {
	for _, r := range rs {
		if !r.IsXMM() {
			a.fail("%v is not an XMM register", r)
			return false
		}
	}
	return true
}

func (a *Asm) needSize(s Size, ok ...Size) bool {
	for _, o := range ok {
		if s == o {
			return true
		}
	}
	a.fail("asmOperand size %d not supported here", s)
	return false
}
