package amd64

import (
	"strings"
	"testing"

	"github.com/wasmc/wasmc/ssa"
)

// listing selects f and returns its instructions, one per line.
func listing(t *testing.T, f *ssa.Func) string {
	t.Helper()
	if err := ssa.Verify(f); err != nil {
		t.Fatalf("invalid test function: %v\n%s", err, f)
	}
	mf, err := selectFunc(f)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	mf.write(&b)
	return b.String()
}

func sig(params []ssa.Type, results ...ssa.Type) *ssa.Signature {
	return &ssa.Signature{Params: params, Results: results}
}

func wantListing(t *testing.T, got, want string) {
	t.Helper()
	norm := func(s string) string {
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
		return strings.Join(lines, "\n")
	}
	if norm(got) != norm(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestIselCompareBranch(t *testing.T) {
	f := ssa.NewFunc("cb", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b0, b1, b2 := f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32)
	c := b0.NewValue(ssa.OpI32LtS, ssa.I32, x, y)
	b0.BrIf(c, ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	b1.Return(b1.NewValueAux(ssa.OpConstI32, ssa.I32, 7))
	k := b2.NewValueAux(ssa.OpConstI32, ssa.I32, 100)
	b2.Return(b2.NewValue(ssa.OpI32Sub, ssa.I32, y, k))
	wantListing(t, listing(t, f), `
selected cb:
b0:
  params.64 =v0@rax, =v1@rbx
  cmp.32 v0, v1
  br.l.8 -> b1 b2
b1: ; preds [0]
  movimm.32 =v2, $7
  ret.8 v2@rax
b2: ; preds [0]
  mov.64 =v3, v1
  sub.32 +v3, $100
  ret.8 v3@rax`)
}

func TestIselAddressing(t *testing.T) {
	// load [base + (zext(i) << 3) + 16] and store of an immediate.
	f := ssa.NewFunc("addr", 0, sig([]ssa.Type{ssa.I64, ssa.I32}, ssa.I64))
	b := f.NewBlock()
	base, i := b.NewParam(ssa.I64), b.NewParam(ssa.I32)
	z := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, i)
	sh := b.NewValue(ssa.OpI64Shl, ssa.I64, z, b.NewValueAux(ssa.OpConstI64, ssa.I64, 3))
	addr := b.NewValue(ssa.OpI64Add, ssa.I64, base, sh)
	ld := b.NewValueAux(ssa.OpI64Load, ssa.I64, 16, addr)
	vm := b.NewValue(ssa.OpVMCtx, ssa.I64)
	b.NewValueAux(ssa.OpI32Store8, ssa.TypeNone, 8, vm, b.NewValueAux(ssa.OpConstI32, ssa.I32, 0x1ff))
	b.Return(ld)
	wantListing(t, listing(t, f), `
selected addr:
b0:
  params.64 =v0@rax, =v1@rbx
  load.64.64 =v2, [v0+v1*8+16]
  store.8 [r15+8], $511
  ret.8 v2@rax`)
}

func TestIselFixedRegisters(t *testing.T) {
	f := ssa.NewFunc("fixed", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32, ssa.I32))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.I32), b.NewParam(ssa.I32)
	sh := b.NewValue(ssa.OpI32Rotl, ssa.I32, x, y)
	rem := b.NewValue(ssa.OpI32RemS, ssa.I32, sh, y)
	b.Return(rem, rem)
	wantListing(t, listing(t, f), `
selected fixed:
b0:
  params.64 =v0@rax, =v1@rbx
  mov.64 =v2, v0
  rol.32 +v2, v1@rcx
  rems.32 =v3@rdx, v2@rax, v1
  mov.64 =v4, v3
  ret.8 v3@rax, v4@rbx`)
}

