package ssa

import "math/bits"

// simplify applies algebraic identities and strength reductions in one
// walk in reverse postorder (operands mostly before their users): see
// simplifyValue and simplifyCond. Values it makes unused are left to DCE.
func simplify(f *Func) {
	if len(f.Blocks) == 0 {
		return
	}
	s := simplifier{f: f, r: newReplacer(f), consts: make(map[gvnKey]*Value)}
	for _, b := range f.rpo() {
		for _, v := range b.Values {
			s.r.resolveAll(v.Args)
			// A rewrite may enable another; a few rounds reach a fixpoint.
			for range 4 {
				w, again := s.value(v)
				if w != nil {
					s.r.set(v, w)
					break
				}
				if !again {
					break
				}
			}
			if v.Op == OpTrapIf {
				v.Args[0] = simplifyCond(v.Args[0])
			}
		}
		if t := b.Term; t.Op == OpBrIf {
			t.Args[0] = simplifyCond(s.r.resolve(t.Args[0]))
		}
	}
	if len(s.newConsts) > 0 {
		entry := f.Blocks[0]
		entry.Values = append(s.newConsts, entry.Values...)
	}
	s.r.apply(f)
}

type simplifier struct {
	f         *Func
	r         *replacer
	consts    map[gvnKey]*Value
	newConsts []*Value
}

// constant returns an integer constant of type t, new and placed at the
// start of the entry block, where it dominates every use.
func (s *simplifier) constant(t Type, c int64) *Value {
	if t == I32 {
		c = int64(int32(c))
	}
	k := gvnKey{op: ConstOp(t), typ: t, aux: c}
	if v, ok := s.consts[k]; ok {
		return v
	}
	v := s.f.newValue(ConstOp(t), t, s.f.Blocks[0], nil)
	v.AuxInt = c
	s.consts[k] = v
	s.newConsts = append(s.newConsts, v)
	return v
}

// toConst turns v into the integer constant c in place.
func toConst(v *Value, c int64) {
	v.Op, v.Args = ConstOp(v.Type), nil
	if v.Type == I32 {
		c = int64(int32(c))
	}
	v.AuxInt = c
}

// invertCmp maps an integer comparison to its negation.
var invertCmp = map[Op]Op{
	OpI32Eq: OpI32Ne, OpI32Ne: OpI32Eq, OpI32LtS: OpI32GeS, OpI32GeS: OpI32LtS,
	OpI32LtU: OpI32GeU, OpI32GeU: OpI32LtU, OpI32GtS: OpI32LeS, OpI32LeS: OpI32GtS,
	OpI32GtU: OpI32LeU, OpI32LeU: OpI32GtU,
	OpI64Eq: OpI64Ne, OpI64Ne: OpI64Eq, OpI64LtS: OpI64GeS, OpI64GeS: OpI64LtS,
	OpI64LtU: OpI64GeU, OpI64GeU: OpI64LtU, OpI64GtS: OpI64LeS, OpI64LeS: OpI64GtS,
	OpI64GtU: OpI64LeU, OpI64LeU: OpI64GtU,
}

// isBool reports whether v is always 0 or 1.
func isBool(v *Value) bool {
	if _, ok := invertCmp[v.Op]; ok {
		return true
	}
	switch v.Op {
	case OpI32Eqz, OpI64Eqz, OpF32Eq, OpF32Ne, OpF32Lt, OpF32Gt, OpF32Le, OpF32Ge,
		OpF64Eq, OpF64Ne, OpF64Lt, OpF64Gt, OpF64Le, OpF64Ge:
		return true
	case OpConstI32:
		return v.AuxInt == 0 || v.AuxInt == 1
	}
	return false
}

// simplifyCond strips what does not change c != 0: eqz(eqz(x)) is x != 0
// and i32.ne(x, 0) is x.
func simplifyCond(c *Value) *Value {
	for {
		switch {
		case c.Op == OpI32Eqz && c.Args[0].Op == OpI32Eqz && c.Args[0].Args[0].Type == I32:
			c = c.Args[0].Args[0]
		case c.Op == OpI32Ne && c.Args[1].Op == OpConstI32 && int32(c.Args[1].AuxInt) == 0:
			c = c.Args[0]
		default:
			return c
		}
	}
}

