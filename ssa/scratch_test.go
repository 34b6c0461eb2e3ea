package ssa

import (
	"fmt"
	"testing"
)

// buildLoop builds a function with a loop whose header has n parameters
// and a body of adds with more than two operands' worth of edges, so
// that building it takes slabs, edge and operand storage.
func buildLoop(f *Func, n int) {
	entry := f.NewBlock()
	x := entry.NewParam(I32)
	h, exit := f.NewBlock(), f.NewBlock()
	args := make([]*Value, n)
	for i := range args {
		args[i] = x
	}
	entry.Jump(h, args...)
	acc := x
	for i := 0; i < n; i++ {
		acc = h.NewValue(OpI32Add, I32, acc, h.NewParam(I32))
	}
	back := make([]*Value, n)
	for i := range back {
		back[i] = acc
	}
	h.BrIf(acc, Edge{h, back}, Edge{Block: exit})
	exit.Return(x)
}

// TestFuncReset checks that a function built after Reset, in the memory
// of one built before, is the function built afresh, and still optimizes
// to the same.
func TestFuncReset(t *testing.T) {
	fresh := NewFunc("f", 1, sig([]Type{I32}, []Type{I32}))
	buildLoop(fresh, 40)
	want := fresh.String()
	f := NewFunc("g", 2, sig([]Type{I32}, []Type{I32}))
	buildLoop(f, 300) // larger: the next build reuses its storage
	optimize(t, f)
	f.Reset("f", 1, sig([]Type{I32}, []Type{I32}))
	buildLoop(f, 40)
	mustVerify(t, f)
	if got := f.String(); got != want {
		t.Fatalf("after Reset:\n%s\nwant:\n%s", got, want)
	}
	optimize(t, f)
	optimize(t, fresh)
	if got, want := f.String(), fresh.String(); got != want {
		t.Fatalf("optimized after Reset:\n%s\nwant:\n%s", got, want)
	}
}

// TestValueTableUndo checks scoped insertion and removal.
func TestValueTableUndo(t *testing.T) {
	var tab valueTable
	tab.init(10)
	f := NewFunc("f", 0, sig(nil, nil))
	b := f.NewBlock()
	vals := make([]*Value, 200)
	keys := make([]gvnKey, len(vals))
	for i := range vals {
		vals[i] = b.NewValueAux(OpConstI32, I32, int64(i))
		keys[i] = keyOf(vals[i])
	}
	for i := 0; i < 100; i++ {
		tab.insert(&keys[i], vals[i])
	}
	mark := len(tab.ents)
	for i := 100; i < 200; i++ {
		tab.insert(&keys[i], vals[i])
	}
	for i := range vals {
		if got := tab.find(&keys[i]); got != vals[i] {
			t.Fatalf("find %d = %v, want %v", i, got, vals[i])
		}
	}
	tab.undo(mark)
	for i := range vals {
		got := tab.find(&keys[i])
		if i < 100 && got != vals[i] || i >= 100 && got != nil {
			t.Fatalf("after undo: find %d = %v", i, got)
		}
	}
	tab.undo(0)
	for _, h := range tab.heads {
		if h != 0 {
			t.Fatal("buckets not empty after undoing everything")
		}
	}
}

// ValueByID finds every value, across the growing and the fixed-size
// slabs, and again after Reset reuses them.
func TestValueByID(t *testing.T) {
	f := NewFunc("f", 0, nil)
	for round := 0; round < 2; round++ {
		b := f.NewBlock()
		var vals []*Value
		for i := 0; i < 5000; i++ {
			vals = append(vals, b.NewConst(I64, int64(i)))
		}
		for _, v := range vals {
			if got := f.ValueByID(v.ID); got != v {
				t.Fatalf("round %d: ValueByID(%d) = %p (ID %d), want %p", round, v.ID, got, got.ID, v)
			}
		}
		f.Reset("f", 0, nil)
	}
}

// TestResetClearsFields checks every field of the values and blocks made
// after Reset in slots that held others: NewBlock and newValue set them one
// by one, so a field they forget would show here.
func TestResetClearsFields(t *testing.T) {
	dump := func(f *Func) string {
		s := ""
		for _, b := range f.Blocks {
			s += fmt.Sprintf("b%d loop=%v term=%v succs=%d preds=%d params=%d values=%d\n",
				b.ID, b.LoopHeader, b.Term != nil, len(b.Succs), len(b.Preds), len(b.Params), len(b.Values))
			for _, v := range append(append(b.Params[:len(b.Params):len(b.Params)], b.Values...), b.Term) {
				s += fmt.Sprintf("  v%d op=%v type=%v aux=%d sig=%v uses=%d block=b%d args=%d cap=%d",
					v.ID, v.Op, v.Type, v.AuxInt, v.Sig != nil, v.Uses, v.Block.ID, len(v.Args), cap(v.Args))
				for _, a := range v.Args {
					s += fmt.Sprintf(" v%d", a.ID)
				}
				s += "\n"
			}
		}
		return s
	}
	build := func(f *Func) {
		entry := f.NewBlock()
		x := entry.NewParam(I32)
		entry.Jump(f.NewBlock())
		b := f.Blocks[1]
		y := b.NewValue(OpI32Add, I32, x, x)
		b.NewValue(OpI32Eqz, I32, y)
		b.NewConst(I32, 0)
		b.Return(y)
	}
	fresh := NewFunc("f", 0, sig([]Type{I32}, []Type{I32}))
	build(fresh)
	f := NewFunc("g", 0, sig([]Type{I32}, []Type{I32}))
	// Fill the slots with values and blocks whose every field is set.
	for i := range 3 {
		b := f.NewBlock()
		b.LoopHeader = true
		p := b.NewParam(I64)
		c := b.NewValueAux(OpCall, I32, 7, p, p, p)
		c.Sig, c.Uses = sig(nil, nil), 5
		b.NewValueAux(OpConstI64, I64, int64(i)+99)
		b.Preds = append(b.Preds, b)
		b.Jump(b, p)
		for _, v := range append(append([]*Value{b.Term}, b.Params...), b.Values...) {
			v.Sig, v.Uses, v.AuxInt = c.Sig, 5, 42
		}
	}
	f.Reset("f", 0, sig([]Type{I32}, []Type{I32}))
	build(f)
	if got, want := dump(f), dump(fresh); got != want {
		t.Fatalf("after Reset:\n%s\nwant:\n%s", got, want)
	}
}
