package regalloc

import (
	"cmp"
	"slices"

	"github.com/wasmc/wasmc/internal/bufs"
)

// Orders of edit groups that share a Pos.
const (
	ordEdgeIn   = iota // edge moves at the start of a successor
	ordGap             // splits, reloads and fixed-use moves before an instruction
	ordEdgeOut         // edge moves at the end of a predecessor
	ordStore           // stores after a definition
	ordFixedDef        // moves out of a fixed result register
)

type editKey struct {
	block, instr int32
	after        bool
	order        uint8
}

func (k editKey) cmp(o editKey) int {
	if c := cmp.Compare(k.block, o.block); c != 0 {
		return c
	}
	if c := cmp.Compare(k.instr, o.instr); c != 0 {
		return c
	}
	if k.after != o.after {
		if k.after {
			return 1
		}
		return -1
	}
	return cmp.Compare(k.order, o.order)
}

// pmove is one move of a parallel group: dst = src, or dst = slot when
// src is NoReg.
type pmove struct {
	key   editKey
	class Class
	dst   Reg
	src   Reg
	slot  int32
	vslot int32 // the value's own slot when it is valid there, else -1
	store bool  // slot = src
	seq   int32 // order of creation, to sort stably
}

type keyedEdit struct {
	key editKey
	e   Edit
}

