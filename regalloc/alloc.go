package regalloc

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/wasmc/wasmc/internal/bufs"
)

// Conventions the allocator relies on beyond the Func documentation:
//
//   - The last instruction of a block with successors is its terminator
//     (a jump, a branch, or a zero-size fallthrough marker). It must not
//     define registers, and edge moves that go to the end of such a block
//     are inserted before it, so they must not overwrite what it reads.
//   - For an empty block, Pos{Block: b, Instr: 0} names its only point.
//   - A value that is spilled anywhere is stored to its slot right after
//     every definition (a copy onto itself on the stack changes nothing),
//     so the slot is valid wherever the value is live and leaving a
//     register for the stack never needs a store.
//
// Positions: every block gets a header slot followed by one slot per
// instruction; slot k spans positions 4k..4k+3:
//
//	4k+0  gap: moves inserted before the instruction (parallel)
//	4k+1  uses are read
//	4k+2  clobbers
//	4k+3  defs are written
//
// An interval may change register only at a gap; it may go to its stack
// slot at any position.

const maxPos = int32(math.MaxInt32)

// maxDepth caps loop depths used for weights and placement.
const maxDepth = 8

type allocator struct {
	f    Func
	info *RegInfo
	nb   int

	succs     [][]int32
	npreds    []int32
	hdr       []int32  // header slot of each block
	nins      []int32  // instructions of each block
	depth     []uint8  // capped loop depth of each block
	slotBlock []int32  // block of each slot
	seen      []int32  // per block, 1 + the last block that listed it as a successor
	clob      []RegSet // per block, what its instructions clobber

	opStart   []int32   // per slot, first operand index; len slots+1
	ops       []Operand // all operands
	ids       []int32   // dense id of each operand, -1 if not tracked
	moveOf    []int32   // per slot, index into moves or -1
	moves     []moveInstr
	scanPos   int32      // start of the interval scan is allocating
	coalMoves []coalMove // coalesceOrder's buffers
	coalOrder []coalMove
	coalSums  []pairSum
	coalKeys  []uint64

	regClass [FirstVirtual]int8 // class of an allocatable register, -1 if not allocatable
	regIdx   [FirstVirtual]int8 // index in Allocatable[class]

	vmapSlice []int32 // Reg-FirstVirtual -> dense id, when dense enough
	vmap      map[Reg]int32
	vregs     []Reg   // dense id-FirstVirtual -> Reg
	vclass    []Class // dense id-FirstVirtual -> class

	liveIn                     [][]int32
	genStart                   []int32 // per block, offset of its upward-exposed uses in genBuf; len nb+1
	genBuf                     []int32
	killBuf                    []int32
	killEnd                    []int32
	killStart                  []int32
	genOf                      csr // per register, the blocks where it is upward-exposed
	killOf                     csr // per register, the blocks that define it
	preds                      []int32
	predStart                  []int32
	markA, markB, markC, markD []int32
	work                       []int32
	set1                       sparseSet
	rflat                      []rngEnt // buildIntervals: ranges and uses as found
	uflat                      []useEnt
	lastR, lastU               []int32 // per register, 1 + index of its newest in rflat, uflat
	ranges                     []rng   // ranges by register: rangesOf
	uses                       []use
	rStart, uStart             []int32
	ivChunks                   [][]interval
	ivChunk                    int // chunks before it are full
	ivUsed                     int // intervals taken from ivChunks[ivChunk]
	rngArena                   []rng
	useArena                   []use
	members                    []int32 // coalescing: circular lists of the values merged together
	heads                      []int32

	ivs   []*interval // per dense id (vregs only after build), root interval
	uf    []int32     // coalescing union-find over dense vreg ids
	fixed [FirstVirtual][]fixedRange

	// scan state
	heap     ivHeap
	queue    []ivEnt // the intervals from buildIntervals, by start
	qi       int
	startCnt []int32
	active   []*interval
	// inactive holds, per class, the intervals with a register that are
	// in a lifetime hole, by the start of their next range: the scan
	// only looks at those that come back before the interval it places
	// ends, not at every one (a long function has thousands).
	inactive [2]wakeHeap
	near     []*interval // inactive intervals near the current one
	dfs      []int32
	fixedCur [FirstVirtual]int32 // per register, the first fixed range ending after the scan position
	seq      int32
	freeBuf  []int32
	useBuf   []int32
	wtBuf    []float64
	blockBuf []int32
	// lastStart[c][b] is the latest block at or before b whose start has
	// reload cost at most c (see reloadPos).
	lastStart [][]int32
	// outerBefore[b] and outerAfter[b] are the nearest blocks laid out
	// before and after b that are less deeply nested (-1, nb if none).
	outerBefore, outerAfter []int32

	// result state: the pieces of representative id, in order, are
	// chainIvs[chainOff[id]:chainOff[id+1]]; pieces holds their starts,
	// ends and registers at the same indices, together since loc reads all.
	chainOff   []int32
	chainIvs   []*interval
	pieces     []piece
	spilled    []bool
	locCur     []int32 // per value, the piece locFwd last returned, from its first
	inLocAt    []int32 // per block, its range of inLocs
	inLocs     []inLoc
	slotOf     []int32   // per representative id, spill slot or -1
	lazy       []bool    // per representative id, stored where it leaves a register (stores.go)
	freq       []float64 // per block, its guessed count per call (freq.go)
	rpoRank    []int32   // reversePostorder's result and buffers
	rpoNext    []int32
	rpoOrder   []int32
	rpoStack   []int32
	costDef    []float64
	costLeave  []float64
	tmpSlot    [2]int32
	slots      [2]int
	pmoves     []pmove
	splitEdges []Edge // critical edges with moves; split[j] is block nb+j
	pmoves2    []pmove
	moveCnt    []int32
	kedits     []keyedEdit
	pending    []pmove
	spans      []span
	inUse      [2][]busy
	freeSl     [2][]int32
	slotW      []float64 // sortSlots' buffers: weights, renumbering, order
	slotPerm   []int32
	slotOrder  []int32

	// out, when set, is reused for the result (see Allocator).
	out *Allocation

	err error
}