func TestIselShiftX(t *testing.T) {
	// Variable shifts take three free registers (BMI2); x lives on.
	f := ssa.NewFunc("shiftx", 0, sig([]ssa.Type{ssa.I64, ssa.I64}, ssa.I64))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.I64), b.NewParam(ssa.I64)
	shl := b.NewValue(ssa.OpI64Shl, ssa.I64, x, y)
	shr := b.NewValue(ssa.OpI64ShrU, ssa.I64, shl, y)
	sar := b.NewValue(ssa.OpI64ShrS, ssa.I64, x, shr)
	b.Return(b.NewValue(ssa.OpI64Add, ssa.I64, sar, x))
	wantListing(t, listing(t, f), `
selected shiftx:
b0:
  params.64 =v0@rax, =v1@rbx
  shl.64 =v2, v0, v1
  shr.64 =v3, v2, v1
  sar.64 =v4, v0, v3
  lea.64 =v5, [v4+v0*1]
  ret.8 v5@rax`)
}

func TestIselSelectAndLoopMoves(t *testing.T) {
	// A loop whose header parameters swap on the back edge, and a select
	// of an unsigned compare against an immediate.
	f := ssa.NewFunc("loop", 0, sig([]ssa.Type{ssa.I32, ssa.I32, ssa.I32}, ssa.I32))
	b0, head, body, exit := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y, n := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32), b0.NewParam(ssa.I32)
	b0.Jump(head, x, y, n)
	hx, hy, hn := head.NewParam(ssa.I32), head.NewParam(ssa.I32), head.NewParam(ssa.I32)
	head.LoopHeader = true
	head.NewValue(ssa.OpInterruptCheck, ssa.TypeNone)
	head.BrIf(head.NewValue(ssa.OpI32Eqz, ssa.I32, hn), ssa.Edge{Block: exit}, ssa.Edge{Block: body})
	one := body.NewValueAux(ssa.OpConstI32, ssa.I32, 1)
	body.Jump(head, hy, hx, body.NewValue(ssa.OpI32Sub, ssa.I32, hn, one))
	lt := exit.NewValue(ssa.OpI32LtU, ssa.I32, hx, exit.NewValueAux(ssa.OpConstI32, ssa.I32, 10))
	exit.Return(exit.NewValue(ssa.OpSelect, ssa.I32, hx, hy, lt))
	wantListing(t, listing(t, f), `
selected loop:
b0:
  params.64 =v0@rax, =v1@rbx, =v2@rcx
  mov.64 =v3, v0
  mov.64 =v4, v1
  mov.64 =v5, v2
  jmp.8 -> b1
b1: ; preds [0 2] ; loop depth 1
  intcheck.8
  testz.32 v5
  br.e.8 -> b3 b2
b2: ; preds [1] ; loop depth 1
  mov.64 =v6, v5
  sub.32 +v6, $1
  mov.64 =v5, v6
  mov.64 =v7, v3
  mov.64 =v3, v4
  mov.64 =v4, v7
  jmp.8 -> b1
b3: ; preds [1]
  mov.64 =v8, v4
  cmp.32 v3, $10
  cmov.b.32 +v8, v3
  ret.8 v8@rax`)
}

func TestIselTwoScaledIndices(t *testing.T) {
	// Only one operand can be the scaled index; the other is computed,
	// by an lea with no base (a shift that needs no copy of its operand).
	f := ssa.NewFunc("two", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b := f.NewBlock()
	i, j := b.NewParam(ssa.I32), b.NewParam(ssa.I32)
	scaled := func(x *ssa.Value, k int64) *ssa.Value {
		z := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, x)
		return b.NewValue(ssa.OpI64Shl, ssa.I64, z, b.NewValueAux(ssa.OpConstI64, ssa.I64, k))
	}
	addr := b.NewValue(ssa.OpI64Add, ssa.I64, scaled(i, 3), scaled(j, 2))
	b.Return(b.NewValueAux(ssa.OpI32Load, ssa.I32, 4, addr))
	wantListing(t, listing(t, f), `
selected two:
b0:
  params.64 =v0@rax, =v1@rbx
  lea.64 =v2, [_+v1*4]
  load.32.32 =v3, [v2+v0*8+4]
  ret.8 v3@rax`)
}