// result turns the allocated intervals into the Allocation: operand
// registers, moves at splits, fixed operands and block edges, and stores
// after definitions of values that live on the stack somewhere.
func (a *allocator) result() (*Allocation, error) {
	n := a.numIDs()
	a.chainOff = bufs.Cleared(a.chainOff, n+1)
	a.chainIvs, a.pieces = a.chainIvs[:0], a.pieces[:0]
	a.spilled = bufs.Cleared(a.spilled, n)
	spilled := a.spilled
	for id, it := range a.ivs {
		a.chainOff[id] = int32(len(a.chainIvs))
		for c := it; c != nil; c = c.next {
			if !c.done {
				a.internal("v%d piece at %d was never allocated", id, c.start())
			}
			spilled[id] = spilled[id] || c.reg == NoReg
			a.chainIvs = append(a.chainIvs, c)
			a.pieces = append(a.pieces, piece{c.start(), c.end(), c.reg})
		}
	}
	a.chainOff[n] = int32(len(a.chainIvs))
	a.assignSlots(spilled)
	a.entryLocs()
	a.chooseStores()
	moves := a.pmoves[:0]
	a.kedits = a.kedits[:0]
	// Moves where a value changes register inside a block.
	for id := range n {
		for i := a.chainOff[id] + 1; i < a.chainOff[id+1]; i++ {
			prev, c := a.pieces[i-1], a.pieces[i]
			s := c.st
			if prev.end != s || c.reg == NoReg || c.reg == prev.reg || a.isBlockStart(s) {
				continue
			}
			if s&3 != 0 {
				a.internal("v%d changes register inside an instruction at %d", id, s)
				continue
			}
			moves = append(moves, a.move(a.gapKey(s), int32(id), c.reg, prev.reg))
		}
	}
	// The Allocation owns its memory, unless it is an Allocator's: the
	// allocator's buffers are reused.
	alloc := a.out
	if alloc == nil {
		alloc = &Allocation{}
	}
	alloc.Start = bufs.Cleared(alloc.Start, a.nb)
	alloc.Assign = bufs.Cleared(alloc.Assign, len(a.ops))
	alloc.starts = append(alloc.starts[:0], a.opStart...)
	starts := alloc.starts
	moves = a.leaveStores(moves)
	a.resetCursors()
	alloc.Writes = bufs.Resize(alloc.Writes, a.nb)
	alloc.Named = bufs.Resize(alloc.Named, a.nb)
	for b := int32(0); b < int32(a.nb); b++ {
		lo, hi := a.hdr[b]+1, a.hdr[b]+1+a.nins[b]
		alloc.Start[b] = starts[lo:hi:hi]
		// The registers the block's instructions write (Writes) and name
		// (Named), gathered as they are assigned.
		writes, named := a.clob[b], a.clob[b]
		for k := a.hdr[b] + 1; k <= a.hdr[b]+a.nins[b]; k++ {
			base := 4 * k
			if a.moveOf[k] >= 0 && a.isVirtualMove(k) {
				a.moveOperands(alloc, k)
				ops, lo := a.instrOps(k)
				for j, op := range ops {
					r := alloc.Assign[lo+int32(j)]
					named = named.Add(r)
					if op.Def {
						writes = writes.Add(r)
					}
				}
				continue
			}
			ops, lo := a.instrOps(k)
			for j, op := range ops {
				x := lo + int32(j)
				if !op.Reg.IsVirtual() {
					alloc.Assign[x] = op.Reg
					named = named.Add(op.Reg)
					if op.Def {
						writes = writes.Add(op.Reg)
					}
					continue
				}
				id := a.find(a.ids[x])
				switch {
				case op.Fixed != NoReg:
					alloc.Assign[x] = op.Fixed
					if !op.Def {
						if src := a.locFwd(id, base-1); src != op.Fixed {
							moves = append(moves, a.move(a.gapKey(base), id, op.Fixed, src))
						}
					} else if dst := a.locFwd(id, base+3); dst != NoReg && dst != op.Fixed {
						moves = append(moves, a.move(a.afterKey(k, ordFixedDef), id, dst, op.Fixed))
					}
				case op.Def:
					alloc.Assign[x] = a.locFwd(id, base+3)
				default:
					alloc.Assign[x] = a.locFwd(id, base+1)
				}
				r := alloc.Assign[x]
				if r == NoReg {
					a.internal("operand %d of v%d at %d has no register", j, id, base)
					continue
				}
				named = named.Add(r)
				if op.Def {
					writes = writes.Add(r)
					if spilled[id] && (!a.lazy[id] || a.locFwd(id, base+3) == NoReg) {
						a.addEdit(a.afterKey(k, ordStore), Edit{Kind: EditSpill, Class: a.classOf(id), Src: r, Slot: int(a.slotOf[id])})
					}
				}
			}
		}
		alloc.Writes[b], alloc.Named[b] = writes, named
	}
	a.resetCursors()
	a.splitEdges = a.splitEdges[:0]
	for p := int32(0); p < int32(a.nb); p++ {
		for _, s := range a.succs[p] {
			var err error
			moves, err = a.edgeMoves(alloc, p, s, moves)
			if err != nil {
				a.pmoves = moves
				return nil, err
			}
		}
	}
	a.pmoves = moves
	if a.err != nil {
		return nil, a.err
	}
	moves = a.sortMoves(moves)
	// Stores were added in position order and the moves' edits follow in
	// key order: merging the two runs sorts the edits, stores first on a
	// tie, as sorting by (key, creation order) would.
	nStores := len(a.kedits)
	for i := 0; i < len(moves); {
		j := i + 1
		for j < len(moves) && moves[j].key == moves[i].key {
			j++
		}
		a.sequentialize(moves[i].key, moves[i:j])
		i = j
	}
	if a.err != nil {
		return nil, a.err
	}
	alloc.Edits = slices.Grow(alloc.Edits[:0], len(a.kedits))
	x, y := a.kedits[:nStores], a.kedits[nStores:]
	for len(x) > 0 || len(y) > 0 {
		var e keyedEdit
		if len(y) == 0 || len(x) > 0 && x[0].key.cmp(y[0].key) <= 0 {
			e, x = x[0], x[1:]
		} else {
			e, y = y[0], y[1:]
		}
		e.e.Pos = Pos{Block: e.key.block, Instr: e.key.instr, After: e.key.after}
		alloc.Edits = append(alloc.Edits, e.e)
	}
	alloc.Slots = a.slots
	alloc.Split = append(alloc.Split[:0], a.splitEdges...)
	a.sortSlots(alloc)
	return alloc, nil
}

