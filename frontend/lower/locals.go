package lower

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/ssa"
)

// Locals are put in SSA form on demand (Braun et al., "Simple and Efficient
// Construction of Static Single Assignment Form", 2013) with block
// parameters in place of phis. Definitions of the block being built live in
// a dense array; those of finished blocks in a map keyed by block and local.

type incomplete struct {
	local uint32
	param *ssa.Value
}

func defKey(b *ssa.Block, n uint32) uint64 { return uint64(b.ID)<<32 | uint64(n) }

// newBlock creates a block and its sealing state.
func (l *Builder) newBlock() *ssa.Block {
	b := l.f.NewBlock()
	for int(b.ID) >= len(l.sealed) {
		l.sealed = append(l.sealed, false)
		l.incomplete = append(l.incomplete, nil)
		l.open = append(l.open, openParam{})
		l.loopOf = append(l.loopOf, 0)
	}
	return b
}

// setCurrent makes b the block being built, flushing the definitions of
// the previous one.
func (l *Builder) setCurrent(b *ssa.Block) {
	if l.cur != nil && l.cur != b {
		for _, n := range l.written {
			l.defs.put(defKey(l.cur, n), l.curDefs[n])
			l.curDefs[n] = nil
		}
	}
	if l.cur != b {
		l.written = l.written[:0]
	}
	l.cur = b
}

// leave ends the current block (after its terminator): code that follows
// is unreachable until the next label.
func (l *Builder) leave() {
	l.setCurrent(nil)
}

func (l *Builder) writeLocal(b *ssa.Block, n uint32, v *ssa.Value) {
	if b == l.cur {
		if l.curDefs[n] == nil {
			l.written = append(l.written, n)
		}
		l.curDefs[n] = v
		return
	}
	l.defs.put(defKey(b, n), v)
}

func (l *Builder) readLocal(b *ssa.Block, n uint32) *ssa.Value {
	var v *ssa.Value
	if b == l.cur {
		v = l.curDefs[n]
	} else if id := l.defs.lookup(defKey(b, n)); id >= 0 {
		v = l.f.ValueByID(id)
	}
	if v == nil {
		return l.readLocalRec(b, n)
	}
	if l.opens > 0 && v.Op == ssa.OpParam {
		if o := &l.open[v.Block.ID]; o.param == v {
			o.used = true
		}
	}
	return v
}

// openParam is the parameter readLocalRec is completing for a block, and
// whether a read returned it meanwhile (around a loop): then it may have
// uses and must stay even if every edge passes one value.
type openParam struct {
	param *ssa.Value
	used  bool
}

func (l *Builder) readLocalRec(b *ssa.Block, n uint32) *ssa.Value {
	var v *ssa.Value
	switch {
	case l.loopOf[b.ID] > 0 && !l.loops.writes(l.loopOf[b.ID]-1, n):
		// A loop that never assigns n: its value on entry (the first
		// predecessor) holds throughout.
		v = l.readLocal(b.Preds[0], n)
	case !l.sealed[b.ID]:
		v = b.NewParam(l.localTypes[n])
		l.incomplete[b.ID] = append(l.incomplete[b.ID], incomplete{n, v})
	case len(b.Preds) == 1:
		v = l.readLocal(b.Preds[0], n)
	case len(b.Preds) == 0:
		// Only the entry has no predecessors, and it defines every local.
		l.fail("local %d read in a block without predecessors", n)
	default:
		v = b.NewParam(l.localTypes[n])
		l.writeLocal(b, n, v)
		l.open[b.ID] = openParam{param: v}
		l.opens++
		lo, hi := l.addParamArgs(b, n)
		if w := l.sameArg(lo, hi); w != nil && !l.open[b.ID].used {
			// Every edge passes w and nothing read v: drop it now rather
			// than leave it to the SSA passes (most parameters go so).
			b.Params = b.Params[:len(b.Params)-1]
			for i := lo; i < hi; i++ {
				e := l.inEdges[i].edge
				e.Args[len(e.Args)-1] = nil
				e.Args = e.Args[:len(e.Args)-1]
			}
			v = w
		}
		l.open[b.ID] = openParam{}
		l.opens--
	}
	l.writeLocal(b, n, v)
	return v
}

// sameArg returns the value that every edge of inEdges[lo:hi] passes as
// its last argument, or nil if they differ.
func (l *Builder) sameArg(lo, hi int) *ssa.Value {
	var w *ssa.Value
	for i := lo; i < hi; i++ {
		args := l.inEdges[i].edge.Args
		a := args[len(args)-1]
		if w != nil && a != w {
			return nil
		}
		w = a
	}
	return w
}