func TestIselFolds(t *testing.T) {
	// A shift by 2 under an i32 add becomes an lea scale; an add of a
	// constant under a compare goes to the scratch register; a load
	// under a compare and an ALU op becomes its memory operand.
	f := ssa.NewFunc("folds", 0, sig([]ssa.Type{ssa.I32, ssa.I32, ssa.I64}, ssa.I32))
	b0, b1, b2 := f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y, p := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32), b0.NewParam(ssa.I64)
	sh := b0.NewValue(ssa.OpI32Shl, ssa.I32, y, b0.NewValueAux(ssa.OpConstI32, ssa.I32, 2))
	idx := b0.NewValue(ssa.OpI32Add, ssa.I32, x, sh)
	end := b0.NewValue(ssa.OpI32Add, ssa.I32, idx, b0.NewValueAux(ssa.OpConstI32, ssa.I32, 8))
	ld := b0.NewValueAux(ssa.OpI32Load, ssa.I32, 4, p)
	b0.BrIf(b0.NewValue(ssa.OpI32LtU, ssa.I32, end, ld), ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	ld2 := b1.NewValueAux(ssa.OpI32Load, ssa.I32, 0, p)
	b1.Return(b1.NewValue(ssa.OpI32Xor, ssa.I32, idx, ld2))
	b2.Return(idx)
	wantListing(t, listing(t, f), `
selected folds:
b0:
  params.64 =v0@rax, =v1@rbx, =v2@rcx
  lea.32 =v3, [v0+v1*4]
  leacmp.32 [v3+8], [v2+4]
  br.b.8 -> b1 b2
b1: ; preds [0]
  mov.64 =v4, v3
  xor.32 +v4, [v2]
  ret.8 v4@rax
b2: ; preds [0]
  ret.8 v3@rax`)
}

func TestIselBoundsCheck(t *testing.T) {
	// ssa's boundsFast form: ea > len-K first, the exact test out of line.
	f := ssa.NewFunc("chk", 0, sig([]ssa.Type{ssa.I32, ssa.I64}, ssa.I32))
	b := f.NewBlock()
	x, lim := b.NewParam(ssa.I32), b.NewParam(ssa.I64)
	ea := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, x)
	a := b.NewValue(ssa.OpI64Add, ssa.I64, ea, b.NewValueAux(ssa.OpConstI64, ssa.I64, -12))
	b.NewValueAux(ssa.OpTrapIf, ssa.TypeNone, 3, b.NewValue(ssa.OpI64GtS, ssa.I32, a, lim))
	b.Return(x)
	wantListing(t, listing(t, f), `
selected chk:
b0:
  params.64 =v0@rax, =v1@rbx
  boundschk.64 v0, v1, $-12, #3
  ret.8 v0@rax`)
}

func TestIselLeaOfAdds(t *testing.T) {
	// (x + y*8) - 3 is one lea.
	f := ssa.NewFunc("lea", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.I32), b.NewParam(ssa.I32)
	sh := b.NewValue(ssa.OpI32Shl, ssa.I32, y, b.NewValueAux(ssa.OpConstI32, ssa.I32, 3))
	sum := b.NewValue(ssa.OpI32Add, ssa.I32, x, sh)
	b.Return(b.NewValue(ssa.OpI32Add, ssa.I32, sum, b.NewValueAux(ssa.OpConstI32, ssa.I32, -3)))
	wantListing(t, listing(t, f), `
selected lea:
b0:
  params.64 =v0@rax, =v1@rbx
  lea.32 =v2, [v0+v1*8-3]
  ret.8 v2@rax`)
}

