package ssa

// widenChecks merges the bounds checks of one block that test the same
// address: trap_if(ea+k1 > len) followed by trap_if(ea+k2 > len), k2 > k1,
// with nothing in between that could be observed if the trap came
// earlier (a store, a call, another kind of trap), becomes one check of
// ea+k2 at the first place. Only the moment of an out-of-bounds trap
// moves, past loads and pure values: the memory it leaves and its code
// are the same. (boundsChecks already removed the checks that an earlier
// one covers.) Struct fields read one after the other are the usual case.
func widenChecks(f *Func) {
	if len(f.Mems) == 0 {
		return
	}
	type open struct {
		t     *Value // the first check of ea since the last barrier
		k     int64  // its end constant
		merge int64  // the largest end of the checks merged into it
	}
	opens := map[checkKey]*open{}
	var merged []*open
	drop := map[*Value]bool{}
	for _, b := range f.Blocks {
		clear(opens)
		for _, v := range b.Values {
			if v.Op != OpTrapIf {
				if v.Op.Has(SideEffect) {
					clear(opens)
				}
				continue
			}
			m, ea, k := boundsCheck(f, v.Args[0])
			if m < 0 || ea == nil {
				clear(opens)
				continue
			}
			key := checkKey{m, ea.ID}
			o := opens[key]
			if o == nil || o.t.Args[0].Args[1] != v.Args[0].Args[1] || o.t.AuxInt != v.AuxInt {
				opens[key] = &open{t: v, k: k, merge: k}
				continue
			}
			if k > o.merge {
				if o.merge == o.k {
					merged = append(merged, o)
				}
				o.merge = k
			}
			drop[v] = true
		}
		if len(drop) == 0 && len(merged) == 0 {
			continue
		}
		kept := b.Values[:0:0]
		for _, v := range b.Values {
			if drop[v] {
				continue
			}
			for _, o := range merged {
				if o.t == v {
					// A new end and compare: the old ones may have other users.
					c := v.Args[0]
					ea, _ := endParts(c.Args[0])
					kc := f.newValue(OpConstI64, I64, b, nil)
					kc.AuxInt = o.merge
					end := f.newValue(OpI64Add, I64, b, []*Value{ea, kc})
					nc := f.newValue(OpI64GtU, I32, b, []*Value{end, c.Args[1]})
					kept = append(kept, kc, end, nc)
					v.Args[0] = nc
				}
			}
			kept = append(kept, v)
		}
		b.Values = kept
		clear(drop)
		merged = merged[:0]
	}
}

// endParts splits an end address ea+k (either order) into ea and k.
func endParts(v *Value) (*Value, *Value) {
	x, k := v.Args[0], v.Args[1]
	if x.Op == OpConstI64 {
		x, k = k, x
	}
	return x, k
}
