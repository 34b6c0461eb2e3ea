package regalloc

import (
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/wasmc/wasmc/internal/bufs"
)

// coalesceLimit bounds the ranges of a merged interval so that repeated
// merging stays linear in function size.
const coalesceLimit = 1024

// find returns the representative of a dense virtual register id.
func (a *allocator) find(id int32) int32 {
	if id < int32(FirstVirtual) {
		return id
	}
	i := id - int32(FirstVirtual)
	for a.uf[i] != i {
		a.uf[i] = a.uf[a.uf[i]]
		i = a.uf[i]
	}
	return i + int32(FirstVirtual)
}

// coalesce merges the two sides of each virtual-to-virtual move whose
// lifetimes do not overlap into one value, so the move becomes a copy of a
// register onto itself. Ranges are merged at once (later merges test
// them); use lists once at the end, so that a long chain of moves does
// not copy them again and again.
func (a *allocator) coalesce() {
	a.members = bufs.Cleared(a.members, len(a.vregs))
	for i := range a.members {
		a.members[i] = int32(i)
	}
	merged := false
	for _, mv := range a.coalesceOrder() {
		d, s := a.find(mv.d), a.find(mv.s)
		x, y := a.ivs[d], a.ivs[s]
		if d == s || x == nil || y == nil || x.class != y.class {
			continue
		}
		if len(x.ranges)+len(y.ranges) > coalesceLimit || firstIntersection(x.ranges, y.ranges) != maxPos {
			continue
		}
		x.setRanges(a.mergeInto(x.ranges, y.ranges))
		di, si := d-int32(FirstVirtual), s-int32(FirstVirtual)
		a.uf[si] = di
		a.members[di], a.members[si] = a.members[si], a.members[di]
		a.ivs[s] = nil
		merged = true
	}
	if merged {
		a.mergeMemberUses()
		// Flatten the union-find: later finds take one step.
		for i := range a.uf {
			a.uf[i] = a.find(int32(i)+int32(FirstVirtual)) - int32(FirstVirtual)
		}
	}
	a.relaxSelfMoves()
	for r := range a.fixed {
		for i := range a.fixed[r] {
			if o := a.fixed[r][i].owner; o >= 0 {
				a.fixed[r][i].owner = a.find(o)
			}
		}
	}
}

// coalesceOrder lists the virtual-to-virtual moves heaviest first. A pair
// of values joined by several moves (the edges into a join block that
// pass one value) weighs the sum of their guessed counts (freq.go), so
// that the merges that save the most executed copies are made before
// others they would exclude; ties keep code order. Sums go through a hash
// table and the order through one sort of packed integer keys: this runs
// on every function and a comparison closure over structs cost twice as
// much.
func (a *allocator) coalesceOrder() []coalMove {
	ms := a.coalMoves[:0]
	for _, mv := range a.moves {
		d, s := a.lookupV(mv.dst), a.lookupV(mv.src)
		if d < 0 || s < 0 || d == s {
			continue
		}
		w := uint64(min(a.freq[a.slotBlock[mv.slot]], maxCoalFreq)*coalScale) + 1
		ms = append(ms, coalMove{d: d, s: s, w: w})
	}
	a.coalMoves = ms
	if len(ms) == 0 {
		return ms
	}
	// Open addressing, at most half full; a zero key is free (d != s, so
	// no pair packs to zero).
	size := 1 << bits.Len(uint(2*len(ms)))
	shift := 64 - uint(bits.TrailingZeros(uint(size)))
	tab := bufs.Cleared(a.coalSums, size)
	slot := func(pair uint64) *pairSum {
		for i := (pair * 0x9e3779b97f4a7c15) >> shift; ; i = (i + 1) & uint64(size-1) {
			if e := &tab[i]; e.pair == pair || e.pair == 0 {
				e.pair = pair
				return e
			}
		}
	}
	for _, m := range ms {
		slot(m.pair()).sum += m.w
	}
	// Heaviest first (complemented weight; float32 bits order positive
	// numbers), then code order (index in ms).
	keys := bufs.Cleared(a.coalKeys, len(ms))
	for i := range ms {
		ms[i].w = slot(ms[i].pair()).sum
		keys[i] = uint64(^math.Float32bits(float32(ms[i].w)))<<32 | uint64(i)
	}
	slices.Sort(keys)
	order := a.coalOrder[:0]
	for _, k := range keys {
		order = append(order, ms[uint32(k)])
	}
	a.coalSums, a.coalKeys, a.coalOrder = tab, keys, order
	return order
}

// coalMove is a move weighed for coalescing: the dense ids of its sides.
type coalMove struct {
	d, s int32
	w    uint64
}

func (m coalMove) pair() uint64 { return uint64(m.d)<<32 | uint64(uint32(m.s)) }

// pairSum is an entry of coalesceOrder's table of weights per pair.
type pairSum struct {
	pair, sum uint64
}

