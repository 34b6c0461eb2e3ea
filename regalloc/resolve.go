package regalloc

import (
	"cmp"
	"slices"
	"sort"
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
	vslot int32 // the value's own slot when it has one, else -1
}

type keyedEdit struct {
	key editKey
	seq int32
	e   Edit
}

// result turns the allocated intervals into the Allocation: operand
// registers, moves at splits, fixed operands and block edges, and stores
// after definitions of values that live on the stack somewhere.
func (a *allocator) result() (*Allocation, error) {
	n := a.numIDs()
	a.chains = make([][]*interval, n)
	a.starts = make([][]int32, n)
	spilled := make([]bool, n)
	for id, it := range a.ivs {
		for c := it; c != nil; c = c.next {
			if !c.done {
				a.internal("v%d piece at %d was never allocated", id, c.start())
			}
			spilled[id] = spilled[id] || c.reg == NoReg
			a.chains[id] = append(a.chains[id], c)
			a.starts[id] = append(a.starts[id], c.start())
		}
	}
	a.assignSlots(spilled)
	var moves []pmove
	var edits []keyedEdit
	addEdit := func(k editKey, e Edit) {
		edits = append(edits, keyedEdit{k, int32(len(edits)), e})
	}
	// Moves where a value changes register inside a block.
	for id, ch := range a.chains {
		for i := 1; i < len(ch); i++ {
			prev, c := ch[i-1], ch[i]
			s := c.start()
			if prev.end() != s || c.reg == NoReg || c.reg == prev.reg || a.isBlockStart(s) {
				continue
			}
			if s&3 != 0 {
				a.internal("v%d changes register inside an instruction at %d", id, s)
				continue
			}
			moves = append(moves, a.move(a.gapKey(s), int32(id), c.reg, prev.reg))
		}
	}
	alloc := &Allocation{Start: make([][]int32, a.nb), Assign: make([]Reg, len(a.ops))}
	for b := int32(0); b < int32(a.nb); b++ {
		alloc.Start[b] = a.opStart[a.hdr[b]+1 : a.hdr[b]+1+a.nins[b]]
		for k := a.hdr[b] + 1; k <= a.hdr[b]+a.nins[b]; k++ {
			base := 4 * k
			ops, lo := a.instrOps(k)
			for j, op := range ops {
				x := lo + int32(j)
				if !op.Reg.IsVirtual() {
					alloc.Assign[x] = op.Reg
					continue
				}
				id := a.find(a.ids[x])
				switch {
				case op.Fixed != NoReg:
					alloc.Assign[x] = op.Fixed
					if !op.Def {
						if src := a.loc(id, base-1); src != op.Fixed {
							moves = append(moves, a.move(a.gapKey(base), id, op.Fixed, src))
						}
					} else if dst := a.loc(id, base+3); dst != NoReg && dst != op.Fixed {
						moves = append(moves, a.move(a.afterKey(k, ordFixedDef), id, dst, op.Fixed))
					}
				case op.Def:
					alloc.Assign[x] = a.loc(id, base+3)
				default:
					alloc.Assign[x] = a.loc(id, base+1)
				}
				if alloc.Assign[x] == NoReg {
					a.internal("operand %d of v%d at %d has no register", j, id, base)
				}
				if op.Def && spilled[id] {
					addEdit(a.afterKey(k, ordStore), Edit{Kind: EditSpill, Class: a.classOf(id), Src: alloc.Assign[x], Slot: int(a.slotOf[id])})
				}
			}
		}
	}
	for p := int32(0); p < int32(a.nb); p++ {
		for _, s := range a.succs[p] {
			var err error
			moves, err = a.edgeMoves(alloc, p, int32(s), moves)
			if err != nil {
				return nil, err
			}
		}
	}
	if a.err != nil {
		return nil, a.err
	}
	slices.SortStableFunc(moves, func(x, y pmove) int { return x.key.cmp(y.key) })
	for i := 0; i < len(moves); {
		j := i + 1
		for j < len(moves) && moves[j].key == moves[i].key {
			j++
		}
		for _, e := range a.sequentialize(moves[i:j]) {
			addEdit(moves[i].key, e)
		}
		i = j
	}
	if a.err != nil {
		return nil, a.err
	}
	slices.SortStableFunc(edits, func(x, y keyedEdit) int {
		if c := x.key.cmp(y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	alloc.Edits = make([]Edit, len(edits))
	for i, e := range edits {
		e.e.Pos = Pos{Block: e.key.block, Instr: e.key.instr, After: e.key.after}
		alloc.Edits[i] = e.e
	}
	alloc.Slots = a.slots
	return alloc, nil
}

// edgeMoves adds the moves that carry the values live on edge p->s from
// their locations at the end of p to those at the start of s.
func (a *allocator) edgeMoves(alloc *Allocation, p, s int32, moves []pmove) ([]pmove, error) {
	var key editKey
	out := len(a.succs[p]) == 1
	if out {
		key = editKey{block: p, instr: max(a.nins[p]-1, 0), order: ordEdgeOut}
	} else {
		key = editKey{block: s, order: ordEdgeIn}
	}
	from, to := a.blockEnd(p)-1, 4*a.hdr[s]
	for _, id := range a.liveIn[s] {
		if id < int32(FirstVirtual) {
			continue
		}
		id = a.find(id)
		if len(a.chains[id]) == 1 {
			continue // one location throughout
		}
		dst := a.loc(id, to)
		src := a.loc(id, from)
		if dst == NoReg || dst == src {
			continue
		}
		if out && a.nins[p] > 0 {
			if err := a.checkTerminator(alloc, p, dst); err != nil {
				return moves, err
			}
		}
		moves = append(moves, a.move(key, id, dst, src))
	}
	return moves, nil
}

// checkTerminator rejects an edge move into a register that the
// terminator it is inserted before still reads or destroys.
func (a *allocator) checkTerminator(alloc *Allocation, b int32, r Reg) error {
	k := a.hdr[b] + a.nins[b]
	ops, lo := a.instrOps(k)
	clobbers := a.f.Clobbers(int(b), int(a.nins[b]-1))
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

// loc returns the register holding value id at position p, or NoReg
// when it is in its stack slot there.
func (a *allocator) loc(id, p int32) Reg {
	ch, st := a.chains[id], a.starts[id]
	i := sort.Search(len(st), func(i int) bool { return st[i] > p }) - 1
	if i < 0 || !ch[i].covers(p) {
		a.internal("v%d is not live at %d", id, p)
		return NoReg
	}
	return ch[i].reg
}

// sequentialize orders a parallel move so no source is overwritten before
// it is read, breaking cycles through a temporary slot.
func (a *allocator) sequentialize(ms []pmove) []Edit {
	pending := make([]pmove, 0, len(ms))
	for _, m := range ms {
		if m.dst == m.src {
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
	var out []Edit
	emit := func(m pmove) {
		if m.src == NoReg {
			out = append(out, Edit{Kind: EditReload, Class: m.class, Dst: m.dst, Slot: int(m.slot)})
		} else {
			out = append(out, Edit{Kind: EditMove, Class: m.class, Dst: m.dst, Src: m.src})
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
		out = append(out, Edit{Kind: EditSpill, Class: c, Src: d, Slot: int(tmp)})
		for i := range pending {
			if pending[i].src == d {
				pending[i].src, pending[i].slot = NoReg, tmp
			}
		}
	}
	return out
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
	a.slotOf = make([]int32, len(spilled))
	a.tmpSlot = [2]int32{-1, -1}
	type span struct{ id, from, to int32 }
	var spans []span
	for id, sp := range spilled {
		a.slotOf[id] = -1
		if sp {
			ch := a.chains[id]
			spans = append(spans, span{int32(id), ch[0].start(), ch[len(ch)-1].end()})
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.from, y.from) })
	var inUse [2][]busy // min-heap by to
	var free [2][]int32
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
