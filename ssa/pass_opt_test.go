package ssa

import (
	"strings"
	"testing"
)

// runPass runs one pass and verifies the result.
func runPass(t *testing.T, f *Func, pass func(*Func)) {
	t.Helper()
	mustVerify(t, f)
	pass(f)
	if err := Verify(f); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
}

func count(f *Func, op Op) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == op {
				n++
			}
		}
	}
	return n
}

func TestGVN(t *testing.T) {
	f := NewFunc("gvn", 0, sig([]Type{I32, I32}, []Type{I32}))
	b0, then, els, join := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y := b0.NewParam(I32), b0.NewParam(I32)
	a1 := b0.NewValue(OpI32Add, I32, x, y)
	b0.BrIf(a1, Edge{then, nil}, Edge{els, nil})
	a2 := then.NewValue(OpI32Add, I32, y, x) // commuted: same value
	c1 := then.NewValueAux(OpConstI32, I32, 7)
	m1 := then.NewValue(OpI32Mul, I32, a2, c1)
	then.Jump(join, m1)
	c2 := els.NewValueAux(OpConstI32, I32, 7)
	m2 := els.NewValue(OpI32Mul, I32, a1, c2) // sibling: not dominated
	s2 := els.NewValue(OpI32Sub, I32, x, y)
	s3 := els.NewValue(OpI32Sub, I32, y, x) // not commutative
	els.Jump(join, els.NewValue(OpI32Add, I32, m2, els.NewValue(OpI32Add, I32, s2, s3)))
	join.Return(join.NewParam(I32))
	runPass(t, f, gvn)
	if n := count(f, OpConstI32); n != 1 {
		t.Errorf("%d constants, want 1:\n%s", n, f)
	}
	if f.Blocks[0].Values[0].Op != OpConstI32 {
		t.Errorf("constant not at the entry:\n%s", f)
	}
	if n := count(f, OpI32Mul); n != 2 {
		t.Errorf("%d muls, want 2 (siblings):\n%s", n, f)
	}
	if n := count(f, OpI32Sub); n != 2 {
		t.Errorf("%d subs, want 2:\n%s", n, f)
	}
	if m1.Args[0] != a1 || len(then.Values) != 1 {
		t.Errorf("commuted add not merged:\n%s", f)
	}
}

// memFunc builds an entry block with the memory record pattern of the
// frontend and returns the function, entry, record and base.
func memFunc(minLen uint64) (*Func, *Block, *Value, *Value) {
	f := NewFunc("mem", 0, sig([]Type{I32}, []Type{I32}))
	b0 := f.NewBlock()
	b0.NewParam(I32)
	vm := b0.NewValue(OpVMCtx, I64)
	rec := b0.NewValueAux(OpI64Load, I64, 16, vm)
	base := b0.NewValueAux(OpI64Load, I64, 0, rec)
	f.Mems = []MemInfo{{Rec: rec, LenOff: 8, MinLen: minLen}}
	return f, b0, rec, base
}

// access appends a checked 4-byte load at addr+off to b.
func access(b *Block, rec, base, addr *Value, off int64) *Value {
	n := b.NewValueAux(OpI64Load, I64, 8, rec)
	ea := b.NewValue(OpI64ExtendI32U, I64, addr)
	var end *Value
	if addr.Op == OpConstI32 {
		end = b.NewValueAux(OpConstI64, I64, int64(uint32(addr.AuxInt))+off+4)
	} else {
		end = b.NewValue(OpI64Add, I64, ea, b.NewValueAux(OpConstI64, I64, off+4))
	}
	b.NewValueAux(OpTrapIf, TypeNone, 3, b.NewValue(OpI64GtU, I32, end, n))
	return b.NewValueAux(OpI32Load, I32, off, b.NewValue(OpI64Add, I64, base, ea))
}

func TestBoundsChecks(t *testing.T) {
	f, b0, rec, base := memFunc(65536)
	x := b0.Params[0]
	l1 := access(b0, rec, base, x, 8)
	l2 := access(b0, rec, base, x, 4) // implied by the first
	grow := b0.NewValueAux(OpCallBuiltin, I32, 1, x, x)
	grow.Sig = sig([]Type{I32, I32}, []Type{I32})
	l3 := access(b0, rec, base, x, 12) // wider: stays, reloads the length
	l4 := access(b0, rec, base, x, 0)  // implied (lengths never shrink)
	c := b0.NewValueAux(OpConstI32, I32, 1000)
	l5 := access(b0, rec, base, c, 0) // within the minimum length
	c2 := b0.NewValueAux(OpConstI32, I32, 65533)
	l6 := access(b0, rec, base, c2, 0) // beyond it
	sum := l1
	for _, l := range []*Value{l2, l3, l4, l5, l6} {
		sum = b0.NewValue(OpI32Add, I32, sum, l)
	}
	b0.Return(sum)
	runPass(t, f, gvn)
	runPass(t, f, boundsChecks)
	runPass(t, f, deadCode)
	if n := count(f, OpTrapIf); n != 3 {
		t.Errorf("%d checks, want 3:\n%s", n, f)
	}
	lens := 0
	for _, v := range b0.Values {
		if v.Op == OpI64Load && v.AuxInt == 8 {
			lens++
		}
	}
	if lens != 2 {
		t.Errorf("%d length loads, want 2 (one per epoch):\n%s", lens, f)
	}
}

