//go:build !unix

package bench

// cpuSeconds is not measured here; BenchmarkCompile then reports zero.
func cpuSeconds() float64 { return 0 }