type moveInstr struct {
	slot     int32
	dst, src Reg
}

// pool keeps allocators with their buffers between calls, so that the
// workers compiling a module's functions stop allocating once their
// buffers have grown to the module's largest function.
var pool = sync.Pool{New: func() any { return new(allocator) }}

// Allocate assigns real registers to the virtual registers of f. It is
// safe for concurrent use; the Allocation shares no memory with later
// calls.
func Allocate(f Func, info *RegInfo) (*Allocation, error) {
	if f == nil || info == nil {
		return nil, errors.New("regalloc: nil function or register info")
	}
	a := pool.Get().(*allocator)
	a.reset(f, info)
	a.out = nil
	defer func() {
		a.f, a.info, a.err = nil, nil, nil
		pool.Put(a)
	}()
	return a.run()
}

// Allocator allocates registers for one function after another, keeping
// its buffers, and the Allocation it returns, for the next call: a
// compiler's worker owns one. It is not safe for concurrent use.
type Allocator struct {
	a   allocator
	out Allocation
}

// Allocate is the package's Allocate; the Allocation is valid until the
// next call.
func (x *Allocator) Allocate(f Func, info *RegInfo) (*Allocation, error) {
	if f == nil || info == nil {
		return nil, errors.New("regalloc: nil function or register info")
	}
	a := &x.a
	a.reset(f, info)
	a.out = &x.out
	defer func() { a.f, a.info, a.err = nil, nil, nil }()
	return a.run()
}

