// Package regalloc assigns machine registers to the virtual registers of a
// backend's instruction stream. It knows nothing about any instruction set:
// a backend describes its function through the Func interface and its
// registers through a RegInfo, and applies the returned Allocation.
package regalloc

// Reg is a register: real registers are numbered below FirstVirtual by the
// backend (its own encoding numbers), virtual ones from FirstVirtual up.
type Reg uint32

// FirstVirtual is the first virtual register number.
const FirstVirtual Reg = 128

// NoReg marks an absent register.
const NoReg Reg = 0xffffffff

// IsVirtual reports whether r is a virtual register.
func (r Reg) IsVirtual() bool { return r >= FirstVirtual && r != NoReg }

// Class is a register class: values of one class live in registers of that
// class and in spill slots sized for it.
type Class uint8

const (
	ClassInt   Class = iota // general-purpose registers; 8-byte slots
	ClassFloat              // floating-point / vector registers; 16-byte slots
)

// RegSet is a set of real registers (numbers below 128).
type RegSet [2]uint64

// Add returns s with r added.
func (s RegSet) Add(r Reg) RegSet { s[r/64] |= 1 << (r % 64); return s }

// Union returns the registers in s or t.
func (s RegSet) Union(t RegSet) RegSet { return RegSet{s[0] | t[0], s[1] | t[1]} }

// Has reports whether r is in s.
func (s RegSet) Has(r Reg) bool { return r < FirstVirtual && s[r/64]&(1<<(r%64)) != 0 }

// Operand is one register operand of an instruction. A register that is
// read and written (x86 two-address forms) appears once as a use and once
// as a def with the same Reg; the allocator gives both the same register.
type Operand struct {
	Reg Reg
	Def bool // written by the instruction; otherwise read
	// Fixed, when not NoReg, is the real register this operand must be in
	// (calling convention, x86 division and shifts). Real registers may
	// also appear directly as Reg.
	Fixed Reg
}

// Func is a backend's function as the allocator sees it: blocks of
// instructions in layout order. Block arguments must already be lowered
// to moves. The moves of a critical edge (from a block with several
// successors to one with several predecessors) go to a new block the
// backend makes for it (Allocation.Split).
type Func interface {
	NumBlocks() int
	Succs(b int) []int
	Preds(b int) []int
	// LoopDepth is 0 outside loops, 1 in a loop, 2 in a nested loop...
	LoopDepth(b int) int
	NumInstrs(b int) int
	// Operands appends the operands of instruction i of block b to ops.
	Operands(b, i int, ops []Operand) []Operand
	// Clobbers returns the real registers instruction i of block b destroys
	// besides its defs (all caller-saved registers, for a call).
	Clobbers(b, i int) RegSet
	// IsMove reports whether the instruction only copies src to dst (same
	// class); the allocator tries to give both the same register. A copy
	// whose operands get the same register must emit nothing: the
	// allocator names one for a copy of a value on the stack onto itself,
	// and loads a source that is on the stack straight into the
	// destination with an edit after the copy.
	IsMove(b, i int) (dst, src Reg, ok bool)
	// RegClass returns the class of a virtual register.
	RegClass(r Reg) Class
}

// EarlyClobberer is implemented by a Func whose instructions may write
// registers before they have read their operands, such as a code
// generator's scratch register: an early-clobbered register holds none of
// the instruction's operands, used or defined, and nothing across it.
type EarlyClobberer interface {
	EarlyClobbers(b, i int) RegSet
}

// RegInfo describes a machine's registers.
type RegInfo struct {
	// Allocatable lists the registers of each class in preference order.
	Allocatable [2][]Reg
	// Names are for debug output, indexed by real register number.
	Names []string
	// Whole lists registers that only take values free to stay in them
	// from their start to their end (a scratch register that many
	// instructions clobber: a value split there would be stored and
	// reloaded around each of them).
	Whole RegSet
}

// Pos is a point in the instruction stream: before or after an instruction.
type Pos struct {
	Block int32
	Instr int32
	After bool
}

// EditKind is the kind of an instruction the allocator asks to insert.
type EditKind uint8

const (
	EditMove   EditKind = iota // Dst = Src (real registers of Class)
	EditSpill                  // Slot = Src
	EditReload                 // Dst = Slot
)

// Edit is an instruction to insert at Pos. Edits at the same Pos are
// inserted in the order listed.
type Edit struct {
	Pos      Pos
	Kind     EditKind
	Class    Class
	Dst, Src Reg
	Slot     int
}

// Allocation is the allocator's result.
type Allocation struct {
	// Assign gives, for instruction i of block b, the real register of each
	// operand in the order Operands returned them: Assign[Start[b][i]+k].
	Start  [][]int32
	Assign []Reg
	// Edits are sorted by Pos (block, instruction, before < after).
	Edits []Edit
	// Slots is the number of spill slots of each class.
	Slots [2]int
	// Writes[b] is the set of registers the instructions of block b write
	// (defs and clobbers; edits not included).
	Writes []RegSet
	// Named[b] is Writes[b] and the registers its instructions read.
	Named []RegSet
	// Split lists the critical edges that need moves. The backend makes
	// block NumBlocks()+j for Split[j]: the edits at Pos{Block:
	// NumBlocks()+j}, then a jump to Succ; Pred branches to it instead
	// of Succ. Start has no entries for these blocks.
	Split []Edge

	starts []int32 // storage of Start
}

// Reg returns the real register assigned to operand k of instruction i in
// block b.
func (a *Allocation) Reg(b, i, k int) Reg { return a.Assign[int(a.Start[b][i])+k] }

// Edge is the control-flow edge from block Pred to block Succ.
type Edge struct{ Pred, Succ int32 }
