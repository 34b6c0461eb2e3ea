package regalloc

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
// register onto itself.
func (a *allocator) coalesce() {
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
		x.ranges = mergeRanges(x.ranges, y.ranges)
		x.uses = mergeUses(x.uses, y.uses)
		a.uf[s-int32(FirstVirtual)] = d - int32(FirstVirtual)
		a.ivs[s] = nil
	}
	for r := range a.fixed {
		for i := range a.fixed[r] {
			if o := a.fixed[r][i].owner; o >= 0 {
				a.fixed[r][i].owner = a.find(o)
			}
		}
	}
}

// mergeRanges merges two disjoint sorted range lists, joining ranges
// that touch.
func mergeRanges(x, y []rng) []rng {
	out := make([]rng, 0, len(x)+len(y))
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

func mergeUses(x, y []use) []use {
	out := make([]use, 0, len(x)+len(y))
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		if j == len(y) || i < len(x) && x[i].pos <= y[j].pos {
			out = append(out, x[i])
			i++
		} else {
			out = append(out, y[j])
			j++
		}
	}
	return out
}
