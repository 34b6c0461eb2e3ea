package regalloc

import "math"

var weights = [maxDepth + 1]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8}

// How an interval holding a register gives it up at a position.
const (
	cutNone  = iota // impossible
	cutGap          // split at a gap; the rest is allocated again
	cutStack        // go to the stack here, reload before the next use
)

func (a *allocator) nextSeq() int32 { a.seq++; return a.seq }

// scan is the linear scan proper (Wimmer & Mössenböck's interval
// splitting): intervals are taken in order of start; each gets a register
// free for as long as possible, else the register whose occupants are
// needed latest (uses weighted by 10^loop depth), evicting those.
func (a *allocator) scan() error {
	for _, it := range a.ivs {
		if it != nil {
			it.seq = a.nextSeq()
			a.heap.push(it)
		}
	}
	n := max(len(a.info.Allocatable[0]), len(a.info.Allocatable[1]))
	a.freeBuf = reuse(a.freeBuf, n)
	a.useBuf = reuse(a.useBuf, n)
	a.wtBuf = reuse(a.wtBuf, n)
	a.blockBuf = reuse(a.blockBuf, n)
	a.buildStartCosts()
	for len(a.heap) > 0 && a.err == nil {
		cur := a.heap.pop()
		pos := cur.start()
		a.advance(pos)
		if len(a.info.Allocatable[cur.class]) == 0 {
			return a.errorf(pos, "no allocatable registers of class %d", cur.class)
		}
		if !a.tryFree(cur) {
			if err := a.allocBlocked(cur); err != nil {
				return err
			}
		}
		cur.done = true
		if cur.reg != NoReg {
			a.active = append(a.active, cur)
		}
	}
	return a.err
}

// advance retires intervals that ended before pos and moves the others
// between active (covering pos) and inactive (in a lifetime hole).
func (a *allocator) advance(pos int32) {
	act := a.active[:0]
	for _, it := range a.active {
		switch {
		case it.reg == NoReg || it.end() <= pos:
		case it.coversFwd(pos):
			act = append(act, it)
		default:
			a.inactive = append(a.inactive, it)
		}
	}
	ina := a.inactive[:0]
	for _, it := range a.inactive {
		switch {
		case it.reg == NoReg || it.end() <= pos:
		case it.coversFwd(pos):
			act = append(act, it)
		default:
			ina = append(ina, it)
		}
	}
	a.active, a.inactive = act, ina
}

// tryFree gives cur a register nobody needs at its start, for its whole
// lifetime if possible, else up to where the register is needed.
func (a *allocator) tryFree(cur *interval) bool {
	regs := a.info.Allocatable[cur.class]
	free := a.freeBuf[:len(regs)]
	for i := range free {
		free[i] = maxPos
	}
	start, end := cur.start(), cur.end()
	for _, it := range a.active {
		if it.class == cur.class {
			free[a.regIdx[it.reg]] = 0
		}
	}
	for _, it := range a.inactive {
		if i := a.regIdx[it.reg]; it.class == cur.class && free[i] > start {
			free[i] = min(free[i], firstIntersection(cur.ranges, it.ranges))
		}
	}
	for i, r := range regs {
		if free[i] > start {
			free[i] = min(free[i], fixedIntersection(cur.ranges, a.fixed[r], cur.id))
		}
	}
	hi := -1
	if h := a.preferred(cur); h != NoReg && a.regClass[h] == int8(cur.class) {
		hi = int(a.regIdx[h])
	}
	best := -1
	if hi >= 0 && free[hi] >= end {
		best = hi
	}
	if best < 0 { // best fit among registers free for the whole lifetime
		for i := range free {
			if free[i] >= end && (best < 0 || free[i] < free[best]) {
				best = i
			}
		}
	}
	if best < 0 { // else the longest free stretch
		for i := range free {
			if best < 0 || free[i] > free[best] {
				best = i
			}
		}
		if hi >= 0 && free[hi] == free[best] {
			best = hi
		}
	}
	p := free[best]
	if p <= start {
		return false
	}
	if p >= end {
		cur.reg = regs[best]
		return true
	}
	kind, at := a.planCut(cur, p)
	if kind == cutNone {
		return false
	}
	cur.reg = regs[best]
	a.cut(cur, kind, at)
	return true
}

