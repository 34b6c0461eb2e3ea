package amd64

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"

	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// ops compiles f and returns its code as text, decoded by x86asm.
func ops(t *testing.T, f *ssa.Func) []string {
	t.Helper()
	fc, err := CompileFunc(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for off := 0; off < len(fc.Code); {
		inst, err := x86asm.Decode(fc.Code[off:], 64)
		if err != nil { // jump table data
			out = append(out, ".byte")
			off++
			continue
		}
		out = append(out, strings.ToLower(x86asm.IntelSyntax(inst, uint64(off), nil)))
		off += inst.Len
	}
	return out
}

// contains reports whether the code has the instructions of want in
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

func TestEmitRemS(t *testing.T) {
	f := ssa.NewFunc("rem", 0, sig([]ssa.Type{ssa.I64, ssa.I64}, ssa.I64))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.I64), b.NewParam(ssa.I64)
	b.Return(b.NewValue(ssa.OpI64RemS, ssa.I64, x, y))
	code := ops(t, f)
	// Divisor -1 skips IDIV (MIN % -1 would fault) and yields 0. A leaf
	// without spills has no frame.
	if !containsSeq(code, "cmp rbx, -0x1", "jnz", "xor edx, edx", "jmp", "cqo", "idiv rbx", "mov rax, rdx", "ret") {
		t.Errorf("rem_s code:\n%s", strings.Join(code, "\n"))
	}
}

func TestEmitBrTable(t *testing.T) {
	f := ssa.NewFunc("table", 0, sig([]ssa.Type{ssa.I32}, ssa.I32))
	b0 := f.NewBlock()
	i := b0.NewParam(ssa.I32)
	var edges []ssa.Edge
	for k := 0; k < 4; k++ {
		bk := f.NewBlock()
		bk.Return(bk.NewValueAux(ssa.OpConstI32, ssa.I32, int64(10+k)))
		edges = append(edges, ssa.Edge{Block: bk})
	}
	b0.BrTable(i, edges)
	code := ops(t, f)
	// An index past the cases branches to the default; the others jump
	// through the table.
	if !containsSeq(code, "cmp eax, 0x3", "jnb ", "lea r11,", "movsxd rax, dword ptr [r11+4*rax]", "add", "jmp r") {
		t.Errorf("br_table code:\n%s", strings.Join(code, "\n"))
	}
	// An index that lives on selects the entry into another register.
	f = ssa.NewFunc("table2", 0, sig([]ssa.Type{ssa.I32}, ssa.I32))
	b0 = f.NewBlock()
	i = b0.NewParam(ssa.I32)
	edges = edges[:0]
	for k := 0; k < 4; k++ {
		bk := f.NewBlock()
		bk.Return(bk.NewValue(ssa.OpI32Add, ssa.I32, i, bk.NewValueAux(ssa.OpConstI32, ssa.I32, int64(10+k))))
		edges = append(edges, ssa.Edge{Block: bk})
	}
	b0.BrTable(i, edges)
	code = ops(t, f)
	if !containsSeq(code, "cmp eax, 0x3", "jnb ", "lea r11,", "movsxd rbx, dword ptr [r11+4*rax]", "add rbx, r11", "jmp rbx") {
		t.Errorf("br_table code, index live after:\n%s", strings.Join(code, "\n"))
	}
}

func TestEmitFloatMinAndSelect(t *testing.T) {
	f := ssa.NewFunc("fmin", 0, sig([]ssa.Type{ssa.F64, ssa.F64}, ssa.F64))
	b := f.NewBlock()
	x, y := b.NewParam(ssa.F64), b.NewParam(ssa.F64)
	m := b.NewValue(ssa.OpF64Min, ssa.F64, x, y)
	c := b.NewValue(ssa.OpF64Lt, ssa.I32, x, y)
	b.Return(b.NewValue(ssa.OpSelect, ssa.F64, m, y, c))
	code := ops(t, f)
	if !containsSeq(code, "ucomisd", "jp", "jnz", "orps", "jmp", "addsd", "jmp", "minsd", "ucomisd xmm1, xmm0", "jbe", "movaps") {
		t.Errorf("f64.min/select code:\n%s", strings.Join(code, "\n"))
	}
}

