package ssa

// removeRedundantParams deletes block parameters that receive the same
// value on every incoming edge (ignoring edges that pass the parameter
// itself around a loop) and replaces their uses with that value. It
// repeats until no parameter is redundant, since removing one can make
// another redundant. Entry parameters are the function's and stay.
func removeRedundantParams(f *Func) {
	r := newReplacer(f)
	// Reverse postorder sees most parameters after the values they are
	// replaced by, so one or two rounds usually suffice.
	order := f.ReversePostorder()
	for changed := true; changed; {
		changed = false
		for _, b := range order[1:] {
			for i := 0; i < len(b.Params); i++ {
				p := b.Params[i]
				same := redundantValue(b, i, r)
				if same == nil {
					continue
				}
				r.set(p, same)
				removeParam(b, i)
				i--
				changed = true
			}
		}
	}
	r.apply(f)
}

// redundantValue returns the only value other than parameter i itself that
// the edges into b pass for it, or nil.
func redundantValue(b *Block, i int, r *replacer) *Value {
	p := b.Params[i]
	var same *Value
	for _, pred := range b.Func.uniquePreds(b) {
		for _, e := range pred.Succs {
			if e.Block != b {
				continue
			}
			a := r.resolve(e.Args[i])
			if a == p || a == same {
				continue
			}
			if same != nil {
				return nil
			}
			same = a
		}
	}
	return same
}