// memLoop builds entry -> header <-> body, header -> exit, where the
// header has two outside predecessors (entry branches to it twice over
// different edges) and returns the blocks.
func memLoop() (f *Func, b0, pre2, h, body, exit *Block, rec, base *Value) {
	f, b0, rec, base = memFunc(0)
	pre2, h, body, exit = f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x := b0.Params[0]
	b0.BrIf(x, Edge{h, []*Value{x}}, Edge{pre2, nil})
	pre2.Jump(h, x)
	i := h.NewParam(I32)
	h.LoopHeader = true
	h.NewValue(OpInterruptCheck, TypeNone)
	h.BrIf(i, Edge{body, nil}, Edge{exit, nil})
	exit.Return(i)
	return
}

func TestLICM(t *testing.T) {
	for _, withCall := range []bool{false, true} {
		f, b0, _, h, body, _, rec, base := memLoop()
		x := b0.Params[0]
		i := h.Params[0]
		inv := body.NewValue(OpI32Mul, I32, x, x)
		dep := body.NewValue(OpI32Add, I32, inv, body.NewValueAux(OpConstI32, I32, 3))
		div := body.NewValue(OpI32DivU, I32, x, dep) // guarded: stays
		ld := access(body, rec, base, i, 0)
		if withCall {
			c := body.NewValueAux(OpCall, TypeNone, 0)
			c.Sig = sig(nil, nil)
		}
		next := body.NewValue(OpI32Sub, I32, body.NewValue(OpI32Add, I32, i, div), ld)
		body.Jump(h, next)
		nb := len(f.Blocks)
		runPass(t, f, licm)
		if len(f.Blocks) != nb+1 {
			t.Fatalf("no preheader made:\n%s", f)
		}
		pre := f.Blocks[nb]
		if inv.Block != pre || dep.Block != pre || div.Block != body {
			t.Errorf("call=%v: wrong hoisting:\n%s", withCall, f)
		}
		for _, b := range f.Blocks {
			for _, v := range b.Values {
				if v.Op == OpI64Load && v.AuxInt == 8 && (b == pre) == withCall {
					t.Errorf("call=%v: length load in b%d:\n%s", withCall, b.ID, f)
				}
			}
		}
		if len(h.Preds) != 2 || len(pre.Preds) != 2 {
			t.Errorf("preheader edges wrong:\n%s", f)
		}
	}
}

func TestLoopEpochs(t *testing.T) {
	// A length load before a call-free loop serves the loop's accesses.
	f, b0, _, h, body, _, rec, base := memLoop()
	access(b0, rec, base, b0.Params[0], 0)
	i := h.Params[0]
	body.Jump(h, access(body, rec, base, i, 0))
	runPass(t, f, boundsChecks)
	runPass(t, f, deadCode)
	for _, v := range body.Values {
		if v.Op == OpI64Load && v.AuxInt == 8 {
			t.Errorf("length reloaded in a loop without calls:\n%s", f)
		}
	}
}

func TestSimplify(t *testing.T) {
	tests := []struct {
		op   Op
		c    int64 // constant second operand; same=true uses x twice
		same bool
		want string
	}{
		{OpI32Mul, 8, false, "i32.shl v0, "},
		{OpI32Mul, 1, false, "return v0"},
		{OpI32Mul, 0, false, "i32.const 0"},
		{OpI32DivU, 16, false, "i32.shr_u v0, "},
		{OpI32RemU, 16, false, "i32.and v0, "},
		{OpI32Xor, 0, true, "i32.const 0"},
		{OpI32Sub, 0, true, "i32.const 0"},
		{OpI32And, 0, true, "return v0"},
		{OpI32Or, 0, false, "return v0"},
		{OpI32And, -1, false, "return v0"},
		{OpI32Shl, 0, false, "return v0"},
		{OpI32LeU, 0, true, "i32.const 1"},
		{OpI32LtU, 0, false, "i32.const 0"},
		{OpI32Sub, 5, false, "i32.add v0, "},
	}
	for _, tc := range tests {
		f := NewFunc("s", 0, sig([]Type{I32}, []Type{I32}))
		b := f.NewBlock()
		x := b.NewParam(I32)
		y := x
		if !tc.same {
			y = b.NewValueAux(OpConstI32, I32, tc.c)
		}
		b.Return(b.NewValue(tc.op, I32, x, y))
		runPass(t, f, simplify)
		runPass(t, f, deadCode)
		if s := f.String(); !strings.Contains(s, tc.want) {
			t.Errorf("%v %d same=%v: want %q in\n%s", tc.op, tc.c, tc.same, tc.want, s)
		}
	}
}

