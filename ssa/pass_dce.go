package ssa

// deadCode removes values whose results nothing live uses, and block
// parameters that only feed dead values (with their edge arguments).
// Roots are ops with side effects and terminators; an edge argument is
// live only when the parameter it binds is.
func deadCode(f *Func) {
	live := make([]bool, f.NumValues())
	var work []*Value
	mark := func(v *Value) {
		if !live[v.ID] {
			live[v.ID] = true
			work = append(work, v)
		}
	}
	for _, p := range f.Blocks[0].Params {
		mark(p)
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op.Has(SideEffect) {
				mark(v)
			}
		}
		mark(b.Term)
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
		if v.Op == OpParam {
			b, i := v.Block, int(v.AuxInt)
			for _, pred := range b.Func.uniquePreds(b) {
				for _, e := range pred.Succs {
					if e.Block == b {
						mark(e.Args[i])
					}
				}
			}
		}
	}
	for _, b := range f.Blocks {
		kept := b.Values[:0]
		for _, v := range b.Values {
			if live[v.ID] {
				kept = append(kept, v)
			}
		}
		for i := len(kept); i < len(b.Values); i++ {
			b.Values[i] = nil
		}
		b.Values = kept
		if b == f.Blocks[0] {
			continue
		}
		for i := len(b.Params) - 1; i >= 0; i-- {
			if !live[b.Params[i].ID] {
				removeParam(b, i)
			}
		}
	}
}
