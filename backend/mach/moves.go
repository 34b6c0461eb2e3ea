package mach

import "github.com/wasmc/wasmc/regalloc"

// Move is one register copy of a parallel move.
type Move struct {
	Dst, Src regalloc.Reg
	Float    bool
}

// ParallelMove sequentializes the parallel copy moves (every source read
// before any destination is written; no two moves share a destination):
// it calls emit for each copy in an order that reads every register before
// overwriting it, and breaks register cycles by saving one destination in
// a temporary from newTemp. moves is modified.
func ParallelMove(moves []Move, emit func(Move), newTemp func(regalloc.Class) regalloc.Reg) {
	for len(moves) > 0 {
		progress := false
		for i := 0; i < len(moves); i++ {
			blocked := false
			for j := range moves {
				if j != i && moves[j].Src == moves[i].Dst {
					blocked = true
					break
				}
			}
			if !blocked {
				emit(moves[i])
				moves = append(moves[:i], moves[i+1:]...)
				i--
				progress = true
			}
		}
		if !progress {
			// Every destination is still read: save one, then redirect
			// its readers to the copy.
			d := moves[0].Dst
			c := regalloc.ClassInt
			if moves[0].Float {
				c = regalloc.ClassFloat
			}
			t := newTemp(c)
			emit(Move{t, d, moves[0].Float})
			for j := range moves {
				if moves[j].Src == d {
					moves[j].Src = t
				}
			}
		}
	}
}
