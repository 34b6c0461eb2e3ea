package regalloc

import (
	"math/bits"
	"slices"

	"github.com/wasmc/wasmc/internal/bufs"
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
		s.sparse = bufs.ZeroedCap[int32](n, n+n/4)
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

// liveness computes the registers live into each block: each block's
// upward-exposed uses and definitions in one forward walk, then, register
// by register, a backward walk from the blocks that read it through
// predecessors that do not define it. Every (register, block) pair is
// visited once per edge, with no iteration to a fixpoint; each block's
// live-in list comes out sorted.
func (a *allocator) liveness() error {
	n := a.numIDs()
	nb := a.nb
	a.genStart = bufs.Cleared(a.genStart, nb+1)
	a.killEnd = bufs.Cleared(a.killEnd, nb)
	a.genBuf, a.killBuf = a.genBuf[:0], a.killBuf[:0]
	// useMark[id] and defMark[id] hold 1+b when block b has read id
	// before defining it, and has defined it.
	useMark := bufs.Cleared(a.markA, n)
	defMark := bufs.Cleared(a.markB, n)
	a.markA, a.markB = useMark, defMark
	for b := 0; b < nb; b++ {
		tag := int32(b) + 1
		for k := a.hdr[b] + 1; k <= a.hdr[b]+a.nins[b]; k++ {
			ops, lo := a.instrOps(k)
			for j, op := range ops {
				if id := a.ids[lo+int32(j)]; !op.Def && id >= 0 && defMark[id] != tag && useMark[id] != tag {
					useMark[id] = tag
					a.genBuf = append(a.genBuf, id)
				}
			}
			for j, op := range ops {
				if id := a.ids[lo+int32(j)]; op.Def && id >= 0 && defMark[id] != tag {
					defMark[id] = tag
					a.killBuf = append(a.killBuf, id)
				}
			}
		}
		a.genStart[b+1] = int32(len(a.genBuf))
		a.killEnd[b] = int32(len(a.killBuf))
	}
	// Predecessors, and the blocks reading and defining each register.
	a.buildPreds()
	a.genOf = a.genOf.transpose(a.genStart, a.genBuf, n)
	killStart := a.killStarts(nb)
	a.killOf = a.killOf.transpose(killStart, a.killBuf, n)
	a.liveIn = reuseNested(a.liveIn, nb)
	live := bufs.Cleared(a.markC, nb) // 1+id when id is live into the block
	kill := bufs.Cleared(a.markD, nb) // 1+id when the block defines id
	a.markC, a.markD = live, kill
	work := a.work[:0]
	for id := int32(0); id < int32(n); id++ {
		gens := a.genOf.of(id)
		if len(gens) == 0 {
			continue
		}
		tag := id + 1
		for _, b := range a.killOf.of(id) {
			kill[b] = tag
		}
		work = append(work[:0], gens...)
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			if live[b] == tag {
				continue
			}
			live[b] = tag
			a.liveIn[b] = append(a.liveIn[b], id)
			for _, p := range a.preds[a.predStart[b]:a.predStart[b+1]] {
				if live[p] != tag && kill[p] != tag {
					work = append(work, p)
				}
			}
		}
	}
	a.work = work
	for _, id := range a.liveIn[0] {
		if id >= int32(FirstVirtual) {
			return a.undefinedUse(id)
		}
	}
	return nil
}

// buildPreds lists each block's predecessors (once per distinct edge)
// in preds[predStart[b]:predStart[b+1]].
func (a *allocator) buildPreds() {
	nb := a.nb
	a.predStart = bufs.Cleared(a.predStart, nb+1)
	for b := 0; b < nb; b++ {
		for _, s := range a.succs[b] {
			a.predStart[s+1]++
		}
	}
	for b := 1; b <= nb; b++ {
		a.predStart[b] += a.predStart[b-1]
	}
	a.preds = bufs.Cleared(a.preds, int(a.predStart[nb]))
	fill := bufs.Cleared(a.markC, nb)
	a.markC = fill
	copy(fill, a.predStart[:nb])
	for b := 0; b < nb; b++ {
		for _, s := range a.succs[b] {
			a.preds[fill[s]] = int32(b)
			fill[s]++
		}
	}
}

// killStarts returns killEnd with a leading zero, as a start array.
func (a *allocator) killStarts(nb int) []int32 {
	a.killStart = bufs.Cleared(a.killStart, nb+1)
	copy(a.killStart[1:], a.killEnd)
	return a.killStart
}