// sortSlots renumbers each class's spill slots by how often the edits
// that touch them run (10^loop depth each), most first: the backends lay
// the first slots out nearest the frame pointer, where the addressing
// mode is shortest (x86's 8-bit displacement reaches 16 int slots).
func (a *allocator) sortSlots(alloc *Allocation) {
	if alloc.Slots[0] <= 1 && alloc.Slots[1] <= 1 {
		return
	}
	n0 := alloc.Slots[0]
	w := bufs.Cleared(a.slotW, n0+alloc.Slots[1])
	a.slotW = w
	for i := range alloc.Edits {
		ed := &alloc.Edits[i]
		if ed.Kind == EditMove {
			continue
		}
		b := ed.Pos.Block
		if int(b) >= a.nb { // a split edge: as deep as its shallower end
			e := alloc.Split[int(b)-a.nb]
			b = e.Pred
			if a.depth[e.Succ] < a.depth[b] {
				b = e.Succ
			}
		}
		w[int(ed.Class)*n0+ed.Slot] += weights[a.depth[b]]
	}
	perm := bufs.Cleared(a.slotPerm, len(w)) // old slot -> new, per class
	a.slotPerm = perm
	for c, base := range [2]int{0, n0} {
		ws := w[base : base+alloc.Slots[c]]
		order := a.slotOrder[:0] // new slot -> old
		for i := range ws {
			order = append(order, int32(i))
		}
		slices.SortStableFunc(order, func(x, y int32) int { return cmp.Compare(ws[y], ws[x]) })
		for nw, old := range order {
			perm[base+int(old)] = int32(nw)
		}
		a.slotOrder = order
	}
	for i := range alloc.Edits {
		ed := &alloc.Edits[i]
		if ed.Kind != EditMove {
			ed.Slot = int(perm[int(ed.Class)*n0+ed.Slot])
		}
	}
}

// moveOperands assigns the registers of the copy at slot k. A source on
// the stack is reloaded straight into the destination's register right
// after the copy, which becomes one of that register onto itself (before
// the copy, the register may still hold a value that leaves it there). A
// copy of a value onto itself (coalesced) may leave it on the stack: it
// is emitted as nothing, with any register of the class named. The store
// after a spilled destination stays even for a copy onto itself: it lets
// mach.Spills drop the stores before it.
func (a *allocator) moveOperands(alloc *Allocation, k int32) {
	base := 4 * k
	ops, lo := a.instrOps(k)
	di, si := lo, lo+1
	if !ops[0].Def {
		di, si = lo+1, lo
	}
	d, s := a.find(a.ids[di]), a.find(a.ids[si])
	src := a.locFwd(s, base+1)
	if src == NoReg {
		// It may leave its register only at the copy, which can still
		// read it there.
		src = a.loc(s, base)
	}
	dst := a.locFwd(d, base+3)
	switch {
	case dst != NoReg && src == NoReg:
		a.addEdit(a.afterKey(k, ordStore), Edit{Kind: EditReload, Class: a.classOf(s), Dst: dst, Slot: int(a.slotOf[s])})
		src = dst
	case dst == NoReg && d != s:
		a.internal("copy into v%d at %d has no register", d, base)
		return
	case dst == NoReg:
		dst = src
		if src == NoReg {
			src = a.info.Allocatable[a.classOf(d)][0]
			dst = src
		} else if a.spilled[d] {
			a.addEdit(a.afterKey(k, ordStore), Edit{Kind: EditSpill, Class: a.classOf(d), Src: src, Slot: int(a.slotOf[d])})
		}
		alloc.Assign[di], alloc.Assign[si] = dst, src
		return
	}
	alloc.Assign[di], alloc.Assign[si] = dst, src
	if a.spilled[d] && !a.lazy[d] {
		a.addEdit(a.afterKey(k, ordStore), Edit{Kind: EditSpill, Class: a.classOf(d), Src: dst, Slot: int(a.slotOf[d])})
	}
}

