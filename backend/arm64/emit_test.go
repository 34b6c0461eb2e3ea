package arm64

import (
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/wasmc/wasmc/ssa"
)

// ops compiles f and returns its code as GNU-syntax text, decoded by
// arm64asm; every word must decode.
func ops(t *testing.T, f *ssa.Func) []string {
	t.Helper()
	fc, err := CompileFunc(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for off := 0; off+4 <= len(fc.Code); off += 4 {
		inst, err := arm64asm.Decode(fc.Code[off:])
		if err != nil {
			t.Fatalf("word at %#x does not decode: %v", off, err)
		}
		out = append(out, strings.ToLower(arm64asm.GNUSyntax(inst)))
	}
	return out
}

// containsSeq reports whether the code has the instructions of want in
// order (each a prefix of an instruction's text).
func containsSeq(code []string, want ...string) bool {
	k := 0
	for _, c := range code {
		if k < len(want) && strings.HasPrefix(c, want[k]) {
			k++
		}
	}
	return k == len(want)
}

func expectSeq(t *testing.T, what string, code []string, want ...string) {
	t.Helper()
	if !containsSeq(code, want...) {
		t.Errorf("%s code:\n%s\nwant in order: %q", what, strings.Join(code, "\n"), want)
	}
}

func TestEmitRemS(t *testing.T) {
	f := ssa.NewFunc("rem", 0, sig([]ssa.Type{ssa.I64, ssa.I64}, ssa.I64))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.I64), b.NewParam(ssa.I64)
	b.Return(b.NewValue(ssa.OpI64RemS, ssa.I64, x, y))
	// No divisor test: sdiv gives MIN for MIN / -1, and the msub then 0.
	expectSeq(t, "rem_s", ops(t, f), "stp x29, x30, [sp,#-16]!", "mov x29, sp",
		"sdiv x16, x0, x1", "msub x0, x16, x1, x0", "mov sp, x29", "ldp x29, x30, [sp],#16", "ret")
}

func TestEmitBrTable(t *testing.T) {
	f := ssa.NewFunc("table", 0, sig([]ssa.Type{ssa.I32}, ssa.I32))
	b0 := f.NewBlock()
	i := b0.NewParam(ssa.I32)
	var edges []ssa.Edge
	for k := 0; k < 4; k++ {
		bk := f.NewBlock()
		bk.Return(i32c(bk, int64(10+k)))
		edges = append(edges, ssa.Edge{Block: bk})
	}
	b0.BrTable(i, edges)
	// Clamp the index to the default entry, then jump into a table of B.
	expectSeq(t, "br_table", ops(t, f), "mov w17, #0x3", "cmp w0, w17", "csel w17, w0, w17, cc",
		"adr x16", "add x16, x16, x17, lsl #2", "br x16", "b ", "b ", "b ", "b ")
}

func TestEmitFloat(t *testing.T) {
	f := ssa.NewFunc("float", 0, sig([]ssa.Type{ssa.F64, ssa.F32, ssa.F32}, ssa.F64))
	b := f.NewBlock()
	x, y, z := b.NewParam(ssa.F64), b.NewParam(ssa.F32), b.NewParam(ssa.F32)
	n := b.NewValue(ssa.OpF64Nearest, ssa.F64, x)
	m := b.NewValue(ssa.OpF64Min, ssa.F64, n, x)
	c := b.NewValue(ssa.OpF32Copysign, ssa.F32, y, z)
	p := b.NewValue(ssa.OpF64PromoteF32, ssa.F64, c)
	big := b.NewValueAux(ssa.OpConstF64, ssa.F64, 0x4123456789abcdef)
	s := b.NewValue(ssa.OpF64Add, ssa.F64, m, p)
	b.Return(b.NewValue(ssa.OpF64Mul, ssa.F64, s, big))
	expectSeq(t, "float", ops(t, f), "frintn d", "fmin d", "fmov w16, s1", "fmov w17, s2",
		"bfxil w17, w16, #0, #31", "fmov s", "fcvt d", "fadd d", "mov x16, #0xcdef",
		"movk x16, #0x89ab, lsl #16", "movk x16, #0x4567, lsl #32", "movk x16, #0x4123, lsl #48",
		"fmov d", "fmul d")
}

