package ssa

import (
	"strings"
	"testing"
)

func sig(params, results []Type) *Signature { return &Signature{Params: params, Results: results} }

func mustVerify(t *testing.T, f *Func) {
	t.Helper()
	if err := Verify(f); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
}

func optimize(t *testing.T, f *Func) {
	t.Helper()
	if err := Optimize(f, Config{Verify: true}); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
}

func TestPrint(t *testing.T) {
	f := NewFunc("add", 0, sig([]Type{I32, I64}, []Type{I32}))
	b := f.NewBlock()
	x, p := b.NewParam(I32), b.NewParam(I64)
	c := b.NewValueAux(OpConstI32, I32, -3)
	s := b.NewValue(OpI32Add, I32, x, c)
	b.NewValueAux(OpI32Store, TypeNone, 8, p, s)
	exit := f.NewBlock()
	r := exit.NewParam(I32)
	exit.Return(r)
	b.BrIf(s, Edge{exit, []*Value{s}}, Edge{exit, []*Value{c}})
	mustVerify(t, f)
	got := f.String()
	for _, want := range []string{
		"func add (i32, i64) -> (i32)",
		"b0(v0: i32, v1: i64):",
		"  v2 = i32.const -3",
		"  v3 = i32.add v0, v2",
		"  i32.store v1, v3 [+8]",
		"  br_if v3, b1(v3), b1(v2)",
		"b1(v5: i32): ; preds b0 b0",
		"  return v5",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	build := func(mut func(f *Func, b0, b1 *Block, x *Value)) error {
		f := NewFunc("f", 0, sig([]Type{I32}, []Type{I32}))
		b0 := f.NewBlock()
		x := b0.NewParam(I32)
		b1 := f.NewBlock()
		b1.NewParam(I32)
		mut(f, b0, b1, x)
		return Verify(f)
	}
	cases := map[string]func(f *Func, b0, b1 *Block, x *Value){
		"ok": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1, x)
			b1.Return(b1.Params[0])
		},
		"operand type": func(f *Func, b0, b1 *Block, x *Value) {
			y := b0.NewValue(OpI64Add, I64, x, x)
			b0.Jump(b1, x)
			b1.Return(y)
		},
		"argument count": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1)
			b1.Return(b1.Params[0])
		},
		"argument type": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1, b0.NewValue(OpI64ExtendI32U, I64, x))
			b1.Return(b1.Params[0])
		},
		"no terminator": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1, x)
		},
		"dominance": func(f *Func, b0, b1 *Block, x *Value) {
			b2 := f.NewBlock()
			y := b2.NewValue(OpI32Eqz, I32, x)
			b2.Jump(b1, y)
			b0.BrIf(x, Edge{b1, []*Value{y}}, Edge{b2, nil})
			b1.Return(b1.Params[0])
		},
		"use before def": func(f *Func, b0, b1 *Block, x *Value) {
			c := b0.NewValueAux(OpConstI32, I32, 1)
			y := b0.NewValue(OpI32Add, I32, x, c)
			b0.Values[0], b0.Values[1] = y, c
			b0.Jump(b1, y)
			b1.Return(b1.Params[0])
		},
		"return type": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1, x)
			b1.Return()
		},
		"unreachable": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Return(x)
			b1.Return(b1.Params[0])
		},
		"pred list": func(f *Func, b0, b1 *Block, x *Value) {
			b0.Jump(b1, x)
			b1.Return(b1.Params[0])
			b1.Preds = append(b1.Preds, b1)
		},
	}
	for name, mut := range cases {
		err := build(mut)
		if (err == nil) != (name == "ok") {
			t.Errorf("%s: Verify = %v", name, err)
		}
	}
}

func TestConstFold(t *testing.T) {
	f := NewFunc("f", 0, sig([]Type{I32}, []Type{I32}))
	b0 := f.NewBlock()
	x := b0.NewParam(I32)
	c1 := b0.NewValueAux(OpConstI32, I32, 0x7fffffff)
	c2 := b0.NewValueAux(OpConstI32, I32, 1)
	sum := b0.NewValue(OpI32Add, I32, c1, c2) // wraps to MinInt32
	zero := b0.NewValueAux(OpConstI32, I32, 0)
	b0.NewValueAux(OpTrapIf, TypeNone, 1, zero)
	same := b0.NewValue(OpI32Or, I32, x, zero) // x | 0 = x
	yes, no := f.NewBlock(), f.NewBlock()
	yes.Return(b0.NewValue(OpI32Add, I32, same, sum))
	no.Return(x)
	b0.BrIf(b0.NewValue(OpI32LtS, I32, sum, zero), Edge{yes, nil}, Edge{no, nil})
	optimize(t, f)
	if sum.Op != OpConstI32 || int32(sum.AuxInt) != -1<<31 {
		t.Errorf("sum = %s", sum.LongString())
	}
	// The branch folds to a jump, and mergeBlocks appends yes to b0.
	if len(f.Blocks) != 1 || f.Blocks[0].Term.Op != OpReturn {
		t.Fatalf("branch not folded:\n%s", f)
	}
	if s := f.String(); strings.Contains(s, "trap_if") || strings.Contains(s, "i32.or") {
		t.Errorf("trap_if 0 or x|0 left:\n%s", s)
	}
	if r := f.Blocks[0].Term.Args[0]; r.Args[0] != x {
		t.Errorf("x|0 not replaced by x: %s", r.LongString())
	}
}

