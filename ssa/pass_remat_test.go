package ssa

import "testing"

// opsIn counts the values of op in block b.
func opsIn(b *Block, op Op) int {
	n := 0
	for _, v := range b.Values {
		if v.Op == op {
			n++
		}
	}
	return n
}

func TestRematHoistedChecks(t *testing.T) {
	// A bounds check and an address that LICM left in the preheader are
	// recomputed in the loop body, next to the trap and the load.
	f, b0, _, h, body, _, rec, base := memLoop()
	x := b0.Params[0]
	n := b0.NewValueAux(OpI64Load, I64, 8, rec)
	ea := b0.NewValue(OpI64ExtendI32U, I64, x)
	end := b0.NewValue(OpI64Add, I64, ea, b0.NewValueAux(OpConstI64, I64, 12))
	oob := b0.NewValue(OpI64GtU, I32, end, n)
	addr := b0.NewValue(OpI64Add, I64, base, ea)
	body.NewValueAux(OpTrapIf, TypeNone, 3, oob)
	ld := body.NewValueAux(OpI32Load, I32, 8, addr)
	body.Jump(h, ld)
	runPass(t, f, remat)
	runPass(t, f, deadCode)
	for _, op := range []Op{OpI64GtU, OpI64Add, OpI64ExtendI32U} {
		if n := opsIn(b0, op); n != 0 {
			t.Errorf("%d %v left in the entry block:\n%s", n, op, f)
		}
	}
	if body.Values[0].Op == OpTrapIf || opsIn(body, OpI64GtU) != 1 || opsIn(body, OpI64Add) != 2 {
		t.Errorf("check and address not recomputed in the body:\n%s", f)
	}
	if tr := body.Values[len(body.Values)-1]; tr != ld || tr.Args[0].Block != body {
		t.Errorf("load address not local:\n%s", f)
	}
}

func TestRematKeepsSharedValues(t *testing.T) {
	// A compare also passed to a block parameter, and an end address
	// with a non-constant part, stay where they are.
	f, b0, _, h, body, _, rec, _ := memLoop()
	x := b0.Params[0]
	n := b0.NewValueAux(OpI64Load, I64, 8, rec)
	ea := b0.NewValue(OpI64ExtendI32U, I64, x)
	cmp := b0.NewValue(OpI64GtU, I32, ea, n)
	sum := b0.NewValue(OpI64Add, I64, ea, n)
	cmp2 := b0.NewValue(OpI64GtU, I32, sum, n)
	body.NewValueAux(OpTrapIf, TypeNone, 3, cmp)
	body.NewValueAux(OpTrapIf, TypeNone, 3, cmp2)
	body.Jump(h, cmp)
	runPass(t, f, remat)
	runPass(t, f, deadCode)
	if opsIn(b0, OpI64GtU) != 1 || opsIn(body, OpI64GtU) != 1 {
		t.Errorf("want the shared compare kept and the other recomputed:\n%s", f)
	}
	if opsIn(b0, OpI64Add) != 1 || opsIn(body, OpI64Add) != 0 {
		t.Errorf("a sum of two values was recomputed:\n%s", f)
	}
}

func TestRematSameBlock(t *testing.T) {
	// An address used by two loads of its block is recomputed for each,
	// so that both fold it; a value alone with its user stays.
	f, b0, _, base := memFunc(0)
	ea := b0.NewValue(OpI64ExtendI32U, I64, b0.Params[0])
	addr := b0.NewValue(OpI64Add, I64, base, ea)
	l1 := b0.NewValueAux(OpI32Load, I32, 0, addr)
	l2 := b0.NewValueAux(OpI32Load, I32, 4, addr)
	single := b0.NewValue(OpI64Add, I64, base, ea)
	l3 := b0.NewValueAux(OpI32Load, I32, 8, single)
	b0.Return(b0.NewValue(OpI32Add, I32, b0.NewValue(OpI32Add, I32, l1, l2), l3))
	runPass(t, f, remat)
	runPass(t, f, deadCode)
	if l1.Args[0] == l2.Args[0] || l1.Args[0].Op != OpI64Add || l2.Args[0].Op != OpI64Add {
		t.Errorf("shared address not recomputed per load:\n%s", f)
	}
	if l3.Args[0] != single {
		t.Errorf("single-use address replaced:\n%s", f)
	}
}
