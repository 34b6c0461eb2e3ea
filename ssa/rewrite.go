package ssa

import "github.com/wasmc/wasmc/internal/bufs"

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

// applyEdges is apply for a pass that has resolved the operands of every
// value of the blocks of d as it went (a walk of the dominator tree,
// which meets each value after the values replacing its operands): only
// terminators, edge arguments and unreachable blocks are left.
func (r *replacer) applyEdges(f *Func, d *DomTree) {
	if r.n == 0 {
		return
	}
	for _, b := range f.Blocks {
		if !d.Reachable(b) {
			for _, v := range b.Values {
				r.resolveAll(v.Args)
			}
		}
		if b.Term != nil {
			r.resolveAll(b.Term.Args)
		}
		for _, e := range b.Succs {
			r.resolveAll(e.Args)
		}
	}
}

// resolveAll resolves every operand in args, storing only those that
// change: a pointer store is a write barrier while the collector runs.
func (r *replacer) resolveAll(args []*Value) {
	for i, a := range args {
		if int(a.ID) < len(r.to) && r.to[a.ID] != nil {
			args[i] = r.resolve(a)
		}
	}
}

// apply rewrites all uses in f; it reports whether anything was replaced.
func (r *replacer) apply(f *Func) bool {
	if r.n == 0 {
		return false
	}
	// The loops of ForEachUse, without a call per operand.
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			r.resolveAll(v.Args)
		}
		if b.Term != nil {
			r.resolveAll(b.Term.Args)
		}
		for _, e := range b.Succs {
			r.resolveAll(e.Args)
		}
	}
	return true
}

// removeParams deletes the parameters of b for which drop holds and the
// matching arguments of edges, the edges into b, renumbering the others.
// Each edge gets its new argument list once, however many go.
func removeParams(b *Block, edges []*Edge, drop func(*Value) bool) {
	f := b.Func
	gone := bufs.Resize(f.scratch.gone, len(b.Params))
	f.scratch.gone = gone
	n := 0
	for i, p := range b.Params {
		gone[i] = drop(p)
		if !gone[i] {
			n++
		}
	}
	if n == len(b.Params) {
		return
	}
	for _, e := range edges {
		// Edges may share argument arrays: build a new list.
		args := f.NewArgs(n)
		j := 0
		for i, a := range e.Args {
			if !gone[i] {
				args[j] = a
				j++
			}
		}
		e.Args = args
	}
	kept := b.Params[:0]
	for i, p := range b.Params {
		if !gone[i] {
			p.AuxInt = int64(len(kept))
			kept = append(kept, p)
		}
	}
	clear(b.Params[len(kept):])
	b.Params = kept
}

// keep appends v to kept, a filtered prefix of the slice being walked (so
// that it has room), storing v only when an earlier element was dropped.
func keep(kept []*Value, v *Value) []*Value {
	n := len(kept)
	kept = kept[:n+1]
	if kept[n] != v {
		kept[n] = v
	}
	return kept
}
