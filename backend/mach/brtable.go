package mach

import "github.com/wasmc/wasmc/ssa"

// BrTableEntries returns how many entries before the default a br_table
// over n cases (n+1 successors) gives its jump table, and whether its
// index v then always has one, so that the range check can go. That holds
// when v is known to stay below a bound (256 for a byte loaded
// zero-extended, m+1 for a mask m under 2^16) and padding the table with
// the default's entries up to it at most doubles the table.
func BrTableEntries(v *ssa.Value, n int) (entries int, inRange bool) {
	bound := indexBound(v)
	if bound == 0 || bound > 2*int64(n+1) {
		return n, false
	}
	return max(n, int(bound)), true
}

// indexBound returns a number the i32 value v is known to be below, or 0.
func indexBound(v *ssa.Value) int64 {
	switch v.Op {
	case ssa.OpI32Load8U:
		return 256
	case ssa.OpI32And:
		for _, a := range v.Args {
			if a.Op == ssa.OpConstI32 && uint32(a.AuxInt) < 1<<16 {
				return int64(uint32(a.AuxInt)) + 1
			}
		}
	}
	return 0
}
