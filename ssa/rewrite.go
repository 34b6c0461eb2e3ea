package ssa

// replacer records value replacements and applies them to every use.
type replacer struct {
	to []*Value // by value ID; nil when the value stays
	n  int
}

// newReplacer returns a replacer for f, reusing f's storage: one pass
// uses one replacer at a time.
func newReplacer(f *Func) *replacer {
	n := f.NumValues()
	if cap(f.replTo) < n {
		f.replTo = make([]*Value, n)
	}
	f.replTo = f.replTo[:n]
	clear(f.replTo)
	return &replacer{to: f.replTo}
}

// set makes every use of v use w instead.
func (r *replacer) set(v, w *Value) {
	r.to[v.ID] = w
	r.n++
}

// resolve follows replacement chains.
func (r *replacer) resolve(v *Value) *Value {
	for int(v.ID) < len(r.to) && r.to[v.ID] != nil {
		v = r.to[v.ID]
	}
	return v
}

// apply rewrites all uses in f; it reports whether anything was replaced.
func (r *replacer) apply(f *Func) bool {
	if r.n == 0 {
		return false
	}
	f.ForEachUse(func(slot **Value) { *slot = r.resolve(*slot) })
	return true
}

// removeParam deletes parameter i of b and the matching argument of every
// incoming edge, renumbering the later parameters.
func removeParam(b *Block, i int) {
	b.Params = append(b.Params[:i], b.Params[i+1:]...)
	for k := i; k < len(b.Params); k++ {
		b.Params[k].AuxInt = int64(k)
	}
	for _, p := range b.Func.uniquePreds(b) {
		for k := range p.Succs {
			if e := &p.Succs[k]; e.Block == b {
				e.Args = append(e.Args[:i:i], e.Args[i+1:]...)
			}
		}
	}
}
