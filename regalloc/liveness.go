package regalloc

import (
	"math/bits"
	"slices"
)

// sparseSet is a set of small integers with O(1) add, remove, test and
// clear (Briggs & Torczon).
type sparseSet struct {
	dense  []int32
	sparse []int32
}

// init empties s for elements below n, reusing its arrays: stale
// entries of sparse are harmless.
func (s *sparseSet) init(n int) {
	if cap(s.sparse) < n {
		s.sparse = make([]int32, n, n+n/4)
	}
	s.sparse = s.sparse[:n]
	s.dense = s.dense[:0]
}

func (s *sparseSet) has(x int32) bool {
	i := s.sparse[x]
	return uint32(i) < uint32(len(s.dense)) && s.dense[i] == x
}

func (s *sparseSet) add(x int32) {
	if !s.has(x) {
		s.sparse[x] = int32(len(s.dense))
		s.dense = append(s.dense, x)
	}
}

func (s *sparseSet) remove(x int32) {
	if s.has(x) {
		i := s.sparse[x]
		last := s.dense[len(s.dense)-1]
		s.dense[i] = last
		s.sparse[last] = i
		s.dense = s.dense[:len(s.dense)-1]
	}
}

func (s *sparseSet) clear() { s.dense = s.dense[:0] }

// liveness computes the registers live into each block with a backward
// dataflow over per-block upward-exposed uses and definitions.
func (a *allocator) liveness() error {
	n := a.numIDs()
	set, kills := &a.set1, &a.set2
	set.init(n)
	kills.init(n)
	a.genStart = reuse(a.genStart, a.nb+1)
	a.killEnd = reuse(a.killEnd, a.nb)
	a.genBuf, a.killBuf = a.genBuf[:0], a.killBuf[:0]
	for b := 0; b < a.nb; b++ {
		set.clear()
		kills.clear()
		for k := a.hdr[b] + a.nins[b]; k > a.hdr[b]; k-- {
			ops, lo := a.instrOps(k)
			for j, op := range ops {
				if id := a.ids[lo+int32(j)]; op.Def && id >= 0 {
					kills.add(id)
					set.remove(id)
				}
			}
			for j, op := range ops {
				if id := a.ids[lo+int32(j)]; !op.Def && id >= 0 {
					set.add(id)
				}
			}
		}
		a.genBuf = append(a.genBuf, set.dense...)
		a.genStart[b+1] = int32(len(a.genBuf))
		a.killBuf = append(a.killBuf, kills.dense...)
		a.killEnd[b] = int32(len(a.killBuf))
	}
	a.liveIn = reuseNested(a.liveIn, a.nb)
	for changed := true; changed; {
		changed = false
		for b := a.nb - 1; b >= 0; b-- {
			set.clear()
			for _, s := range a.succs[b] {
				for _, id := range a.liveIn[s] {
					set.add(id)
				}
			}
			kLo := int32(0)
			if b > 0 {
				kLo = a.killEnd[b-1]
			}
			for _, id := range a.killBuf[kLo:a.killEnd[b]] {
				set.remove(id)
			}
			for _, id := range a.gen(int32(b)) {
				set.add(id)
			}
			// Live-in sets only grow, so a size change is a change.
			if len(set.dense) != len(a.liveIn[b]) {
				a.liveIn[b] = append(a.liveIn[b][:0], set.dense...)
				changed = true
			}
		}
	}
	for _, id := range a.liveIn[0] {
		if id >= int32(FirstVirtual) {
			return a.undefinedUse(id)
		}
	}
	return nil
}

// gen returns the registers block b reads before writing them.
func (a *allocator) gen(b int32) []int32 { return a.genBuf[a.genStart[b]:a.genStart[b+1]] }