// addParamArgs appends, to every edge entering b, the value local n has at
// the end of the edge's source block. It returns the range of inEdges that
// lists those edges.
func (l *Builder) addParamArgs(b *ssa.Block, n uint32) (lo, hi int) {
	lo, hi = l.incoming(b)
	var last *ssa.Block
	var v *ssa.Value
	for i := lo; i < hi; i++ {
		// readLocal may recurse into addParamArgs, which may grow
		// inEdges: index it afresh each time.
		in := l.inEdges[i]
		if in.pred != last {
			last = in.pred
			v = l.readLocal(in.pred, n)
		}
		e := in.edge
		if len(e.Args) == cap(e.Args) {
			// Grow in the function's memory, not the heap.
			args := l.f.NewArgs(2*len(e.Args) + 2)
			e.Args = args[:copy(args, e.Args)]
		}
		e.Args = append(e.Args, v)
	}
	return lo, hi
}

// inEdge is an edge into a block and the block it leaves.
type inEdge struct {
	pred *ssa.Block
	edge *ssa.Edge
}

// incoming returns the range of inEdges that lists the edges into b (a
// sealed block, whose predecessors are final), grouped by source: found
// once per block, not once per parameter, since a br_table source can
// have thousands of edges.
func (l *Builder) incoming(b *ssa.Block) (lo, hi int) {
	for int(b.ID) >= len(l.inAt) {
		l.inAt = append(l.inAt, [2]int32{})
	}
	if at := l.inAt[b.ID]; at[1] > 0 {
		return int(at[0]), int(at[1] - 1)
	}
	lo = len(l.inEdges)
	base := len(l.preds)
	l.preds = b.AppendUniquePreds(l.preds)
	for _, p := range l.preds[base:] {
		if len(p.Succs) <= 8 {
			for k := range p.Succs {
				if e := &p.Succs[k]; e.Block == b {
					l.inEdges = append(l.inEdges, inEdge{p, e})
				}
			}
			continue
		}
		// A br_table: its edges by target, so that each target costs a
		// search rather than a scan of them all.
		idx := l.edgesByTarget(p)
		i, _ := slices.BinarySearchFunc(idx, b.ID, func(k int32, id ssa.ID) int { return cmp.Compare(p.Succs[k].Block.ID, id) })
		for ; i < len(idx) && p.Succs[idx[i]].Block == b; i++ {
			l.inEdges = append(l.inEdges, inEdge{p, &p.Succs[idx[i]]})
		}
	}
	l.preds = l.preds[:base]
	hi = len(l.inEdges)
	l.inAt[b.ID] = [2]int32{int32(lo), int32(hi) + 1}
	return lo, hi
}

// edgesByTarget returns the indices of p's edges ordered by target block
// ID, then index: made once per block, when a target first needs them.
func (l *Builder) edgesByTarget(p *ssa.Block) []int32 {
	if r, ok := l.byTarget[p]; ok {
		return l.targetIdx[r[0]:r[1]]
	}
	lo := len(l.targetIdx)
	for k := range p.Succs {
		l.targetIdx = append(l.targetIdx, int32(k))
	}
	idx := l.targetIdx[lo:]
	slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(p.Succs[a].Block.ID, p.Succs[b].Block.ID) })
	if l.byTarget == nil {
		l.byTarget = make(map[*ssa.Block][2]int)
	}
	l.byTarget[p] = [2]int{lo, len(l.targetIdx)}
	return idx
}

// seal records that all of b's predecessors are known and completes the
// parameters added while they were not.
func (l *Builder) seal(b *ssa.Block) {
	if l.sealed[b.ID] {
		return
	}
	l.sealed[b.ID] = true
	for _, in := range l.incomplete[b.ID] {
		l.addParamArgs(b, in.local)
	}
	l.incomplete[b.ID] = nil
}

// defTable maps (block, local) keys to values: an open-addressing table
// that reset empties in constant time (slots of older generations are
// empty), so that it keeps its storage from one function to the next. Slots
// hold value IDs: 16 bytes, and nothing for the garbage collector to scan.
//
// Each function starts on a prefix of the storage sized for its body (see
// start), which grows with its keys: probes into a table sized for the
// largest function so far would miss the cache on every lookup of a small
// one (they cost more than the rest of SSA construction on brotli).
type defTable struct {
	f     *ssa.Func // whose IDs the slots hold: set with each function
	slots []defSlot // storage; the table is slots[:size]
	size  int       // a power of two, or 0 before the first put
	shift uint      // 64 - log2(size): hashes take the product's top bits
	gen   uint32
	n     int
	moved []defSlot // grow's buffer
}

