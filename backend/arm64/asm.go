package arm64

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Reg is a machine register. X0..X30 are 0..30; XZR (31) and SP (32) both
// encode as 31 but are told apart so the assembler can check that each
// operand position accepts the one it is given. V0..V31 (FP/NEON) are
// 64..95. Sizes (S32/S64) select W/X or S/D views.
type Reg uint8

const (
	X0 Reg = iota
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
	X16
	X17
	X18
	X19
	X20
	X21
	X22
	X23
	X24
	X25
	X26
	X27
	X28
	X29
	X30
	XZR // zero register (encoding 31 where ZR is meant)
	SP  // stack pointer (encoding 31 where SP is meant)
)

// FP and LR are the frame pointer and link register.
const (
	FP = X29
	LR = X30
)

// V0..V31 are the FP/SIMD registers.
const (
	V0 Reg = 64 + iota
	V1
	V2
	V3
	V4
	V5
	V6
	V7
	V8
	V9
	V10
	V11
	V12
	V13
	V14
	V15
	V16
	V17
	V18
	V19
	V20
	V21
	V22
	V23
	V24
	V25
	V26
	V27
	V28
	V29
	V30
	V31
)

// NoReg marks an absent register (a Mem without index).
const NoReg Reg = 0xff

func (r Reg) String() string {
	switch {
	case r <= X30:
		return fmt.Sprintf("x%d", r)
	case r == XZR:
		return "xzr"
	case r == SP:
		return "sp"
	case r.IsFP():
		return fmt.Sprintf("v%d", r-V0)
	case r == NoReg:
		return "noreg"
	}
	return fmt.Sprintf("reg(%d)", uint8(r))
}

// IsGPR reports whether r is X0..X30, XZR or SP.
func (r Reg) IsGPR() bool { return r <= SP }

// IsFP reports whether r is V0..V31.
func (r Reg) IsFP() bool { return r >= V0 && r <= V31 }

// Size is an operand size: S32/S64 select W/X registers and S/D float
// registers; S8/S16 are memory access sizes.
type Size uint8

const (
	S8 Size = iota
	S16
	S32
	S64
)

// Bytes returns the size in bytes.
func (s Size) Bytes() int { return 1 << s }

// sf is the 64-bit flag of integer instructions.
func (s Size) sf() uint32 {
	if s == S64 {
		return 1
	}
	return 0
}

// Cond is an A64 condition code, as encoded.
type Cond uint8

const (
	CondEQ Cond = iota // equal
	CondNE             // not equal
	CondHS             // unsigned >= (carry set)
	CondLO             // unsigned < (carry clear)
	CondMI             // negative
	CondPL             // positive or zero
	CondVS             // overflow
	CondVC             // no overflow
	CondHI             // unsigned >
	CondLS             // unsigned <=
	CondGE             // signed >=
	CondLT             // signed <
	CondGT             // signed >
	CondLE             // signed <=
	CondAL             // always
)

// Invert returns the negated condition (not meaningful for CondAL).
func (c Cond) Invert() Cond { return c ^ 1 }

var condNames = [16]string{"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"}

func (c Cond) String() string { return condNames[c&15] }

// Label is a position in an Asm's code, bound once with Bind.
type Label int32

type yieldSite struct{ call, back Label }

// checkMark is an interrupt check that starts at label start and ends at
// label past.
type checkMark struct{ start, past Label }

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

// Reloc is a B or BL instruction at Offset whose 26-bit displacement the
// linker fills in (through a veneer when the target is out of reach).
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
	// Skips are the branches back into interrupt checks, with At relative
	// to the function (backend.CheckSkip).
	Skips []backend.CheckSkip
}

// fixKind is the field a label reference patches.
type fixKind uint8

const (
	fixB26    fixKind = iota // B, BL: imm26 words
	fixCond19                // B.cond, CBZ, CBNZ: imm19 at bit 5
	fixTest14                // TBZ, TBNZ: imm14 at bit 5
	fixAdr21                 // ADR: immlo/immhi bytes
	fixData32                // 32-bit data target-base (jump tables)
)

type fixup struct {
	at     int
	kind   fixKind
	target Label
	base   Label // fixData32 only
}

// Asm encodes A64 instructions into a buffer. Operand errors (a register of
// the wrong class, an unencodable immediate or offset) do not panic: the
// first one is kept and returned by Finish. Every label reference is
// resolved by Finish, which also rewrites conditional branches whose
// target is out of reach into an inverted branch over a B (so offsets
// observed before Finish may move).
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
	// checks are the interrupt checks that start where a label is bound
	// (FuncCode.Skips); boundAt is the offset of the last label bound.
	checks  []checkMark
	boundAt int
	// condRange and testRange are the reach of the short branches; tests
	// shrink them to exercise the long forms.
	condRange, testRange int
}

const (
	condReach = 1 << 20 // B.cond, CBZ: ±1 MiB
	testReach = 1 << 15 // TBZ: ±32 KiB
	b26Reach  = 1 << 27 // B, BL: ±128 MiB
	adrReach  = 1 << 20
)