// value simplifies v: it returns a value to replace v with, or rewrites v
// in place and reports whether to try again.
func (s *simplifier) value(v *Value) (repl *Value, again bool) {
	if !pureOp(v) {
		return nil, false
	}
	if v.Op == OpSelect {
		if v.Args[0] == v.Args[1] {
			return v.Args[0], false
		}
		if c := v.Args[2]; c.Op == OpI32Eqz {
			v.Args[0], v.Args[1], v.Args[2] = v.Args[1], v.Args[0], c.Args[0]
			return nil, true
		}
		return nil, false
	}
	if !v.Type.IsInt() || len(v.Args) == 0 || len(v.Args) > 2 {
		return nil, false
	}
	if len(v.Args) == 1 {
		return s.unary(v)
	}
	x, y := v.Args[0], v.Args[1]
	if !x.Type.IsInt() {
		return nil, false
	}
	// Constants go right, where the rules and the backends look.
	if v.Op.Has(Commutative) && x.Op.IsConst() && !y.Op.IsConst() {
		v.Args[0], v.Args[1] = y, x
		return nil, true
	}
	if w := identity(v); w != nil {
		return w, false
	}
	if _, ok := intConst(x); ok {
		if _, ok := intConst(y); ok {
			foldInt(v)
			return nil, false
		}
	}
	if x == y {
		return s.sameOperands(v)
	}
	c, ok := intConst(y)
	if !ok {
		return nil, false
	}
	n := 64
	uc := uint64(c)
	if x.Type == I32 {
		n, uc = 32, uint64(uint32(c))
	}
	pow2 := uc != 0 && uc&(uc-1) == 0
	k := int64(bits.TrailingZeros64(uc))
	switch v.Op {
	case OpI32Mul, OpI64Mul:
		if c == 0 {
			toConst(v, 0)
		} else if pow2 {
			v.Op, v.Args[1] = shiftOp(v.Type, OpI32Shl, OpI64Shl), s.constant(v.Type, k)
			return nil, true
		}
	case OpI32And, OpI64And:
		if c == 0 {
			toConst(v, 0)
		}
	case OpI32Or, OpI64Or:
		if uc == 1<<n-1 || (n == 64 && c == -1) {
			toConst(v, -1)
		}
	case OpI32DivU, OpI64DivU:
		if pow2 {
			v.Op, v.Args[1] = shiftOp(v.Type, OpI32ShrU, OpI64ShrU), s.constant(v.Type, k)
			return nil, true
		}
	case OpI32RemU, OpI64RemU:
		if pow2 {
			v.Op, v.Args[1] = shiftOp(v.Type, OpI32And, OpI64And), s.constant(v.Type, c-1)
			return nil, true
		}
	case OpI32Sub, OpI64Sub:
		// x-c is x+(-c): one canonical form for GVN and reassociation.
		v.Op, v.Args[1] = shiftOp(v.Type, OpI32Add, OpI64Add), s.constant(v.Type, -c)
		return nil, true
	case OpI32Add, OpI64Add:
		// (x+c1)+c2 is x+(c1+c2).
		if x.Op == v.Op {
			if c1, ok := intConst(x.Args[1]); ok {
				v.Args[0], v.Args[1] = x.Args[0], s.constant(v.Type, c1+c)
				return nil, true
			}
		}
	case OpI32ShrS, OpI64ShrS:
		// (x << k) >> k, arithmetic, is a sign extension from the low
		// n-k bits: how a compiler without the sign-extension operators
		// (clang 14's default target) writes (int16_t)x.
		if x.Op == shiftOp(v.Type, OpI32Shl, OpI64Shl) {
			if c2, ok := intConst(x.Args[1]); ok && c2&int64(n-1) == c&int64(n-1) {
				if op, ok := signExtends[[2]int64{int64(n), c & int64(n-1)}]; ok {
					v.Op, v.Args = op, append(v.argBuf[:0], x.Args[0])
					return nil, true
				}
			}
		}
	case OpI32LtU, OpI64LtU:
		if c == 0 {
			toConst(v, 0)
		}
	case OpI32GeU, OpI64GeU:
		if c == 0 {
			toConst(v, 1)
		}
	}
	return nil, false
}

// signExtends maps (width, shift) to the extension that a shift left and
// back right by shift amounts to.
var signExtends = map[[2]int64]Op{
	{32, 24}: OpI32Extend8S, {32, 16}: OpI32Extend16S,
	{64, 56}: OpI64Extend8S, {64, 48}: OpI64Extend16S, {64, 32}: OpI64Extend32S,
}

func shiftOp(t Type, op32, op64 Op) Op {
	if t == I32 {
		return op32
	}
	return op64
}

// sameOperands simplifies binary integer ops whose operands are equal.
func (s *simplifier) sameOperands(v *Value) (*Value, bool) {
	switch v.Op {
	case OpI32And, OpI64And, OpI32Or, OpI64Or:
		return v.Args[0], false
	case OpI32Sub, OpI64Sub, OpI32Xor, OpI64Xor,
		OpI32Ne, OpI64Ne, OpI32LtS, OpI64LtS, OpI32LtU, OpI64LtU,
		OpI32GtS, OpI64GtS, OpI32GtU, OpI64GtU:
		toConst(v, 0)
	case OpI32Eq, OpI64Eq, OpI32LeS, OpI64LeS, OpI32LeU, OpI64LeU,
		OpI32GeS, OpI64GeS, OpI32GeU, OpI64GeU:
		toConst(v, 1)
	}
	return nil, false
}

// unary simplifies one-operand integer ops.
func (s *simplifier) unary(v *Value) (*Value, bool) {
	x := v.Args[0]
	if _, ok := intConst(x); ok {
		foldInt(v)
		return nil, false
	}
	switch v.Op {
	case OpI32WrapI64:
		if x.Op == OpI64ExtendI32S || x.Op == OpI64ExtendI32U {
			return x.Args[0], false
		}
	case OpI32Eqz:
		if y := x.Args; x.Op == OpI32Eqz && isBool(y[0]) {
			return y[0], false
		}
		// eqz(eqz(y)) is y != 0: one compare (Go's wasm code tests
		// values against zero this way).
		if x.Op == OpI32Eqz || x.Op == OpI64Eqz {
			y, ne := x.Args[0], OpI32Ne
			if x.Op == OpI64Eqz {
				ne = OpI64Ne
			}
			v.Op, v.Args = ne, append(v.argBuf[:0], y, s.constant(y.Type, 0))
			return nil, true
		}
		if inv, ok := invertCmp[x.Op]; ok {
			v.Op, v.Args = inv, append(v.argBuf[:0], x.Args...)
			return nil, true
		}
	}
	return nil, false
}
