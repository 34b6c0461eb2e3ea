package ssa

import "math/bits"

// constFold folds integer ops on constants (in place: the value becomes a
// constant), removes copies and trivial identities (x+0, x|0, x*1, ...),
// removes trap_if on a zero constant, and turns br_if on a constant into a
// jump, removing the blocks that become unreachable.
func constFold(f *Func) {
	r := newReplacer(f)
	folded := false
	for _, b := range f.Blocks {
		kept := b.Values[:0]
		for _, v := range b.Values {
			r.resolveAll(v.Args)
			switch {
			case v.Op == OpCopy:
				r.set(v, v.Args[0])
				continue
			case v.Op == OpTrapIf:
				if c, ok := intConst(v.Args[0]); ok && c == 0 {
					continue
				}
			case v.Op == OpSelect:
				if c, ok := intConst(v.Args[2]); ok {
					if c != 0 {
						r.set(v, v.Args[0])
					} else {
						r.set(v, v.Args[1])
					}
					continue
				}
			default:
				if w := identity(v); w != nil {
					r.set(v, w)
					continue
				}
				foldInt(v)
			}
			kept = keep(kept, v)
		}
		for i := len(kept); i < len(b.Values); i++ {
			b.Values[i] = nil
		}
		b.Values = kept
		t := b.Term
		r.resolveAll(t.Args)
		if t.Op == OpBrIf {
			if c, ok := intConst(t.Args[0]); ok {
				taken, dropped := b.Succs[0], b.Succs[1]
				if c == 0 {
					taken, dropped = dropped, taken
				}
				dropped.Block.RemovePred(b)
				b.Succs = []Edge{taken}
				t.Op, t.Args = OpJump, nil
				folded = true
			}
		}
	}
	r.apply(f)
	if folded {
		deadBlocks(f)
	}
}

// intConst returns the value of an integer constant (i32 constants
// sign-extended from 32 bits).
func intConst(v *Value) (int64, bool) {
	switch v.Op {
	case OpConstI32:
		return int64(int32(v.AuxInt)), true
	case OpConstI64:
		return v.AuxInt, true
	}
	return 0, false
}

// identity returns x when v computes x unchanged (x+0, x-0, x*1, x|0,
// x^0, x&-1, shifts and rotates by 0).
func identity(v *Value) *Value {
	if len(v.Args) != 2 || !v.Type.IsInt() || v.Args[0].Type != v.Type {
		return nil
	}
	c, ok := intConst(v.Args[1])
	if !ok {
		return nil
	}
	switch v.Op {
	case OpI32Add, OpI64Add, OpI32Sub, OpI64Sub, OpI32Or, OpI64Or, OpI32Xor, OpI64Xor,
		OpI32Shl, OpI64Shl, OpI32ShrS, OpI64ShrS, OpI32ShrU, OpI64ShrU,
		OpI32Rotl, OpI64Rotl, OpI32Rotr, OpI64Rotr:
		if c == 0 {
			return v.Args[0]
		}
	case OpI32Mul, OpI64Mul:
		if c == 1 {
			return v.Args[0]
		}
	case OpI32And, OpI64And:
		if c == -1 {
			return v.Args[0]
		}
	}
	return nil
}

// foldInt replaces v by a constant when it is an integer op whose operands
// are all constants. Division is left alone (its checks precede it).
func foldInt(v *Value) {
	if len(v.Args) == 0 || len(v.Args) > 2 {
		return
	}
	x, ok := intConst(v.Args[0])
	if !ok {
		return
	}
	var y int64
	if len(v.Args) == 2 {
		if y, ok = intConst(v.Args[1]); !ok {
			return
		}
	}
	r, ok := evalInt(v.Op, x, y)
	if !ok {
		return
	}
	switch v.Type {
	case I32:
		v.Op, v.AuxInt = OpConstI32, int64(int32(r))
	case I64:
		v.Op, v.AuxInt = OpConstI64, r
	default:
		return
	}
	v.Args = nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// evalInt computes an integer op on constants with Wasm semantics.
func evalInt(op Op, x, y int64) (int64, bool) {
	x32, y32 := int32(x), int32(y)
	ux32, uy32 := uint32(x), uint32(y)
	ux, uy := uint64(x), uint64(y)
	switch op {
	case OpI32Add:
		return int64(x32 + y32), true
	case OpI32Sub:
		return int64(x32 - y32), true
	case OpI32Mul:
		return int64(x32 * y32), true
	case OpI32And:
		return int64(x32 & y32), true
	case OpI32Or:
		return int64(x32 | y32), true
	case OpI32Xor:
		return int64(x32 ^ y32), true
	case OpI32Shl:
		return int64(int32(ux32 << (uy32 & 31))), true
	case OpI32ShrS:
		return int64(x32 >> (uy32 & 31)), true
	case OpI32ShrU:
		return int64(int32(ux32 >> (uy32 & 31))), true
	case OpI32Rotl:
		return int64(int32(bits.RotateLeft32(ux32, int(uy32&31)))), true
	case OpI32Rotr:
		return int64(int32(bits.RotateLeft32(ux32, -int(uy32&31)))), true
	case OpI32Eqz:
		return b2i(x32 == 0), true
	case OpI32Eq:
		return b2i(x32 == y32), true
	case OpI32Ne:
		return b2i(x32 != y32), true
	case OpI32LtS:
		return b2i(x32 < y32), true
	case OpI32LtU:
		return b2i(ux32 < uy32), true
	case OpI32GtS:
		return b2i(x32 > y32), true
	case OpI32GtU:
		return b2i(ux32 > uy32), true
	case OpI32LeS:
		return b2i(x32 <= y32), true
	case OpI32LeU:
		return b2i(ux32 <= uy32), true
	case OpI32GeS:
		return b2i(x32 >= y32), true
	case OpI32GeU:
		return b2i(ux32 >= uy32), true
	case OpI64Add:
		return x + y, true
	case OpI64Sub:
		return x - y, true
	case OpI64Mul:
		return x * y, true
	case OpI64And:
		return x & y, true
	case OpI64Or:
		return x | y, true
	case OpI64Xor:
		return x ^ y, true
	case OpI64Shl:
		return int64(ux << (uy & 63)), true
	case OpI64ShrS:
		return x >> (uy & 63), true
	case OpI64ShrU:
		return int64(ux >> (uy & 63)), true
	case OpI64Eqz:
		return b2i(x == 0), true
	case OpI64Eq:
		return b2i(x == y), true
	case OpI64Ne:
		return b2i(x != y), true
	case OpI64LtS:
		return b2i(x < y), true
	case OpI64LtU:
		return b2i(ux < uy), true
	case OpI64GtS:
		return b2i(x > y), true
	case OpI64GtU:
		return b2i(ux > uy), true
	case OpI64LeS:
		return b2i(x <= y), true
	case OpI64LeU:
		return b2i(ux <= uy), true
	case OpI64GeS:
		return b2i(x >= y), true
	case OpI64GeU:
		return b2i(ux >= uy), true
	case OpI32WrapI64:
		return int64(int32(x)), true
	case OpI64ExtendI32S:
		return int64(x32), true
	case OpI64ExtendI32U:
		return int64(ux32), true
	}
	return 0, false
}
