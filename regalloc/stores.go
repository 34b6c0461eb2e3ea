package regalloc

import "github.com/wasmc/wasmc/internal/bufs"

// Where spilled values are stored. By default a spilled value is stored
// after every definition, so its slot is valid wherever it is live. A
// value defined in a loop but spilled only outside it (or one defined
// many times) does better when stored where it goes from a register to
// the stack: at a split inside a block, on an edge into a block where it
// is on the stack, and at a definition that leaves it on the stack. The
// cheaper of the two, by guessed block counts (freq.go), is chosen per
// value; a value stored lazily has no valid slot while it is in a
// register, so the parallel moves do not reload it from there to break a
// cycle.

// chooseStores sets lazy[id] for the spilled values that are cheaper to
// store where they leave a register. It needs entryLocs.
func (a *allocator) chooseStores() {
	n := a.numIDs()
	a.lazy = bufs.Cleared(a.lazy, n)
	a.costDef = bufs.Cleared(a.costDef, n)
	a.costLeave = bufs.Cleared(a.costLeave, n)
	any := false
	for id := range n {
		if !a.spilled[id] || a.chainOff[id+1]-a.chainOff[id] < 2 {
			continue
		}
		ch := a.chain(int32(id))
		ok := true
		for i, c := range ch {
			for _, u := range c.uses {
				if u.pos&3 == 3 {
					f := a.freq[a.slotBlock[u.pos/4]]
					a.costDef[id] += f
					if c.reg == NoReg {
						a.costLeave[id] += f
					}
				}
			}
			if i > 0 && a.leavesAt(ch[i-1], c) {
				a.costLeave[id] += a.freq[a.slotBlock[c.start()/4]]
			}
			// Nothing happens inside a block's header slot; should a
			// piece start there all the same, keep the default.
			if p := c.start(); i > 0 && p&3 != 0 && a.isBlockStart(p&^3) {
				ok = false
			}
		}
		if !ok {
			a.costDef[id] = 0
			continue
		}
		any = any || a.costLeave[id] < a.costDef[id]
	}
	if !any {
		return
	}
	a.resetCursors()
	for p := int32(0); p < int32(a.nb); p++ {
		from := a.blockEnd(p) - 1
		total := a.branchTotal(p)
		for _, s := range a.succs[p] {
			// The guessed count of the edge p->s.
			ef := a.freq[p] * a.branchWeight(p, s) / total
			for _, in := range a.inLocs[a.inLocAt[s]:a.inLocAt[s+1]] {
				id := in.id
				if in.reg != NoReg {
					continue
				}
				// Not a candidate, or already no cheaper lazily.
				if a.costLeave[id] >= a.costDef[id] {
					continue
				}
				if a.locFwd(id, from) != NoReg {
					a.costLeave[id] += ef
				}
			}
		}
	}
	for id := range n {
		a.lazy[id] = a.costDef[id] > 0 && a.costLeave[id] < a.costDef[id]
	}
}

// leavesAt reports whether the value goes from prev's register to the
// stack where c starts, inside a block, other than at a definition.
func (a *allocator) leavesAt(prev, c *interval) bool {
	p := c.start()
	if prev.reg == NoReg || c.reg != NoReg || prev.end() != p || a.isBlockStart(p&^3) {
		return false
	}
	return len(c.uses) == 0 || c.uses[0].pos != p || p&3 != 3
}

// leaveStores adds, for the values stored lazily, the stores where they
// go from a register to the stack inside a block: with the parallel
// moves of the gap at or before that point, from where the value was
// just before it.
func (a *allocator) leaveStores(moves []pmove) []pmove {
	for id := range a.numIDs() {
		if !a.lazy[id] {
			continue
		}
		ch := a.chain(int32(id))
		for i := 1; i < len(ch); i++ {
			if !a.leavesAt(ch[i-1], ch[i]) {
				continue
			}
			g := ch[i].start() &^ 3
			if r := a.loc(int32(id), g-1); r != NoReg {
				moves = append(moves, a.storeMove(a.gapKey(g), int32(id), r))
			}
		}
	}
	return moves
}

// storeMove builds a parallel-move entry that stores value id from src.
func (a *allocator) storeMove(key editKey, id int32, src Reg) pmove {
	return pmove{key: key, class: a.classOf(id), dst: NoReg, src: src, slot: a.slotOf[id], vslot: -1, store: true}
}