func TestIselAndMaskMovzx(t *testing.T) {
	// Masks of the low 8, 16 and 32 bits become movzx (x lives on); other
	// masks stay an and.
	f := ssa.NewFunc("mask", 0, sig([]ssa.Type{ssa.I64}, ssa.I64))
	b := f.NewBlock()
	x := b.NewParam(ssa.I64)
	m8 := b.NewValue(ssa.OpI64And, ssa.I64, b.NewValueAux(ssa.OpConstI64, ssa.I64, 0xff), x)
	m16 := b.NewValue(ssa.OpI64And, ssa.I64, x, b.NewValueAux(ssa.OpConstI64, ssa.I64, 0xffff))
	m32 := b.NewValue(ssa.OpI64And, ssa.I64, x, b.NewValueAux(ssa.OpConstI64, ssa.I64, 0xffffffff))
	m7 := b.NewValue(ssa.OpI64And, ssa.I64, x, b.NewValueAux(ssa.OpConstI64, ssa.I64, 0x7f))
	s1 := b.NewValue(ssa.OpI64Xor, ssa.I64, m8, m16)
	s2 := b.NewValue(ssa.OpI64Xor, ssa.I64, m32, m7)
	b.Return(b.NewValue(ssa.OpI64Xor, ssa.I64, s1, s2))
	wantListing(t, listing(t, f), `
selected mask:
b0:
  params.64 =v0@rax
  movzx.8.32 =v1, v0
  movzx.16.32 =v2, v0
  movzx.32.64 =v3, v0
  mov.64 =v4, v0
  and.64 +v4, $127
  mov.64 =v5, v1
  xor.64 +v5, v2
  mov.64 =v6, v3
  xor.64 +v6, v4
  mov.64 =v7, v5
  xor.64 +v7, v6
  ret.8 v7@rax`)
}

