package regalloc

import (
	"math"

	"github.com/wasmc/wasmc/internal/bufs"
)

// weights[d] is how many times code at loop depth d is taken to run per
// run of the function's top level: loopTrips per level.
var weights = func() (w [maxDepth + 1]float64) {
	f := 1.0
	for d := range w {
		w[d] = f
		f *= loopTrips
	}
	return w
}()

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
	a.sortUnhandled()
	n := max(len(a.info.Allocatable[0]), len(a.info.Allocatable[1]))
	a.freeBuf = bufs.Cleared(a.freeBuf, n)
	a.useBuf = bufs.Cleared(a.useBuf, n)
	a.wtBuf = bufs.Cleared(a.wtBuf, n)
	a.blockBuf = bufs.Cleared(a.blockBuf, n)
	a.buildStartCosts()
	for a.err == nil {
		// The next interval: from the sorted initial ones, or the heap
		// of pieces split off since.
		var cur *interval
		switch {
		case a.qi < len(a.queue) && (len(a.heap) == 0 || a.queue[a.qi].less(a.heap[0])):
			cur = a.queue[a.qi].it
			a.qi++
		case len(a.heap) > 0:
			cur = a.heap.pop()
		}
		if cur == nil {
			break
		}
		pos := cur.start()
		a.scanPos = pos
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
			if cur.reload {
				a.stackAfterUses(cur)
			}
			a.active = append(a.active, cur)
		}
	}
	return a.err
}

// sortUnhandled numbers the intervals and lists them by start, in
// creation order on ties: a counting sort by start position, linear in
// the function's size.
func (a *allocator) sortUnhandled() {
	cnt := bufs.Cleared(a.startCnt, int(a.blockEnd(int32(a.nb-1)))+1)
	a.startCnt = cnt
	n := 0
	for _, it := range a.ivs {
		if it != nil {
			cnt[it.start()]++
			n++
		}
	}
	sum := int32(0)
	for p, c := range cnt {
		cnt[p] = sum
		sum += c
	}
	a.queue = bufs.Cleared(a.queue, n)
	a.qi = 0
	for _, it := range a.ivs {
		if it != nil {
			it.seq = a.nextSeq()
			a.queue[cnt[it.start()]] = ivEnt{it.start(), it.seq, it}
			cnt[it.start()]++
		}
	}
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
			a.inactive[it.class].push(wake{it.ranges[it.cur].from, it})
		}
	}
	for c := range a.inactive {
		h := &a.inactive[c]
		for len(*h) > 0 && (*h)[0].at <= pos {
			it := h.pop().it
			switch {
			// An interval split while inactive ends before pos.
			case it.reg == NoReg || it.end() <= pos:
			case it.coversFwd(pos):
				act = append(act, it)
			default:
				h.push(wake{it.ranges[it.cur].from, it})
			}
		}
	}
	a.active = act
}

// inactiveBefore returns the inactive intervals of class c whose next
// range starts before end (the others cannot meet an interval ending
// there), in a buffer the next call reuses: a walk of the heap that
// skips every subtree starting too late.
func (a *allocator) inactiveBefore(c Class, pos, end int32) []*interval {
	h := a.inactive[c]
	near := a.near[:0]
	if len(h) > 0 && h[0].at < end {
		stack := append(a.dfs[:0], 0)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if it := h[i].it; it.end() > pos { // else split while inactive
				near = append(near, it)
			}
			for k := 2*i + 1; k <= 2*i+2 && int(k) < len(h); k++ {
				if h[k].at < end {
					stack = append(stack, k)
				}
			}
		}
		a.dfs = stack
	}
	a.near = near
	return near
}

// fixedAfter returns register r's fixed ranges from the first that ends
// after pos, which never decreases during the scan.
func (a *allocator) fixedAfter(r Reg, pos int32) []fixedRange {
	fr := a.fixed[r]
	j := a.fixedCur[r]
	for int(j) < len(fr) && fr[j].to <= pos {
		j++
	}
	a.fixedCur[r] = j
	return fr[j:]
}

