package ssa

import "github.com/wasmc/wasmc/internal/bufs"

// deadCode removes values whose results nothing live uses, and block
// parameters that only feed dead values (with their edge arguments).
// Roots are ops with side effects and terminators; an edge argument is
// live only when the parameter it binds is.
func deadCode(f *Func) {
	live := bufs.Cleared(f.scratch.live, f.NumValues())
	work := f.scratch.work[:0]
	defer func() { f.scratch.live, f.scratch.work = live, work[:0] }()
	mark := func(v *Value) {
		if !live[v.ID] {
			live[v.ID] = true
			work = append(work, v)
		}
	}
	f.computeIncoming()
	for _, p := range f.Blocks[0].Params {
		mark(p)
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op.Has(SideEffect) || f.FaultingLoads && v.Op.IsLoad() && mayFault(f, v) {
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
			i := int(v.AuxInt)
			for _, e := range f.incoming(v.Block) {
				mark(e.Args[i])
			}
		}
	}
	dead := func(p *Value) bool { return !live[p.ID] }
	for _, b := range f.Blocks {
		kept := b.Values[:0]
		for _, v := range b.Values {
			if live[v.ID] {
				kept = keep(kept, v)
			}
		}
		for i := len(kept); i < len(b.Values); i++ {
			b.Values[i] = nil
		}
		b.Values = kept
		if b != f.Blocks[0] {
			removeParams(b, f.incoming(b), dead)
		}
	}
}

// mayFault reports whether load v may read linear memory: any load but
// those from the vmctx and memory records, which are always mapped.
func mayFault(f *Func, v *Value) bool {
	a := v.Args[0]
	return a.Op != OpVMCtx && memOf(f, a) < 0
}