func TestRegAllocAdapter(t *testing.T) {
	f := ssa.NewFunc("call", 0, sig([]ssa.Type{ssa.I32}, ssa.I32))
	b := f.NewBlock()
	x := b.NewParam(ssa.I32)
	call := b.NewValueAux(ssa.OpCall, ssa.I32, 0, x)
	call.Sig = sig([]ssa.Type{ssa.I32}, ssa.I32)
	b.Return(b.NewValue(ssa.OpI32Add, ssa.I32, call, x))
	mf, err := selectFunc(f)
	if err != nil {
		t.Fatal(err)
	}
	var sawCall bool
	for i, in := range mf.blocks[0].instrs {
		if in.op != mCall {
			continue
		}
		sawCall = true
		if got := mf.Clobbers(0, i); got != callClobbers {
			t.Errorf("call clobbers %v", got)
		}
		opsList := mf.Operands(0, i, nil)
		if len(opsList) != 2 || opsList[0].Def || !opsList[1].Def || opsList[0].Fixed != 0 || opsList[1].Fixed != 0 {
			t.Errorf("call operands %+v: want a use and a def fixed to rax", opsList)
		}
	}
	if !sawCall {
		t.Fatal("no call selected")
	}
	if _, _, ok := mf.IsMove(0, 0); ok {
		t.Error("params reported as a move")
	}
}

func TestEmitZeroTestFromArithmetic(t *testing.T) {
	// do { acc ^= n; n -= 1 } while (n != 0): the flags of the sub (or of
	// the add a lea becomes) answer the loop's branch; no test.
	f := ssa.NewFunc("countdown", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b0, head, exit := f.NewBlock(), f.NewBlock(), f.NewBlock()
	n0, acc0 := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32)
	b0.Jump(head, n0, acc0)
	n, acc := head.NewParam(ssa.I32), head.NewParam(ssa.I32)
	head.LoopHeader = true
	acc1 := head.NewValue(ssa.OpI32Xor, ssa.I32, acc, n)
	n1 := head.NewValue(ssa.OpI32Sub, ssa.I32, n, head.NewValueAux(ssa.OpConstI32, ssa.I32, 1))
	head.BrIf(n1, ssa.Edge{Block: head, Args: []*ssa.Value{n1, acc1}}, ssa.Edge{Block: exit})
	exit.Return(acc1)
	code := ops(t, f)
	if containsSeq(code, "test") || !containsSeq(code, "xor", "sub", "jnz") {
		t.Errorf("countdown code: want the branch on the flags of the arithmetic, no test:\n%s", strings.Join(code, "\n"))
	}

	// A value tested where two paths join: the label between the sub and
	// the test (the other path arrives with other flags) keeps the test.
	g := ssa.NewFunc("join", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	c0, c1, c2, c3, c4 := g.NewBlock(), g.NewBlock(), g.NewBlock(), g.NewBlock(), g.NewBlock()
	x, y := c0.NewParam(ssa.I32), c0.NewParam(ssa.I32)
	c0.BrIf(y, ssa.Edge{Block: c1}, ssa.Edge{Block: c2, Args: []*ssa.Value{x}})
	c1.Jump(c2, c1.NewValue(ssa.OpI32Sub, ssa.I32, x, y))
	v := c2.NewParam(ssa.I32)
	c2.BrIf(v, ssa.Edge{Block: c3}, ssa.Edge{Block: c4})
	c3.Return(c3.NewValueAux(ssa.OpConstI32, ssa.I32, 1))
	c4.Return(v)
	code = ops(t, g)
	if !containsSeq(code, "sub", "test", "jz") {
		t.Errorf("join code: want the test kept after the join:\n%s", strings.Join(code, "\n"))
	}
}

// guardLoop builds sum += n; n -= 1 while n != 0, with the loop's
// interrupt check and, if withCall, a call in its body.
func guardLoop(withCall bool) *ssa.Func {
	f := ssa.NewFunc("guard", 0, sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32))
	b0, head, exit := f.NewBlock(), f.NewBlock(), f.NewBlock()
	n0, s0 := b0.NewParam(ssa.I32), b0.NewParam(ssa.I32)
	b0.Jump(head, n0, s0)
	n, s := head.NewParam(ssa.I32), head.NewParam(ssa.I32)
	head.LoopHeader = true
	head.NewValue(ssa.OpInterruptCheck, ssa.TypeNone)
	if withCall {
		call := head.NewValueAux(ssa.OpCall, ssa.I32, 0, s)
		call.Sig = sig([]ssa.Type{ssa.I32}, ssa.I32)
		s = call
	}
	s1 := head.NewValue(ssa.OpI32Add, ssa.I32, s, n)
	n1 := head.NewValue(ssa.OpI32Sub, ssa.I32, n, head.NewValueAux(ssa.OpConstI32, ssa.I32, 1))
	head.BrIf(n1, ssa.Edge{Block: head, Args: []*ssa.Value{n1, s1}}, ssa.Edge{Block: exit})
	exit.Return(s1)
	return f
}