// reset prepares a (possibly used) allocator for f, keeping its buffers.
func (a *allocator) reset(f Func, info *RegInfo) {
	a.f, a.info, a.err = f, info, nil
	a.ops, a.moves, a.vregs, a.vclass = a.ops[:0], a.moves[:0], a.vregs[:0], a.vclass[:0]
	a.vmap, a.vmapSlice = nil, a.vmapSlice[:0]
	for r := range a.fixed {
		a.fixed[r] = a.fixed[r][:0]
	}
	a.heap, a.active = a.heap[:0], a.active[:0]
	a.inactive = [2]wakeHeap{a.inactive[0][:0], a.inactive[1][:0]}
	a.fixedCur = [FirstVirtual]int32{}
	a.seq = 0
	a.ivChunk, a.ivUsed = 0, 0
	// Arenas restart at the front: the last function's intervals are dead.
	a.rngArena, a.useArena = a.rngArena[:0], a.useArena[:0]
	a.slots = [2]int{}
}

// room returns s with space for n more elements. When it must grow, it
// at least doubles: append grows a large slice by a quarter at a time,
// and the arrays it leaves behind, while a worker's buffers grow to its
// first (largest) functions, are garbage that brings collections sooner.
func room[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	return slices.Grow(s, max(n, len(s)))
}

// reuseNested returns s resized to n empty slices, keeping the arrays of
// the inner slices for appending.
func reuseNested[T any](s [][]T, n int) [][]T {
	if cap(s) < n {
		s = append(s[:cap(s)], make([][]T, n-cap(s))...)
	}
	s = s[:n]
	for i := range s {
		s[i] = s[i][:0]
	}
	return s
}

// newInterval returns a zeroed interval from the allocator's chunks.
func (a *allocator) newInterval() *interval {
	const chunk = 256
	if a.ivChunk < len(a.ivChunks) && a.ivUsed == chunk {
		a.ivChunk++
		a.ivUsed = 0
	}
	if a.ivChunk == len(a.ivChunks) {
		a.ivChunks = append(a.ivChunks, bufs.Zeroed[interval](chunk))
	}
	it := &a.ivChunks[a.ivChunk][a.ivUsed]
	a.ivUsed++
	*it = interval{}
	return it
}

// take returns n elements from an arena, capped so that appending to
// them never writes into the arena. Full arenas are dropped, not grown,
// so earlier slices stay valid; the next one is twice as large, so that
// the arena a worker keeps soon fits whole functions.
func take[T any](arena *[]T, n int) []T {
	if len(*arena)+n > cap(*arena) {
		*arena = make([]T, 0, max(n, 2*cap(*arena), 1024))
	}
	l := len(*arena)
	*arena = (*arena)[:l+n]
	return (*arena)[l : l+n : l+n]
}

func (a *allocator) run() (*Allocation, error) {
	if err := a.setup(); err != nil {
		return nil, err
	}
	if err := a.liveness(); err != nil {
		return nil, err
	}
	if err := a.buildIntervals(); err != nil {
		return nil, err
	}
	a.buildLoopBounds()
	a.estimateFreq()
	a.coalesce()
	if err := a.scan(); err != nil {
		return nil, err
	}
	return a.result()
}

func (a *allocator) regName(r Reg) string {
	if r < FirstVirtual {
		if int(r) < len(a.info.Names) && a.info.Names[r] != "" {
			return a.info.Names[r]
		}
		return fmt.Sprintf("r%d", r)
	}
	return fmt.Sprintf("v%d", r)
}

// where names the instruction at position p.
func (a *allocator) where(p int32) string {
	k := p / 4
	b := a.slotBlock[k]
	i := k - a.hdr[b] - 1
	if i < 0 {
		return fmt.Sprintf("block %d entry", b)
	}
	return fmt.Sprintf("block %d instr %d", b, i)
}

func (a *allocator) errorf(p int32, format string, args ...any) error {
	return fmt.Errorf("regalloc: %s: %s", a.where(p), fmt.Sprintf(format, args...))
}

func (a *allocator) internal(format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("regalloc: internal error: %s", fmt.Sprintf(format, args...))
	}
}