func TestEmitAddressing(t *testing.T) {
	f := ssa.NewFunc("addr", 0, sig([]ssa.Type{ssa.I64, ssa.I32}, ssa.I64))
	b := f.NewBlock()
	base, i := b.NewParam(ssa.I64), b.NewParam(ssa.I32)
	z := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, i)
	sh := b.NewValue(ssa.OpI64Shl, ssa.I64, z, i64c(b, 3))
	ld := b.NewValueAux(ssa.OpI64Load, ssa.I64, 0, b.NewValue(ssa.OpI64Add, ssa.I64, base, sh))
	ld2 := b.NewValueAux(ssa.OpI32Load16S, ssa.I32, 0x12345, b.NewValue(ssa.OpI64Add, ssa.I64, base, z))
	b.NewValueAux(ssa.OpF64Store, ssa.TypeNone, -8, base, b.NewValueAux(ssa.OpConstF64, ssa.F64, 0))
	e := b.NewValue(ssa.OpI64ExtendI32U, ssa.I64, ld2)
	b.Return(b.NewValue(ssa.OpI64Add, ssa.I64, ld, e))
	expectSeq(t, "addressing", ops(t, f), "ldr x2, [x0,w1,uxtw #3]",
		"add x16, x0, w1, uxtw", "mov x17, #0x2345", "movk x17, #0x1, lsl #16", "ldrsh w1, [x16,x17]",
		"stur xzr, [x0,#-8]", "add x0, x2, w1, uxtw")
}

func TestEmitSpillsAndCalls(t *testing.T) {
	// An int live across a call stays in a callee-saved register, which
	// the function saves below its frame record and restores on return;
	// a float is spilled to an SP-relative slot; an indirect call saves
	// and restores X20 around BLR.
	f := ssa.NewFunc("spill", 0, sig([]ssa.Type{ssa.I64, ssa.F64, ssa.I64}, ssa.F64))
	b := f.NewBlock()
	x, y, code := b.NewParam(ssa.I64), b.NewParam(ssa.F64), b.NewParam(ssa.I64)
	call := b.NewValue(ssa.OpCallIndirect, ssa.I64, code, b.NewValue(ssa.OpVMCtx, ssa.I64), x)
	call.Sig = sig([]ssa.Type{ssa.I64}, ssa.I64)
	sum := b.NewValue(ssa.OpI64Add, ssa.I64, call, x)
	b.Return(b.NewValue(ssa.OpF64Add, ssa.F64, b.NewValue(ssa.OpF64ConvertI64S, ssa.F64, sum), y))
	code2 := ops(t, f)
	expectSeq(t, "spill", code2, "sub sp, sp, #0x20", "stur x21, [x29,#-8]", "str d0, [sp", "mov x21, x0",
		"str x20, [sp", "mov x20, x", "blr x", "ldr x20, [sp", "add x0, x0, x21", "scvtf d", "ldr d", "fadd d0",
		"ldur x21, [x29,#-8]", "mov sp, x29", "ldp x29, x30, [sp],#16", "ret")
}

// calls builds a function whose n int values, loaded from memory before
// a call to function 0 (which may store there), stay live across it and
// are summed after it.
func calls(n int) *ssa.Func {
	f := ssa.NewFunc("calls", 0, sig([]ssa.Type{ssa.I64}, ssa.I64))
	b := f.NewBlock()
	p := b.NewParam(ssa.I64)
	var vs []*ssa.Value
	for k := 0; k < n; k++ {
		vs = append(vs, b.NewValueAux(ssa.OpI64Load, ssa.I64, int64(8*k), p))
	}
	c := b.NewValueAux(ssa.OpCall, ssa.I64, 0, p)
	c.Sig = sig([]ssa.Type{ssa.I64}, ssa.I64)
	sum := c
	for _, v := range vs {
		sum = b.NewValue(ssa.OpI64Add, ssa.I64, sum, v)
	}
	b.Return(sum)
	return f
}

