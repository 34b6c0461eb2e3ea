package amd64

import (
	"github.com/wasmc/wasmc/regalloc"
	"github.com/wasmc/wasmc/ssa"
)

// foldLoads marks the loads that an integer compare or two-address ALU op
// reads as its memory operand: an i32.load under a 32-bit op or an
// i64.load under a 64-bit one, used once in its own block, with nothing
// that may write memory between the load and the point where the op is
// emitted (a compare folded into its branch, trap or select is emitted
// there). It runs after the other folding decisions.
func (s *isel) foldLoads() {
	at := s.ints.Take(s.f.NumValues()) // by value ID: index in its block
	condAt := s.ints.Take(s.f.NumValues())
	for _, b := range s.f.Blocks {
		vals := b.Values
		// writers[i] counts the values before index i that may write memory.
		writers := s.ints.Take(len(vals) + 2)
		for i, v := range vals {
			at[v.ID] = i
			writers[i+1] = writers[i]
			// A load that may fault (guard pages) must not move past a
			// trap either: the first trap in program order is reported.
			if writesMem(v) || v.Op == ssa.OpTrapIf && s.f.FaultingLoads {
				writers[i+1]++
			}
			switch v.Op {
			case ssa.OpTrapIf:
				condAt[v.Args[0].ID] = i
			case ssa.OpSelect:
				condAt[v.Args[2].ID] = i
			case ssa.OpI32Add:
				if _, _, c := flagAdd(v); c != nil && s.fold[c.ID] {
					condAt[c.ID] = i
				}
			}
		}
		writers[len(vals)+1] = writers[len(vals)]
		if t := b.Term; t != nil && t.Op == ssa.OpBrIf {
			condAt[t.Args[0].ID] = len(vals)
		}
		for i, u := range vals {
			if ld := s.rmwLoad(u, b); ld != nil && writers[i] == writers[at[ld.ID]+1] {
				s.foldRMW(u, ld)
			}
		}
		for i, u := range vals {
			if s.fold[u.ID] && !isCompare(u.Op) {
				continue
			}
			x := s.loadToFold(u, b)
			if x == nil {
				continue
			}
			emit := i // where u's instruction is emitted
			if s.fold[u.ID] {
				emit = condAt[u.ID]
			}
			if writers[emit] == writers[at[x.ID]+1] {
				s.fold[x.ID] = true
			}
		}
	}
}

// rmwOp returns the machine op for the integer op that a store of
// op(load, y) to the loaded address does in memory (sub only with the
// load first), or false.
func rmwOp(op ssa.Op) (mop, bool) {
	switch op {
	case ssa.OpI32Add, ssa.OpI64Add:
		return mAdd, true
	case ssa.OpI32Sub, ssa.OpI64Sub:
		return mSub, true
	case ssa.OpI32And, ssa.OpI64And:
		return mAnd, true
	case ssa.OpI32Or, ssa.OpI64Or:
		return mOr, true
	case ssa.OpI32Xor, ssa.OpI64Xor:
		return mXor, true
	}
	return 0, false
}

// rmwLoad returns the load that store u can read, modify and write back in
// one instruction (add [m], y): u stores op(load, y) to the address and
// offset it loaded from, at the same width (a wider load may trap where
// the store would not), and the load and op have no other use. The
// caller checks that nothing between the load and u writes memory or
// traps.
func (s *isel) rmwLoad(u *ssa.Value, b *ssa.Block) *ssa.Value {
	if !u.Op.IsStore() || len(u.Args) != 2 || u.Args[1].Type.IsFloat() {
		return nil
	}
	val := u.Args[1]
	if _, ok := rmwOp(val.Op); !ok || !s.foldable(val, u) {
		return nil
	}
	cands := val.Args
	if val.Op == ssa.OpI32Sub || val.Op == ssa.OpI64Sub {
		cands = val.Args[:1]
	}
	for _, ld := range cands {
		if ld.Op.IsLoad() && !ld.Type.IsFloat() && ld.Uses == 1 && ld.Block == b && !s.fold[ld.ID] &&
			sameAddress(ld.Args[0], u.Args[0]) && ld.AuxInt == u.AuxInt && ld.Op.AccessSize() == u.Op.AccessSize() {
			return ld
		}
	}
	return nil
}

