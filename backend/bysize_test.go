package backend

import (
	"slices"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// bySize orders the functions largest first and, among equal sizes, by
// index, whatever the sort: the compile order must not vary.
func TestBySize(t *testing.T) {
	sizes := []int{3, 7, 3, 0, 7, 1, 3}
	m := &wasm.Module{Funcs: make([]uint32, len(sizes)+1)} // one without a body
	for _, n := range sizes {
		m.Codes = append(m.Codes, wasm.Code{Body: make([]byte, n)})
	}
	want := []int32{1, 4, 0, 2, 6, 5, 3, 7}
	if got := bySize(m); !slices.Equal(got, want) {
		t.Errorf("bySize = %v, want %v", got, want)
	}
}