// savedRegs returns the callee-saved registers code mentions and the
// count of its instructions that address [x29, #negative] (saves and
// restores) and [sp, ...] with a store or load of an X register (spills).
func savedRegs(code []string) (regs map[string]bool, frameOps, spills int) {
	regs = map[string]bool{}
	for _, c := range code {
		for _, r := range []string{"x21", "x22", "x23", "x24", "x25", "x26"} {
			if strings.Contains(c, r) {
				regs[r] = true
			}
		}
		if strings.Contains(c, "[x29,#-") {
			frameOps++
		}
		if (strings.HasPrefix(c, "str x") || strings.HasPrefix(c, "ldr x")) && strings.Contains(c, "[sp") {
			spills++
		}
	}
	return regs, frameOps, spills
}

func TestEmitCalleeSaved(t *testing.T) {
	// A leaf with few values and a function whose values all fit the
	// caller-saved registers between calls save nothing.
	leaf := ssa.NewFunc("leaf", 0, sig([]ssa.Type{ssa.I64, ssa.I64}, ssa.I64))
	b := leaf.NewBlock()
	x, y := b.NewParam(ssa.I64), b.NewParam(ssa.I64)
	b.Return(b.NewValue(ssa.OpI64Mul, ssa.I64, b.NewValue(ssa.OpI64Add, ssa.I64, x, y), x))
	code := ops(t, leaf)
	if regs, frameOps, _ := savedRegs(code); len(regs) != 0 || frameOps != 0 {
		t.Errorf("leaf saves callee-saved registers:\n%s", strings.Join(code, "\n"))
	}
	code = ops(t, calls(0))
	if regs, frameOps, _ := savedRegs(code); len(regs) != 0 || frameOps != 0 {
		t.Errorf("call with nothing live across saves callee-saved registers:\n%s", strings.Join(code, "\n"))
	}
	// Three values live across the call take three callee-saved
	// registers: saved after the frame is reserved, restored before the
	// frame record is popped, nothing spilled.
	code = ops(t, calls(3))
	regs, frameOps, spills := savedRegs(code)
	if len(regs) != 3 || frameOps != 4 || spills != 0 {
		t.Errorf("3 live values: registers %v, %d saves/restores, %d spills:\n%s", regs, frameOps, spills, strings.Join(code, "\n"))
	}
	expectSeq(t, "3 live", code, "stp x29, x30, [sp,#-16]!", "sub sp, sp, #0x20", "stp x22, x21, [x29,#-16]",
		"stur x23, [x29,#-24]", "bl ", "ldp x22, x21, [x29,#-16]", "ldur x23, [x29,#-24]", "mov sp, x29", "ldp x29, x30", "ret")
	// Eight live values: all six callee-saved registers, the rest spilled.
	code = ops(t, calls(8))
	regs, frameOps, spills = savedRegs(code)
	if len(regs) != 6 || frameOps != 6 || spills == 0 {
		t.Errorf("8 live values: registers %v, %d saves/restores, %d spills:\n%s", regs, frameOps, spills, strings.Join(code, "\n"))
	}
}

func TestEmitLeafStackCheck(t *testing.T) {
	// A function that calls nothing and has a small frame skips the
	// stack limit check (abi.LeafFrame); one that calls keeps it.
	for _, withCall := range []bool{false, true} {
		f := ssa.NewFunc("leaf", 0, sig([]ssa.Type{ssa.I32}, ssa.I32))
		b := f.NewBlock()
		x := b.NewParam(ssa.I32)
		if withCall {
			call := b.NewValueAux(ssa.OpCall, ssa.I32, 0, x)
			call.Sig = sig([]ssa.Type{ssa.I32}, ssa.I32)
			x = call
		}
		b.Return(b.NewValue(ssa.OpI32Add, ssa.I32, x, x))
		code := ops(t, f)
		if got := containsSeq(code, "ldr x16, [x19,#32]"); got != withCall {
			t.Errorf("calls %v: stack check %v, want %v:\n%s", withCall, got, withCall, strings.Join(code, "\n"))
		}
	}
}
