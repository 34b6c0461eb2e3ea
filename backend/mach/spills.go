package mach

import (
	"iter"
	"math/bits"

	"github.com/wasmc/wasmc/internal/bufs"
	"github.com/wasmc/wasmc/regalloc"
)

// Spills drops the spill code that the allocator's edits leave redundant,
// as the emitters place them. The allocator stores a spilled value after
// every definition (a two-address op's copy and its result are both
// stored; so is a coalesced move onto itself) and reloads without knowing
// what the registers hold, so:
//   - a spill is dropped when a later spill of its block overwrites the
//     slot before anything reads it (only reloads read slots), and so is
//     a reload or move into a register that the next edits at the same
//     point overwrite unread;
//   - a spill is dropped when the register already holds the slot's value;
//   - a reload is dropped when the register already holds the slot's
//     value, and becomes a register move when another register does.
//
// What registers hold is tracked through a block and into a block whose
// predecessors were all emitted before it (what they agree on), and, with
// UseLoops, into a loop header: what the predecessors before it agree on,
// less what the loop may change (a register it writes other than by
// reloading the same slot, a slot it spills). The emitter reports what
// each instruction writes (Def, Copy, Clobber) after emitting it, and any
// other register its code writes (amd64's loop guard load): a write left
// unreported would let a later reload be dropped for a stale register.
type Spills struct {
	holds [regalloc.FirstVirtual]int32 // by real register: key of the slot whose value it holds, or 0
	held  regBits                      // the registers whose holds is not 0
	// ends records the registers holding slots at the end of each block
	// emitted so far: endAt[b]..endAt[b+1] in endBuf.
	endAt  []int32
	endBuf []regHold
	dead   []bool // by edit index from lo: a spill or register write overwritten unread
	lo     int
	next   []uint8 // by key: the slot's next access in the block (scan state)
	keys   []int32 // keys set in next
	// liveOut[b*words:(b+1)*words] are the slots (key-1) that a reload
	// may read after block b before they are spilled again (Prepare).
	liveOut, liveIn, gen, kill []uint64
	words                      int
	loops                      *spillLoops // UseLoops
}

// spillLoops is what StartBlock needs to enter loop headers.
type spillLoops struct {
	f      regalloc.Func
	alloc  *regalloc.Allocation
	loop   Loop
	editAt []int32 // edits of block b: alloc.Edits[editAt[b]:editAt[b+1]]
	ready  bool    // loop and editAt are set up for this function (prepare)
}

// UseLoops lets StartBlock carry what registers hold into loop headers; f
// is the function in its final block order (edges split) and alloc its
// allocation.
func (s *Spills) UseLoops(f regalloc.Func, alloc *regalloc.Allocation) {
	if len(alloc.Writes) != f.NumBlocks() {
		s.loops = nil // an allocation without them: loops are not entered
		return
	}
	if s.loops == nil {
		s.loops = new(spillLoops)
	}
	l := s.loops
	l.f, l.alloc, l.ready = f, alloc, false
}

// prepare sets up the loop walk and the edits' block index for the first
// header of a function: most functions have none.
func (l *spillLoops) prepare() {
	n := l.f.NumBlocks()
	l.loop.Reset(n)
	l.editAt = bufs.Resize(l.editAt, n+1)
	k := 0
	for b := range n + 1 {
		for k < len(l.alloc.Edits) && int(l.alloc.Edits[k].Pos.Block) < b {
			k++
		}
		l.editAt[b] = int32(k)
	}
	l.ready = true
}

// keepLoopInvariant forgets what registers hold at header h unless no
// block of h's loop can change it: the register is written only by
// reloads of the slot it holds, and the slot is never stored. What the
// predecessors entering the loop agree on then holds around every back
// edge too.
func (s *Spills) keepLoopInvariant(h int) {
	l := s.loops
	if s.held == (regBits{}) {
		return
	}
	if !l.ready {
		l.prepare()
	}
	whole := l.loop.Walk(h, l.f.Preds, func(b int) bool {
		w := l.alloc.Writes[b]
		for r := range s.held.all() {
			if w.Has(r) {
				s.set(r, 0)
			}
		}
		for i := l.editAt[b]; i < l.editAt[b+1]; i++ {
			ed := &l.alloc.Edits[i]
			switch ed.Kind {
			case regalloc.EditMove:
				if ed.Dst < regalloc.FirstVirtual {
					s.set(ed.Dst, 0)
				}
			case regalloc.EditReload:
				if ed.Dst < regalloc.FirstVirtual && s.holds[ed.Dst] != slotKey(ed.Class, ed.Slot) {
					s.set(ed.Dst, 0)
				}
			case regalloc.EditSpill:
				for r := s.holder(slotKey(ed.Class, ed.Slot)); r != regalloc.NoReg; r = s.holder(slotKey(ed.Class, ed.Slot)) {
					s.set(r, 0)
				}
			}
		}
		return s.held != (regBits{})
	})
	if !whole {
		s.forgetAll() // nothing left to keep, or no natural loop
	}
}

