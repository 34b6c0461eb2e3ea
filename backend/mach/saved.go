package mach

import "github.com/wasmc/wasmc/regalloc"

// Written returns the registers of keep that the code allocated by a
// writes or reads anywhere: the operands' assignments and the registers
// the allocator's moves and reloads fill. A function saves those of its
// callee-saved registers in its prologue and restores them on return.
// (A register only read was written first, or is a parameter the caller
// expects back: it is saved too.)
func Written(a *regalloc.Allocation, keep regalloc.RegSet) regalloc.RegSet {
	var s regalloc.RegSet
	if keep == (regalloc.RegSet{}) {
		return s
	}
	for _, r := range a.Assign {
		if keep.Has(r) {
			s = s.Add(r)
		}
	}
	for i := range a.Edits {
		if e := &a.Edits[i]; e.Kind != regalloc.EditSpill && keep.Has(e.Dst) {
			s = s.Add(e.Dst)
		}
	}
	return s
}