type defSlot struct {
	key uint64
	gen uint32
	id  ssa.ID
}

// defTableMin and defTableMax bound the size a function starts with:
// 4 KiB and 1 MiB.
const (
	defTableMin = 256
	defTableMax = 1 << 16
)

func (t *defTable) reset() {
	t.n = 0
	t.nextGen()
	t.setSize(min(len(t.slots), defTableMin))
}

// start sizes the empty table for a function body of n bytes. Functions
// of brotli, zstd and sqlite make a key per 4 bytes of body at the median
// and one per 2 at the 75th percentile: a table of n slots, half full,
// rarely has to grow.
func (t *defTable) start(n int) {
	size := max(defTableMin, min(defTableMax, 1<<bits.Len(uint(n))))
	if size > len(t.slots) {
		t.slots = bufs.Zeroed[defSlot](size)
		t.nextGen()
	}
	t.setSize(size)
}

// nextGen empties the table.
func (t *defTable) nextGen() {
	t.gen++
	if t.gen == 0 { // wrapped: old stamps would look current
		clear(t.slots)
		t.gen = 1
	}
}

func (t *defTable) setSize(n int) {
	t.size = n
	t.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

func (t *defTable) hash(key uint64) uint64 { return (key * 0x9e3779b97f4a7c15) >> t.shift }

func (t *defTable) get(key uint64) *ssa.Value {
	if id := t.lookup(key); id >= 0 {
		return t.f.ValueByID(id)
	}
	return nil
}

// lookup returns the ID of key's value, or -1.
func (t *defTable) lookup(key uint64) ssa.ID {
	if t.size == 0 {
		return -1
	}
	mask := uint64(t.size - 1)
	for i := t.hash(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			return -1
		}
		if s.key == key {
			return s.id
		}
	}
}

// put maps key to v, which is not nil.
func (t *defTable) put(key uint64, v *ssa.Value) {
	if 2*(t.n+1) > t.size {
		t.grow()
	}
	t.set(key, v.ID)
}

func (t *defTable) set(key uint64, id ssa.ID) {
	mask := uint64(t.size - 1)
	for i := t.hash(key); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			*s = defSlot{key, t.gen, id}
			t.n++
			return
		}
		if s.key == key {
			s.id = id
			return
		}
	}
}

// grow doubles the table, in its storage while that is large enough.
func (t *defTable) grow() {
	n := max(2*t.size, defTableMin)
	if n > len(t.slots) {
		// A new array: rehash straight from the old one.
		old, gen := t.slots[:t.size], t.gen
		t.slots = bufs.Zeroed[defSlot](n) // gen 0 everywhere: empty
		t.nextGen()
		t.setSize(n)
		t.n = 0
		for _, s := range old {
			if s.gen == gen {
				t.set(s.key, s.id)
			}
		}
		return
	}
	// In place: the entries move, so they are copied out first (into a
	// buffer sized once per growth, not appended to).
	t.moved = slices.Grow(t.moved[:0], t.n)
	for _, s := range t.slots[:t.size] {
		if s.gen == t.gen {
			t.moved = append(t.moved, s)
		}
	}
	t.nextGen() // empty the larger prefix first
	t.setSize(n)
	t.n = 0
	for _, s := range t.moved {
		t.set(s.key, s.id)
	}
}

// valueCache maps small indices (of memories, tables, globals) to values
// for one function; reset clears only the entries set.
type valueCache struct {
	vals []*ssa.Value
	set  []uint32
}

func (c *valueCache) get(i uint32) *ssa.Value {
	if int(i) < len(c.vals) {
		return c.vals[i]
	}
	return nil
}

func (c *valueCache) put(i uint32, v *ssa.Value) {
	if int(i) >= len(c.vals) {
		c.vals = append(c.vals, make([]*ssa.Value, int(i)+1-len(c.vals))...)
	}
	c.vals[i] = v
	c.set = append(c.set, i)
}

func (c *valueCache) reset() {
	for _, i := range c.set {
		c.vals[i] = nil
	}
	c.set = c.set[:0]
}
