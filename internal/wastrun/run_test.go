package wastrun

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
)

// Binary modules, so the tests depend on the decoder and validator only.
const (
	emptyMod = `(module binary "\00asm\01\00\00\00")`
	// A function of type [] -> [i32] with an empty body: type mismatch.
	invalidMod = `(module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00" "\0a\04\01\02\00\0b")`
	truncMod   = `(module binary "\00asm\01\00")`
	// Imports function "m" "f" of type [] -> [].
	importMod = `(module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\02\07\01\01m\01f\00\00")`
	// Defines func 0 ([] -> []) = unreachable, and starts it.
	startMod = `(module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\08\01\00" "\0a\05\01\03\00\00\0b")`
)

func run(t *testing.T, src string, e Engine) Result {
	t.Helper()
	s, err := wast.Parse("t.wast", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return Run(s, Options{Features: wasm.Default, Engine: e})
}

func outcomes(r Result) string {
	var b strings.Builder
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%d:%s ", c.Line, c.Outcome)
	}
	return strings.TrimSpace(b.String())
}

func TestRunWithoutEngine(t *testing.T) {
	src := strings.Join([]string{
		emptyMod,   // 1 pass
		invalidMod, // 2 fail
		`(assert_invalid ` + invalidMod + ` "type mismatch")`,    // 3 pass
		`(assert_invalid ` + emptyMod + ` "type mismatch")`,      // 4 fail
		`(assert_malformed ` + truncMod + ` "unexpected end")`,   // 5 pass
		`(assert_malformed ` + invalidMod + ` "bogus text")`,     // 6 pass, noted
		`(assert_unlinkable ` + importMod + ` "unknown import")`, // 7 skip
		`(assert_trap ` + startMod + ` "unreachable")`,           // 8 skip
		`(assert_trap ` + truncMod + ` "unreachable")`,           // 9 fail
		`(assert_return (invoke "f") (i32.const 1))`,             // 10 skip
		`(register "m")`, // 11 skip
		`(invoke "f")`,   // 12 skip
		`(module definition $D ` + `binary "\00asm\01\00\00\00")`,      // 13 pass
		`(module instance $I $D)`,                                      // 14 skip
		`(thread $T ` + emptyMod + ` ` + invalidMod + ` (invoke "g"))`, // 15 pass, 15 fail, 15 skip
		`(wait $T)`, // 16 skip
		`(assert_exhaustion (invoke "f") "call stack exhausted")`, // 17 skip
	}, "\n")
	r := run(t, src, nil)
	want := "1:pass 2:fail 3:pass 4:fail 5:pass 6:pass 7:skip 8:skip 9:fail 10:skip 11:skip 12:skip " +
		"13:pass 14:skip 15:pass 15:fail 15:skip 16:skip 17:skip"
	if got := outcomes(r); got != want {
		t.Fatalf("outcomes\n got %s\nwant %s", got, want)
	}
	if r.Passed != 6 || r.Failed != 4 || r.Skipped != 9 || r.MessageMismatches != 1 {
		t.Errorf("tally %d/%d/%d mismatches %d", r.Passed, r.Failed, r.Skipped, r.MessageMismatches)
	}
	for _, c := range r.Checks {
		if c.Outcome == Skip && c.Reason != needsEngine {
			t.Errorf("line %d skipped for %q", c.Line, c.Reason)
		}
		if c.Outcome == Fail && c.Reason == "" {
			t.Errorf("line %d failed without a reason", c.Line)
		}
	}
	if !strings.Contains(r.Checks[1].Reason, "type mismatch") {
		t.Errorf("invalid module reason = %q", r.Checks[1].Reason)
	}
}

// fakeEngine instantiates every module as a fakeInstance; modules with
// imports do not link unless something was registered, and modules with a
// start function trap.
type fakeEngine struct {
	mu         sync.Mutex
	registered map[string]Instance
	count      int
}

type fakeInstance struct{ id int }

func (e *fakeEngine) Instantiate(m *wasm.Module, bin []byte) (Instance, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(m.Imports) > 0 && e.registered[m.Imports[0].Module] == nil {
		return nil, &LinkError{Msg: "unknown import m.f"}
	}
	if m.HasStart {
		return nil, &Trap{Msg: "unreachable executed"}
	}
	e.count++
	return &fakeInstance{id: e.count}, nil
}

func (e *fakeEngine) Register(name string, inst Instance) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.registered == nil {
		e.registered = map[string]Instance{}
	}
	e.registered[name] = inst
	return nil
}

