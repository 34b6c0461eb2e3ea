package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// scratch holds the buffers the passes reuse from one function to the
// next (Func.Reset keeps them), so that a compiler's worker stops
// allocating once they fit its largest function.
type scratch struct {
	seen       []bool // postorder
	order      []*Block
	poStack    []poFrame
	dom        DomTree
	live       []bool // deadCode
	work       []*Value
	table      valueTable // gvn
	consts     valueTable // gvn's constants
	loopTag    []int32    // licm
	moved      []*Value
	body       []*Block
	bodyBuf    []*Block
	gone       []bool  // removeParams
	inAt       []int32 // computeIncoming
	inEdges    []*Edge
	inFill     []int32
	layoutFlat []*Block // layoutRPO: loop bodies
	layoutAt   []int
	layoutOut  []*Block
	midFor     []*Block // splitCriticalEdges
	midSrc     []int32
	rematOrder [4][]*Value
	rematBuf   []*Value   // remat, boundsFast
	int32s     [4][]int32 // tempInt32
	bools      [4][]bool  // tempBool
	// domValid: dom is the tree of the CFG as it is, rpoValid: order is
	// its reverse postorder (both only inside Optimize).
	domValid, rpoValid, inOptimize bool
}

// tempInt32 returns n zeroed int32s from f's buffers, for per-value or
// per-block tables of a pass: the kth (k < 4) of those one pass holds at
// once, valid until the next call with the same k.
func (f *Func) tempInt32(k, n int) []int32 {
	s := bufs.Cleared(f.scratch.int32s[k], n)
	f.scratch.int32s[k] = s
	return s
}

// tempBool is tempInt32 for bools.
func (f *Func) tempBool(k, n int) []bool {
	s := bufs.Cleared(f.scratch.bools[k], n)
	f.scratch.bools[k] = s
	return s
}

type poFrame struct {
	b *Block
	i int
}

// arena hands out small slices (operand lists, edges) from chunks that
// Reset recycles for the next function. Slices have their length as
// capacity, so that appending to one never writes into a neighbour.
type arena[T any] struct {
	chunks [][]T
	cur    int
}

const arenaChunk = 4096

func (a *arena[T]) reset() {
	for i := 0; i < len(a.chunks) && i <= a.cur; i++ {
		clear(a.chunks[i])
		a.chunks[i] = a.chunks[i][:0]
	}
	a.cur = 0
}

// take returns n zeroed elements.
func (a *arena[T]) take(n int) []T {
	if n > arenaChunk/8 {
		return make([]T, n)
	}
	for a.cur < len(a.chunks) && len(a.chunks[a.cur])+n > cap(a.chunks[a.cur]) {
		a.cur++
	}
	if a.cur == len(a.chunks) {
		// Chunks grow from small, for the many small functions compiled
		// without a reused Func.
		size := 64
		if a.cur > 0 {
			size = min(2*cap(a.chunks[a.cur-1]), arenaChunk)
		}
		a.chunks = append(a.chunks, make([]T, 0, max(size, n)))
	}
	c := a.chunks[a.cur]
	l := len(c)
	c = c[:l+n]
	a.chunks[a.cur] = c
	return c[l : l+n : l+n]
}

// valueTable is a hash table from gvnKey to values whose insertions can
// be undone in reverse order, for scopes that follow the dominator tree:
// chains of entries in one array, bucket heads pointing at the newest.
// Undoing everything leaves the buckets empty for the next use.
type valueTable struct {
	heads []int32 // 1 + index in ents, 0 when empty
	ents  []tableEnt
	mask  uint32
}

type tableEnt struct {
	key    gvnKey
	v      *Value
	next   int32 // the bucket's previous head
	bucket uint32
}

// init sizes the table for about n entries; it must be empty.
func (t *valueTable) init(n int) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	if len(t.heads) < size {
		t.heads = bufs.Zeroed[int32](size)
	}
	t.mask = uint32(size - 1)
	t.ents = t.ents[:0]
}

func (k *gvnKey) hash() uint32 {
	h := uint64(k.op)<<8 | uint64(k.typ)
	h = (h^uint64(k.aux))*0x9e3779b97f4a7c15 + uint64(uint32(k.a))
	h = (h^uint64(uint32(k.b))<<32)*0x9e3779b97f4a7c15 + uint64(uint32(k.c))
	h *= 0x9e3779b97f4a7c15
	return uint32(h >> 32)
}

func (t *valueTable) find(k *gvnKey) *Value {
	for i := t.heads[k.hash()&t.mask]; i != 0; {
		e := &t.ents[i-1]
		if e.key == *k {
			return e.v
		}
		i = e.next
	}
	return nil
}

func (t *valueTable) insert(k *gvnKey, v *Value) {
	h := k.hash() & t.mask
	t.ents = append(t.ents, tableEnt{key: *k, v: v, next: t.heads[h], bucket: h})
	t.heads[h] = int32(len(t.ents))
}

// undo removes the entries inserted since the table had n of them.
func (t *valueTable) undo(n int) {
	for i := len(t.ents) - 1; i >= n; i-- {
		e := &t.ents[i]
		t.heads[e.bucket] = e.next
		e.v = nil
	}
	t.ents = t.ents[:n]
}