// mergeMemberUses gives each representative the uses of every value
// merged into it, in position order. Members' lifetimes are disjoint, so
// no two uses share a position; their lists, each sorted, are joined in
// order of their first use, merging those that interleave.
func (a *allocator) mergeMemberUses() {
	for di := range a.members {
		id := int32(di) + int32(FirstVirtual)
		x := a.ivs[id]
		if x == nil || a.members[di] == int32(di) {
			continue
		}
		heads := a.heads[:0]
		n := 0
		for m := int32(di); ; {
			if us := a.usesOf(m + int32(FirstVirtual)); len(us) > 0 {
				heads = append(heads, m)
				n += len(us)
			}
			if m = a.members[m]; m == int32(di) {
				break
			}
		}
		first := func(m int32) int32 { return a.usesOf(m + int32(FirstVirtual))[0].pos }
		for i := 1; i < len(heads); i++ { // a few members: insertion sort
			for k := i; k > 0 && first(heads[k]) < first(heads[k-1]); k-- {
				heads[k], heads[k-1] = heads[k-1], heads[k]
			}
		}
		us := take(&a.useArena, n)[:0]
		for _, m := range heads {
			u := a.usesOf(m + int32(FirstVirtual))
			if len(us) == 0 || us[len(us)-1].pos < u[0].pos {
				us = append(us, u...)
				continue
			}
			// Interleaved lifetimes: merge the run in from the back.
			l := len(us)
			us = us[:l+len(u)]
			i, j := l-1, len(u)-1
			for w := len(us) - 1; j >= 0; w-- {
				if i >= 0 && us[i].pos > u[j].pos {
					us[w] = us[i]
					i--
				} else {
					us[w] = u[j]
					j--
				}
			}
		}
		a.heads = heads
		x.uses = us
	}
}

// mergeInto merges the disjoint sorted range list y into x, joining
// ranges that touch, in x's array when it has room. Values joined by a
// move usually follow each other, so y mostly lands at one end of x and
// the part of x before y's first range is not touched.
func (a *allocator) mergeInto(x, y []rng) []rng {
	if len(y) == 0 {
		return x
	}
	grow := func(x []rng, n int) []rng {
		if cap(x) >= n {
			return x[:n]
		}
		g := take(&a.rngArena, n+n/2)[:n]
		copy(g, x)
		return g
	}
	if len(x) == 0 {
		return append(grow(x, len(y))[:0], y...)
	}
	if y[len(y)-1].to <= x[0].from {
		// y before x, as when x is a move's destination and y its
		// source: y's array (its interval is dropped) takes x, so that
		// a chain of moves grows one array at its end.
		if y[len(y)-1].to == x[0].from {
			y[len(y)-1].to = x[0].to
			x = x[1:]
		}
		l := len(y)
		y = grow(y, l+len(x))
		copy(y[l:], x)
		return y
	}
	// Find where y's first range goes; x's ranges before it stay.
	k := sort.Search(len(x), func(i int) bool { return x[i].from > y[0].from })
	if k == len(x) { // y after x: append, joining at the seam
		if x[k-1].to >= y[0].from {
			x[k-1].to = max(x[k-1].to, y[0].to)
			y = y[1:]
		}
		l := len(x)
		x = grow(x, l+len(y))
		copy(x[l:], y)
		return x
	}
	if y[len(y)-1].to <= x[k].from {
		return a.insertHole(x, y, k)
	}
	// Merge the tail x[k:] with y, then join from k-1 on.
	tail := len(x) - k
	n := len(x) + len(y)
	x = grow(x, n)
	// Backward merge into x[k:n] of x[k:k+tail] and y.
	i, j, w := k+tail-1, len(y)-1, n-1
	for j >= 0 {
		if i >= k && x[i].from > y[j].from {
			x[w] = x[i]
			i--
		} else {
			x[w] = y[j]
			j--
		}
		w--
	}
	// Join touching ranges from k-1 on.
	out := max(k-1, 0)
	for r := out + 1; r < n; r++ {
		if x[out].to >= x[r].from {
			x[out].to = max(x[out].to, x[r].to)
			continue
		}
		out++
		x[out] = x[r]
	}
	return x[:out+1]
}

// insertHole inserts y, which lies between x[k-1] and x[k] (0 < k <
// len(x)), into x, joining ranges that touch at the seams: a block
// moves the tail once instead of merging it range by range.
func (a *allocator) insertHole(x, y []rng, k int) []rng {
	if x[k-1].to >= y[0].from {
		x[k-1].to = y[0].to
		y = y[1:]
		if len(y) == 0 {
			if x[k-1].to >= x[k].from {
				x[k-1].to = x[k].to
				copy(x[k:], x[k+1:])
				x = x[:len(x)-1]
			}
			return x
		}
	}
	if l := len(y) - 1; y[l].to >= x[k].from {
		x[k].from = y[l].from
		y = y[:l]
	}
	n, m := len(x), len(y)
	if m == 0 {
		return x
	}
	if cap(x) < n+m {
		g := take(&a.rngArena, (n+m)+(n+m)/2)[:n+m]
		copy(g[:k], x[:k])
		copy(g[k+m:], x[k:n])
		copy(g[k:], y)
		return g
	}
	x = x[:n+m]
	copy(x[k+m:], x[k:n])
	copy(x[k:], y)
	return x
}

// relaxSelfMoves lets a value stay on the stack across a copy onto itself
// (a move whose sides were merged): such a copy is emitted as nothing, so
// neither its use nor its def needs the value in a register.
func (a *allocator) relaxSelfMoves() {
	for _, mv := range a.moves {
		if !a.isVirtualMove(mv.slot) {
			continue
		}
		d, s := a.lookupV(mv.dst), a.lookupV(mv.src)
		if d < 0 || s < 0 || a.find(d) != a.find(s) {
			continue
		}
		it := a.ivs[a.find(d)]
		if it == nil {
			continue
		}
		base := 4 * mv.slot
		for i := it.useAfter(base); i < len(it.uses) && it.uses[i].pos < base+4; i++ {
			it.uses[i].need = false
		}
	}
}

// coalScale turns guessed block counts into integer move weights, exact
// to a thousandth; counts above maxCoalFreq weigh as much as it, so that
// sums of many weights stay far from overflowing.
const (
	coalScale   = 1 << 10
	maxCoalFreq = 1e12
)
