package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// exitLoads loads again, in the exit a branch takes, a value its compare
// loaded: a search loop such as wasi-libc's memcmp compares two loaded
// bytes and, on a mismatch, leaves to compute with the same two bytes, so
// both stay in registers to the exit and neither load can be read by the
// compare itself (the amd64 selector folds a load with no other use).
// Loaded again at the start of the exit, the loads in the loop have the
// compare as their only use. It applies when
//   - block b ends in br_if on an integer compare of b used by nothing
//     else, with a load of b as an operand,
//   - every other use of the load is in a successor s of b whose only
//     predecessor is b, outside the innermost loop around b (an exit: it
//     runs once per loop, and the load is done when it starts),
//   - nothing after the load in b writes memory, and
//   - the function reads no shared memory: another thread could change
//     the bytes between the two loads, which the program would observe.
//
// The second load cannot trap where the first did not: memories only
// grow.
func exitLoads(f *Func) {
	if f.SharedMemory || len(f.Blocks) == 0 {
		return
	}
	// Counting uses walks the whole function: only when some branch has
	// the shape.
	counted := false
	type cand struct {
		v *Value
		s *Block
	}
	var cands []cand
	for _, b := range f.Blocks {
		t := b.Term
		if t == nil || t.Op != OpBrIf || len(b.Succs) != 2 {
			continue
		}
		c := t.Args[0]
		if c.Block != b || !isIntCompare2(c.Op) || !c.Args[0].Op.IsLoad() && !c.Args[1].Op.IsLoad() {
			continue
		}
		if !counted {
			f.CountUses()
			counted = true
		}
		if c.Uses != 1 {
			continue
		}
		for _, v := range c.Args {
			if !v.Op.IsLoad() || v.Block != b || v.Uses < 2 || v == c.Args[0] && v == c.Args[1] || writesAfter(b, v) {
				continue
			}
			for _, e := range b.Succs {
				if s := e.Block; s != b && len(s.Preds) == 1 && usesIn(s, v) == v.Uses-1 {
					cands = append(cands, cand{v, s})
					break
				}
			}
		}
	}
	if len(cands) == 0 {
		return
	}
	// Only exits: an edge out of the innermost loop around the load's
	// block, which runs once per loop; a successor inside it may be the
	// loop's common path, where loading again would cost.
	d := f.dominators()
	loops := findLoops(f, d, d.order)
	inLoop := bufs.Resize(f.scratch.loopTag, f.NumBlocks())
	for i := range inLoop {
		inLoop[i] = -1
	}
	defer func() { f.scratch.loopTag = inLoop }()
	budget := 8*len(f.Blocks) + 1024
	for _, cd := range cands {
		b := cd.v.Block
		var lp *Loop
		for _, l := range loops { // innermost first
			if l.Header == f.Blocks[0] || !d.Dominates(l.Header, b) {
				continue
			}
			tag := int32(l.Header.ID)
			blocks := l.body(inLoop, tag, &f.scratch)
			if budget -= len(blocks); budget < 0 {
				return
			}
			if inLoop[b.ID] == tag {
				lp = l
				break
			}
		}
		if lp != nil && inLoop[cd.s.ID] != int32(lp.Header.ID) {
			reload(cd.s, cd.v)
		}
	}
}

// isIntCompare2 reports whether op compares two integers.
func isIntCompare2(op Op) bool {
	return op > OpI32Eqz && op <= OpI32GeU || op > OpI64Eqz && op <= OpI64GeU
}

// writesAfter reports whether a value after v in b may write memory.
func writesAfter(b *Block, v *Value) bool {
	after := false
	for _, w := range b.Values {
		if after && w.Op.Has(SideEffect) {
			return true
		}
		after = after || w == v
	}
	return false
}

// usesIn counts the uses of v in block s: its values, terminator and
// outgoing edges.
func usesIn(s *Block, v *Value) int32 {
	n := int32(0)
	count := func(args []*Value) {
		for _, a := range args {
			if a == v {
				n++
			}
		}
	}
	for _, w := range s.Values {
		count(w.Args)
	}
	count(s.Term.Args)
	for _, e := range s.Succs {
		count(e.Args)
	}
	return n
}

// reload makes a copy of load v at the start of s and points s's uses of
// v at it.
func reload(s *Block, v *Value) {
	w := s.Func.newValue(v.Op, v.Type, s, v.Args)
	w.AuxInt = v.AuxInt
	swap := func(args []*Value) {
		for i, a := range args {
			if a == v {
				args[i] = w
				w.Uses++
				v.Uses--
			}
		}
	}
	for _, x := range s.Values {
		swap(x.Args)
	}
	swap(s.Term.Args)
	for _, e := range s.Succs {
		swap(e.Args)
	}
	s.Prepend([]*Value{w})
}
