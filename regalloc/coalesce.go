package regalloc

import (
	"cmp"
	"slices"
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
	a.members = reuse(a.members, len(a.vregs))
	for i := range a.members {
		a.members[i] = int32(i)
	}
	merged := false
	for _, mv := range a.moves {
		d, s := a.lookupV(mv.dst), a.lookupV(mv.src)
		if d < 0 || s < 0 {
			continue
		}
		d, s = a.find(d), a.find(s)
		x, y := a.ivs[d], a.ivs[s]
		if d == s || x == nil || y == nil || x.class != y.class {
			continue
		}
		if len(x.ranges)+len(y.ranges) > coalesceLimit || firstIntersection(x.ranges, y.ranges) != maxPos {
			continue
		}
		a.rngTmp = mergeRanges(a.rngTmp[:0], x.ranges, y.ranges)
		x.ranges = append(x.ranges[:0], a.rngTmp...)
		a.rngBufs[d] = x.ranges // keep a grown array for the next function
		di, si := d-int32(FirstVirtual), s-int32(FirstVirtual)
		a.uf[si] = di
		a.members[di], a.members[si] = a.members[si], a.members[di]
		a.ivs[s] = nil
		merged = true
	}
	if merged {
		a.mergeMemberUses()
	}
	for r := range a.fixed {
		for i := range a.fixed[r] {
			if o := a.fixed[r][i].owner; o >= 0 {
				a.fixed[r][i].owner = a.find(o)
			}
		}
	}
}

// mergeMemberUses gives each representative the uses of every value
// merged into it, in position order. Members' lifetimes are disjoint, so
// no two uses share a position.
func (a *allocator) mergeMemberUses() {
	for di := range a.members {
		id := int32(di) + int32(FirstVirtual)
		x := a.ivs[id]
		if x == nil || a.members[di] == int32(di) {
			continue
		}
		n := 0
		for m := int32(di); ; {
			n += len(a.useBufs[m+int32(FirstVirtual)])
			if m = a.members[m]; m == int32(di) {
				break
			}
		}
		us := take(&a.useArena, n)[:0]
		for m := int32(di); ; {
			us = append(us, a.useBufs[m+int32(FirstVirtual)]...)
			if m = a.members[m]; m == int32(di) {
				break
			}
		}
		slices.SortFunc(us, func(p, q use) int { return cmp.Compare(p.pos, q.pos) })
		x.uses = us
	}
}

// mergeRanges appends to out the merge of two disjoint sorted range lists,
// joining ranges that touch.
func mergeRanges(out, x, y []rng) []rng {
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		var r rng
		if j == len(y) || i < len(x) && x[i].from < y[j].from {
			r = x[i]
			i++
		} else {
			r = y[j]
			j++
		}
		if n := len(out); n > 0 && out[n-1].to >= r.from {
			out[n-1].to = max(out[n-1].to, r.to)
			continue
		}
		out = append(out, r)
	}
	return out
}