// sortMoves sorts moves by key, keeping the order of equal keys: a
// counting sort by block, then a sort of each block's few moves.
func (a *allocator) sortMoves(moves []pmove) []pmove {
	nb := a.nb + len(a.splitEdges)
	cnt := bufs.Cleared(a.moveCnt, nb+1)
	a.moveCnt = cnt
	for i := range moves {
		moves[i].seq = int32(i)
		cnt[moves[i].key.block+1]++
	}
	for b := 1; b <= nb; b++ {
		cnt[b] += cnt[b-1]
	}
	out := bufs.Cleared(a.pmoves2, len(moves))
	for _, m := range moves {
		out[cnt[m.key.block]] = m
		cnt[m.key.block]++
	}
	a.pmoves, a.pmoves2 = out, moves
	lo := int32(0)
	for b := 0; b < nb; b++ {
		hi := cnt[b]
		if hi-lo > 1 {
			slices.SortFunc(out[lo:hi], func(x, y pmove) int {
				if c := x.key.cmp(y.key); c != 0 {
					return c
				}
				return cmp.Compare(x.seq, y.seq)
			})
		}
		lo = hi
	}
	return out
}

func (a *allocator) addEdit(k editKey, e Edit) {
	a.kedits = append(room(a.kedits, 1), keyedEdit{k, e})
}

// chain returns the pieces of representative id in order.
func (a *allocator) chain(id int32) []*interval {
	return a.chainIvs[a.chainOff[id]:a.chainOff[id+1]]
}

// edgeMoves adds the moves that carry the values live on edge p->s from
// their locations at the end of p to those at the start of s.
func (a *allocator) edgeMoves(alloc *Allocation, p, s int32, moves []pmove) ([]pmove, error) {
	var key editKey
	out := len(a.succs[p]) == 1
	crit := !out && a.npreds[s] > 1
	if out {
		key = editKey{block: p, instr: max(a.nins[p]-1, 0), order: ordEdgeOut}
	} else {
		key = editKey{block: s, order: ordEdgeIn}
	}
	// A critical edge's moves go to a block of their own, numbered
	// after the function's when the first one is found.
	n0 := len(moves)
	moves = room(moves, int(a.inLocAt[s+1]-a.inLocAt[s])) // a move per value at most
	from := a.blockEnd(p) - 1
	for _, in := range a.inLocs[a.inLocAt[s]:a.inLocAt[s+1]] {
		id, dst := in.id, in.reg
		if dst == NoReg {
			// On the stack at s, or one location throughout; a value
			// stored lazily is stored on the way to the stack.
			if a.lazy[id] {
				if src := a.locFwd(id, from); src != NoReg {
					moves = append(moves, a.storeMove(key, id, src))
				}
			}
			continue
		}
		src := a.locFwd(id, from)
		if dst == src {
			continue
		}
		if out && a.nins[p] > 0 {
			if err := a.checkTerminator(alloc, p, dst); err != nil {
				return moves, err
			}
		}
		moves = append(moves, a.move(key, id, dst, src))
	}
	if crit && len(moves) > n0 {
		k := editKey{block: int32(a.nb + len(a.splitEdges)), order: ordEdgeIn}
		for i := n0; i < len(moves); i++ {
			moves[i].key = k
		}
		a.splitEdges = append(a.splitEdges, Edge{p, s})
	}
	return moves, nil
}

// checkTerminator rejects an edge move into a register that the
// terminator it is inserted before still reads or destroys.
func (a *allocator) checkTerminator(alloc *Allocation, b int32, r Reg) error {
	k := a.hdr[b] + a.nins[b]
	ops, lo := a.instrOps(k)
	clobbers := a.f.Clobbers(int(b), int(a.nins[b]-1))
	if ec, ok := a.f.(EarlyClobberer); ok {
		clobbers = clobbers.Union(ec.EarlyClobbers(int(b), int(a.nins[b]-1)))
	}
	for j, op := range ops {
		if !op.Def && alloc.Assign[lo+int32(j)] == r {
			return a.errorf(4*k, "edge moves need %s, which the terminator uses", a.regName(r))
		}
	}
	if clobbers.Has(r) {
		return a.errorf(4*k, "edge moves need %s, which the terminator clobbers", a.regName(r))
	}
	return nil
}

// move builds a parallel-move entry for value id from src (NoReg: its
// slot) to dst.
func (a *allocator) move(key editKey, id int32, dst, src Reg) pmove {
	m := pmove{key: key, class: a.classOf(id), dst: dst, src: src, slot: -1, vslot: a.slotOf[id]}
	if a.lazy[id] {
		m.vslot = -1
	}
	if src == NoReg {
		m.slot = a.slotOf[id]
		if m.slot < 0 {
			a.internal("v%d reloaded without a slot", id)
		}
	}
	return m
}

