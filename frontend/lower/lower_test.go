package lower

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// lowerWAT lowers function index fi of a WAT module, verifies it and, when
// opt is set, optimizes it (verifying after every pass).
func lowerWAT(t *testing.T, src string, fi uint32, opt bool) (*ssa.Func, *abi.Layout) {
	t.Helper()
	bin, err := text.ParseModule([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := binary.Decode(bin, wasm.V2)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Module(m, wasm.V2); err != nil {
		t.Fatal(err)
	}
	layout := abi.NewLayout(m)
	f, err := Function(m, layout, fi)
	if err != nil {
		t.Fatal(err)
	}
	if err := ssa.Verify(f); err != nil {
		t.Fatalf("%v\n%s", err, f)
	}
	if opt {
		if err := ssa.Optimize(f, ssa.Config{Verify: true}); err != nil {
			t.Fatalf("%v\n%s", err, f)
		}
	}
	return f, layout
}

// countOps counts the values (terminators included) with op.
func countOps(f *ssa.Func, op ssa.Op) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == op {
				n++
			}
		}
		if b.Term.Op == op {
			n++
		}
	}
	return n
}

func wantLines(t *testing.T, f *ssa.Func, lines ...string) {
	t.Helper()
	s := f.String()
	for _, l := range lines {
		if !strings.Contains(s, l) {
			t.Errorf("missing %q in\n%s", l, s)
		}
	}
}

func TestLowerControlFlow(t *testing.T) {
	f, _ := lowerWAT(t, `(module
	  (func (param i32 i32) (result i32) (local i64)
	    (local.set 2 (i64.const 5))
	    (block (result i32)
	      (loop
	        (br_if 1 (i32.const 7) (local.get 0))
	        (local.set 0 (i32.div_s (local.get 0) (local.get 1)))
	        (br_table 0 0 (local.get 0)))
	      (i32.const 3))))`, 0, false)
	// Locals 0 and 1 become loop parameters; the div_s checks precede it.
	wantLines(t, f,
		"b0(v1: i32, v2: i32):",
		"jump b2(v1, v2)",
		"b2(v9: i32, v11: i32): ; loop ; preds b0 b3 b3",
		"interrupt_check",
		"br_if v9, b1(v8), b3()",
		"v12 = i32.eqz v11",
		"trap_if v12 [integer divide by zero]",
		"v15 = i32.eq v9, v14",
		"v17 = i32.eq v11, v16",
		"v18 = i32.and v15, v17",
		"trap_if v18 [integer overflow]",
		"v20 = i32.div_s v9, v11",
		"br_table v20, b2(v20, v11), b2(v20, v11)",
		"b1(v5: i32): ; preds b2",
		"return v5")
	if strings.Contains(f.String(), "i32.const 3\n") {
		t.Errorf("unreachable code lowered:\n%s", f)
	}
	f, _ = lowerWAT(t, `(module
	  (func (param i32) (result i32) (local i32)
	    (if (result i32) (local.get 0)
	      (then (local.set 1 (i32.const 10)) (i32.const 1))
	      (else (local.set 1 (i32.const 20)) (i32.const 2)))
	    (local.get 1)
	    i32.add))`, 0, true)
	// The merge block takes the if result and local 1 as parameters.
	merge := f.Blocks[len(f.Blocks)-1]
	if len(merge.Params) != 2 || merge.Term.Op != ssa.OpReturn {
		t.Errorf("if merge block wrong:\n%s", f)
	}
}

// TestLowerLocalParams checks that the lowering itself only gives blocks
// the parameters locals need: none at a merge where every path has the
// same value, none at a loop header for a local the loop does not assign,
// even in a nested loop or when read after the loop. (Loops are scanned
// in functions with at least scanMinLocals locals.)
func TestLowerLocalParams(t *testing.T) {
	f, _ := lowerWAT(t, `(module
	  (func (param i32 i32) (result i32) (local i32 i32 i32 i32 i32 i32)
	    (if (local.get 0) (then (local.set 2 (i32.const 1))))
	    (if (local.get 2) (then (nop)) (else (drop (i32.const 5))))
	    (loop
	      (loop
	        (local.set 2 (i32.add (local.get 2) (local.get 1)))
	        (br_if 0 (local.get 0)))
	      (br_if 0 (local.get 1)))
	    (i32.add (local.get 1) (local.get 2))))`, 0, false)
	// Local 2 merges after the first if (one parameter) and changes in
	// both loops (one each); locals 0 and 1 never need one.
	params := 0
	for _, b := range f.Blocks[1:] {
		params += len(b.Params)
	}
	if params != 3 {
		t.Errorf("%d block parameters, want 3:\n%s", params, f)
	}
	wantLines(t, f, "i32.add v2, ")
}

