package ssa

import (
	"math/bits"

	"github.com/wasmc/wasmc/internal/bufs"
)

// ID numbers values and blocks within a function, densely from 0 (for
// side tables indexed by ID).
type ID int32

// Value is one SSA value: the result of an op (or TypeNone for ops used
// only for their effect), a block parameter (OpParam), or a terminator.
type Value struct {
	ID     ID
	Op     Op
	Type   Type
	AuxInt int64      // see the op's AuxKind
	Sig    *Signature // calls: parameter and result types
	Args   []*Value
	Block  *Block
	// Uses counts the uses of the value in operands and edge arguments.
	// It is valid after Func.CountUses (Optimize ends with it).
	Uses int32

	argBuf [2]*Value // Args storage for ops with at most two operands
}

// Edge is a control-flow edge: the target block and the arguments bound to
// its parameters.
type Edge struct {
	Block *Block
	Args  []*Value
}

// Block is a basic block: parameters, then values in execution order, then
// the terminator. Edges carry the arguments of the successors' parameters.
type Block struct {
	ID     ID
	Func   *Func
	Params []*Value // OpParam values; Params[i].AuxInt == i
	Values []*Value // no terminators here
	Term   *Value   // the terminator; nil only while the block is being built
	// Succs are the outgoing edges: jump has one; br_if two (taken when
	// the condition is non-zero, then the fall-through); br_table one per
	// table entry with the default last; return and trap none.
	Succs []Edge
	// Preds lists the source block of every incoming edge (a block
	// appears once per edge, so br_table duplicates appear here too).
	Preds []*Block
	// LoopHeader marks the header of a Wasm loop (informational; passes
	// keep it for the block that stays the header).
	LoopHeader bool
}

// Func is one function in SSA form. Blocks[0] is the entry; its parameters
// are the function's parameters. The order of Blocks is the layout order.
type Func struct {
	Name   string
	Index  uint32 // Wasm function index
	Sig    *Signature
	Blocks []*Block
	// Mems describes the linear memories the function accesses, for the
	// bounds-check passes (set by the frontend; optional).
	Mems []MemInfo
	// FaultingLoads: linear-memory loads are unchecked and may trap by
	// faulting (guard pages), so they are kept even when unused.
	FaultingLoads bool
	// StackGuard: the runtime turns a fault in the Wasm stack's guard
	// region into the stack-overflow trap (guard pages), so a prologue
	// whose frame is at most abi.LeafFrame may leave the limit check to
	// the guard (set by the frontend).
	StackGuard bool
	// SharedMemory: the function accesses a shared memory, whose bytes
	// another thread may change between two loads of one address.
	SharedMemory bool
	// NoEntryCheck: no cycle of calls passes through the function, so its
	// prologue need not check for preemption (set by the backend).
	NoEntryCheck bool

	nextValue ID
	nextBlock ID
	mark      []uint32 // by block ID, for UniquePreds
	epoch     uint32
	slabs     [][]Value // values are allocated in chunks, kept by Reset
	slab      int       // the chunk values come from
	cur       []Value   // its values so far
	blocks    []*Block  // every block made, by ID; Reset reuses them
	predBuf   []*Block
	replTo    []*Value // replacer storage, reused by the passes
	args      arena[*Value]
	edges     arena[Edge]
	scratch   scratch
}

// MemInfo describes one linear memory. The frontend promises that only
// calls (of any kind) change a memory's length, that it never shrinks
// below MinLen, and that the record is never written by a store.
type MemInfo struct {
	Rec    *Value // the record's address (an entry-block value)
	LenOff int64  // offset of the current length in bytes (i64) in the record
	MinLen uint64 // the length is always at least this
}

// NewFunc returns an empty function with signature sig.
func NewFunc(name string, index uint32, sig *Signature) *Func {
	return &Func{Name: name, Index: index, Sig: sig}
}

// Reset empties f for building another function, keeping its memory for
// the new one's values, blocks and the passes' buffers. Every value and
// block f held becomes invalid.
func (f *Func) Reset(name string, index uint32, sig *Signature) {
	f.Name, f.Index, f.Sig = name, index, sig
	f.Blocks = f.Blocks[:0] // its old elements are in f.blocks anyway
	f.Mems = f.Mems[:0]
	f.FaultingLoads, f.StackGuard, f.NoEntryCheck, f.SharedMemory = false, false, false, false
	f.nextValue, f.nextBlock = 0, 0
	f.slab, f.cur = 0, nil
	if len(f.slabs) > 0 {
		f.cur = f.slabs[0][:0]
	}
	f.args.reset()
	f.edges.reset()
}

// NewArgs returns n nil operands in f's memory (for edge arguments and
// operand lists), whose capacity is n.
func (f *Func) NewArgs(n int) []*Value {
	if n == 0 {
		return nil
	}
	return f.args.take(n)
}

// NewEdges returns n zero edges in f's memory (for a br_table's targets),
// whose capacity is n.
func (f *Func) NewEdges(n int) []Edge {
	if n == 0 {
		return nil
	}
	return f.edges.take(n)
}

