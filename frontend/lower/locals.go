package lower

import "github.com/wasmc/wasmc/ssa"

// Locals are put in SSA form on demand (Braun et al., "Simple and Efficient
// Construction of Static Single Assignment Form", 2013) with block
// parameters in place of phis. Definitions of the block being built live in
// a dense array; those of finished blocks in a map keyed by block and local.

type incomplete struct {
	local uint32
	param *ssa.Value
}

func defKey(b *ssa.Block, n uint32) uint64 { return uint64(b.ID)<<32 | uint64(n) }

// newBlock creates a block and its sealing state.
func (l *Builder) newBlock() *ssa.Block {
	b := l.f.NewBlock()
	for int(b.ID) >= len(l.sealed) {
		l.sealed = append(l.sealed, false)
		l.incomplete = append(l.incomplete, nil)
	}
	return b
}

// setCurrent makes b the block being built, flushing the definitions of
// the previous one.
func (l *Builder) setCurrent(b *ssa.Block) {
	if l.cur != nil && l.cur != b {
		for _, n := range l.written {
			l.defs[defKey(l.cur, n)] = l.curDefs[n]
			l.curDefs[n] = nil
		}
	}
	if l.cur != b {
		l.written = l.written[:0]
	}
	l.cur = b
}

// leave ends the current block (after its terminator): code that follows
// is unreachable until the next label.
func (l *Builder) leave() {
	l.setCurrent(nil)
}

func (l *Builder) writeLocal(b *ssa.Block, n uint32, v *ssa.Value) {
	if b == l.cur {
		if l.curDefs[n] == nil {
			l.written = append(l.written, n)
		}
		l.curDefs[n] = v
		return
	}
	l.defs[defKey(b, n)] = v
}

func (l *Builder) readLocal(b *ssa.Block, n uint32) *ssa.Value {
	if b == l.cur {
		if v := l.curDefs[n]; v != nil {
			return v
		}
	} else if v, ok := l.defs[defKey(b, n)]; ok {
		return v
	}
	return l.readLocalRec(b, n)
}

func (l *Builder) readLocalRec(b *ssa.Block, n uint32) *ssa.Value {
	var v *ssa.Value
	switch {
	case !l.sealed[b.ID]:
		v = b.NewParam(l.localTypes[n])
		l.incomplete[b.ID] = append(l.incomplete[b.ID], incomplete{n, v})
	case len(b.Preds) == 1:
		v = l.readLocal(b.Preds[0], n)
	case len(b.Preds) == 0:
		// Only the entry has no predecessors, and it defines every local.
		l.fail("local %d read in a block without predecessors", n)
	default:
		v = b.NewParam(l.localTypes[n])
		l.writeLocal(b, n, v)
		l.addParamArgs(b, n)
	}
	l.writeLocal(b, n, v)
	return v
}

// addParamArgs appends, to every edge entering b, the value local n has at
// the end of the edge's source block.
func (l *Builder) addParamArgs(b *ssa.Block, n uint32) {
	// preds is a stack: readLocal recurses into addParamArgs, which
	// pushes its own predecessors above these and pops them.
	base := len(l.preds)
	l.preds = b.AppendUniquePreds(l.preds)
	for i := base; i < len(l.preds); i++ {
		p := l.preds[i]
		v := l.readLocal(p, n)
		for k := range p.Succs {
			if p.Succs[k].Block == b {
				p.Succs[k].Args = append(p.Succs[k].Args, v)
			}
		}
	}
	l.preds = l.preds[:base]
}

// seal records that all of b's predecessors are known and completes the
// parameters added while they were not.
func (l *Builder) seal(b *ssa.Block) {
	if l.sealed[b.ID] {
		return
	}
	l.sealed[b.ID] = true
	for _, in := range l.incomplete[b.ID] {
		l.addParamArgs(b, in.local)
	}
	l.incomplete[b.ID] = nil
}