func TestEmitLoopGuard(t *testing.T) {
	// The loop checks the preemption word through RBP, which holds its
	// address throughout Wasm code, with or without calls in the loop.
	for _, withCall := range []bool{false, true} {
		code := ops(t, guardLoop(withCall))
		if !containsSeq(code, "cmp qword ptr [rbp], -0x522", "jz") || slices.ContainsFunc(code, func(c string) bool {
			return strings.Contains(c, "[r14+0x58]")
		}) {
			t.Errorf("loop (call %v): want the check through RBP and no load of the address:\n%s", withCall, strings.Join(code, "\n"))
		}
	}
}

func TestEmitStackGuardCheck(t *testing.T) {
	// Compiled for guard pages, a function whose calls are direct leaves
	// a stack overflow to the guard region; one that calls a builtin
	// (whose stub uses the stack) checks the limit.
	limit := "qword ptr [r14+0x20]"
	checks := func(f *ssa.Func) bool {
		f.StackGuard = true
		return slices.ContainsFunc(ops(t, f), func(c string) bool {
			return strings.HasPrefix(c, "cmp rsp, ") && strings.HasSuffix(c, limit)
		})
	}
	if checks(guardLoop(true)) {
		t.Error("direct calls only: want no stack check")
	}
	f := guardLoop(false)
	b := f.Blocks[0]
	grow := b.NewValueAux(ssa.OpCallBuiltin, ssa.I32, int64(abi.BuiltinMemoryGrow),
		b.NewValueAux(ssa.OpConstI32, ssa.I32, 0), b.NewValueAux(ssa.OpConstI32, ssa.I32, 1))
	grow.Sig = sig([]ssa.Type{ssa.I32, ssa.I32}, ssa.I32)
	if !checks(f) {
		t.Error("a builtin call: want the stack check")
	}
}

func TestEmitLeafStackCheck(t *testing.T) {
	// A function that calls nothing and has a small frame skips the
	// stack limit check (abi.LeafFrame); one that calls keeps it.
	limit := "qword ptr [r14+0x20]"
	for _, withCall := range []bool{false, true} {
		code := ops(t, guardLoop(withCall))
		checked := false
		for _, c := range code {
			checked = checked || strings.HasSuffix(c, limit) && strings.HasPrefix(c, "cmp ")
		}
		if checked != withCall {
			t.Errorf("calls %v: stack check %v, want %v:\n%s", withCall, checked, withCall, strings.Join(code, "\n"))
		}
	}
}

func TestEmitCallIndirect(t *testing.T) {
	// An indirect call whose callee runs in the caller's instance is a
	// compare of R15 with the callee's vmctx, an untaken branch and the
	// call; the switch of R15 and R12 to another instance and back sits
	// out of line after the function's return, and jumps back.
	f := ssa.NewFunc("callind", 0, sig([]ssa.Type{ssa.I64, ssa.I64, ssa.I64}, ssa.I64))
	b := f.NewBlock()
	x, code, vm := b.NewParam(ssa.I64), b.NewParam(ssa.I64), b.NewParam(ssa.I64)
	call := b.NewValue(ssa.OpCallIndirect, ssa.I64, code, vm, x)
	call.Sig = sig([]ssa.Type{ssa.I64}, ssa.I64)
	b.Return(b.NewValue(ssa.OpI64Add, ssa.I64, call, x))
	got := ops(t, f)
	if !containsSeq(got, "cmp r15, r", "jnz", "call r", "add", "ret",
		"mov qword ptr [rsp", "mov r15, r", "mov r12, qword ptr [r15]", "call r",
		"mov r15, qword ptr [rsp", "mov r12, qword ptr [r15]", "jmp") {
		t.Errorf("call_indirect code:\n%s", strings.Join(got, "\n"))
	}
	calls := 0
	for _, c := range got {
		if strings.HasPrefix(c, "call r") {
			calls++
		}
	}
	if calls != 2 {
		t.Errorf("want the call on the fast path and in the out-of-line switch, got %d calls:\n%s", calls, strings.Join(got, "\n"))
	}
}