func TestIselTestAnd(t *testing.T) {
	// br_if (x & 3) and eqz (x & y) set the flags with test: no copy, no
	// and. An and used twice is computed.
	f := ssa.NewFunc("testand", 0, sig([]ssa.Type{ssa.I32, ssa.I64, ssa.I64}, ssa.I32))
	b0, b1, b2, b3 := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y, z := b0.NewParam(ssa.I32), b0.NewParam(ssa.I64), b0.NewParam(ssa.I64)
	m := b0.NewValue(ssa.OpI32And, ssa.I32, b0.NewValueAux(ssa.OpConstI32, ssa.I32, 3), x)
	b0.BrIf(m, ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	b1.Return(b1.NewValueAux(ssa.OpConstI32, ssa.I32, 7))
	e := b2.NewValue(ssa.OpI64Eqz, ssa.I32, b2.NewValue(ssa.OpI64And, ssa.I64, y, z))
	b2.BrIf(e, ssa.Edge{Block: b1}, ssa.Edge{Block: b3})
	w := b3.NewValue(ssa.OpI32And, ssa.I32, x, b3.NewValueAux(ssa.OpConstI32, ssa.I32, 12))
	b3.Return(b3.NewValue(ssa.OpI32Add, ssa.I32, w, b3.NewValue(ssa.OpI32Eqz, ssa.I32, w)))
	wantListing(t, listing(t, f), `
selected testand:
b0:
  params.64 =v0@rax, =v1@rbx, =v2@rcx
  test.32 v0, $3
  br.ne.8 -> b1 b2
b1: ; preds [0 2]
  movimm.32 =v3, $7
  ret.8 v3@rax
b2: ; preds [0]
  test.64 v1, v2
  br.e.8 -> b1 b3
b3: ; preds [2]
  mov.64 =v4, v0
  and.32 +v4, $12
  testz.32 v4
  setcc.e.32 =v5
  lea.32 =v6, [v4+v5*1]
  ret.8 v6@rax`)
}

func TestIselByteCompare(t *testing.T) {
	// Two zero-extended bytes, or one and a constant below 256, compare as
	// bytes with unsigned conditions: one load becomes the cmp's memory
	// operand even under a signed compare.
	f := ssa.NewFunc("bytes", 0, sig([]ssa.Type{ssa.I64}, ssa.I32))
	b0, b1, b2, b3 := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	p := b0.NewParam(ssa.I64)
	x := b0.NewValueAux(ssa.OpI32Load8U, ssa.I32, 0, p)
	y := b0.NewValueAux(ssa.OpI32Load8U, ssa.I32, 1, p)
	b0.BrIf(b0.NewValue(ssa.OpI32LtS, ssa.I32, x, y), ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	b1.Return(b1.NewValueAux(ssa.OpConstI32, ssa.I32, 1))
	z := b2.NewValueAux(ssa.OpI32Load8U, ssa.I32, 2, p)
	b2.BrIf(b2.NewValue(ssa.OpI32GtS, ssa.I32, z, b2.NewValueAux(ssa.OpConstI32, ssa.I32, 0x90)), ssa.Edge{Block: b1}, ssa.Edge{Block: b3})
	b3.Return(b3.NewValueAux(ssa.OpConstI32, ssa.I32, 0))
	wantListing(t, listing(t, f), `
selected bytes:
b0:
  params.64 =v0@rax
  load.8.32 =v1, [v0+1]
  cmp.8 v1, [v0]
  br.a.8 -> b1 b2
b1: ; preds [0 2]
  movimm.32 =v2, $1
  ret.8 v2@rax
b2: ; preds [0]
  cmp.8 [v0+2], $144
  br.a.8 -> b1 b3
b3: ; preds [2]
  movimm.32 =v3, $0
  ret.8 v3@rax`)
}

// counterFunc builds count[i] += d on a memory at base (an i64 param) as
// the frontend and remat leave it: the load and the store each with their
// own copy of base + zext(i << 2), and between them what between adds.
func counterFunc(op ssa.Op, loadFirst bool, between func(b *ssa.Block, base *ssa.Value)) *ssa.Func {
	f := ssa.NewFunc("count", 0, sig([]ssa.Type{ssa.I64, ssa.I32, ssa.I32}))
	b := f.NewBlock()
	base, i, d := b.NewParam(ssa.I64), b.NewParam(ssa.I32), b.NewParam(ssa.I32)
	idx := b.NewValue(ssa.OpI32Shl, ssa.I32, i, b.NewValueAux(ssa.OpConstI32, ssa.I32, 2))
	addr := func() *ssa.Value {
		return b.NewValue(ssa.OpI64Add, ssa.I64, base, b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, idx))
	}
	ld := b.NewValueAux(ssa.OpI32Load, ssa.I32, 8, addr())
	if between != nil {
		between(b, base)
	}
	x, y := ld, d
	if !loadFirst {
		x, y = d, ld
	}
	b.NewValueAux(ssa.OpI32Store, ssa.TypeNone, 8, addr(), b.NewValue(op, ssa.I32, x, y))
	b.Return()
	return f
}

func TestIselReadModifyWrite(t *testing.T) {
	// count[i] += d is one add to memory; so is count[i] -= d.
	for _, op := range []ssa.Op{ssa.OpI32Add, ssa.OpI32Sub} {
		got := listing(t, counterFunc(op, true, nil))
		name := map[ssa.Op]string{ssa.OpI32Add: "add", ssa.OpI32Sub: "sub"}[op]
		if !strings.Contains(got, name+".32 [v0+v3*1+8], v2") || strings.Contains(got, "store") {
			t.Errorf("%v: want one %s to memory:\n%s", op, name, got)
		}
	}
	// d - count[i] is not count[i] op d; a store between the load and the
	// store may change count[i]; a possible trap between them must come
	// first, as the load's would.
	for name, f := range map[string]*ssa.Func{
		"sub reversed": counterFunc(ssa.OpI32Sub, false, nil),
		"store between": counterFunc(ssa.OpI32Add, true, func(b *ssa.Block, base *ssa.Value) {
			b.NewValueAux(ssa.OpI32Store, ssa.TypeNone, 0, base, b.NewValueAux(ssa.OpConstI32, ssa.I32, 7))
		}),
		"trap between": counterFunc(ssa.OpI32Add, true, func(b *ssa.Block, base *ssa.Value) {
			b.NewValueAux(ssa.OpTrapIf, ssa.TypeNone, 1, b.NewValue(ssa.OpI64Eqz, ssa.I32, base))
		}),
		"call between": counterFunc(ssa.OpI32Add, true, func(b *ssa.Block, base *ssa.Value) {
			c := b.NewValueAux(ssa.OpCall, ssa.TypeNone, 0)
			c.Sig = sig(nil)
		}),
	} {
		f.FaultingLoads = true
		if got := listing(t, f); !strings.Contains(got, "store.32 [v0+v3*1+8]") {
			t.Errorf("%s: want the store kept:\n%s", name, got)
		}
	}
}