// tryFree gives cur a register nobody needs at its start, for its whole
// lifetime if possible, else up to where the register is needed.
func (a *allocator) tryFree(cur *interval) bool {
	regs := a.info.Allocatable[cur.class]
	start, end := cur.start(), cur.end()
	near := a.inactiveBefore(cur.class, start, end)
	free := a.freeBuf[:len(regs)]
	for i := range free {
		free[i] = maxPos
	}
	for _, it := range a.active {
		if it.class == cur.class {
			free[a.regIdx[it.reg]] = 0
		}
	}
	for _, it := range near {
		// The next range's start bounds the intersection from below.
		if i := a.regIdx[it.reg]; free[i] > it.ranges[it.cur].from {
			free[i] = min(free[i], intersectFrom(cur.ranges, it.ranges, int(it.cur)))
		}
	}
	for i, r := range regs {
		// Fixed ranges are sorted by start: the first bounds the rest.
		if fr := a.fixedAfter(r, start); len(fr) > 0 && fr[0].from < min(free[i], end) {
			free[i] = min(free[i], fixedIntersection(cur.ranges, fr, cur.id))
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
		for i, r := range regs {
			if (best < 0 || free[i] > free[best]) && !a.info.Whole.Has(r) {
				best = i
			}
		}
		if best < 0 {
			return false
		}
		if hi >= 0 && free[hi] == free[best] && !a.info.Whole.Has(regs[hi]) {
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
	if !cur.regUseIn(start, at) {
		// Nothing needs the register before it is taken: holding it would
		// only cost a move into it on the way in (a load on each edge into
		// a loop header whose call then clobbers it) and out again.
		a.toStack(cur, start)
		return true
	}
	if c, ok := a.evictionBeatsCut(cur, at); ok {
		return a.evict(cur, c) == nil
	}
	cur.reg = regs[best]
	if h := a.spillPos(cur, at); h != at {
		// The register is taken inside a loop the value entered unused:
		// leave it for the stack at the loop's start, so that the back
		// edge does not load it into a register for nothing.
		a.toStack(cur, h)
		return true
	}
	a.cut(cur, kind, at)
	return true
}

// evictionBeatsCut reports whether cur, which could hold a free register
// until at, had better take one from values needed later: cur's next use
// after at (weighted by its loop depth) comes sooner than the occupants'
// of the register allocBlocked would take. Without this, a value that
// enters a loop beside values the loop never touches, and whose free
// register is taken inside the loop, goes to the stack there and is
// stored and reloaded on every iteration while they keep theirs.
func (a *allocator) evictionBeatsCut(cur *interval, at int32) (eviction, bool) {
	u, d := cur.nextRegUse(at)
	if u == maxPos || d == 0 {
		return eviction{}, false // a cut outside loops costs one store and one load
	}
	c := a.evictChoice(cur)
	return c, c.best >= 0 && a.blockBuf[c.best] >= cur.end() &&
		c.score > float64(u-cur.start())/a.useWeight(u, d)
}

// spillPos is where it, holding its register, goes to the stack when the
// register is taken at p: at p, or at the start of the outermost loop
// around p that it entered without needing the register since.
func (a *allocator) spillPos(it *interval, p int32) int32 {
	lu := it.lastRegUseBefore(p)
	if lu < it.start() {
		return p
	}
	if h := a.reloadPos(lu, p&^3); h < p&^3 {
		return h
	}
	return p
}

// allocBlocked handles cur when no register is free at its start: either
// cur waits on the stack until its first use, or it takes the register
// whose occupants are needed last and they go to the stack.
func (a *allocator) allocBlocked(cur *interval) error {
	return a.evict(cur, a.evictChoice(cur))
}

// eviction is the register evictChoice picked for an interval: its index
// in the class's registers (-1 if none can be taken), the weighted
// distance to its occupants' next use, and the inactive intervals that
// may meet the interval.
type eviction struct {
	best  int
	score float64
	near  []*interval
}

// evict gives cur the register of c, sending its occupants to the stack,
// unless cur's own next use is later than theirs: then cur waits on the
// stack.
func (a *allocator) evict(cur *interval, c eviction) error {
	regs := a.info.Allocatable[cur.class]
	pos := cur.start()
	ng := pos&^3 + 4 // next gap: registers used before it cannot be freed
	best := c.best
	u, ud := cur.nextRegUse(pos)
	if u >= ng {
		curScore := math.Inf(1)
		if u != maxPos {
			curScore = float64(u-pos) / a.useWeight(u, ud)
		}
		if best < 0 || curScore > c.score {
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
			a.toStack(it, a.spillPos(it, pos))
		}
	}
	for _, it := range c.near {
		if it.reg == r && intersectFrom(cur.ranges, it.ranges, int(it.cur)) != maxPos {
			a.heap.push(a.split(it, it.nextStart(pos)))
		}
	}
	a.advance(pos)
	if blockP := a.blockBuf[best]; blockP < cur.end() {
		kind, at := a.planCut(cur, blockP)
		a.cut(cur, kind, at)
	}
	return nil
}

// evictChoice finds the register allocBlocked would take for cur: the one
// whose occupants are needed last, weighted by the loop depth of their
// next use. a.blockBuf holds, per register, where a fixed range first
// blocks cur.
func (a *allocator) evictChoice(cur *interval) eviction {
	regs := a.info.Allocatable[cur.class]
	n := len(regs)
	pos := cur.start()
	ng := pos&^3 + 4
	useP, wt, blockP := a.useBuf[:n], a.wtBuf[:n], a.blockBuf[:n]
	for i := range useP {
		useP[i], wt[i], blockP[i] = maxPos, 1, maxPos
	}
	note := func(it *interval, nu int32, d uint8) {
		if i := a.regIdx[it.reg]; nu < useP[i] {
			useP[i], wt[i] = nu, a.useWeight(nu, d)
		}
	}
	for _, it := range a.active {
		if it.class == cur.class {
			nu, d := a.loopNextUse(it, pos)
			if nu < ng {
				nu = pos
			}
			note(it, nu, d)
		}
	}
	end := cur.end()
	near := a.inactiveBefore(cur.class, pos, end)
	for _, it := range near {
		if intersectFrom(cur.ranges, it.ranges, int(it.cur)) != maxPos {
			nu, d := a.loopNextUse(it, pos)
			note(it, nu, d)
		}
	}
	for i, r := range regs {
		if fr := a.fixedAfter(r, pos); len(fr) > 0 && fr[0].from < end {
			blockP[i] = fixedIntersection(cur.ranges, fr, cur.id)
		}
	}
	best, bestScore := -1, -1.0
	for i := range regs {
		if useP[i] <= pos || blockP[i] <= pos {
			continue
		}
		if blockP[i] < end {
			if a.info.Whole.Has(regs[i]) {
				continue
			}
			if k, _ := a.planCut(cur, blockP[i]); k == cutNone {
				continue
			}
		}
		s := min(float64(useP[i]-pos)/wt[i], float64(blockP[i]-pos))
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return eviction{best, bestScore, near}
}

// loopNextUse is where it needs its register next after pos, for choosing
// whom to spill. A value that entered the innermost loop around pos in its
// register, used it there before pos and lives on past the loop's end is
// needed again when the loop comes round, at the latest: its next use in
// layout order may lie far beyond the loop, and spilling it would reload it
// on every iteration.
func (a *allocator) loopNextUse(it *interval, pos int32) (int32, uint8) {
	nu, d := it.nextRegUse(pos)
	b := a.slotBlock[pos/4]
	if a.depth[b] == 0 {
		return nu, d
	}
	start := 4 * a.hdr[a.outerBefore[b]+1]
	end := a.loopEnd(b)
	if nu <= end || it.start() > start || it.end() < end {
		return nu, d
	}
	if u, _ := it.nextRegUse(start); u < pos {
		return end, a.depth[b]
	}
	return nu, d
}

// loopEnd is the first position after the innermost loop around block b.
func (a *allocator) loopEnd(b int32) int32 {
	if ob := a.outerAfter[b]; ob < int32(a.nb) {
		return 4 * a.hdr[ob]
	}
	return a.blockEnd(int32(a.nb - 1))
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
	if j := a.joinReload(s, p, hi); j > 0 && j < g {
		g = j
	}
	if g < a.scanPos {
		// The cut lies before the scan position (spillPos moved an
		// evicted value's cut back to a loop's start): a piece starting
		// there would be allocated without seeing the intervals the scan
		// has retired since, and could share their register.
		g = min(max(g, (a.scanPos+3)&^3), hi)
	}
	if g <= s.start() {
		s.done = false
		s.reload = true
		a.heap.push(s)
		return
	}
	r := a.split(s, g)
	r.reload = true
	a.heap.push(r)
}

// joinReload returns where a value sent to the stack at p, inside a loop
// that it enters in a register and lives around, takes a register again
// when its next use lies beyond the loop: at the first block after p's
// that control reaches without passing p's block (a join after a branch
// of the loop body). The load then runs on the edges from where the value
// is on the stack, and the paths that kept it in its register reach the
// back edge with it there; reloaded only for the use after the loop, it
// would be loaded on the back edge on every iteration. -1 if none.
func (a *allocator) joinReload(it *interval, p, hi int32) int32 {
	b := a.slotBlock[p/4]
	// The loops around p, innermost first, up to one that the value
	// enters in a register.
	for x := b; a.depth[x] > 0; {
		h := a.outerBefore[x] + 1
		end := a.loopEnd(x)
		if hi < end || it.end() < end {
			return -1 // used again in this loop, or not live around it
		}
		if hs := 4 * a.hdr[h]; hs < p && a.regAt(it.id, hs) != NoReg {
			return a.joinAfter(b, a.outerAfter[x])
		}
		if h == 0 {
			break
		}
		x = h - 1
	}
	return -1
}

// joinAfter returns the start of the first block in (b, e) with a
// predecessor laid out before b, or -1.
func (a *allocator) joinAfter(b, e int32) int32 {
	for x, n := b+1, 0; x < e && n < joinReloadWindow; x, n = x+1, n+1 {
		for _, q := range a.preds[a.predStart[x]:a.predStart[x+1]] {
			if q < b {
				return 4 * a.hdr[x]
			}
		}
	}
	return -1
}

// joinReloadWindow bounds the blocks joinReload looks at.
const joinReloadWindow = 32

// stackAfterUses sends a reloaded piece back to the stack after a use that
// needs the register when no further use does, or when the next one lies
// beyond the end of the loop the piece was reloaded in. The slot still
// holds the value, so the rest costs nothing there, while in a register it
// would cost a load on every edge into it from where the value is on the
// stack and a store on the back edge to a header that keeps it spilled.
func (a *allocator) stackAfterUses(it *interval) {
	bs := a.slotBlock[it.start()/4]
	// Pieces of one value share the tail of its use list: looking at a
	// bounded prefix keeps a value reloaded many times linear.
	uses := it.uses[:min(len(it.uses), stackAfterUsesWindow)]
	for i, u := range uses {
		if !u.need {
			continue
		}
		next := maxPos
		for _, w := range uses[i+1:] {
			if w.need {
				next = w.pos
				break
			}
		}
		if next == maxPos && len(uses) < len(it.uses) {
			return // undecided within the window
		}
		cut := u.pos&^3 + 4
		if cut >= it.end() {
			return
		}
		bu := a.slotBlock[u.pos/4]
		if bs == a.outerBefore[bu]+1 && it.start() == 4*a.hdr[bs] {
			// Reloaded on entry to u's loop: the back edge finds the
			// value in the register only if the piece keeps it.
			return
		}
		if next == maxPos || a.depth[bu] > 0 && bs > a.outerBefore[bu] && a.outerAfter[bu] <= a.slotBlock[next/4] {
			a.toStack(it, cut)
			return
		}
	}
}

// stackAfterUsesWindow bounds the uses stackAfterUses looks at.
const stackAfterUsesWindow = 64

// buildLoopBounds sets, for each block, the last block laid out before it
// and the first after it that are less deeply nested: the bounds of the
// stretch of its innermost loop around it.
func (a *allocator) buildLoopBounds() {
	a.outerBefore = bufs.Cleared(a.outerBefore, a.nb)
	a.outerAfter = bufs.Cleared(a.outerAfter, a.nb)
	st := a.work[:0]
	for b := 0; b < a.nb; b++ {
		for len(st) > 0 && a.depth[st[len(st)-1]] >= a.depth[b] {
			st = st[:len(st)-1]
		}
		a.outerBefore[b] = -1
		if len(st) > 0 {
			a.outerBefore[b] = st[len(st)-1]
		}
		st = append(st, int32(b))
	}
	st = st[:0]
	for b := a.nb - 1; b >= 0; b-- {
		for len(st) > 0 && a.depth[st[len(st)-1]] >= a.depth[b] {
			st = st[:len(st)-1]
		}
		a.outerAfter[b] = int32(a.nb)
		if len(st) > 0 {
			a.outerAfter[b] = st[len(st)-1]
		}
		st = append(st, int32(b))
	}
	a.work = st
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
		t := bufs.Cleared(a.lastStart[c], a.nb)
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
		if it.done && it.end() > p && it.covers(p) {
			return it.reg
		}
		it = it.next
	}
	return NoReg
}

// useWeight weighs a next use at position p, at loop depth d, for
// eviction: its depth weight, lowered toward the guessed count of its
// block (freq.go) where that says the use is rarely reached, but by no
// more than evictShrink. Weighing by the guessed count alone moved
// brotli's bucket loop to a far worse allocation (docs/performance.md,
// "Guessed block counts for stores and coalescing").
func (a *allocator) useWeight(p int32, d uint8) float64 {
	w := weights[d]
	if p == maxPos || int(p/4) >= len(a.slotBlock) {
		return w
	}
	return min(w, max(a.freq[a.slotBlock[p/4]], w/evictShrink))
}

// evictShrink bounds how much rarer than its depth weight says a use may
// count: 4 changed zstd by -0.6% and the others by less than 0.1%, 8
// zstd -2.3% with zopfli and brotli +0.2%, 16 brotli +1.5%.
const evictShrink = 8