func (a *allocator) isBlockStart(p int32) bool {
	return p&3 == 0 && a.hdr[a.slotBlock[p/4]] == p/4
}

// gapKey names the gap at position p (before an instruction).
func (a *allocator) gapKey(p int32) editKey {
	k := p / 4
	b := a.slotBlock[k]
	return editKey{block: b, instr: k - a.hdr[b] - 1, order: ordGap}
}

func (a *allocator) afterKey(k int32, order uint8) editKey {
	b := a.slotBlock[k]
	return editKey{block: b, instr: k - a.hdr[b] - 1, after: true, order: order}
}

// inLoc is a value of several pieces live into a block (its
// representative) and the register it is in there, NoReg for its slot.
type inLoc struct {
	id  int32
	reg Reg
}

// entryLocs records, for each block, the values of several pieces live
// into it and their locations at its start, in live-in order. The other
// values live in are in one place throughout (a register, or their slot
// and never stored lazily), so edges need nothing for them and the edge
// passes skip them.
func (a *allocator) entryLocs() {
	a.inLocAt = bufs.Cleared(a.inLocAt, a.nb+1)
	// Sized once for every block: grown block by block, a large function
	// copied the table each time it doubled.
	total := 0
	for _, in := range a.liveIn[:a.nb] {
		total += len(in)
	}
	a.inLocs = room(a.inLocs[:0], total)
	a.resetCursors()
	for b := 0; b < a.nb; b++ {
		a.inLocAt[b] = int32(len(a.inLocs))
		for _, id := range a.liveIn[b] {
			if id < int32(FirstVirtual) {
				continue
			}
			if id = a.find(id); a.chainOff[id+1]-a.chainOff[id] > 1 {
				a.inLocs = append(a.inLocs, inLoc{id, a.locFwd(id, 4*a.hdr[b])})
			}
		}
	}
	a.inLocAt[a.nb] = int32(len(a.inLocs))
}

func (a *allocator) resetCursors() { a.locCur = bufs.Cleared(a.locCur, a.numIDs()) }

// locFwd is loc for positions that mostly grow from one call to the next
// for a value: it walks a cursor per value instead of searching.
func (a *allocator) locFwd(id, p int32) Reg {
	lo, hi := a.chainOff[id], a.chainOff[id+1]
	i := lo + a.locCur[id]
	if i >= hi || a.pieces[i].st > p {
		return a.loc(id, p) // backward, or no pieces
	}
	for i+1 < hi && a.pieces[i+1].st <= p {
		i++
	}
	a.locCur[id] = i - lo
	if a.pieces[i].end <= p {
		a.internal("v%d is not live at %d", id, p)
		return NoReg
	}
	return a.pieces[i].reg
}

// piece is where one piece of a value's chain lives: [st, end) in reg,
// NoReg for its stack slot.
type piece struct {
	st, end int32
	reg     Reg
}