// undefinedUse reports a use of id reachable from the entry without a
// definition: it follows blocks where id is live-in until one reads it.
func (a *allocator) undefinedUse(id int32) error {
	seen := make([]bool, a.nb)
	b := int32(0)
	for !seen[b] {
		seen[b] = true
		if slices.Contains(a.gen(b), id) {
			for k := a.hdr[b] + 1; k <= a.hdr[b]+a.nins[b]; k++ {
				ops, lo := a.instrOps(k)
				for j, op := range ops {
					if !op.Def && a.ids[lo+int32(j)] == id {
						return a.errorf(4*k, "use of %s, which is not defined on every path from the entry", a.regName(op.Reg))
					}
				}
			}
		}
		next := int32(-1)
		for _, s := range a.succs[b] {
			if slices.Contains(a.liveIn[s], id) && !seen[s] {
				next = s
				break
			}
		}
		if next < 0 {
			break
		}
		b = next
	}
	return a.errorf(4*a.hdr[0], "%s is used but never defined", a.regName(a.vregs[id-int32(FirstVirtual)]))
}

// buildIntervals walks the blocks backward, turning liveness into ranges
// and use positions per register, and collects fixed-register ranges.
func (a *allocator) buildIntervals() error {
	n := a.numIDs()
	live := &a.set1
	live.init(n)
	a.rngBufs = reuseNested(a.rngBufs, n)
	a.useBufs = reuseNested(a.useBufs, n)
	ranges := a.rngBufs // descending while building
	uses := a.useBufs   // descending while building
	addRange := func(id, from, to int32) {
		rs := ranges[id]
		if l := len(rs); l > 0 && rs[l-1].from <= to {
			rs[l-1].from = min(rs[l-1].from, from)
			rs[l-1].to = max(rs[l-1].to, to)
			return
		}
		ranges[id] = append(rs, rng{from, to})
	}
	addUse := func(id int32, u use) {
		us := uses[id]
		if l := len(us); l > 0 && us[l-1].pos == u.pos {
			us[l-1].need = us[l-1].need || u.need
			if us[l-1].hint == NoReg {
				us[l-1].hint = u.hint
			}
			if us[l-1].hintV < 0 {
				us[l-1].hintV = u.hintV
			}
			return
		}
		uses[id] = append(us, u)
	}
	addFixed := func(r Reg, from, to, owner int32) {
		if a.regClass[r] >= 0 {
			a.fixed[r] = append(a.fixed[r], fixedRange{from, to, owner})
		}
	}
	for b := int32(a.nb - 1); b >= 0; b-- {
		from, to := 4*a.hdr[b], a.blockEnd(b)
		depth := a.depth[b]
		live.clear()
		for _, s := range a.succs[b] {
			for _, id := range a.liveIn[s] {
				live.add(id)
			}
		}
		for _, id := range live.dense {
			addRange(id, from, to)
		}
		for k := a.hdr[b] + a.nins[b]; k > a.hdr[b]; k-- {
			base := 4 * k
			ops, lo := a.instrOps(k)
			isLast := k == a.hdr[b]+a.nins[b]
			hint, hintV := a.moveHints(k)
			for j, op := range ops {
				id := a.ids[lo+int32(j)]
				if !op.Def {
					continue
				}
				if isLast && len(a.succs[b]) > 0 && (id >= 0 || op.Fixed != NoReg && a.regClass[op.Fixed] >= 0) {
					return a.errorf(base, "terminator defines %s", a.regName(op.Reg))
				}
				virt := op.Reg.IsVirtual()
				if virt && op.Fixed != NoReg {
					addFixed(op.Fixed, base+3, base+4, id)
				}
				if id < 0 {
					continue
				}
				if live.has(id) {
					ranges[id][len(ranges[id])-1].from = base + 3
					live.remove(id)
				} else {
					addRange(id, base+3, base+4)
				}
				if virt {
					u := use{pos: base + 3, hint: op.Fixed, hintV: -1, depth: depth, need: op.Fixed == NoReg}
					if u.hint == NoReg {
						u.hint, u.hintV = hint[0], hintV[0]
					}
					addUse(id, u)
				}
			}
			cl := a.f.Clobbers(int(b), int(k-a.hdr[b]-1))
			for w := range cl {
				for m := cl[w]; m != 0; m &= m - 1 {
					r := Reg(w*64 + bits.TrailingZeros64(m))
					if r >= FirstVirtual || a.regClass[r] < 0 {
						continue
					}
					if live.has(int32(r)) {
						return a.errorf(base, "%s is live across an instruction that clobbers it", a.regName(r))
					}
					addFixed(r, base+2, base+3, -1)
				}
			}
			for j, op := range ops {
				id := a.ids[lo+int32(j)]
				if op.Def {
					continue
				}
				virt := op.Reg.IsVirtual()
				if virt && op.Fixed != NoReg {
					addFixed(op.Fixed, base, base+2, id)
				}
				if id < 0 {
					continue
				}
				end := base + 2
				if virt && a.definedAt(k, id) {
					end = base + 3 // read-modify-write: no hole between use and def
				}
				addRange(id, from, end)
				live.add(id)
				if virt {
					u := use{pos: base + 1, hint: op.Fixed, hintV: -1, depth: depth, need: op.Fixed == NoReg}
					if u.hint == NoReg {
						u.hint, u.hintV = hint[1], hintV[1]
					}
					addUse(id, u)
				}
			}
		}
	}
	a.ivs = reuse(a.ivs, n)
	a.uf = reuse(a.uf, len(a.vregs))
	for i := range a.uf {
		a.uf[i] = int32(i)
	}
	for id := int32(0); id < int32(n); id++ {
		rs := ranges[id]
		slices.Reverse(rs)
		if id < int32(FirstVirtual) {
			for _, r := range rs {
				addFixed(Reg(id), r.from, r.to, -1)
			}
			continue
		}
		if len(rs) == 0 {
			continue
		}
		us := uses[id]
		slices.Reverse(us)
		it := a.newInterval()
		*it = interval{id: id, class: a.classOf(id), ranges: rs, uses: us, reg: NoReg, hint: NoReg}
		a.ivs[id] = it
	}
	return a.sortFixed()
}

