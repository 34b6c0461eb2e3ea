package wastrun

import (
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
)

// MatchResults reports whether got matches the expected results one for
// one, as the reference interpreter's assert_return does.
func MatchResults(want []wast.Result, got []wast.Value) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !MatchResult(&want[i], got[i]) {
			return false
		}
	}
	return true
}

// MatchResult reports whether v matches the pattern w.
func MatchResult(w *wast.Result, v wast.Value) bool {
	switch w.Kind {
	case wast.ResEither:
		for i := range w.Either {
			if MatchResult(&w.Either[i], v) {
				return true
			}
		}
		return false
	case wast.ResRefNull:
		return v.Kind == wast.ValRefNull
	case wast.ResRefType:
		return matchRefType(w.Heap, v)
	}
	e := w.Value
	if e.Kind != v.Kind {
		return false
	}
	switch e.Kind {
	case wast.ValI32, wast.ValF32:
		if w.NaN != wast.NotNaN {
			return matchNaN32(w.NaN, uint32(v.Lo))
		}
		return uint32(e.Lo) == uint32(v.Lo)
	case wast.ValI64, wast.ValF64:
		if w.NaN != wast.NotNaN {
			return matchNaN64(w.NaN, v.Lo)
		}
		return e.Lo == v.Lo
	case wast.ValV128:
		s := e.Shape
		for i := 0; i < s.Lanes(); i++ {
			x := v.Lane(s, i)
			switch n := nanAt(w, i); {
			case n == wast.NotNaN:
				if x != e.Lane(s, i) {
					return false
				}
			case s == wast.F32x4:
				if !matchNaN32(n, uint32(x)) {
					return false
				}
			default:
				if !matchNaN64(n, x) {
					return false
				}
			}
		}
		return true
	case wast.ValRefNull:
		return true
	case wast.ValRefExtern, wast.ValRefHost:
		return e.Lo == v.Lo
	}
	return false
}

func nanAt(w *wast.Result, i int) wast.NaN {
	if i < len(w.LaneNaN) {
		return w.LaneNaN[i]
	}
	return wast.NotNaN
}

func matchNaN32(n wast.NaN, x uint32) bool {
	const quiet = 0x7fc00000
	if n == wast.CanonicalNaN {
		return x&0x7fffffff == quiet
	}
	return x&quiet == quiet
}

func matchNaN64(n wast.NaN, x uint64) bool {
	const quiet = 0x7ff8000000000000
	if n == wast.CanonicalNaN {
		return x&0x7fffffffffffffff == quiet
	}
	return x&quiet == quiet
}

func isRef(k wast.ValueKind) bool { return k >= wast.ValRefNull }

// matchRefType follows the reference interpreter: (ref.any) and
// (ref.extern) accept any reference but a function (and (ref.extern) even
// that); the others need a non-null reference to that kind of object.
func matchRefType(h wasm.HeapType, v wast.Value) bool {
	if !isRef(v.Kind) {
		return false
	}
	switch h {
	case wasm.HeapExtern:
		return true
	case wasm.HeapAny:
		return !(v.Kind == wast.ValRef && v.Heap == wasm.HeapFunc)
	}
	if v.Kind != wast.ValRef {
		return false
	}
	if h == wasm.HeapEq {
		return v.Heap == wasm.HeapI31 || v.Heap == wasm.HeapStruct || v.Heap == wasm.HeapArray
	}
	return v.Heap == h
}

func resultString(r *wast.Result) string {
	switch r.Kind {
	case wast.ResEither:
		parts := make([]string, len(r.Either))
		for i := range r.Either {
			parts[i] = resultString(&r.Either[i])
		}
		return "(either " + strings.Join(parts, " ") + ")"
	case wast.ResRefNull:
		return "(ref.null)"
	case wast.ResRefType:
		return "(ref." + r.Heap.String() + ")"
	}
	switch {
	case r.NaN == wast.CanonicalNaN:
		return "nan:canonical"
	case r.NaN == wast.ArithmeticNaN:
		return "nan:arithmetic"
	}
	return r.Value.String()
}

func resultsString(rs []wast.Result) string {
	parts := make([]string, len(rs))
	for i := range rs {
		parts[i] = resultString(&rs[i])
	}
	return "[" + strings.Join(parts, " ") + "]"
}
