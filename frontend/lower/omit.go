package lower

// Options are the code generation choices of a compilation, which the
// compiled code depends on (backend.Compiled records them).
type Options struct {
	// GuardPages leaves out the bounds checks of accesses to 32-bit
	// memories: the runtime must reserve 8 GiB and a guard for every such
	// memory, PROT_NONE beyond its length, and turn the faults of compiled
	// code into traps (runtime/fault_linux.go, docs/abi.md).
	GuardPages bool
}

// SetOptions sets the options of the functions built from now on.
func (l *Builder) SetOptions(o Options) { l.opts = o }

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
// compiled without bounds checks and without guard pages is unsafe to run,
// and without interrupt checks a looping call blocks the Go scheduler and
// cannot be cancelled. Set it only in a benchmark that compiles without a
// cache, and never while another compilation runs.
var Omit Checks
