package mach

import (
	"testing"

	"github.com/wasmc/wasmc/ssa"
)

func TestBrTableEntries(t *testing.T) {
	c := func(x int64) *ssa.Value { return &ssa.Value{Op: ssa.OpConstI32, AuxInt: x} }
	x := &ssa.Value{Op: ssa.OpI32Add}
	byteLoad := &ssa.Value{Op: ssa.OpI32Load8U}
	and := func(a, b *ssa.Value) *ssa.Value { return &ssa.Value{Op: ssa.OpI32And, Args: []*ssa.Value{a, b}} }
	for _, tc := range []struct {
		name    string
		v       *ssa.Value
		n, want int
		in      bool
	}{
		{"byte, 186 cases: padded", byteLoad, 186, 256, true},
		{"byte, 127 cases: the table doubles", byteLoad, 127, 256, true},
		{"byte, 126 cases: it would more than double", byteLoad, 126, 126, false},
		{"byte, 300 cases", byteLoad, 300, 300, true},
		{"mask 7, 5 cases", and(x, c(7)), 5, 8, true},
		{"mask 3 first, 5 cases", and(c(3), x), 5, 5, true},
		{"mask 0xffff", and(x, c(0xffff)), 40000, 65536, true},
		{"mask 0x10000: no bound", and(x, c(0x10000)), 70000, 70000, false},
		{"negative mask: no bound", and(x, c(-1)), 5, 5, false},
		{"unknown index", x, 5, 5, false},
	} {
		got, in := BrTableEntries(tc.v, tc.n)
		if got != tc.want || in != tc.in {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, in, tc.want, tc.in)
		}
	}
}