// csr is a list of int32 lists in one array: list i is
// items[start[i]:start[i+1]].
type csr struct {
	start []int32
	items []int32
}

func (c csr) of(i int32) []int32 { return c.items[c.start[i]:c.start[i+1]] }

// transpose returns the lists of, for each element below n, the indices
// of the lists of (start, items) that contain it, in increasing order.
func (c csr) transpose(start, items []int32, n int) csr {
	c.start = bufs.Cleared(c.start, n+1)
	for _, x := range items {
		c.start[x+1]++
	}
	for i := 1; i <= n; i++ {
		c.start[i] += c.start[i-1]
	}
	c.items = bufs.Cleared(c.items, len(items))
	for i := 0; i+1 < len(start); i++ {
		for _, x := range items[start[i]:start[i+1]] {
			c.items[c.start[x]] = int32(i)
			c.start[x]++
		}
	}
	// The fill moved each start to the next list's: shift back.
	copy(c.start[1:], c.start[:n])
	c.start[0] = 0
	return c
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
// Ranges and uses go to flat arrays in the order found (each register's
// newest entry indexed for merging), then are grouped by register with a
// counting sort: no per-register slices to grow.
func (a *allocator) buildIntervals() error {
	n := a.numIDs()
	live := &a.set1
	live.init(n)
	rflat, uflat := a.rflat[:0], a.uflat[:0]
	lastR := bufs.Cleared(a.lastR, n) // 1 + index in rflat of the register's newest range
	lastU := bufs.Cleared(a.lastU, n) // 1 + index in uflat of the register's newest use
	addRange := func(id, from, to int32) {
		if k := lastR[id] - 1; k >= 0 && rflat[k].r.from <= to {
			rflat[k].r.from = min(rflat[k].r.from, from)
			rflat[k].r.to = max(rflat[k].r.to, to)
			return
		}
		rflat = append(rflat, rngEnt{id, rng{from, to}})
		lastR[id] = int32(len(rflat))
	}
	addUse := func(id int32, u use) {
		// Another use of id at u.pos is of this instruction: its newest.
		if k := lastU[id] - 1; k >= 0 && uflat[k].u.pos == u.pos {
			x := &uflat[k].u
			x.need = x.need || u.need
			if x.hint == NoReg {
				x.hint = u.hint
			}
			if x.hintV < 0 {
				x.hintV = u.hintV
			}
			return
		}
		uflat = append(uflat, useEnt{id, u})
		lastU[id] = int32(len(uflat))
	}
	addFixed := func(r Reg, from, to, owner int32) {
		if a.regClass[r] >= 0 {
			a.fixed[r] = append(a.fixed[r], fixedRange{from, to, owner})
		}
	}
	a.clob = bufs.Cleared(a.clob, a.nb)
	ec, _ := a.f.(EarlyClobberer)
	for b := int32(a.nb - 1); b >= 0; b-- {
		from, to := 4*a.hdr[b], a.blockEnd(b)
		depth := a.depth[b]
		live.clear()
		for _, s := range a.succs[b] {
			for _, id := range a.liveIn[s] {
				live.add(id)
			}
		}
		// At most a range per live-out value and per operand, a use per
		// operand.
		nops := int(a.opStart[a.hdr[b]+a.nins[b]+1] - a.opStart[a.hdr[b]])
		rflat, uflat = room(rflat, len(live.dense)+nops), room(uflat, nops)
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
					a.rflat, a.uflat, a.lastR, a.lastU = rflat, uflat, lastR, lastU
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
					rflat[lastR[id]-1].r.from = base + 3
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
			var early RegSet
			if ec != nil {
				early = ec.EarlyClobbers(int(b), int(k-a.hdr[b]-1))
			}
			for pass, set := range [2]RegSet{cl, early} {
				if set == (RegSet{}) {
					continue
				}
				a.clob[b] = a.clob[b].Union(set)
				for w := range set {
					for m := set[w]; m != 0; m &= m - 1 {
						r := Reg(w*64 + bits.TrailingZeros64(m))
						if r >= FirstVirtual || a.regClass[r] < 0 {
							continue
						}
						if live.has(int32(r)) {
							a.rflat, a.uflat, a.lastR, a.lastU = rflat, uflat, lastR, lastU
							return a.errorf(base, "%s is live across an instruction that clobbers it", a.regName(r))
						}
						if pass == 0 {
							addFixed(r, base+2, base+3, -1)
						} else {
							addFixed(r, base, base+4, -1) // operands and defs too
						}
					}
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
					// A copy's source on the stack is reloaded straight into
					// the destination (see moveOperands): no register needed.
					u := use{pos: base + 1, hint: op.Fixed, hintV: -1, depth: depth, need: op.Fixed == NoReg && !a.isVirtualMove(k)}
					if u.hint == NoReg {
						u.hint, u.hintV = hint[1], hintV[1]
					}
					addUse(id, u)
				}
			}
		}
	}
	a.rflat, a.uflat, a.lastR, a.lastU = rflat, uflat, lastR, lastU
	a.groupRanges(n)
	a.ivs = bufs.Cleared(a.ivs, n)
	a.uf = bufs.Cleared(a.uf, len(a.vregs))
	for i := range a.uf {
		a.uf[i] = int32(i)
	}
	for id := int32(0); id < int32(n); id++ {
		rs := a.rangesOf(id)
		if id < int32(FirstVirtual) {
			for _, r := range rs {
				addFixed(Reg(id), r.from, r.to, -1)
			}
			continue
		}
		if len(rs) == 0 {
			continue
		}
		it := a.newInterval()
		*it = interval{id: id, class: a.classOf(id), uses: a.usesOf(id), reg: NoReg, hint: NoReg}
		it.setRanges(rs)
		a.ivs[id] = it
	}
	return a.sortFixed()
}

