package validate

import (
	"errors"
	"runtime"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// bigModule returns a module of n functions of type [] -> [i32] whose
// bodies (about 1 KiB each, so that n=200 is above parallelMinBytes) use
// locals, calls, blocks and GC casts, so that validating them reads every
// part of the module context. Functions in bad have an invalid body.
func bigModule(n int, bad ...int) *wasm.Module {
	m := &wasm.Module{
		Types: []wasm.SubType{
			{Final: true, Kind: wasm.CompFunc, Func: wasm.FuncType{Results: []wasm.ValType{wasm.I32}}},
			{Kind: wasm.CompStruct},
			{Kind: wasm.CompStruct, Supers: []uint32{1}},
		},
		RecGroups: []wasm.RecGroup{{Start: 0, Len: 1}, {Start: 1, Len: 1}, {Start: 2, Len: 1}},
	}
	var body []byte
	for range 40 {
		body = append(body,
			0x02, 0x40, // block
			0x41, 0x01, 0x20, 0x00, 0x6a, 0x1a, // i32.const 1 local.get 0 i32.add drop
			0xd0, 0x02, 0xfb, 0x17, 0x01, 0x1a, // ref.null 2 ref.cast (ref null 1) drop
			0x10, 0x00, 0x1a, // call 0 drop
			0x0b) // end
	}
	good := append(body, 0x41, 0x00, 0x0b)                          // i32.const 0 end
	invalid := append(body[:len(body):len(body)], 0x42, 0x00, 0x0b) // i64.const 0 end
	isBad := map[int]bool{}
	for _, i := range bad {
		isBad[i] = true
	}
	for i := range n {
		m.Funcs = append(m.Funcs, 0)
		code := wasm.Code{Locals: []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, Body: good, Offset: uint32(i * 1000)}
		if isBad[i] {
			code.Body = invalid
		}
		m.Codes = append(m.Codes, code)
	}
	return m
}

func withProcs(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

func funcOf(t *testing.T, err error) int {
	t.Helper()
	var we *wasm.Error
	if !errors.As(err, &we) {
		t.Fatalf("got %v, want a *wasm.Error", err)
	}
	return we.Func
}

func TestParallelBodiesValid(t *testing.T) {
	withProcs(t, 4)
	m := bigModule(200)
	if err := Module(m, wasm.Default); err != nil {
		t.Fatal(err)
	}
}

// TestParallelBodiesLowestError checks that the reported error is that of
// the lowest-indexed invalid function however the chunks are scheduled.
func TestParallelBodiesLowestError(t *testing.T) {
	for _, procs := range []int{1, 2, 3, 8} {
		withProcs(t, procs)
		for _, bad := range [][]int{{0}, {199}, {150, 37, 180}, {100, 101, 5, 6}, {64, 199}} {
			want := 199
			for _, b := range bad {
				want = min(want, b)
			}
			for range 5 {
				err := Module(bigModule(200, bad...), wasm.Default)
				if got := funcOf(t, err); got != want {
					t.Fatalf("GOMAXPROCS %d, bad %v: error in function %d, want %d: %v", procs, bad, got, want, err)
				}
			}
		}
	}
}

// TestParallelBodiesModuleErrorFirst checks that module-level errors still
// come before body errors.
func TestParallelBodiesModuleErrorFirst(t *testing.T) {
	withProcs(t, 4)
	m := bigModule(200, 3)
	m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 1000}}
	if got := funcOf(t, Module(m, wasm.Default)); got != -1 {
		t.Fatalf("error in function %d, want the module-level export error", got)
	}
}

func TestSplitBySize(t *testing.T) {
	codes := make([]wasm.Code, 10)
	for i := range codes {
		codes[i].Body = make([]byte, 1+i*i)
	}
	total := 0
	for i := range codes {
		total += len(codes[i].Body)
	}
	for n := 1; n <= 12; n++ {
		b := splitBySize(codes, total, n)
		if b[0] != 0 || b[len(b)-1] != len(codes) || len(b) > n+1 {
			t.Fatalf("n=%d: bounds %v", n, b)
		}
		for k := 1; k < len(b); k++ {
			if b[k] <= b[k-1] {
				t.Fatalf("n=%d: empty chunk in bounds %v", n, b)
			}
		}
	}
}