// loopFunc builds: b0 -> b1(x) loop header with param p; b1 branches back
// with p (unchanged) or exits returning p+1.
func loopFunc() (*Func, *Value) {
	f := NewFunc("loop", 0, sig([]Type{I32}, []Type{I32}))
	b0, b1, b2, b3 := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x := b0.NewParam(I32)
	b0.Jump(b1, x)
	p := b1.NewParam(I32)
	dead := b1.NewParam(I32)
	b0.Succs[0].Args = append(b0.Succs[0].Args, x)
	b1.NewValue(OpInterruptCheck, TypeNone)
	unused := b1.NewValue(OpI32Mul, I32, p, p)
	b1.BrIf(p, Edge{b2, nil}, Edge{b3, nil})
	b2.Jump(b1, p, b2.NewValue(OpI32Add, I32, dead, unused))
	one := b3.NewValueAux(OpConstI32, I32, 1)
	b3.Return(b3.NewValue(OpI32Add, I32, p, one))
	return f, x
}

func TestRemoveRedundantParamsAndDCE(t *testing.T) {
	f, x := loopFunc()
	mustVerify(t, f)
	optimize(t, f)
	s := f.String()
	for _, b := range f.Blocks[1:] {
		if len(b.Params) != 0 {
			t.Errorf("%s keeps parameters:\n%s", b, s)
		}
	}
	if strings.Contains(s, "i32.mul") || !strings.Contains(s, "interrupt_check") {
		t.Errorf("dead code left or side effect removed:\n%s", s)
	}
	if !strings.Contains(s, "= i32.add "+x.String()+", ") {
		t.Errorf("loop parameter not replaced by %s:\n%s", x, s)
	}
}

func TestSplitCriticalEdges(t *testing.T) {
	f := NewFunc("f", 0, sig([]Type{I32}, []Type{I32}))
	b0, b1, merge := f.NewBlock(), f.NewBlock(), f.NewBlock()
	x := b0.NewParam(I32)
	r := merge.NewParam(I32)
	merge.Return(r)
	b1.Jump(merge, b1.NewValue(OpI32Eqz, I32, x))
	b0.BrIf(x, Edge{merge, []*Value{x}}, Edge{b1, nil})
	splitCriticalEdges(f)
	mustVerify(t, f)
	for _, b := range f.Blocks {
		if len(b.Succs) < 2 {
			continue
		}
		for _, e := range b.Succs {
			if len(e.Block.Preds) > 1 {
				t.Errorf("critical edge %s -> %s left:\n%s", b, e.Block, f)
			}
		}
	}
	mid := b0.Succs[0].Block
	if mid == merge || len(mid.Values) != 0 || mid.Succs[0].Block != merge || mid.Succs[0].Args[0] != x {
		t.Errorf("split block wrong:\n%s", f)
	}
}

func TestLayoutRPO(t *testing.T) {
	f := NewFunc("f", 0, sig(nil, nil))
	b0 := f.NewBlock()
	exit := f.NewBlock()
	mid := f.NewBlock()
	exit.Return()
	mid.Jump(exit)
	b0.Jump(mid)
	layoutRPO(f)
	mustVerify(t, f)
	if f.Blocks[0] != b0 || f.Blocks[1] != mid || f.Blocks[2] != exit {
		t.Errorf("order %v %v %v", f.Blocks[0], f.Blocks[1], f.Blocks[2])
	}
}

// TestLayoutKeepsLoopsTogether: reverse postorder puts the loop's exit
// arm (and what follows it) between the header and the latch; the layout
// moves them after the loop.
func TestLayoutKeepsLoopsTogether(t *testing.T) {
	f := NewFunc("f", 0, sig([]Type{I32}, nil))
	b0, h, exitArm, end, body := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x := b0.NewParam(I32)
	b0.Jump(h)
	h.BrIf(x, Edge{body, nil}, Edge{exitArm, nil})
	body.Jump(h)
	exitArm.Jump(end)
	end.Return()
	if got := f.rpo(); got[2] != exitArm || got[4] != body {
		t.Fatalf("reverse postorder %v: the test wants the exit arm before the latch", got)
	}
	layoutRPO(f)
	mustVerify(t, f)
	want := []*Block{b0, h, body, exitArm, end}
	for i, b := range want {
		if f.Blocks[i] != b {
			t.Fatalf("layout %v, want %v", f.Blocks, want)
		}
	}
}

func TestDeadBlocks(t *testing.T) {
	f := NewFunc("f", 0, sig(nil, nil))
	b0, dead, live := f.NewBlock(), f.NewBlock(), f.NewBlock()
	b0.Jump(live)
	dead.Jump(live)
	live.Return()
	deadBlocks(f)
	mustVerify(t, f)
	if len(f.Blocks) != 2 || len(live.Preds) != 1 {
		t.Errorf("dead block kept:\n%s", f)
	}
}

func TestOpTable(t *testing.T) {
	for op := Op(1); op < numOps; op++ {
		info := op.Info()
		if info.Name == "" {
			t.Errorf("op %d has no row", op)
		}
		if got, ok := OpByName(info.Name); !ok || got != op {
			t.Errorf("%s: name not unique", info.Name)
		}
		if op.IsLoad() != (info.Aux == AuxOffset && info.Flags&ReadsMem != 0) {
			t.Errorf("%s: load range and table disagree", info.Name)
		}
		if (op.IsLoad() || op.IsStore()) && op.AccessSize() == 0 {
			t.Errorf("%s: no access size", info.Name)
		}
	}
}
