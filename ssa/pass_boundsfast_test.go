package ssa

import "testing"

// checks returns the conditions of b's trap_ifs.
func checks(b *Block) []*Value {
	var cs []*Value
	for _, v := range b.Values {
		if v.Op == OpTrapIf {
			cs = append(cs, v.Args[0])
		}
	}
	return cs
}

func TestBoundsFast(t *testing.T) {
	f, b0, rec, base := memFunc(0)
	x := b0.Params[0]
	l1 := access(b0, rec, base, x, 0)  // ea+4
	l2 := access(b0, rec, base, x, 12) // ea+16: the largest, K
	c := b0.NewValueAux(OpConstI32, I32, 64)
	l3 := access(b0, rec, base, c, 0) // a constant address: left alone
	b0.Return(b0.NewValue(OpI32Add, I32, b0.NewValue(OpI32Add, I32, l1, l2), l3))
	runPass(t, f, gvn)
	runPass(t, f, boundsChecks)
	runPass(t, f, boundsFast)
	runPass(t, f, deadCode)
	cs := checks(b0)
	if len(cs) != 3 {
		t.Fatalf("%d checks, want 3:\n%s", len(cs), f)
	}
	// ea+4 > len becomes ea-12 > len-16, ea+16 > len becomes ea > len-16.
	c1, c2 := cs[0], cs[1]
	if c1.Op != OpI64GtS || c2.Op != OpI64GtS || c1.Args[1] != c2.Args[1] {
		t.Fatalf("checks not rewritten against one len-K:\n%s", f)
	}
	lim := c1.Args[1]
	if lim.Op != OpI64Add || lim.Args[1].Op != OpConstI64 || lim.Args[1].AuxInt != -16 || lenLoad(f, lim.Args[0]) < 0 {
		t.Errorf("len-K is %v:\n%s", lim.LongString(), f)
	}
	if a := c1.Args[0]; a.Op != OpI64Add || a.Args[0].Op != OpI64ExtendI32U || a.Args[1].AuxInt != -12 {
		t.Errorf("first check's address is %v:\n%s", a.LongString(), f)
	}
	if a := c2.Args[0]; a.Op != OpI64ExtendI32U {
		t.Errorf("the check with k = K compares %v, want ea:\n%s", a.LongString(), f)
	}
	if cs[2].Op != OpI64GtU {
		t.Errorf("constant-address check rewritten:\n%s", f)
	}
}

func TestBoundsFastLargeOffsets(t *testing.T) {
	// Checks beyond the slack keep their form, and alone set no K.
	f, b0, rec, base := memFunc(0)
	l := access(b0, rec, base, b0.Params[0], boundsSlack)
	b0.Return(l)
	runPass(t, f, boundsFast)
	if cs := checks(b0); len(cs) != 1 || cs[0].Op != OpI64GtU {
		t.Errorf("check with k beyond the slack rewritten:\n%s", f)
	}
}

func TestWidenChecks(t *testing.T) {
	f, b0, rec, base := memFunc(0)
	x := b0.Params[0]
	l1 := access(b0, rec, base, x, 0) // widened to ea+12
	l2 := access(b0, rec, base, x, 8) // merged into the first
	l3 := access(b0, rec, base, x, 4) // merged (smaller)
	b0.NewValueAux(OpI32Store, TypeNone, 0, b0.NewValue(OpI64Add, I64, base, b0.NewValue(OpI64ExtendI32U, I64, x)), l1)
	l4 := access(b0, rec, base, x, 16) // after a store: stays
	sum := b0.NewValue(OpI32Add, I32, b0.NewValue(OpI32Add, I32, l1, l2), b0.NewValue(OpI32Add, I32, l3, l4))
	b0.Return(sum)
	runPass(t, f, gvn)
	runPass(t, f, boundsChecks)
	runPass(t, f, widenChecks)
	runPass(t, f, deadCode)
	cs := checks(b0)
	if len(cs) != 2 {
		t.Fatalf("%d checks, want 2:\n%s", len(cs), f)
	}
	if end := cs[0].Args[0]; end.Op != OpI64Add || end.Args[1].AuxInt != 12 {
		t.Errorf("first check tests %v, want ea+12:\n%s", end.LongString(), f)
	}
	if end := cs[1].Args[0]; end.Args[1].AuxInt != 20 {
		t.Errorf("check after the store tests %v, want ea+20:\n%s", end.LongString(), f)
	}
	// The widened check still comes before the first load.
	for _, v := range b0.Values {
		if v.Op == OpTrapIf {
			break
		}
		if v == l1 {
			t.Errorf("load before its check:\n%s", f)
		}
	}
}