// setup validates the function, numbers positions and caches operands.
func (a *allocator) setup() error {
	for i := range a.regClass {
		a.regClass[i] = -1
		a.regIdx[i] = -1
	}
	for c := range a.info.Allocatable {
		if len(a.info.Allocatable[c]) > 64 {
			return errors.New("regalloc: more than 64 allocatable registers in a class")
		}
		for k, r := range a.info.Allocatable[c] {
			if r >= FirstVirtual {
				return fmt.Errorf("regalloc: allocatable register %d is not a real register", r)
			}
			if a.regClass[r] >= 0 {
				return fmt.Errorf("regalloc: register %s listed twice as allocatable", a.regName(r))
			}
			a.regClass[r] = int8(c)
			a.regIdx[r] = int8(k)
		}
	}
	nb := a.f.NumBlocks()
	if nb <= 0 {
		return errors.New("regalloc: function has no blocks")
	}
	a.nb = nb
	a.succs = reuseNested(a.succs, nb)
	a.npreds = bufs.Cleared(a.npreds, nb)
	a.hdr = bufs.Cleared(a.hdr, nb)
	a.nins = bufs.Cleared(a.nins, nb)
	a.depth = bufs.Cleared(a.depth, nb)
	a.seen = bufs.Cleared(a.seen, nb)
	slots := int64(0)
	for b := 0; b < nb; b++ {
		n := a.f.NumInstrs(b)
		if n < 0 {
			return fmt.Errorf("regalloc: block %d has a negative instruction count", b)
		}
		a.hdr[b] = int32(slots)
		a.nins[b] = int32(n)
		slots += int64(n) + 1
		if slots*4 >= int64(maxPos)/2 {
			return errors.New("regalloc: function too large")
		}
		d := a.f.LoopDepth(b)
		a.depth[b] = uint8(min(max(d, 0), maxDepth))
		ss := a.succs[b]
		for _, s := range a.f.Succs(b) {
			if s < 0 || s >= nb {
				return fmt.Errorf("regalloc: block %d has successor %d out of range", b, s)
			}
			// seen marks the successors of b already listed: a br_table
			// can have thousands.
			if a.seen[s] != int32(b)+1 {
				a.seen[s] = int32(b) + 1
				ss = append(ss, int32(s))
				a.npreds[s]++
			}
		}
		a.succs[b] = ss
	}
	a.slotBlock = bufs.Cleared(a.slotBlock, int(slots))
	for b := 0; b < nb; b++ {
		for k := a.hdr[b]; k <= a.hdr[b]+a.nins[b]; k++ {
			a.slotBlock[k] = int32(b)
		}
	}
	return a.readOperands(int(slots))
}

// readOperands caches every instruction's operands and maps registers to
// dense ids: allocatable real registers keep their number, virtual
// registers are numbered from FirstVirtual in order of appearance.
func (a *allocator) readOperands(slots int) error {
	a.opStart = bufs.Cleared(a.opStart, slots+1)
	a.moveOf = bufs.Cleared(a.moveOf, slots)
	// About two operands per instruction: reserved at once, for append
	// grows a large slice by a quarter at a time.
	a.ops = room(a.ops, 2*slots)
	maxV := Reg(0)
	for b := 0; b < a.nb; b++ {
		a.opStart[a.hdr[b]] = int32(len(a.ops))
		a.moveOf[a.hdr[b]] = -1
		for i := 0; i < int(a.nins[b]); i++ {
			k := a.hdr[b] + 1 + int32(i)
			a.opStart[k] = int32(len(a.ops))
			a.ops = a.f.Operands(b, i, a.ops)
			a.moveOf[k] = -1
			if dst, src, ok := a.f.IsMove(b, i); ok {
				a.moveOf[k] = int32(len(a.moves))
				a.moves = append(a.moves, moveInstr{slot: k, dst: dst, src: src})
			}
		}
	}
	a.opStart[slots] = int32(len(a.ops))
	if len(a.ops) >= int(maxPos)/2 {
		return errors.New("regalloc: function too large")
	}
	for _, op := range a.ops {
		if op.Reg.IsVirtual() && op.Reg > maxV {
			maxV = op.Reg
		}
	}
	if maxV >= FirstVirtual && int64(maxV-FirstVirtual) < 4*int64(len(a.ops))+4096 {
		a.vmapSlice = bufs.Cleared(a.vmapSlice, int(maxV-FirstVirtual+1))
		for i := range a.vmapSlice {
			a.vmapSlice[i] = -1
		}
	} else {
		a.vmap = make(map[Reg]int32)
	}
	a.ids = bufs.Cleared(a.ids, len(a.ops))
	for k := 0; k < slots; k++ {
		lo, hi := a.opStart[k], a.opStart[k+1]
		for j := lo; j < hi; j++ {
			id, err := a.operandID(k, int(j))
			if err != nil {
				return err
			}
			a.ids[j] = id
		}
		// A register written twice by one instruction has no meaning.
		for j := lo; j < hi; j++ {
			if !a.ops[j].Def || a.ids[j] < 0 {
				continue
			}
			for j2 := j + 1; j2 < hi; j2++ {
				if a.ops[j2].Def && a.ids[j2] == a.ids[j] {
					return a.errorf(4*int32(k), "%s is defined twice", a.regName(a.ops[j].Reg))
				}
			}
		}
	}
	return nil
}