// sameAddress reports whether addresses a and b are the same value or
// the same sum: remat gives each access its own copy of an address
// (memory base plus an extended index) to fold into the access.
func sameAddress(a, b *ssa.Value) bool {
	if a == b {
		return true
	}
	if a.Op != ssa.OpI64Add || b.Op != ssa.OpI64Add {
		return false
	}
	same := func(x, y *ssa.Value) bool {
		return x == y || x.Op == y.Op && (x.Op == ssa.OpI64ExtendI32U && x.Args[0] == y.Args[0] ||
			x.Op == ssa.OpI64Shl && x.Args[0] == y.Args[0] && x.Args[1] == y.Args[1])
	}
	return same(a.Args[0], b.Args[0]) && same(a.Args[1], b.Args[1])
}

// foldRMW marks the load and op that store u does in memory, and u's
// address, which only the load shared, as emitted by u.
func (s *isel) foldRMW(u, ld *ssa.Value) {
	s.fold[u.Args[1].ID], s.fold[ld.ID] = true, true
	addr := u.Args[0]
	if addr.Op != ssa.OpI64Add || addr.Uses != 2 || addr.Block != u.Block || s.fold[addr.ID] {
		return
	}
	s.foldAddress(addr, u)
}

// rmw returns the op and the other operand of store v when it was folded
// into a read-modify-write (foldRMW).
func (s *isel) rmw(v *ssa.Value) (mop, *ssa.Value, bool) {
	val := v.Args[1]
	op, ok := rmwOp(val.Op)
	if !ok || !s.fold[val.ID] {
		return 0, nil, false
	}
	ld, y := val.Args[0], val.Args[1]
	if !ld.Op.IsLoad() || !s.fold[ld.ID] {
		ld, y = y, ld
	}
	return op, y, ld.Op.IsLoad() && s.fold[ld.ID]
}

// loadToFold returns the operand of u that may be read from memory by u's
// own instruction, or nil.
func (s *isel) loadToFold(u *ssa.Value, b *ssa.Block) *ssa.Value {
	var cands []*ssa.Value
	switch u.Op {
	case ssa.OpI32Add, ssa.OpI64Add, ssa.OpI32And, ssa.OpI64And, ssa.OpI32Or, ssa.OpI64Or,
		ssa.OpI32Xor, ssa.OpI64Xor, ssa.OpI32Mul, ssa.OpI64Mul:
		cands = u.Args
	case ssa.OpI32Sub, ssa.OpI64Sub:
		cands = u.Args[1:]
	default:
		if !isCompare(u.Op) || len(u.Args) != 2 || u.Args[0].Type.IsFloat() {
			return nil
		}
		if byteCompare(u) {
			for _, x := range u.Args {
				if x.Op == ssa.OpI32Load8U && x.Uses == 1 && x.Block == b && !s.fold[x.ID] {
					return x
				}
			}
			return nil
		}
		cands = u.Args
	}
	want := ssa.OpI32Load
	if sizeOf(u.Args[0].Type) == S64 {
		want = ssa.OpI64Load
	}
	for _, x := range cands {
		if x.Op == want && x.Uses == 1 && x.Block == b && !s.fold[x.ID] {
			return x
		}
	}
	return nil
}

// writesMem reports whether v may change memory (or run code that does).
func writesMem(v *ssa.Value) bool {
	return v.Op.Has(ssa.SideEffect) && v.Op != ssa.OpTrapIf
}

// foldedLoad reports whether v is a load its user reads from memory.
func (s *isel) foldedLoad(v *ssa.Value) bool {
	return (v.Op == ssa.OpI32Load || v.Op == ssa.OpI64Load || v.Op == ssa.OpI32Load8U) && s.fold[v.ID]
}