// moveHints returns, for a move instruction at slot k, what its def
// ([0]) and its use ([1]) should prefer: a real register or the dense id
// of the other side.
func (a *allocator) moveHints(k int32) (hint [2]Reg, hintV [2]int32) {
	hint = [2]Reg{NoReg, NoReg}
	hintV = [2]int32{-1, -1}
	m := a.moveOf[k]
	if m < 0 {
		return
	}
	mv := a.moves[m]
	if mv.src < FirstVirtual {
		hint[0] = mv.src
	} else {
		hintV[0] = a.lookupV(mv.src)
	}
	if mv.dst < FirstVirtual {
		hint[1] = mv.dst
	} else {
		hintV[1] = a.lookupV(mv.dst)
	}
	return
}

func (a *allocator) definedAt(k, id int32) bool {
	ops, lo := a.instrOps(k)
	for j, op := range ops {
		if op.Def && a.ids[lo+int32(j)] == id {
			return true
		}
	}
	return false
}

// sortFixed orders each register's fixed ranges, merges those of the same
// owner and rejects overlaps between different owners: two values that
// need one register at the same time.
func (a *allocator) sortFixed() error {
	for r := range a.fixed {
		fr := a.fixed[r]
		if len(fr) == 0 {
			continue
		}
		slices.SortFunc(fr, func(x, y fixedRange) int {
			if x.from != y.from {
				return int(x.from - y.from)
			}
			return int(x.to - y.to)
		})
		out := fr[:1]
		for _, x := range fr[1:] {
			last := &out[len(out)-1]
			if x.from < last.to {
				if x.owner != last.owner {
					return a.errorf(x.from, "%s is needed by two values at once", a.regName(Reg(r)))
				}
				last.to = max(last.to, x.to)
				continue
			}
			out = append(out, x)
		}
		a.fixed[r] = out
	}
	return nil
}