func (i *fakeInstance) Invoke(name string, args []wast.Value) ([]wast.Value, error) {
	switch name {
	case "id":
		return args, nil
	case "which":
		return []wast.Value{{Kind: wast.ValI32, Lo: uint64(i.id)}}, nil
	case "div":
		return nil, &Trap{Msg: "integer divide by zero"}
	case "deep":
		return nil, &Trap{Kind: TrapExhaustion, Msg: "call stack exhausted"}
	case "throw":
		return nil, &Trap{Kind: TrapException, Msg: "uncaught exception"}
	case "nan":
		return []wast.Value{{Kind: wast.ValF32, Lo: 0x7fc00000}, {Kind: wast.ValF64, Lo: 0xfff8000000000001}}, nil
	case "struct":
		return []wast.Value{{Kind: wast.ValRef, Heap: wasm.HeapStruct}}, nil
	case "boom":
		panic("engine bug")
	}
	return nil, fmt.Errorf("unknown export %q", name)
}

func (i *fakeInstance) Get(name string) (wast.Value, error) {
	if name == "g" {
		return wast.Value{Kind: wast.ValI64, Lo: 42}, nil
	}
	return wast.Value{}, fmt.Errorf("unknown global %q", name)
}

func TestRunWithEngine(t *testing.T) {
	src := strings.Join([]string{
		`(module $A binary "\00asm\01\00\00\00")`,                                             // 1 pass (instance 1)
		`(assert_return (invoke "id" (i32.const 7)) (i32.const 7))`,                           // 2 pass
		`(assert_return (invoke "id" (i32.const 7)) (i32.const 8))`,                           // 3 fail
		`(assert_return (invoke "nan") (f32.const nan:canonical) (f64.const nan:arithmetic))`, // 4 pass
		`(assert_return (invoke "nan") (f32.const nan:canonical))`,                            // 5 fail: arity
		`(assert_return (invoke "id" (i64.const 1)) (either (i64.const 0) (i64.const 1)))`,    // 6 pass
		`(assert_return (invoke "struct") (ref.eq))`,                                          // 7 pass
		`(assert_return (invoke "struct") (ref.array))`,                                       // 8 fail
		`(assert_return (get "g") (i64.const 42))`,                                            // 9 pass
		`(assert_trap (invoke "div") "integer divide")`,                                       // 10 pass
		`(assert_trap (invoke "deep") "call stack exhausted")`,                                // 11 fail: wrong kind
		`(assert_exhaustion (invoke "deep") "call stack exhausted")`,                          // 12 pass
		`(assert_exception (invoke "throw"))`,                                                 // 13 pass
		`(assert_trap (invoke "id") "unreachable")`,                                           // 14 fail: returned
		`(assert_unlinkable ` + importMod + ` "unknown import")`,                              // 15 pass
		`(assert_trap ` + startMod + ` "unreachable")`,                                        // 16 pass
		`(assert_uninstantiable ` + startMod + ` "unreachable")`,                              // 17 pass
		`(register "m" $A)`, // 18 pass
		importMod,           // 19 pass (instance 2)
		`(assert_unlinkable ` + importMod + ` "unknown import")`, // 20 fail: links now
		`(assert_return (invoke "which") (i32.const 2))`,         // 21 pass
		`(assert_return (invoke $A "which") (i32.const 1))`,      // 22 pass
		`(invoke "boom")`,     // 23 fail: panic
		`(invoke $Nope "id")`, // 24 fail
		`(thread $T (shared (module $A)) (assert_return (invoke $A "which") (i32.const 1)))`,
		`(wait $T)`, // 26 pass, then 25 pass from the thread
	}, "\n")
	r := run(t, src, &fakeEngine{})
	want := "1:pass 2:pass 3:fail 4:pass 5:fail 6:pass 7:pass 8:fail 9:pass 10:pass 11:fail 12:pass " +
		"13:pass 14:fail 15:pass 16:pass 17:pass 18:pass 19:pass 20:fail 21:pass 22:pass 23:fail 24:fail " +
		"25:pass 26:pass"
	if got := outcomes(r); got != want {
		t.Fatalf("outcomes\n got %s\nwant %s", got, want)
	}
	if r.Passed != 18 || r.Failed != 8 || r.Skipped != 0 {
		t.Errorf("tally %d/%d/%d", r.Passed, r.Failed, r.Skipped)
	}
	if reason := r.Checks[22].Reason; !strings.Contains(reason, "panic: engine bug") {
		t.Errorf("panic reason = %q", reason)
	}
}