// rngEnt and useEnt are a range and a use of register id, as found.
type rngEnt struct {
	id int32
	r  rng
}

type useEnt struct {
	id int32
	u  use
}

// groupRanges sorts the ranges and uses found by register, each
// register's in increasing position (they were found decreasing).
func (a *allocator) groupRanges(n int) {
	a.rStart = bufs.Cleared(a.rStart, n+1)
	a.uStart = bufs.Cleared(a.uStart, n+1)
	for _, e := range a.rflat {
		a.rStart[e.id+1]++
	}
	for _, e := range a.uflat {
		a.uStart[e.id+1]++
	}
	for i := 1; i <= n; i++ {
		a.rStart[i] += a.rStart[i-1]
		a.uStart[i] += a.uStart[i-1]
	}
	// Fill each register's run from its end: found last, placed first.
	a.ranges = bufs.Resize(a.ranges, len(a.rflat))
	fill := a.lastR // no longer needed: the cursors
	copy(fill, a.rStart[1:])
	for _, e := range a.rflat {
		fill[e.id]--
		a.ranges[fill[e.id]] = e.r
	}
	a.uses = bufs.Resize(a.uses, len(a.uflat))
	fill = a.lastU
	copy(fill, a.uStart[1:])
	for _, e := range a.uflat {
		fill[e.id]--
		a.uses[fill[e.id]] = e.u
	}
}

// rangesOf returns register id's ranges as buildIntervals found them.
func (a *allocator) rangesOf(id int32) []rng {
	lo, hi := a.rStart[id], a.rStart[id+1]
	return a.ranges[lo:hi:hi]
}

// usesOf returns register id's uses as buildIntervals found them.
func (a *allocator) usesOf(id int32) []use {
	lo, hi := a.uStart[id], a.uStart[id+1]
	return a.uses[lo:hi:hi]
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

// isVirtualMove reports whether slot k is a copy between two virtual
// registers without fixed operands, one use and one def.
func (a *allocator) isVirtualMove(k int32) bool {
	m := a.moveOf[k]
	if m < 0 {
		return false
	}
	mv := a.moves[m]
	if !mv.dst.IsVirtual() || !mv.src.IsVirtual() {
		return false
	}
	ops, _ := a.instrOps(k)
	if len(ops) != 2 || ops[0].Def == ops[1].Def || ops[0].Fixed != NoReg || ops[1].Fixed != NoReg {
		return false
	}
	return true
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
		// The backward walk added them in decreasing order: reversed,
		// they are usually sorted already.
		slices.Reverse(fr)
		cmpFixed := func(x, y fixedRange) int {
			if x.from != y.from {
				return int(x.from - y.from)
			}
			return int(x.to - y.to)
		}
		for i := 1; i < len(fr); i++ {
			if cmpFixed(fr[i-1], fr[i]) > 0 {
				slices.SortFunc(fr, cmpFixed)
				break
			}
		}
		out := fr[:1]
		for _, x := range fr[1:] {
			last := &out[len(out)-1]
			if x.from < last.to || x.from == last.to && x.owner < 0 && last.owner < 0 {
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
