package ssa

// remat recomputes, right before each use, the values that the backends
// fold into their users for free or for one cheap instruction, instead of
// keeping them in a register from their definition. LICM and GVN leave
// bounds-check compares, end addresses and base+index sums live across
// whole loops, where they compete for the few registers with the loop's
// own values; recomputed, they cost no register at all. The values:
//   - an integer compare whose every use is a condition (trap_if, br_if,
//     select): it becomes the flags of its user;
//   - an i64.add whose every use is a load or store address (it folds
//     into the addressing mode) or, when it is a zero-extended i32 plus a
//     constant (an end address), an operand of such a compare (one lea);
//   - i64.extend_i32_u (a register copy) and i64.shl by 1..3 (an index
//     scale) used only by the above.
//
// A value already alone with its single user in one block stays put; the
// others die and deadCode removes them.
func remat(f *Func) {
	if len(f.Blocks) == 0 {
		return
	}
	n := f.NumValues()
	all := f.tempInt32(0, n)   // uses, as Value.Uses would count them
	uses := f.tempInt32(1, n)  // uses in contexts that allow recomputing
	local := f.tempInt32(2, n) // 1 + the ID of a user in the same block
	cheap := f.tempBool(0, n)
	order := &f.scratch.rematOrder // candidates by kind, users' kinds first
	for k := range order {
		order[k] = order[k][:0]
	}
	defer func() {
		for k := range order {
			clear(order[k])
		}
	}()
	// One walk gathers the candidates and counts the uses of all values.
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if k := rematKind(v); k >= 0 {
				order[k] = append(order[k], v)
			}
			noteUses(v, all, local)
			countRematUses(v, uses, nil)
		}
		noteUses(b.Term, all, local)
		countRematUses(b.Term, uses, nil)
		for _, e := range b.Succs {
			for _, a := range e.Args {
				all[a.ID]++
			}
		}
	}
	// A candidate is cheap when all its uses are; users are classified
	// before their operands (compares, adds, shifts, extensions).
	found := false
	for k := range order {
		for _, v := range order[k] {
			if all[v.ID] > 0 && uses[v.ID] == all[v.ID] {
				cheap[v.ID] = true
				found = true
				countRematUses(v, uses, cheap)
			}
		}
	}
	if !found {
		return
	}
	// A cheap value stays when its single use is in its own block, by a
	// user that stays too (users are decided first); the others are
	// recomputed at every use and their operands are left alone (the
	// copies take the original operands).
	found = false
	for k := range order {
		for _, v := range order[k] {
			if u := local[v.ID] - 1; all[v.ID] == 1 && u >= 0 && !cheap[u] {
				cheap[v.ID] = false
			}
			found = found || cheap[v.ID]
		}
	}
	if !found {
		return
	}
	buf := f.scratch.rematBuf[:0]
	defer func() { clear(buf); f.scratch.rematBuf = buf[:0] }()
	for _, b := range f.Blocks {
		buf = buf[:0]
		for _, v := range b.Values {
			if !cheap[v.ID] {
				buf = rematArgs(f, v, cheap, buf)
			}
			buf = append(buf, v)
		}
		buf = rematArgs(f, b.Term, cheap, buf)
		if len(buf) != len(b.Values) {
			b.Values = append(b.Values[:0], buf...)
		}
	}
}

// Candidate kinds, in the order their cheapness is decided.
const (
	rkCompare = iota
	rkAdd
	rkShl
	rkZext
)

func rematKind(v *Value) int {
	switch op := v.Op; {
	case op >= OpI32Eqz && op <= OpI32GeU, op >= OpI64Eqz && op <= OpI64GeU:
		return rkCompare
	case op == OpI64Add:
		return rkAdd
	case op == OpI64Shl && v.Args[1].Op == OpConstI64 && v.Args[1].AuxInt&63 >= 1 && v.Args[1].AuxInt&63 <= 3:
		return rkShl
	case op == OpI64ExtendI32U:
		return rkZext
	}
	return -1
}

// countRematUses counts, for each operand of u, whether u's use of it
// allows recomputing the operand at u. With cheap nil, u is an ordinary
// value or terminator; otherwise u is a cheap candidate.
func countRematUses(u *Value, uses []int32, cheap []bool) {
	switch {
	case cheap == nil && (u.Op == OpTrapIf || u.Op == OpBrIf):
		uses[u.Args[0].ID]++
	case cheap == nil && u.Op == OpSelect:
		uses[u.Args[2].ID]++
	case cheap == nil && (u.Op.IsLoad() || u.Op.IsStore()):
		if u.Args[0].Op == OpI64Add {
			uses[u.Args[0].ID]++
		}
	case cheap != nil && rematKind(u) == rkCompare:
		for _, a := range u.Args {
			if a.Op == OpI64ExtendI32U || a.Op == OpI64Add && isEndAddr(a) {
				uses[a.ID]++
			}
		}
	case cheap != nil && rematKind(u) == rkAdd:
		for _, a := range u.Args {
			if k := rematKind(a); k == rkShl || k == rkZext {
				uses[a.ID]++
			}
		}
	case cheap != nil && rematKind(u) == rkShl:
		if a := u.Args[0]; a.Op == OpI64ExtendI32U {
			uses[a.ID]++
		}
	}
}

// isEndAddr reports whether v is ea+k: a zero-extended i32 plus a
// constant (in either order).
func isEndAddr(v *Value) bool {
	x, k := v.Args[0], v.Args[1]
	if x.Op == OpConstI64 {
		x, k = k, x
	}
	return k.Op == OpConstI64 && x.Op == OpI64ExtendI32U
}

// rematArgs replaces the operands of u that are recomputed at their uses
// by copies appended to buf.
func rematArgs(f *Func, u *Value, cheap []bool, buf []*Value) []*Value {
	for i, a := range u.Args {
		if int(a.ID) < len(cheap) && cheap[a.ID] {
			c := f.newValue(a.Op, a.Type, u.Block, a.Args)
			c.AuxInt = a.AuxInt
			c.Uses = 1
			buf = rematArgs(f, c, cheap, buf)
			buf = append(buf, c)
			u.Args[i] = c
		}
	}
	return buf
}

// noteUses counts u's uses of its operands in all and records u as the
// user of those defined in its own block in local.
func noteUses(u *Value, all, local []int32) {
	for _, a := range u.Args {
		all[a.ID]++
		if a.Block == u.Block {
			local[a.ID] = int32(u.ID) + 1
		}
	}
}