func TestMatchResult(t *testing.T) {
	f32 := func(bits uint32) wast.Value { return wast.Value{Kind: wast.ValF32, Lo: uint64(bits)} }
	f64 := func(bits uint64) wast.Value { return wast.Value{Kind: wast.ValF64, Lo: bits} }
	ref := func(h wasm.HeapType) wast.Value { return wast.Value{Kind: wast.ValRef, Heap: h} }
	null := wast.Value{Kind: wast.ValRefNull, Heap: wasm.HeapNone}
	canon32 := wast.Result{Value: wast.Value{Kind: wast.ValF32}, NaN: wast.CanonicalNaN}
	arith32 := wast.Result{Value: wast.Value{Kind: wast.ValF32}, NaN: wast.ArithmeticNaN}
	canon64 := wast.Result{Value: wast.Value{Kind: wast.ValF64}, NaN: wast.CanonicalNaN}
	arith64 := wast.Result{Value: wast.Value{Kind: wast.ValF64}, NaN: wast.ArithmeticNaN}
	typ := func(h wasm.HeapType) wast.Result { return wast.Result{Kind: wast.ResRefType, Heap: h} }
	vec := wast.Result{Value: wast.Value{Kind: wast.ValV128, Shape: wast.F32x4}, LaneNaN: [4]wast.NaN{wast.CanonicalNaN}}
	vec.Value.SetLane(wast.F32x4, 1, 0x3f800000)
	got := wast.Value{Kind: wast.ValV128}
	got.SetLane(wast.F32x4, 0, 0xffc00000)
	got.SetLane(wast.F32x4, 1, 0x3f800000)
	bad := got
	bad.SetLane(wast.F32x4, 0, 0x7fc00001)
	i32 := func(x uint64) wast.Result { return wast.Result{Value: wast.Value{Kind: wast.ValI32, Lo: x}} }

	for _, c := range []struct {
		name string
		w    wast.Result
		v    wast.Value
		want bool
	}{
		{"i32", i32(5), wast.Value{Kind: wast.ValI32, Lo: 5}, true},
		{"i32 kind", i32(5), wast.Value{Kind: wast.ValI64, Lo: 5}, false},
		{"f32 bits", wast.Result{Value: f32(0x80000000)}, f32(0), false},
		{"canonical", canon32, f32(0x7fc00000), true},
		{"canonical neg", canon32, f32(0xffc00000), true},
		{"canonical payload", canon32, f32(0x7fc00001), false},
		{"arithmetic", arith32, f32(0x7fc00001), true},
		{"arithmetic signalling", arith32, f32(0x7f800001), false},
		{"canonical64", canon64, f64(0x7ff8000000000000), true},
		{"canonical64 payload", canon64, f64(0x7ff8000000000001), false},
		{"arithmetic64", arith64, f64(0xfff8000000000001), true},
		{"arithmetic64 inf", arith64, f64(0x7ff0000000000000), false},
		{"v128 lanes", vec, got, true},
		{"v128 lane nan", vec, bad, false},
		{"either", wast.Result{Kind: wast.ResEither, Either: []wast.Result{i32(1), i32(2)}}, wast.Value{Kind: wast.ValI32, Lo: 2}, true},
		{"either none", wast.Result{Kind: wast.ResEither, Either: []wast.Result{i32(1), i32(2)}}, wast.Value{Kind: wast.ValI32, Lo: 3}, false},
		{"null", wast.Result{Kind: wast.ResRefNull}, null, true},
		{"null nonnull", wast.Result{Kind: wast.ResRefNull}, ref(wasm.HeapFunc), false},
		{"ref.null func", wast.Result{Value: wast.Value{Kind: wast.ValRefNull, Heap: wasm.HeapFunc}}, null, true},
		{"ref.extern", wast.Result{Value: wast.Value{Kind: wast.ValRefExtern, Lo: 3}}, wast.Value{Kind: wast.ValRefExtern, Lo: 3}, true},
		{"ref.extern other", wast.Result{Value: wast.Value{Kind: wast.ValRefExtern, Lo: 3}}, wast.Value{Kind: wast.ValRefExtern, Lo: 4}, false},
		{"ref.extern host", wast.Result{Value: wast.Value{Kind: wast.ValRefExtern, Lo: 3}}, wast.Value{Kind: wast.ValRefHost, Lo: 3}, false},
		{"ref.func", typ(wasm.HeapFunc), ref(wasm.HeapFunc), true},
		{"ref.func null", typ(wasm.HeapFunc), null, false},
		{"ref.any func", typ(wasm.HeapAny), ref(wasm.HeapFunc), false},
		{"ref.any host", typ(wasm.HeapAny), wast.Value{Kind: wast.ValRefHost, Lo: 1}, true},
		{"ref.eq i31", typ(wasm.HeapEq), ref(wasm.HeapI31), true},
		{"ref.eq func", typ(wasm.HeapEq), ref(wasm.HeapFunc), false},
		{"ref.struct array", typ(wasm.HeapStruct), ref(wasm.HeapArray), false},
		{"ref.extern any", typ(wasm.HeapExtern), ref(wasm.HeapStruct), true},
		{"ref on number", typ(wasm.HeapExtern), wast.Value{Kind: wast.ValI32}, false},
	} {
		if got := MatchResult(&c.w, c.v); got != c.want {
			t.Errorf("%s: MatchResult = %v, want %v", c.name, got, c.want)
		}
	}
}
