package ssa

import "math/bits"

// divConst replaces 32-bit division and remainder by a constant with a
// multiplication by a fixed-point reciprocal and shifts (Granlund and
// Montgomery): a div takes 10 to 40 cycles, a multiply 3. C code divides by
// constants all the time (printf by 10, hash tables by their size), and
// clang leaves the division to the engine when it targets Wasm.
//
// The reciprocal is computed in 64-bit arithmetic, which Wasm has, so no
// high-half multiply is needed: for a divisor d with s = ceil(log2 d) and
// M = ceil(2^L / d), floor(n*M / 2^L) = floor(n / d) for every n below 2^k
// when n*(M*d - 2^L) < 2^L; L = k + s always satisfies it. 64-bit division
// by a constant would need the high half of a 128-bit product; it is left
// to the instruction.
//
// simplify has already turned division by a power of two into shifts for
// unsigned operands; here signed ones get theirs.
func divConst(f *Func) {
	for _, b := range f.Blocks {
		var out []*Value // the block's values once one changes
		for i, v := range b.Values {
			if !isConstDivisor(v) {
				if out != nil {
					out = append(out, v)
				}
				continue
			}
			if out == nil {
				out = append(make([]*Value, 0, len(b.Values)+8), b.Values[:i]...)
			}
			e := divExpander{f: f, b: b, out: out}
			e.expand(v)
			out = append(e.out, v)
		}
		if out != nil {
			b.Values = out
		}
	}
}

// isConstDivisor reports whether v is a 32-bit division or remainder that
// divConst rewrites: by a constant other than 0, 1 and -1 (and, unsigned,
// other than a power of two, which simplify handles).
func isConstDivisor(v *Value) bool {
	switch v.Op {
	case OpI32DivU, OpI32RemU:
		d, ok := intConst(v.Args[1])
		return ok && uint32(d) > 1 && uint32(d)&(uint32(d)-1) != 0
	case OpI32DivS, OpI32RemS:
		d, ok := intConst(v.Args[1])
		return ok && d != 0 && d != 1 && d != -1
	}
	return false
}

// divExpander appends the values computing a quotient to out.
type divExpander struct {
	f   *Func
	b   *Block
	out []*Value
}

func (e *divExpander) val(op Op, t Type, args ...*Value) *Value {
	v := e.f.newValue(op, t, e.b, args)
	e.out = append(e.out, v)
	return v
}

func (e *divExpander) konst(t Type, c int64) *Value {
	if t == I32 {
		c = int64(int32(c))
	}
	v := e.b.NewConst(t, c)
	e.out = append(e.out, v)
	return v
}

// expand appends the computation of v's quotient and turns v into the
// last step: the quotient itself, or n - q*d for a remainder.
func (e *divExpander) expand(v *Value) {
	n := v.Args[0]
	d, _ := intConst(v.Args[1])
	var q *Value
	if v.Op == OpI32DivU || v.Op == OpI32RemU {
		q = e.quoU(n, uint32(d))
	} else {
		q = e.quoS(n, int32(d))
	}
	if v.Op == OpI32DivU || v.Op == OpI32DivS {
		// v becomes q + 0 would add a value; copy q's definition instead:
		// q was made here, is used only by v, and v keeps its ID and uses.
		v.Op, v.AuxInt = q.Op, q.AuxInt
		v.argBuf = [2]*Value{}
		v.Args = append(v.argBuf[:0:2], q.Args...)
		e.out = e.out[:len(e.out)-1] // q itself is dropped
		return
	}
	qd := e.val(OpI32Mul, I32, q, e.konst(I32, d))
	v.Op, v.AuxInt = OpI32Sub, 0
	v.argBuf = [2]*Value{n, qd}
	v.Args = v.argBuf[:2:2]
}