func (a *allocator) operandID(k, j int) (int32, error) {
	op := a.ops[j]
	p := 4 * int32(k)
	switch {
	case op.Reg == NoReg:
		return -1, a.errorf(p, "operand %d has no register", j-int(a.opStart[k]))
	case op.Reg < FirstVirtual:
		if op.Fixed != NoReg && op.Fixed != op.Reg {
			return -1, a.errorf(p, "real register %s fixed to %s", a.regName(op.Reg), a.regName(op.Fixed))
		}
		if a.regClass[op.Reg] < 0 {
			return -1, nil
		}
		return int32(op.Reg), nil
	}
	id := a.lookupV(op.Reg)
	if id < 0 {
		c := a.f.RegClass(op.Reg)
		if c != ClassInt && c != ClassFloat {
			return -1, a.errorf(p, "%s has unknown class %d", a.regName(op.Reg), c)
		}
		id = int32(FirstVirtual) + int32(len(a.vregs))
		a.vregs = append(a.vregs, op.Reg)
		a.vclass = append(a.vclass, c)
		if a.vmap != nil {
			a.vmap[op.Reg] = id
		} else {
			a.vmapSlice[op.Reg-FirstVirtual] = id
		}
	}
	if op.Fixed != NoReg {
		if op.Fixed >= FirstVirtual {
			return -1, a.errorf(p, "%s fixed to a virtual register", a.regName(op.Reg))
		}
		if c := a.regClass[op.Fixed]; c >= 0 && Class(c) != a.vclass[id-int32(FirstVirtual)] {
			return -1, a.errorf(p, "%s fixed to %s of another class", a.regName(op.Reg), a.regName(op.Fixed))
		}
	}
	return id, nil
}

// lookupV returns the dense id of virtual register r, or -1.
func (a *allocator) lookupV(r Reg) int32 {
	if !r.IsVirtual() {
		return -1
	}
	if a.vmap != nil {
		if id, ok := a.vmap[r]; ok {
			return id
		}
		return -1
	}
	if int(r-FirstVirtual) >= len(a.vmapSlice) {
		return -1
	}
	return a.vmapSlice[r-FirstVirtual]
}

func (a *allocator) numIDs() int { return int(FirstVirtual) + len(a.vregs) }

func (a *allocator) classOf(id int32) Class {
	if id < int32(FirstVirtual) {
		return Class(a.regClass[id])
	}
	return a.vclass[id-int32(FirstVirtual)]
}

// instrOps returns the operands of slot k and the index of the first.
func (a *allocator) instrOps(k int32) ([]Operand, int32) {
	lo, hi := a.opStart[k], a.opStart[k+1]
	return a.ops[lo:hi], lo
}

// blockEnd is the first position after block b.
func (a *allocator) blockEnd(b int32) int32 { return 4 * (a.hdr[b] + a.nins[b] + 1) }
