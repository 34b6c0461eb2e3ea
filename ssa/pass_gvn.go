package ssa

// gvnKey identifies a pure computation: op, type, aux and operand IDs
// (commutative operands ordered), -1 for absent operands.
type gvnKey struct {
	op      Op
	typ     Type
	aux     int64
	a, b, c ID
}

// pureOp reports whether v computes a function of its operands only, so
// that equal computations may share one value.
func pureOp(v *Value) bool {
	if v.Op == OpParam || v.Op == OpCopy || v.Sig != nil || len(v.Args) > 3 {
		return false
	}
	return v.Op.Info().Flags&(SideEffect|ReadsMem|Terminator|Call) == 0
}

func keyOf(v *Value) gvnKey {
	k := gvnKey{op: v.Op, typ: v.Type, aux: v.AuxInt, a: -1, b: -1, c: -1}
	switch args := v.Args; len(args) {
	case 3:
		k.c = args[2].ID
		fallthrough
	case 2:
		k.b = args[1].ID
		fallthrough
	case 1:
		k.a = args[0].ID
	}
	if k.a > k.b && v.Op.Has(Commutative) {
		k.a, k.b = k.b, k.a
	}
	return k
}

// gvn replaces each pure value by an equal one that dominates it, in one
// walk over the dominator tree with a scoped hash table. Constants, which
// the backends rematerialize at their uses, all move to the start of the
// entry block in the same walk, so that each distinct constant exists
// once and dominates every use (LICM relies on this).
func gvn(f *Func) {
	if len(f.Blocks) == 0 {
		return
	}
	r := newReplacer(f)
	t := &f.scratch.table
	t.init(f.NumValues())
	ct := &f.scratch.consts // no scopes: constants go to the entry
	ct.init(f.NumValues())
	consts := f.scratch.work[:0]
	entry := f.Blocks[0]
	d := f.dominators()
	type frame struct {
		b    *Block
		mark int
		next int
	}
	stack := []frame{{entry, 0, -1}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		b := top.b
		if top.next < 0 {
			top.mark, top.next = len(t.ents), 0
			kept := b.Values[:0]
			for _, v := range b.Values {
				if v.Op.IsConst() {
					k := keyOf(v)
					if w := ct.find(&k); w != nil {
						r.set(v, w)
					} else {
						ct.insert(&k, v)
						v.Block = entry
						consts = append(consts, v)
					}
					continue
				}
				r.resolveAll(v.Args)
				if pureOp(v) {
					k := keyOf(v)
					if w := t.find(&k); w != nil {
						r.set(v, w)
						continue
					}
					t.insert(&k, v)
				}
				kept = keep(kept, v)
			}
			clearTail(b, kept)
		}
		if kids := d.Children(b); top.next < len(kids) {
			c := kids[top.next]
			top.next++
			stack = append(stack, frame{c, 0, -1})
			continue
		}
		t.undo(top.mark)
		stack = stack[:len(stack)-1]
	}
	ct.undo(0)
	if len(consts) > 0 {
		// The entry's values move up behind the constants, in place when
		// its array has room.
		n, c := len(entry.Values), len(consts)
		vals := append(entry.Values, consts...)
		copy(vals[c:], vals[:n])
		copy(vals, consts)
		entry.Values = vals
	}
	clear(consts)
	f.scratch.work = consts[:0]
	r.applyEdges(f, d)
}

// clearTail installs kept (a prefix of b.Values' storage) as b's values,
// clearing the dropped slots for the garbage collector.
func clearTail(b *Block, kept []*Value) {
	for i := len(kept); i < len(b.Values); i++ {
		b.Values[i] = nil
	}
	b.Values = kept
}