// loc returns the register holding value id at position p, or NoReg
// when it is in its stack slot there.
func (a *allocator) loc(id, p int32) Reg {
	lo, hi := a.chainOff[id], a.chainOff[id+1]
	// The last piece starting at or before p; liveness guarantees that it
	// covers p, so only its end is checked.
	for lo < hi {
		m := int32(uint32(lo+hi) >> 1)
		if a.pieces[m].st <= p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := lo - 1
	if i < a.chainOff[id] || a.pieces[i].end <= p {
		a.internal("v%d is not live at %d", id, p)
		return NoReg
	}
	return a.pieces[i].reg
}

// sequentialize orders a parallel move so no source is overwritten before
// it is read, breaking cycles through a temporary slot, and adds the
// resulting edits at key.
func (a *allocator) sequentialize(key editKey, ms []pmove) {
	pending := a.pending[:0]
	defer func() { a.pending = pending }()
	for _, m := range ms {
		if m.store { // reads only: before any register is written
			a.addEdit(key, Edit{Kind: EditSpill, Class: m.class, Src: m.src, Slot: int(m.slot)})
		}
	}
	for _, m := range ms {
		if m.dst == m.src || m.store {
			continue
		}
		dup := false
		for _, p := range pending {
			if p.dst == m.dst {
				if p.src != m.src || p.slot != m.slot {
					a.internal("two values moved into %s at once", a.regName(m.dst))
				}
				dup = true
			}
		}
		if !dup {
			pending = append(pending, m)
		}
	}
	emit := func(m pmove) {
		if m.src == NoReg {
			a.addEdit(key, Edit{Kind: EditReload, Class: m.class, Dst: m.dst, Slot: int(m.slot)})
		} else {
			a.addEdit(key, Edit{Kind: EditMove, Class: m.class, Dst: m.dst, Src: m.src})
		}
	}
	for len(pending) > 0 {
		progress := false
		for i := 0; i < len(pending); i++ {
			if !readsReg(pending, pending[i].dst) {
				emit(pending[i])
				pending = append(pending[:i], pending[i+1:]...)
				i--
				progress = true
			}
		}
		if progress {
			continue
		}
		// Every destination is still to be read: all moves are on cycles.
		// A value with a valid slot can be reloaded from it instead.
		reloaded := false
		for i := range pending {
			if pending[i].vslot >= 0 {
				pending[i].src, pending[i].slot = NoReg, pending[i].vslot
				reloaded = true
				break
			}
		}
		if reloaded {
			continue
		}
		d := pending[0].dst
		var c Class
		for _, m := range pending {
			if m.src == d {
				c = m.class
			}
		}
		tmp := a.tempSlot(c)
		a.addEdit(key, Edit{Kind: EditSpill, Class: c, Src: d, Slot: int(tmp)})
		for i := range pending {
			if pending[i].src == d {
				pending[i].src, pending[i].slot = NoReg, tmp
			}
		}
	}
}

func readsReg(ms []pmove, r Reg) bool {
	for _, m := range ms {
		if m.src == r {
			return true
		}
	}
	return false
}

func (a *allocator) tempSlot(c Class) int32 {
	if a.tmpSlot[c] < 0 {
		a.tmpSlot[c] = int32(a.slots[c])
		a.slots[c]++
	}
	return a.tmpSlot[c]
}

// assignSlots gives each spilled value a slot, sharing slots between
// values whose lifetimes (from first start to last end) are disjoint.
func (a *allocator) assignSlots(spilled []bool) {
	a.slotOf = bufs.Cleared(a.slotOf, len(spilled))
	a.tmpSlot = [2]int32{-1, -1}
	spans := a.spans[:0]
	for id, sp := range spilled {
		a.slotOf[id] = -1
		if sp {
			ch := a.chain(int32(id))
			spans = append(spans, span{int32(id), ch[0].start(), ch[len(ch)-1].end()})
		}
	}
	a.spans = spans
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.from, y.from) })
	inUse := [2][]busy{a.inUse[0][:0], a.inUse[1][:0]} // min-heaps by to
	free := [2][]int32{a.freeSl[0][:0], a.freeSl[1][:0]}
	defer func() { a.inUse, a.freeSl = inUse, free }()
	for _, s := range spans {
		c := a.classOf(s.id)
		h := inUse[c]
		for len(h) > 0 && h[0].to <= s.from {
			free[c] = append(free[c], h[0].slot)
			h = heapPopBusy(h)
		}
		var slot int32
		if n := len(free[c]); n > 0 {
			slot = free[c][n-1]
			free[c] = free[c][:n-1]
		} else {
			slot = int32(a.slots[c])
			a.slots[c]++
		}
		a.slotOf[s.id] = slot
		h = append(h, busy{s.to, slot})
		for i := len(h) - 1; i > 0 && h[(i-1)/2].to > h[i].to; i = (i - 1) / 2 {
			h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
		}
		inUse[c] = h
	}
}

type span struct{ id, from, to int32 }

type busy struct{ to, slot int32 }

func heapPopBusy(h []busy) []busy {
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h[l].to < h[m].to {
			m = l
		}
		if r < n && h[r].to < h[m].to {
			m = r
		}
		if m == i {
			return h
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