func TestLowerRemKeepsMinusOne(t *testing.T) {
	f, _ := lowerWAT(t, `(module (func (param i64 i64) (result i64)
	  (i64.rem_s (local.get 0) (local.get 1))))`, 0, true)
	if countOps(f, ssa.OpTrapIf) != 1 || countOps(f, ssa.OpI64RemS) != 1 {
		t.Errorf("rem_s must check only the zero divisor:\n%s", f)
	}
	f, _ = lowerWAT(t, `(module (func (param i32) (result i32)
	  (i32.div_u (local.get 0) (i32.const 8))))`, 0, true)
	if countOps(f, ssa.OpTrapIf) != 0 {
		t.Errorf("constant divisor still checked:\n%s", f)
	}
}

func TestLowerTruncChecks(t *testing.T) {
	f, _ := lowerWAT(t, `(module (func (param f64) (result i32)
	  (i32.trunc_f64_s (local.get 0))))`, 0, true)
	wantLines(t, f,
		"= f64.ne v1, v1",
		"[invalid conversion to integer]",
		"= f64.le v1, v",
		"f64.const 0xc1e0000000200000 -2.147483649e+09",
		"f64.const 0x41e0000000000000 2.147483648e+09",
		"[integer overflow]",
		"= i32.trunc_f64_s v1")
	f, _ = lowerWAT(t, `(module (func (param f32) (result i64)
	  (i64.trunc_sat_f32_u (local.get 0))))`, 0, true)
	if countOps(f, ssa.OpTrapIf) != 0 || countOps(f, ssa.OpI64TruncSatF32U) != 1 {
		t.Errorf("saturating truncation has checks:\n%s", f)
	}
}

func TestLowerMemory(t *testing.T) {
	f, layout := lowerWAT(t, `(module (memory 1) (global $g (mut i64) (i64.const 0))
	  (func (param i32) (result i32)
	    (i64.store16 offset=3000000000 (local.get 0) (global.get $g))
	    (global.set $g (i64.load8_s offset=4 (local.get 0)))
	    (drop (memory.grow (i32.const 1)))
	    (memory.fill (local.get 0) (i32.const 0) (i32.const 16))
	    (memory.size)))`, 0, false)
	// The defined global's cell and memory's record lie in the vmctx: an
	// address the backends fold into the access, no pointer to load.
	wantLines(t, f,
		"i64.const "+strconv.Itoa(int(layout.OwnGlobal(0))),
		"i64.const "+strconv.Itoa(int(layout.OwnMemory(0))),
		"= i64.add v0, v",
		"= i64.add v0, v",
		"i64.const 3000000002",
		"trap_if v",
		"[out of bounds memory access]",
		"i64.const 3000000000",
		"i64.store16 v",
		"= i64.load8_s v",
		"[+4]",
		"= call_builtin v",
		"[memory.grow] (i32, i32) -> (i32)",
		"= i64.gt_u v",
		"[out of bounds memory access]",
		"mem.fill v",
		"i64.shr_u")
	// The store's, the load's, and memory.fill's of its whole range
	// (filled inline, without a call to Go).
	if countOps(f, ssa.OpTrapIf) != 3 || countOps(f, ssa.OpMemFill) != 1 || countOps(f, ssa.OpCallBuiltin) != 1 {
		t.Errorf("want three bounds checks, one mem.fill and one builtin call (memory.grow):\n%s", f)
	}
}