// TestSimplifySignExtend: a shift left and back right by the same amount
// is a sign extension; by different amounts, or logically, it is not.
func TestSimplifySignExtend(t *testing.T) {
	tests := []struct {
		typ       Type
		shl, shr  int64
		right     Op
		want, not string
	}{
		{I32, 16, 16, OpI32ShrS, "i32.extend16_s v0", "shl"},
		{I32, 24, 24, OpI32ShrS, "i32.extend8_s v0", "shl"},
		{I32, 56, 24, OpI32ShrS, "i32.extend8_s v0", "shl"}, // shift counts are mod 32
		{I64, 32, 32, OpI64ShrS, "i64.extend32_s v0", "shl"},
		{I64, 48, 48, OpI64ShrS, "i64.extend16_s v0", "shl"},
		{I64, 56, 56, OpI64ShrS, "i64.extend8_s v0", "shl"},
		{I32, 16, 24, OpI32ShrS, "i32.shr_s", "extend"},
		{I32, 8, 8, OpI32ShrS, "i32.shr_s", "extend"},
		{I32, 16, 16, OpI32ShrU, "i32.shr_u", "extend"},
	}
	for _, tc := range tests {
		f := NewFunc("s", 0, sig([]Type{tc.typ}, []Type{tc.typ}))
		b := f.NewBlock()
		x := b.NewParam(tc.typ)
		c := ConstOp(tc.typ)
		shl := OpI32Shl
		if tc.typ == I64 {
			shl = OpI64Shl
		}
		l := b.NewValue(shl, tc.typ, x, b.NewValueAux(c, tc.typ, tc.shl))
		b.Return(b.NewValue(tc.right, tc.typ, l, b.NewValueAux(c, tc.typ, tc.shr)))
		runPass(t, f, simplify)
		runPass(t, f, deadCode)
		if s := f.String(); !strings.Contains(s, tc.want) || strings.Contains(s, tc.not) {
			t.Errorf("%v (x << %d) >> %d: want %q and no %q in\n%s", tc.right, tc.shl, tc.shr, tc.want, tc.not, s)
		}
	}
}

func TestSimplifyConds(t *testing.T) {
	f := NewFunc("c", 0, sig([]Type{I32, I64, I32}, []Type{I32}))
	b0, yes, no := f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, w, c := b0.NewParam(I32), b0.NewParam(I64), b0.NewParam(I32)
	wrap := b0.NewValue(OpI32WrapI64, I32, b0.NewValue(OpI64ExtendI32U, I64, x))
	lt := b0.NewValue(OpI32LtS, I32, wrap, c)
	inv := b0.NewValue(OpI32Eqz, I32, lt)                              // -> ge_s
	dbl := b0.NewValue(OpI32Eqz, I32, b0.NewValue(OpI32Eqz, I32, inv)) // -> inv
	sel := b0.NewValue(OpSelect, I32, x, c, b0.NewValueAux(OpConstI32, I32, 1))
	b0.NewValueAux(OpTrapIf, TypeNone, 1, b0.NewValue(OpI32Ne, I32, dbl, b0.NewValueAux(OpConstI32, I32, 0)))
	b0.NewValueAux(OpTrapIf, TypeNone, 2, b0.NewValue(OpI32Eqz, I32, b0.NewValue(OpI64Eqz, I32, w))) // -> i64.ne w, 0
	b0.BrIf(b0.NewValue(OpI32Eqz, I32, b0.NewValue(OpI32Eqz, I32, c)), Edge{yes, nil}, Edge{no, nil})
	yes.Return(sel)
	no.Return(inv)
	runPass(t, f, simplify)
	runPass(t, f, constFold)
	runPass(t, f, deadCode)
	s := f.String()
	for _, want := range []string{"i32.ge_s v0, v2", "br_if v2,", "return v0", "i64.ne v1, "} {
		if !strings.Contains(s, want) {
			t.Errorf("want %q in\n%s", want, s)
		}
	}
	if count(f, OpI32Eqz) != 0 || count(f, OpI64Eqz) != 0 || count(f, OpI32WrapI64) != 0 || count(f, OpI32Ne) != 0 {
		t.Errorf("eqz/wrap/ne left:\n%s", s)
	}
}

func TestOptimizeVerifies(t *testing.T) {
	f, _, _, h, body, _, rec, base := memLoop()
	i := h.Params[0]
	body.Jump(h, access(body, rec, base, i, 4))
	optimize(t, f)
}