// NewAsm returns an empty assembler.
func NewAsm() *Asm { return &Asm{condRange: condReach, testRange: testReach, boundAt: -1} }

// Bytes returns the code emitted so far (label references unresolved
// before Finish).
func (a *Asm) Bytes() []byte { return a.buf }

// Len returns the current code size, the offset of the next instruction.
func (a *Asm) Len() int { return len(a.buf) }

// Err returns the first operand error, if any.
func (a *Asm) Err() error { return a.err }

// Relocs returns the relocations recorded so far.
func (a *Asm) Relocs() []Reloc { return a.relocs }

func (a *Asm) fail(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("arm64 asm at %#x: "+format, append([]any{len(a.buf)}, args...)...)
	}
}

// Word emits a raw instruction word (it must not be PC-relative: only
// label and relocation methods produce those).
func (a *Asm) Word(w uint32) { a.buf = binary.LittleEndian.AppendUint32(a.buf, w) }

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

// LabelHere reports whether a label is bound at the current offset.
func (a *Asm) LabelHere() bool { return a.boundAt == len(a.buf) }

// LabelOffset returns the offset l is bound to, or -1 (final after Finish).
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

func (a *Asm) labelRef(kind fixKind, l Label) {
	a.fixups = append(a.fixups, fixup{at: len(a.buf), kind: kind, target: l, base: -1})
}

// TrapSite returns the label of this function's out-of-line trap site for
// code: a BL to the trap stub, emitted by Finish and shared by every
// branch to it. The BL leaves the site's address in LR as TrapPC, inside
// the function, so backtraces name the trapping function.
func (a *Asm) TrapSite(code abi.TrapCode) Label {
	if l, ok := a.trapSites[code]; ok {
		return l
	}
	if a.trapSites == nil {
		a.trapSites = make(map[abi.TrapCode]Label)
	}
	l := a.NewLabel()
	a.trapSites[code] = l
	a.trapOrder = append(a.trapOrder, code)
	return l
}

// TrapIf traps with code when c holds.
func (a *Asm) TrapIf(c Cond, code abi.TrapCode) { a.Bcond(c, a.TrapSite(code)) }

// Trap traps with code unconditionally, here (unreachable).
func (a *Asm) Trap(code abi.TrapCode) { a.CallStub(StubTrap, uint32(code)) }

// Finish emits the out-of-line trap sites, lengthens out-of-range
// conditional branches, resolves every label reference and returns the
// code with its relocations. The Asm must not be used afterwards.
func (a *Asm) Finish() (FuncCode, error) {
	for _, code := range a.trapOrder {
		a.Bind(a.trapSites[code])
		a.CallStub(StubTrap, uint32(code))
	}
	for _, y := range a.yieldSites {
		a.Bind(y.call)
		a.CallStub(StubYield, 0)
		a.B(y.back)
	}
	for _, f := range a.fixups {
		if a.labels[f.target] < 0 || (f.kind == fixData32 && a.labels[f.base] < 0) {
			a.fail("label %d never bound", f.target)
		}
	}
	if a.err != nil {
		return FuncCode{}, a.err
	}
	a.relax()
	for _, f := range a.fixups {
		a.patch(f)
	}
	if a.err != nil {
		return FuncCode{}, a.err
	}
	return FuncCode{Code: a.buf, Relocs: a.relocs, Skips: a.checkSkips()}, nil
}

// checkSkips lists the branches back into interrupt checks (their targets
// are final once Finish has lengthened what was out of reach). Such a
// branch lies after the check, so its target moved past the check still
// lies behind it and within the same reach.
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
		var width uint8
		switch f.kind {
		case fixB26:
			width = 26
		case fixCond19:
			width = 19
		case fixTest14:
			width = 14
		default:
			continue
		}
		if binary.LittleEndian.Uint32(a.buf[f.at:])&0xFC000000 == 0x94000000 {
			continue // a BL
		}
		if k, ok := spans.Skip(f.at, a.labels[f.target], width); ok {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(x, y backend.CheckSkip) int { return int(x.At) - int(y.At) })
	return out
}

// patch writes label reference f's displacement into its instruction.
func (a *Asm) patch(f fixup) {
	t := a.labels[f.target]
	d := t - f.at
	w := binary.LittleEndian.Uint32(a.buf[f.at:])
	switch f.kind {
	case fixB26:
		if d < -b26Reach || d >= b26Reach {
			a.fail("branch to label %d out of range (%d)", f.target, d)
			return
		}
		w |= uint32(d>>2) & (1<<26 - 1)
	case fixCond19:
		w |= (uint32(d>>2) & (1<<19 - 1)) << 5
	case fixTest14:
		w |= (uint32(d>>2) & (1<<14 - 1)) << 5
	case fixAdr21:
		if d < -adrReach || d >= adrReach {
			a.fail("adr to label %d out of range (%d)", f.target, d)
			return
		}
		w |= (uint32(d)&3)<<29 | (uint32(d>>2)&(1<<19-1))<<5
	case fixData32:
		w = uint32(int32(t - a.labels[f.base]))
	}
	binary.LittleEndian.PutUint32(a.buf[f.at:], w)
}