// allocBlocked handles cur when no register is free at its start: either
// cur waits on the stack until its first use, or it takes the register
// whose occupants are needed last and they go to the stack.
func (a *allocator) allocBlocked(cur *interval) error {
	regs := a.info.Allocatable[cur.class]
	n := len(regs)
	pos := cur.start()
	ng := pos&^3 + 4 // next gap: registers used before it cannot be freed
	useP, wt, blockP := a.useBuf[:n], a.wtBuf[:n], a.blockBuf[:n]
	for i := range useP {
		useP[i], wt[i], blockP[i] = maxPos, 1, maxPos
	}
	note := func(it *interval, nu int32, d uint8) {
		if i := a.regIdx[it.reg]; nu < useP[i] {
			useP[i], wt[i] = nu, weights[d]
		}
	}
	for _, it := range a.active {
		if it.class == cur.class {
			nu, d := it.nextRegUse(pos)
			if nu < ng {
				nu = pos
			}
			note(it, nu, d)
		}
	}
	for _, it := range a.inactive {
		if it.class == cur.class && firstIntersection(cur.ranges, it.ranges) != maxPos {
			nu, d := it.nextRegUse(pos)
			note(it, nu, d)
		}
	}
	for i, r := range regs {
		blockP[i] = fixedIntersection(cur.ranges, a.fixed[r], cur.id)
	}
	end := cur.end()
	best, bestScore := -1, -1.0
	for i := range regs {
		if useP[i] <= pos || blockP[i] <= pos {
			continue
		}
		if blockP[i] < end {
			if k, _ := a.planCut(cur, blockP[i]); k == cutNone {
				continue
			}
		}
		s := min(float64(useP[i]-pos)/wt[i], float64(blockP[i]-pos))
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	u, ud := cur.nextRegUse(pos)
	if u >= ng {
		curScore := math.Inf(1)
		if u != maxPos {
			curScore = float64(u-pos) / weights[ud]
		}
		if best < 0 || curScore > bestScore {
			a.toStack(cur, pos)
			return nil
		}
	}
	if best < 0 {
		return a.errorf(pos, "more values need a class %d register at once than there are registers", cur.class)
	}
	r := regs[best]
	cur.reg = r
	for _, it := range a.active {
		if it.class == cur.class && it.reg == r {
			a.toStack(it, pos)
		}
	}
	for _, it := range a.inactive {
		if it.class == cur.class && it.reg == r && firstIntersection(cur.ranges, it.ranges) != maxPos {
			a.heap.push(a.split(it, it.nextStart(pos)))
		}
	}
	a.advance(pos)
	if blockP[best] < end {
		kind, at := a.planCut(cur, blockP[best])
		a.cut(cur, kind, at)
	}
	return nil
}

// planCut decides how it, holding a register from its start, gives it up
// at p, where the register is taken (start < p < end).
func (a *allocator) planCut(it *interval, p int32) (int, int32) {
	start := it.start()
	g := p &^ 3
	// Between gaps only the stack is reachable; prefer it when the value
	// is used by the instruction at p, which a gap split would move first.
	if p&3 != 0 && (g <= start || it.regUseIn(g, p)) && !it.regUseIn(p, g+4) {
		return cutStack, p
	}
	if g > start {
		return cutGap, g
	}
	return cutNone, 0
}

func (a *allocator) cut(it *interval, kind int, at int32) {
	switch kind {
	case cutGap:
		a.heap.push(a.split(it, at))
	case cutStack:
		a.toStack(it, at)
	default:
		a.internal("cannot cut v%d at %d", it.id, at)
	}
}

// toStack moves the part of it from p on to its stack slot, and queues
// the part from a reload point before its next use for allocation.
func (a *allocator) toStack(it *interval, p int32) {
	s := it
	if p > it.start() {
		s = a.split(it, p)
	}
	s.reg = NoReg
	s.done = true
	u, _ := s.nextRegUse(p)
	if u == maxPos {
		return
	}
	hi := u &^ 3
	if hi <= p {
		a.internal("no reload point for v%d between %d and %d", it.id, p, u)
		return
	}
	g := a.reloadPos(p, hi)
	if g <= s.start() {
		s.done = false
		a.heap.push(s)
		return
	}
	a.heap.push(a.split(s, g))
}

// buildStartCosts prepares reloadPos: the cost of splitting at the start
// of block b is the loop depth of the block laid out before it, which is
// where a reload placed at a loop header runs.
func (a *allocator) buildStartCosts() {
	md := uint8(0)
	for _, d := range a.depth {
		md = max(md, d)
	}
	a.lastStart = reuseNested(a.lastStart, int(md))
	for c := range a.lastStart {
		t := reuse(a.lastStart[c], a.nb)
		last := int32(-1)
		for b := 0; b < a.nb; b++ {
			if b > 0 && a.depth[b-1] <= uint8(c) {
				last = int32(b)
			}
			t[b] = last
		}
		a.lastStart[c] = t
	}
}

// reloadPos picks the gap in (lo, hi] at which a value on the stack is
// reloaded for its use after hi: the latest block start of least loop
// depth, so reloads leave loops when they can.
func (a *allocator) reloadPos(lo, hi int32) int32 {
	bHi := a.slotBlock[hi/4]
	for c := 0; c < int(a.depth[bHi]) && c < len(a.lastStart); c++ {
		if b := a.lastStart[c][bHi]; b >= 0 && 4*a.hdr[b] > lo {
			return 4 * a.hdr[b]
		}
	}
	return hi
}

// preferred returns the register cur would like: a fixed register or move
// partner of one of its first uses, or the register it was split from.
func (a *allocator) preferred(cur *interval) Reg {
	for i := 0; i < len(cur.uses) && i < 4; i++ {
		u := cur.uses[i]
		if u.hint != NoReg && a.regClass[u.hint] == int8(cur.class) {
			return u.hint
		}
		if u.hintV >= 0 {
			if r := a.regAt(a.find(u.hintV), u.pos^2); r != NoReg && a.regClass[r] == int8(cur.class) {
				return r
			}
		}
	}
	return cur.hint
}

// regAt returns the register already chosen for value id at p, or NoReg.
func (a *allocator) regAt(id, p int32) Reg {
	it := a.ivs[id]
	for n := 0; it != nil && n < 64; n++ {
		if it.start() > p {
			break
		}
		if it.done && it.covers(p) {
			return it.reg
		}
		it = it.next
	}
	return NoReg
}