// Entry returns the entry block, or nil for an empty function.
func (f *Func) Entry() *Block {
	if len(f.Blocks) == 0 {
		return nil
	}
	return f.Blocks[0]
}

// NumValues returns one more than the highest value ID in use.
func (f *Func) NumValues() int { return int(f.nextValue) }

// NumBlocks returns one more than the highest block ID in use.
func (f *Func) NumBlocks() int { return int(f.nextBlock) }

// NewBlock appends a new empty block to f.
func (f *Func) NewBlock() *Block {
	var b *Block
	if int(f.nextBlock) < len(f.blocks) {
		// A block of a function before Reset: keep its slices' arrays.
		// Their old elements point into f's own slabs and blocks, which
		// stay alive anyway: no need to clear them. Fields are set one by
		// one: assigning a whole Block, like clear, goes through the
		// runtime's bulk write barrier while the collector is marking.
		b = f.blocks[f.nextBlock]
		b.Params, b.Values, b.Preds = b.Params[:0], b.Values[:0], b.Preds[:0]
		b.Term, b.Succs, b.LoopHeader = nil, nil, false
	} else {
		b = &Block{}
		f.blocks = append(f.blocks, b)
	}
	b.ID, b.Func = f.nextBlock, f
	f.nextBlock++
	f.Blocks = append(f.Blocks, b)
	return b
}

func (f *Func) newValue(op Op, t Type, b *Block, args []*Value) *Value {
	if len(f.cur) == cap(f.cur) {
		f.nextSlab()
	}
	n := len(f.cur)
	f.cur = f.cur[:n+1]
	v := &f.cur[n]
	// The slot may hold a value of a function before Reset. Every field
	// is set one by one (keep this in step with Value): assigning a whole
	// Value, or copy() of pointers, goes through the runtime's bulk write
	// barrier while the collector is marking, and values are made often.
	v.ID, v.Op, v.Type, v.AuxInt, v.Sig, v.Block, v.Uses = f.nextValue, op, t, 0, nil, b, 0
	f.nextValue++
	switch len(args) {
	case 0:
		v.argBuf = [2]*Value{}
		v.Args = v.argBuf[:0:0]
	case 1:
		v.argBuf = [2]*Value{args[0], nil}
		v.Args = v.argBuf[:1:1]
	case 2:
		v.argBuf = [2]*Value{args[0], args[1]}
		v.Args = v.argBuf[:2:2]
	default:
		v.argBuf = [2]*Value{}
		v.Args = f.args.take(len(args))
		copy(v.Args, args)
	}
	return v
}

// nextSlab makes f.cur the next chunk for values, growing: the current
// one is full (or there is none yet).
// ValueByID relies on these sizes.
func (f *Func) nextSlab() {
	if cap(f.cur) > 0 {
		f.slab++
	}
	if f.slab == len(f.slabs) {
		n := 16
		if f.slab > 0 {
			n = min(2*len(f.slabs[f.slab-1]), 1024)
		}
		f.slabs = append(f.slabs, bufs.Zeroed[Value](n))
	}
	f.cur = f.slabs[f.slab][:0]
}

// ValueByID returns the value numbered id, which must be below NumValues.
// Slabs have fixed sizes (see nextSlab), so the place is computed: tables
// keyed by value can hold IDs, which the garbage collector need not scan.
func (f *Func) ValueByID(id ID) *Value {
	const small = 16 * (1<<7 - 1) // the growing slabs 16..1024 hold IDs below this
	i := uint32(id)
	if i < small {
		k := bits.Len32(i/16+1) - 1
		return &f.slabs[k][i-16*(1<<k-1)]
	}
	i -= small
	return &f.slabs[7+i/1024][i%1024]
}

// NewValue appends a value computing op with the given type and operands.
func (b *Block) NewValue(op Op, t Type, args ...*Value) *Value {
	v := b.Func.newValue(op, t, b, args)
	b.Values = append(b.Values, v)
	return v
}

// NewValueAux is NewValue with an AuxInt.
func (b *Block) NewValueAux(op Op, t Type, aux int64, args ...*Value) *Value {
	v := b.NewValue(op, t, args...)
	v.AuxInt = aux
	return v
}

// NewConst returns a new constant of type t with bits aux (ConstOp(t)),
// defined in b but not in b.Values: the caller places it there, before
// its uses (see Prepend).
func (b *Block) NewConst(t Type, aux int64) *Value {
	v := b.Func.newValue(ConstOp(t), t, b, nil)
	v.AuxInt = aux
	return v
}

// Prepend inserts vals, values of b, at the start of b.Values, in place
// when its array has room.
func (b *Block) Prepend(vals []*Value) {
	n, c := len(b.Values), len(vals)
	if c == 0 {
		return
	}
	all := append(b.Values, vals...)
	copy(all[c:], all[:n])
	copy(all, vals)
	b.Values = all
}

// NewParam appends a parameter of type t to b.
func (b *Block) NewParam(t Type) *Value {
	v := b.Func.newValue(OpParam, t, b, nil)
	v.AuxInt = int64(len(b.Params))
	b.Params = append(b.Params, v)
	return v
}

