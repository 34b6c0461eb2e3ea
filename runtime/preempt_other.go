//go:build !linux || !(amd64 || arm64)

package runtime

// signalPreempt reports whether compiled code is preempted by signal: not
// on this platform, where loop headers keep their checks.
func signalPreempt() bool { return false }

func signalPreemptLoad() bool { return false }

func (e *execCtx) noteThread() {}
func (e *execCtx) wakeThread() {}
