package amd64

// jumpForm marks a label reference that is the rel32 of a jump with a
// short form, so that Finish may relax it.
type jumpForm uint8

const (
	jumpCond   jumpForm = iota + 1 // 0F 80+cc rel32 → 70+cc rel8
	jumpAlways                     // E9 rel32 → EB rel8
)

// opLen is the length of the jump's opcode before its rel32.
func (j jumpForm) opLen() int {
	if j == jumpCond {
		return 2
	}
	return 1
}

// saved is how many bytes the rel8 form saves.
func (j jumpForm) saved() int { return j.opLen() + 4 - 2 }

// cut is a relaxed jump: it starts at old offset start, and the jumps
// relaxed up to and including it removed removed bytes.
type cut struct{ start, removed int }

// relax gives a rel8 to every jump whose target is in reach once the code
// has shrunk, and moves the code, labels, label references and
// relocations to their new offsets. Forward jumps are emitted with rel32
// because their targets are unknown; most land within 127 bytes.
// Shrinking code only brings two points closer (a function holds no
// alignment padding), so a jump found in reach stays so and each round
// is safe on its own; rounds repeat while they find more.
func (a *Asm) relax() {
	cuts := a.cuts[:0]
	for round := 0; round < 4; round++ {
		found := false
		for i := range a.fixups {
			f := &a.fixups[i]
			if f.jump == 0 || f.rel8 || f.base >= 0 {
				continue
			}
			start := f.at - f.jump.opLen()
			d := movedTo(cuts, a.labels[f.target]) - (movedTo(cuts, start) + 2)
			if fitsInt8(int64(d)) {
				f.rel8, f.relaxed, found = true, true, true
			}
		}
		if !found {
			break
		}
		cuts = cuts[:0]
		removed := 0
		for _, f := range a.fixups {
			if f.relaxed {
				removed += f.jump.saved()
				cuts = append(cuts, cut{f.at - f.jump.opLen(), removed})
			}
		}
	}
	a.cuts = cuts // kept for the next function
	if len(cuts) == 0 {
		return
	}
	// Move the code left, rewriting each relaxed jump's opcode.
	w, r := 0, 0
	for i := range a.fixups {
		f := &a.fixups[i]
		if !f.relaxed {
			f.at = movedTo(cuts, f.at)
			continue
		}
		start := f.at - f.jump.opLen()
		op := byte(0xEB)
		if f.jump == jumpCond {
			op = 0x70 | a.buf[start+1]&15
		}
		w += copy(a.buf[w:], a.buf[r:start])
		a.buf[w] = op
		f.at, w, r = w+1, w+2, start+f.jump.opLen()+4
	}
	w += copy(a.buf[w:], a.buf[r:])
	a.buf = a.buf[:w]
	for l, off := range a.labels {
		if off >= 0 {
			a.labels[l] = movedTo(cuts, off)
		}
	}
	for i := range a.relocs {
		a.relocs[i].Offset = uint32(movedTo(cuts, int(a.relocs[i].Offset)))
	}
}

// movedTo returns where the byte at old offset off lands once the jumps
// in cuts (sorted by start) are relaxed: it moves left by what every jump
// that starts before it removed.
func movedTo(cuts []cut, off int) int {
	lo, hi := 0, len(cuts) // cuts[:lo] start before off, cuts[hi:] do not
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cuts[m].start < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return off
	}
	return off - cuts[lo-1].removed
}