// setTerm installs the terminator and the outgoing edges, adding b to the
// targets' predecessors.
func (b *Block) setTerm(op Op, aux int64, args []*Value, succs []Edge) *Value {
	v := b.Func.newValue(op, TypeNone, b, args)
	v.AuxInt = aux
	b.Term = v
	b.Succs = succs
	for _, e := range succs {
		e.Block.Preds = append(e.Block.Preds, b)
	}
	return v
}

// Jump ends b with an unconditional jump to to with arguments args.
func (b *Block) Jump(to *Block, args ...*Value) {
	e := b.Func.edges.take(1)
	e[0] = Edge{to, args}
	b.setTerm(OpJump, 0, nil, e)
}

// BrIf ends b with a branch to yes when cond (i32) is non-zero, else to no.
func (b *Block) BrIf(cond *Value, yes Edge, no Edge) {
	e := b.Func.edges.take(2)
	e[0], e[1] = yes, no
	b.setTerm(OpBrIf, 0, []*Value{cond}, e)
}

// BrTable ends b with a multiway jump: targets[index] when index (i32,
// unsigned) is below len(targets)-1, otherwise the last target.
func (b *Block) BrTable(index *Value, targets []Edge) {
	b.setTerm(OpBrTable, 0, []*Value{index}, targets)
}

// Return ends b by returning vals.
func (b *Block) Return(vals ...*Value) {
	b.setTerm(OpReturn, 0, vals, nil)
}

// Trap ends b with a trap with the given code (an abi.TrapCode).
func (b *Block) Trap(code uint32) {
	b.setTerm(OpTrap, int64(code), nil, nil)
}

// RemovePred removes one occurrence of p from b's predecessors.
func (b *Block) RemovePred(p *Block) {
	for i, q := range b.Preds {
		if q == p {
			copy(b.Preds[i:], b.Preds[i+1:])
			b.Preds[len(b.Preds)-1] = nil
			b.Preds = b.Preds[:len(b.Preds)-1]
			return
		}
	}
}

// ReplaceSucc redirects edge i of b to e, keeping predecessor lists right.
func (b *Block) ReplaceSucc(i int, e Edge) {
	b.Succs[i].Block.RemovePred(b)
	b.Succs[i] = e
	e.Block.Preds = append(e.Block.Preds, b)
}

// ForEachUse calls fn with a pointer to every operand slot of the function
// (operands, terminator operands and edge arguments), so that passes can
// rewrite uses in place.
func (f *Func) ForEachUse(fn func(slot **Value)) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i := range v.Args {
				fn(&v.Args[i])
			}
		}
		if b.Term != nil {
			for i := range b.Term.Args {
				fn(&b.Term.Args[i])
			}
		}
		for _, e := range b.Succs {
			for i := range e.Args {
				fn(&e.Args[i])
			}
		}
	}
}

// CountUses recomputes Value.Uses for every value.
func (f *Func) CountUses() {
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			p.Uses = 0
		}
		for _, v := range b.Values {
			v.Uses = 0
		}
	}
	count := func(args []*Value) {
		for _, a := range args {
			a.Uses++
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			count(v.Args)
		}
		if b.Term != nil {
			count(b.Term.Args)
		}
		for _, e := range b.Succs {
			count(e.Args)
		}
	}
}

// UniquePreds returns b's predecessors without duplicates, in first-seen
// order, in a new slice. It takes time linear in len(b.Preds).
func (b *Block) UniquePreds() []*Block {
	return b.AppendUniquePreds(make([]*Block, 0, 2))
}

// AppendUniquePreds appends b's predecessors without duplicates, in
// first-seen order, to dst: UniquePreds without allocating.
func (b *Block) AppendUniquePreds(dst []*Block) []*Block {
	f := b.Func
	if len(b.Preds) <= 1 {
		return append(dst, b.Preds...)
	}
	if len(f.mark) < f.NumBlocks() {
		f.mark = make([]uint32, 2*f.NumBlocks()+16) // geometric: blocks are still being added
		f.epoch = 0
	}
	f.epoch++
	for _, p := range b.Preds {
		if int(p.ID) < len(f.mark) && f.mark[p.ID] == f.epoch {
			continue
		}
		if int(p.ID) < len(f.mark) {
			f.mark[p.ID] = f.epoch
		}
		dst = append(dst, p)
	}
	return dst
}

// uniquePreds is UniquePreds in a buffer of f that the next call reuses.
func (f *Func) uniquePreds(b *Block) []*Block {
	f.predBuf = b.AppendUniquePreds(f.predBuf[:0])
	return f.predBuf
}

// ComputePreds rebuilds every block's predecessor list from the edges.
func (f *Func) ComputePreds() {
	for _, b := range f.Blocks {
		b.Preds = b.Preds[:0]
	}
	for _, b := range f.Blocks {
		for _, e := range b.Succs {
			e.Block.Preds = append(e.Block.Preds, b)
		}
	}
}
