package arm64

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

func i32c(b *ssa.Block, c int64) *ssa.Value { return b.NewValueAux(ssa.OpConstI32, ssa.I32, c) }
func i64c(b *ssa.Block, c int64) *ssa.Value { return b.NewValueAux(ssa.OpConstI64, ssa.I64, c) }

func TestIselCompareBranch(t *testing.T) {
	// cmp + b.cond; the sub's immediate operand; the eqz branch as cbz.
	f := ssa.NewFunc("cb", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b0, b1, b2, b3, b4 := f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, y := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32)
	b0.BrIf(b0.NewValue(ssa.OpI32LtS, ssa.I32, x, y), ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	b1.Return(i32c(b1, 7))
	b2.BrIf(b2.NewValue(ssa.OpI32Eqz, ssa.I32, x), ssa.Edge{Block: b3}, ssa.Edge{Block: b4})
	b4.Return(x)
	b3.Return(b3.NewValue(ssa.OpI32Sub, ssa.I32, y, i32c(b3, 100)))
	wantListing(t, listing(t, f), `
selected cb:
b0:
  params.64 =v0@x0, =v1@x1
  cmp.32 v0, v1
  b.lt.8 -> b1 b2
b1: ; preds [0]
  movimm.32 =v2, $7
  ret.8 v2@x0
b2: ; preds [0]
  cbz.z.32 v0 -> b3 b4
b3: ; preds [2]
  sub.32 =v3, v1, $100
  ret.8 v3@x0
b4: ; preds [2]
  ret.8 v0@x0`)
}

func TestIselFoldedOperands(t *testing.T) {
	// Shifted and extended register operands, madd/msub and a single-bit
	// test branch.
	f := ssa.NewFunc("fold", 0, sig([]ssa.Type{ssa.I64, ssa.I32, ssa.I64}, ssa.I64))
	b0, b1, b2 := f.NewBlock(), f.NewBlock(), f.NewBlock()
	x, w, z := b0.NewParam(ssa.I64), b0.NewParam(ssa.I32), b0.NewParam(ssa.I64)
	sh := b0.NewValue(ssa.OpI64ShrU, ssa.I64, z, i64c(b0, 7))
	a := b0.NewValue(ssa.OpI64Add, ssa.I64, sh, x)
	ext := b0.NewValue(ssa.OpI64ExtendI32S, ssa.I64, w)
	s := b0.NewValue(ssa.OpI64Sub, ssa.I64, a, ext)
	m := b0.NewValue(ssa.OpI64Mul, ssa.I64, s, z)
	ma := b0.NewValue(ssa.OpI64Add, ssa.I64, m, x)
	bit := b0.NewValue(ssa.OpI32And, ssa.I32, w, i32c(b0, 16))
	b0.BrIf(bit, ssa.Edge{Block: b1}, ssa.Edge{Block: b2})
	b1.Return(ma)
	b2.Return(x)
	wantListing(t, listing(t, f), `
selected fold:
b0:
  params.64 =v0@x0, =v1@x1, =v2@x2
  add.64 =v3, v0, v2 lsr #7
  sub.64 =v4, v3, v1 sxtw
  madd.64 =v5, v4, v2, v0
  tbz.nz.8 v1, #4 -> b1 b2
b1: ; preds [0]
  ret.8 v5@x0
b2: ; preds [0]
  ret.8 v0@x0`)
}

func TestIselAddressing(t *testing.T) {
	// [base, w, uxtw #3] for a scaled zero-extended index; the offset
	// stays on the operand (the emitter adds it through X16); a store of
	// zero uses XZR and a vmctx base is X20.
	f := ssa.NewFunc("addr", 0, sig([]ssa.Type{ssa.I64, ssa.I32}, ssa.I64))
	b := f.NewBlock()
	base, i := b.NewParam(ssa.I64), b.NewParam(ssa.I32)
	z := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, i)
	sh := b.NewValue(ssa.OpI64Shl, ssa.I64, z, i64c(b, 3))
	addr := b.NewValue(ssa.OpI64Add, ssa.I64, base, sh)
	ld := b.NewValueAux(ssa.OpI64Load, ssa.I64, 0, addr)
	addr2 := b.NewValue(ssa.OpI64Add, ssa.I64, base, z)
	ld2 := b.NewValueAux(ssa.OpI64Load8U, ssa.I64, 16, addr2)
	vm := b.NewValue(ssa.OpVMCtx, ssa.I64)
	b.NewValueAux(ssa.OpI32Store, ssa.TypeNone, 8, vm, i32c(b, 0))
	b.Return(b.NewValue(ssa.OpI64Add, ssa.I64, ld, ld2))
	wantListing(t, listing(t, f), `
selected addr:
b0:
  params.64 =v0@x0, =v1@x1
  load.64.64 =v2, [v0+v1 uxtw #3]
  load.8.64 =v3, [v0+v1 uxtw+16]
  store.32 [x20+8], xzr
  add.64 =v4, v2, v3
  ret.8 v4@x0`)
}

func TestIselSelectAndConversions(t *testing.T) {
	// csel after the compare; float compares use conditions that are
	// false on NaN; saturating truncation is a plain fcvtzu.
	f := ssa.NewFunc("sel", 0, sig([]ssa.Type{ssa.F64, ssa.F64, ssa.I32}, ssa.I32))
	b := f.NewBlock()
	x, y, k := b.NewParam(ssa.F64), b.NewParam(ssa.F64), b.NewParam(ssa.I32)
	lt := b.NewValue(ssa.OpF64Lt, ssa.I32, x, y)
	t1 := b.NewValue(ssa.OpI32TruncSatF64U, ssa.I32, x)
	b.Return(b.NewValue(ssa.OpSelect, ssa.I32, t1, k, lt))
	wantListing(t, listing(t, f), `
selected sel:
b0:
  params.64 =v0@v0, =v1@v1, =v2@x0
  fcvtzu.32.64 =v3, v0
  fcmp.64 v0, v1
  csel.mi.32 =v4, v3, v2
  ret.8 v4@x0`)
}
