//go:build unix

package bench

import "syscall"

// cpuSeconds is the CPU time (user and system) the process has used: on
// a shared machine it varies less with the load than wall time does.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