type regHold struct{ reg, key int32 }

const (
	accNone uint8 = iota
	accRead
	accWrite
)

func slotKey(c regalloc.Class, slot int) int32 { return int32(slot)<<1 | int32(c) + 1 }

// maxLiveWords caps blocks × slot words of Prepare's sets.
const maxLiveWords = 1 << 20

// Prepare finds, for a function of n blocks with successors succs and
// allocator edits edits, the slots that a reload may read after each
// block before they are spilled again, so that StartBlock drops the
// spills no reload reads on any path, not only those its own block
// overwrites. Without it every slot counts as read after a block.
func (s *Spills) Prepare(n int, succs func(b int) []int, edits []regalloc.Edit) {
	maxKey := int32(0)
	for i := range edits {
		if ed := &edits[i]; ed.Kind != regalloc.EditMove {
			maxKey = max(maxKey, slotKey(ed.Class, ed.Slot))
		}
	}
	s.words = int(maxKey+63) / 64
	if s.words == 0 || n*s.words > maxLiveWords {
		s.words = 0
		return
	}
	size := n * s.words
	s.liveOut, s.liveIn = bufs.Cleared(s.liveOut, size), bufs.Cleared(s.liveIn, size)
	s.gen, s.kill = bufs.Cleared(s.gen, size), bufs.Cleared(s.kill, size)
	for i := range edits {
		ed := &edits[i]
		if ed.Kind == regalloc.EditMove || int(ed.Pos.Block) >= n {
			continue
		}
		k := int(slotKey(ed.Class, ed.Slot) - 1)
		w, bit := int(ed.Pos.Block)*s.words+k/64, uint64(1)<<(k%64)
		if ed.Kind == regalloc.EditSpill {
			s.kill[w] |= bit
		} else if s.kill[w]&bit == 0 {
			s.gen[w] |= bit
		}
	}
	for changed := true; changed; {
		changed = false
		for b := n - 1; b >= 0; b-- {
			out := s.liveOut[b*s.words : (b+1)*s.words]
			for _, t := range succs(b) {
				for j, x := range s.liveIn[t*s.words : (t+1)*s.words] {
					out[j] |= x
				}
			}
			in := s.liveIn[b*s.words : (b+1)*s.words]
			for j := range in {
				x := s.gen[b*s.words+j] | out[j]&^s.kill[b*s.words+j]
				if x != in[j] {
					in[j] = x
					changed = true
				}
			}
		}
	}
}

// readAfter reports whether slot key k may be reloaded after block b.
func (s *Spills) readAfter(b int, k int32) bool {
	if s.words == 0 {
		return true
	}
	i := int(k - 1)
	if i/64 >= s.words {
		return false
	}
	return s.liveOut[b*s.words+i/64]&(1<<(i%64)) != 0
}

// StartBlock prepares for block b with predecessors preds, whose edits
// start at edits[lo] (edits are sorted by block). Blocks are started in
// order from 0; a block that is not emitted is started all the same.
func (s *Spills) StartBlock(b int, preds []int, edits []regalloc.Edit, lo int) {
	if b == 0 {
		s.endAt = append(s.endAt[:0], 0)
		s.endBuf = s.endBuf[:0]
	} else {
		for r := range s.held.all() {
			s.endBuf = append(s.endBuf, regHold{int32(r), s.holds[r]})
		}
		s.endAt = append(s.endAt, int32(len(s.endBuf)))
	}
	// What every predecessor's end agrees on, when all come before b; at
	// a loop header, what those before it agree on and the loop keeps.
	s.forgetAll()
	first, back := -1, false
	for _, p := range preds {
		if p >= b {
			back = true
		} else if first < 0 {
			first = p
		}
	}
	if b > 0 && first >= 0 && (!back || s.loops != nil) {
		for _, h := range s.endBuf[s.endAt[first]:s.endAt[first+1]] {
			s.set(regalloc.Reg(h.reg), h.key)
		}
		for _, p := range preds {
			if p >= b || p == first {
				continue
			}
			end := s.endBuf[s.endAt[p]:s.endAt[p+1]]
			for r := range s.held.all() {
				agree := false
				for _, h := range end {
					if h.reg == int32(r) {
						agree = h.key == s.holds[r]
						break
					}
				}
				if !agree {
					s.set(r, 0)
				}
			}
		}
		if back {
			s.keepLoopInvariant(b)
		}
	}
	hi := lo
	for hi < len(edits) && int(edits[hi].Pos.Block) == b {
		hi++
	}
	s.lo = lo
	s.dead = s.dead[:0]
	for i := lo; i < hi; i++ {
		s.dead = append(s.dead, false)
	}
	// Backwards: a spill followed by a spill of the same slot is dead, and
	// so is a write of a register that a later edit at the same point
	// (no instruction between) overwrites before anything reads it.
	var written regBits // registers overwritten by the edits after i at its point
	for i := hi - 1; i >= lo; i-- {
		ed := &edits[i]
		if i == hi-1 || edits[i+1].Pos != ed.Pos {
			written = regBits{}
		}
		if ed.Kind != regalloc.EditSpill && ed.Dst < regalloc.FirstVirtual {
			s.dead[i-lo] = written.has(ed.Dst)
			written.set(ed.Dst, true)
		}
		if ed.Kind != regalloc.EditReload && ed.Src < regalloc.FirstVirtual {
			written.set(ed.Src, false)
		}
		if ed.Kind == regalloc.EditMove {
			continue
		}
		k := slotKey(ed.Class, ed.Slot)
		for int(k) >= len(s.next) {
			s.next = append(s.next, accNone)
		}
		if s.next[k] == accNone {
			s.keys = append(s.keys, k)
			s.next[k] = accWrite // nothing reads it after b: as good as overwritten
			if s.readAfter(b, k) {
				s.next[k] = accRead
			}
		}
		if ed.Kind == regalloc.EditSpill {
			s.dead[i-lo] = s.next[k] == accWrite
			s.next[k] = accWrite
		} else if !s.dead[i-lo] {
			s.next[k] = accRead
		}
	}
	for _, k := range s.keys {
		s.next[k] = accNone
	}
	s.keys = s.keys[:0]
}

