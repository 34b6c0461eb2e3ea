package lower

// Checks names the safety checks the lowering inserts that a measurement
// may leave out.
type Checks uint8

const (
	// BoundsChecks are the explicit linear-memory bounds checks.
	BoundsChecks Checks = 1 << iota
	// InterruptChecks are the preemption checks at loop headers and
	// function entries (the backends' prologues read Omit too).
	InterruptChecks
)

// Omit removes the named checks from everything compiled while it is set.
// It exists only to measure what the checks cost (internal/bench): code
// compiled without bounds checks is unsafe to run, and without interrupt
// checks a looping call blocks the Go scheduler and cannot be cancelled.
// Set it only in a benchmark that compiles without a cache, and never while
// another compilation runs.
var Omit Checks