func TestLowerImportedCells(t *testing.T) {
	// Imported globals and memories live elsewhere: their cell and record
	// pointers are loaded from the vmctx.
	f, layout := lowerWAT(t, `(module (import "e" "m" (memory 1)) (import "e" "g" (global $g (mut i32)))
	  (func (param i32) (result i32)
	    (i32.add (global.get $g) (i32.load (local.get 0)))))`, 0, true)
	wantLines(t, f,
		"= i64.load v0 [+"+strconv.Itoa(int(layout.Memory(0)))+"]",
		"= i64.load v0 [+"+strconv.Itoa(int(layout.Global(0)))+"]")
}

func TestLowerCalls(t *testing.T) {
	src := `(module
	  (import "env" "h" (func $h (param i32) (result i32 i64)))
	  (table 2 funcref) (elem (i32.const 0) $f)
	  (type $t (func (param i32) (result i32 i64)))
	  (func $f (param i32) (result i32 i64)
	    (call $h (local.get 0)))
	  (func (param i32) (result i32)
	    (call $f (local.get 0))
	    (call_indirect (type $t) (i32.const 1) (local.get 0))
	    (drop) (drop) (drop))
	  (func (result funcref) (ref.func $f)))`
	f, layout := lowerWAT(t, src, 1, true)
	wantLines(t, f,
		"= i64.load v0 [+"+strconv.Itoa(int(layout.ImportedFunc(0)))+"]",
		"= i64.load v0 [+"+strconv.Itoa(int(layout.ImportedFunc(0))+8)+"]",
		"= call_indirect v",
		"(i32) -> (i32, i64)",
		"= extract v",
		"[0]", "[1]")
	g, _ := lowerWAT(t, src, 2, true)
	wantLines(t, g, "= call v1 [f1] (i32) -> (i32, i64)",
		"[undefined element]", "[uninitialized element]", "[indirect call type mismatch]",
		"= i32.load v0 [+"+strconv.Itoa(int(layout.TypeID(0)))+"]")
	h, _ := lowerWAT(t, src, 3, true)
	wantLines(t, h, "i64.const "+strconv.Itoa(int(layout.FuncRef(1))), "= i64.add v0, v")
}

func TestLowerTablesAndRefs(t *testing.T) {
	f, _ := lowerWAT(t, `(module (table $a 1 externref) (table $b 1 funcref) (elem funcref)
	  (func (param externref i32) (result i32)
	    (table.set $a (local.get 1) (local.get 0))
	    (drop (table.grow $a (ref.null extern) (i32.const 2)))
	    (table.fill $a (i32.const 0) (local.get 0) (i32.const 1))
	    (table.copy $b $b (i32.const 0) (i32.const 0) (i32.const 0))
	    (table.init $b 0 (i32.const 0) (i32.const 0) (i32.const 0))
	    (elem.drop 0)
	    (drop (select (result externref) (local.get 0) (table.get $a (i32.const 0)) (local.get 1)))
	    (i32.add (table.size $b) (ref.is_null (local.get 0)))))`, 0, true)
	wantLines(t, f, "[out of bounds table access]", "i64.store v",
		"[table.grow] (i32, i64, i32) -> (i32)", "[table.fill]", "[table.copy]", "[table.init]",
		"[elem.drop]", "= i64.eqz v1")
}

func TestLowerErrors(t *testing.T) {
	bin, err := text.ParseModule([]byte(`(module (func (result i32) (i32.const 1)))`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := binary.Decode(bin, wasm.V2)
	if err != nil {
		t.Fatal(err)
	}
	layout := abi.NewLayout(m)
	if _, err := Function(m, layout, 1); err == nil {
		t.Error("no error for a missing function")
	}
	// A body that underflows the stack (not validated) is an error, not a panic.
	m.Codes[0].Body = []byte{0x6a, 0x0b}
	if _, err := Function(m, layout, 0); err == nil || !strings.Contains(err.Error(), "underflow") {
		t.Errorf("got %v, want an underflow error", err)
	}
	m.Codes[0].Body = []byte{0x41, 0x01}
	if _, err := Function(m, layout, 0); err == nil {
		t.Error("no error for a body without end")
	}
}
