package validate

import (
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Control frame kinds. The legacy exception frames change kind in place as
// catch clauses begin, because they share one label.
const (
	kindBlock uint8 = iota
	kindLoop
	kindIf
	kindElse
	kindTry      // legacy try, before its first catch
	kindCatch    // legacy catch tag
	kindCatchAll // legacy catch_all
	kindTryTable
	kindFunc
	kindConst
)

// ctrlFrame is one entry of the control stack (see the spec appendix's
// validation algorithm).
type ctrlFrame struct {
	params, results []wasm.ValType
	height          int // operand stack height at entry
	initHeight      int // local initialisation stack height at entry
	arenaMark       int // arena length to restore when the frame is popped
	kind            uint8
	unreachable     bool
}

func (f *ctrlFrame) labelTypes() []wasm.ValType {
	if f.kind == kindLoop {
		return f.params
	}
	return f.results
}

func (v *funcValidator) top() *ctrlFrame { return &v.ctrls[len(v.ctrls)-1] }

func (v *funcValidator) push(t wasm.ValType) { v.vals = append(v.vals, t) }

func (v *funcValidator) pushAll(ts []wasm.ValType) { v.vals = append(v.vals, ts...) }

// matches reports whether a value of type got may be used where want is
// expected. Bot (from a polymorphic stack) matches everything.
func (v *funcValidator) matches(got, want wasm.ValType) bool {
	if want.Kind != wasm.KindRef {
		return got.Kind == want.Kind || got.Kind == wasm.KindBot
	}
	if got == want || got.Kind == wasm.KindBot {
		return true
	}
	return got.Kind == wasm.KindRef && v.c.subtype(got, want)
}

// checkTop checks that the top of the operand stack matches want (whose last
// element is the top) without popping. It returns how many values it covered.
func (v *funcValidator) checkTop(want []wasm.ValType, off uint32) (int, error) {
	f := v.top()
	n := len(v.vals)
	avail := n - f.height
	for k := 0; k < len(want); k++ {
		w := want[len(want)-1-k]
		if k >= avail {
			if f.unreachable {
				return avail, nil
			}
			return 0, v.stackMismatch(want, off)
		}
		if !v.matches(v.vals[n-1-k], w) {
			return 0, v.stackMismatch(want, off)
		}
	}
	return len(want), nil
}

// popN pops values of the types want, the last one from the top.
func (v *funcValidator) popN(want []wasm.ValType, off uint32) error {
	n, k := len(v.vals), len(want)
	if n-v.ctrls[len(v.ctrls)-1].height >= k {
		// Fast path: all operands are on the stack.
		got := v.vals[n-k : n]
		for i, w := range want {
			if g := got[i]; g.Kind != w.Kind || w.Kind == wasm.KindRef {
				if !v.matches(g, w) {
					return v.stackMismatch(want, off)
				}
			}
		}
		v.vals = v.vals[:n-k]
		return nil
	}
	m, err := v.checkTop(want, off)
	if err != nil {
		return err
	}
	v.vals = v.vals[:len(v.vals)-m]
	return nil
}

// pop1 pops one value of type want.
func (v *funcValidator) pop1(want wasm.ValType, off uint32) error {
	f := v.top()
	n := len(v.vals)
	if n > f.height {
		if v.matches(v.vals[n-1], want) {
			v.vals = v.vals[:n-1]
			return nil
		}
	} else if f.unreachable {
		return nil
	}
	v.want1[0] = want
	return v.stackMismatch(v.want1[:], off)
}

// popAny pops one value of any type; Bot when the stack is polymorphic.
func (v *funcValidator) popAny(off uint32) (wasm.ValType, error) {
	f := v.top()
	n := len(v.vals)
	if n > f.height {
		t := v.vals[n-1]
		v.vals = v.vals[:n-1]
		return t, nil
	}
	if f.unreachable {
		return wasm.Bot, nil
	}
	return wasm.Bot, v.failf(off, "type mismatch: instruction requires a value but stack has []")
}

// popRef pops a reference; Bot becomes (ref bot).
func (v *funcValidator) popRef(off uint32) (wasm.ValType, error) {
	t, err := v.popAny(off)
	if err != nil {
		return t, v.failf(off, "type mismatch: instruction requires reference type but stack has []")
	}
	switch t.Kind {
	case wasm.KindRef:
		return t, nil
	case wasm.KindBot:
		return wasm.RefType(false, wasm.HeapBot), nil
	}
	return t, v.failf(off, "type mismatch: instruction requires reference type but stack has [%s]", t)
}

func (v *funcValidator) setUnreachable() {
	f := v.top()
	v.vals = v.vals[:f.height]
	f.unreachable = true
}

// pushCtrl opens a frame whose params have already been popped.
func (v *funcValidator) pushCtrl(kind uint8, params, results []wasm.ValType, mark int) {
	v.ctrls = append(v.ctrls, ctrlFrame{
		params: params, results: results,
		height: len(v.vals), initHeight: len(v.inits), arenaMark: mark, kind: kind,
	})
	v.pushAll(params)
}

// checkFrameEnd checks that the top frame's stack holds exactly its results,
// pops them and undoes the local initialisations made inside the frame.
func (v *funcValidator) checkFrameEnd(off uint32) error {
	f := v.top()
	n0 := len(v.vals)
	if err := v.popN(f.results, off); err != nil {
		return err
	}
	if len(v.vals) != f.height {
		return v.failf(off, "type mismatch: block requires %s but stack has %s",
			typesString(f.results), typesString(v.vals[f.height:n0]))
	}
	v.resetInits(f.initHeight)
	return nil
}

func (v *funcValidator) resetInits(height int) {
	for i := len(v.inits) - 1; i >= height; i-- {
		v.localInit[v.inits[i]] = false
	}
	v.inits = v.inits[:height]
}

// label returns the frame a branch to depth targets.
func (v *funcValidator) label(depth uint32, off uint32) (*ctrlFrame, error) {
	if uint64(depth) >= uint64(len(v.ctrls)) {
		return nil, v.failf(off, "unknown label %d", depth)
	}
	return &v.ctrls[len(v.ctrls)-1-int(depth)], nil
}

// single returns a one-element type list stored in the frame arena, so that
// value block types need no allocation per block.
func (v *funcValidator) single(t wasm.ValType) []wasm.ValType {
	i := len(v.arena)
	v.arena = append(v.arena, t)
	return v.arena[i : i+1 : i+1]
}

// stackMismatch reports want against the values on top of the stack in the
// reference interpreter's wording.
func (v *funcValidator) stackMismatch(want []wasm.ValType, off uint32) error {
	f := v.top()
	avail := len(v.vals) - f.height
	n := min(len(want), avail)
	var got []wasm.ValType
	if f.unreachable {
		for i := n; i < len(want); i++ {
			got = append(got, wasm.Bot)
		}
	}
	got = append(got, v.vals[len(v.vals)-n:]...)
	return v.failf(off, "type mismatch: instruction requires %s but stack has %s", typesString(want), typesString(got))
}

func typesString(ts []wasm.ValType) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.String())
	}
	b.WriteByte(']')
	return b.String()
}

// passThrough checks that the top of the stack matches ts and retypes it as
// ts: the operands a conditional branch leaves when it falls through.
func (v *funcValidator) passThrough(ts []wasm.ValType, off uint32) error {
	if err := v.popN(ts, off); err != nil {
		return err
	}
	v.pushAll(ts)
	return nil
}

// labelBefore checks that a label's types lt end with a supertype of last,
// the value a conditional branch adds, and returns the types before it.
func (v *funcValidator) labelBefore(lt []wasm.ValType, last wasm.ValType, off uint32) ([]wasm.ValType, error) {
	if len(lt) == 0 || !v.matches(last, lt[len(lt)-1]) {
		return nil, v.failf(off, "type mismatch: instruction requires type %s but label has %s", last, typesString(lt))
	}
	return lt[:len(lt)-1], nil
}