// byteCompare reports whether comparison u has two i32 operands that are
// zero-extended bytes (i32.load8_u, or constants 1 to 255) and at least
// one load: a compare of their low bytes, with unsigned conditions, sets
// the same flags, so one load can be read by the compare itself
// (memcmp's and the compressors' match loops compare bytes so).
func byteCompare(u *ssa.Value) bool {
	if u.Args[0].Type != ssa.I32 {
		return false
	}
	loads := 0
	for _, x := range u.Args {
		switch {
		case x.Op == ssa.OpI32Load8U:
			loads++
		case x.Op == ssa.OpConstI32 && int32(x.AuxInt) > 0 && int32(x.AuxInt) <= 0xff:
		default:
			return false
		}
	}
	return loads > 0
}

// loadMem returns the memory operand of folded load v.
func (s *isel) loadMem(v *ssa.Value) operand {
	return memOp(s.address(v.Args[0], v.AuxInt))
}

// boundsCheck selects trap_if(i64.gt_s(ea + c, n)) with ea a zero-extended
// i32 and c < 0 (ssa's boundsFast form) as mBoundsChk, and reports
// whether t was one: ea > n, false for most accesses, decides alone.
func (s *isel) boundsCheck(t *ssa.Value) bool {
	cmp := t.Args[0]
	if cmp.Op != ssa.OpI64GtS || !s.fold[cmp.ID] {
		return false
	}
	x, n := cmp.Args[0], cmp.Args[1]
	ea, c, ok := addConst(x)
	if !ok || !s.fold[x.ID] || c >= 0 || ea.Op != ssa.OpI64ExtendI32U {
		return false
	}
	if _, ok := constImm(n, S64); ok || isLazy(n) {
		return false
	}
	in := instr{op: mBoundsChk, size: S64, imm: t.AuxInt}
	in.add(regOp(s.reg(ea), rUse), regOp(s.reg(n), rUse), immOp(int64(c)))
	s.emit(in)
	return true
}

// leaParts flattens add v and an add folded into it into at most three
// terms.
func (s *isel) leaParts(v *ssa.Value) ([3]*ssa.Value, int) {
	var parts [3]*ssa.Value
	n := 0
	for _, x := range v.Args {
		if x.Op == v.Op && s.fold[x.ID] && n == 0 {
			parts[0], parts[1] = x.Args[0], x.Args[1]
			n = 2
			continue
		}
		if n == len(parts) {
			return parts, 0
		}
		parts[n] = x
		n++
	}
	return parts, n
}

// leaShape reports whether add v with an add folded into it is one lea:
// a base, an index (maybe a folded scaled shift) and a displacement.
func (s *isel) leaShape(v *ssa.Value) bool {
	parts, n := s.leaParts(v)
	if n != 3 {
		return false
	}
	sz := sizeOf(v.Type)
	regs, scaled := 0, 0
	disp := int64(0)
	for _, x := range parts[:n] {
		switch c, ok := constImm(x, sz); {
		case ok:
			disp += c
		case indexScale(x) != 0 && s.fold[x.ID]:
			scaled++
		default:
			regs++
		}
	}
	return regs >= 1 && regs+scaled <= 2 && (sz == S32 || fitsInt32(disp))
}

// leaMem returns the lea operand of add v (see leaShape).
func (s *isel) leaMem(v *ssa.Value) vmem {
	parts, n := s.leaParts(v)
	sz := sizeOf(v.Type)
	m := vmem{base: regalloc.NoReg, index: regalloc.NoReg}
	disp := int64(0)
	for _, x := range parts[:n] {
		switch c, ok := constImm(x, sz); {
		case ok:
			disp += c
		case indexScale(x) != 0 && s.fold[x.ID]:
			m.index, m.scale = s.indexReg(x.Args[0], nil), indexScale(x)
		case m.base == regalloc.NoReg:
			m.base = s.reg(x)
		default:
			m.index, m.scale = s.reg(x), 1
		}
	}
	m.disp = int32(disp)
	return m
}
