package regalloc

import (
	"fmt"
	"testing"
)

// BenchmarkAllocate allocates large random functions (loops, diamonds,
// calls, fixed operands; operands drawn from recent values and a few
// long-lived ones) and reports the time per instruction.
func BenchmarkAllocate(b *testing.B) {
	for _, size := range []int{3000, 30000} {
		f := genProgramWindow(42, size, 4, 16)
		n := 0
		for _, blk := range f.blocks {
			n += len(blk.instrs)
		}
		info := toyInfo(8, 8)
		b.Run(fmt.Sprintf("instrs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Allocate(f, info); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instr")
		})
	}
}