// quoU returns floor(n / d) for a divisor that is not a power of two.
func (e *divExpander) quoU(n *Value, d uint32) *Value {
	if d > 1<<31 {
		return e.val(OpI32GeU, I32, n, e.konst(I32, int64(d)))
	}
	s := uint(bits.Len32(d - 1)) // ceil(log2 d); d is no power of two
	x := e.val(OpI64ExtendI32U, I64, n)
	// With L = 31 + s the multiplier fits 32 bits when the error term
	// allows; n*M is then below 2^64.
	if m, ok := reciprocal(uint64(d), 31+s, 32); ok {
		p := e.val(OpI64Mul, I64, x, e.konst(I64, int64(m)))
		return e.val(OpI32WrapI64, I32, e.val(OpI64ShrU, I64, p, e.konst(I64, int64(31+s))))
	}
	// L = 32 + s always works, with a 33-bit M: n*M = n*(M-2^32) + n*2^32,
	// so floor(n*M / 2^L) = (floor(n*(M-2^32) / 2^32) + n) >> s.
	m, _ := reciprocal(uint64(d), 32+s, 32)
	p := e.val(OpI64Mul, I64, x, e.konst(I64, int64(m-1<<32)))
	t := e.val(OpI64ShrU, I64, p, e.konst(I64, 32))
	sum := e.val(OpI64Add, I64, t, x)
	return e.val(OpI32WrapI64, I32, e.val(OpI64ShrU, I64, sum, e.konst(I64, int64(s))))
}

// quoS returns n / d truncated toward zero, for d other than 0, 1 and -1.
func (e *divExpander) quoS(n *Value, d int32) *Value {
	if d == -1<<31 {
		return e.val(OpI32Eq, I32, n, e.konst(I32, int64(d)))
	}
	ad := uint32(d)
	if d < 0 {
		ad = uint32(-d)
	}
	var q *Value
	if ad&(ad-1) == 0 {
		// Add 2^k - 1 to a negative n so that the shift truncates.
		k := int64(bits.TrailingZeros32(ad))
		sign := e.val(OpI32ShrS, I32, n, e.konst(I32, 31))
		bias := e.val(OpI32ShrU, I32, sign, e.konst(I32, 32-k))
		q = e.val(OpI32ShrS, I32, e.val(OpI32Add, I32, n, bias), e.konst(I32, k))
	} else {
		// floor(n*M / 2^L) with L = 31 + s is floor(n / |d|) for every
		// 32-bit n (|n| <= 2^31 and the error below |d| <= 2^s); one
		// more for negative n truncates. |n*M| < 2^63.
		s := uint(bits.Len32(ad - 1))
		m, _ := reciprocal(uint64(ad), 31+s, 31)
		p := e.val(OpI64Mul, I64, e.val(OpI64ExtendI32S, I64, n), e.konst(I64, int64(m)))
		fl := e.val(OpI32WrapI64, I32, e.val(OpI64ShrS, I64, p, e.konst(I64, int64(31+s))))
		neg := e.val(OpI32ShrU, I32, n, e.konst(I32, 31))
		q = e.val(OpI32Add, I32, fl, neg)
	}
	if d < 0 {
		q = e.val(OpI32Sub, I32, e.konst(I32, 0), q)
	}
	return q
}

// reciprocal returns M = ceil(2^l / d) and whether it is exact enough for
// every dividend below 2^k: n*(M*d - 2^l) < 2^l for n < 2^k.
func reciprocal(d uint64, l uint, k uint) (uint64, bool) {
	// 2^l / d with l up to 63: hi:lo = 2^l as a 128-bit number.
	hi, lo := uint64(0), uint64(1)<<l
	if l >= 64 {
		hi, lo = uint64(1)<<(l-64), 0
	}
	q, r := bits.Div64(hi, lo, d)
	m := q
	if r != 0 {
		m++
	}
	err := d - r // M*d - 2^l
	if r == 0 {
		err = 0
	}
	// (2^k - 1) * err < 2^l when err <= 2^(l-k).
	return m, l >= k && err <= uint64(1)<<(l-k)
}