// Def forgets what register r holds: an instruction wrote it.
func (s *Spills) Def(r regalloc.Reg) {
	if r < regalloc.FirstVirtual {
		s.set(r, 0)
	}
}

// Copy records a register copy dst = src (which may be a no-op).
func (s *Spills) Copy(dst, src regalloc.Reg) {
	if dst < regalloc.FirstVirtual && src < regalloc.FirstVirtual {
		s.set(dst, s.holds[src])
	}
}

// Clobber forgets the registers of c.
func (s *Spills) Clobber(c regalloc.RegSet) {
	for r := range s.held.all() {
		if c.Has(r) {
			s.set(r, 0)
		}
	}
}

// set records that register r holds slot key k (0: nothing).
func (s *Spills) set(r regalloc.Reg, k int32) {
	s.holds[r] = k
	s.held.set(r, k != 0)
}

func (s *Spills) forgetAll() {
	for r := range s.held.all() {
		s.holds[r] = 0
	}
	s.held = regBits{}
}

// holder returns a register holding slot key k, or NoReg.
func (s *Spills) holder(k int32) regalloc.Reg {
	for r := range s.held.all() {
		if s.holds[r] == k {
			return r
		}
	}
	return regalloc.NoReg
}

// Edit returns what to emit for edits[idx] of the current block, if
// anything: the edit itself, or a register move in place of a reload.
func (s *Spills) Edit(edits []regalloc.Edit, idx int) (regalloc.Edit, bool) {
	ed := edits[idx]
	if ed.Kind != regalloc.EditSpill && s.dead[idx-s.lo] {
		return ed, false
	}
	switch ed.Kind {
	case regalloc.EditMove:
		s.Copy(ed.Dst, ed.Src)
	case regalloc.EditSpill:
		k := slotKey(ed.Class, ed.Slot)
		if s.dead[idx-s.lo] || ed.Src < regalloc.FirstVirtual && s.holds[ed.Src] == k {
			return ed, false
		}
		for r := s.holder(k); r != regalloc.NoReg; r = s.holder(k) {
			s.set(r, 0)
		}
		if ed.Src < regalloc.FirstVirtual {
			s.set(ed.Src, k)
		}
	case regalloc.EditReload:
		k := slotKey(ed.Class, ed.Slot)
		if ed.Dst >= regalloc.FirstVirtual {
			return ed, true
		}
		if s.holds[ed.Dst] == k {
			return ed, false
		}
		if r := s.holder(k); r != regalloc.NoReg {
			ed = regalloc.Edit{Pos: ed.Pos, Kind: regalloc.EditMove, Class: ed.Class, Dst: ed.Dst, Src: r}
		}
		s.set(ed.Dst, k)
	}
	return ed, true
}

// regBits is a set of real registers.
type regBits [regalloc.FirstVirtual / 64]uint64

func (b *regBits) has(r regalloc.Reg) bool { return b[r/64]&(1<<(r%64)) != 0 }

func (b *regBits) set(r regalloc.Reg, on bool) {
	if on {
		b[r/64] |= 1 << (r % 64)
	} else {
		b[r/64] &^= 1 << (r % 64)
	}
}

// all yields the registers of b in increasing order.
func (b *regBits) all() iter.Seq[regalloc.Reg] {
	return func(yield func(regalloc.Reg) bool) {
		for w, m := range b {
			for m != 0 {
				if !yield(regalloc.Reg(w*64 + bits.TrailingZeros64(m))) {
					return
				}
				m &= m - 1
			}
		}
	}
}
