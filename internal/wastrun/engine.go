package wastrun

import (
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
)

// Engine executes modules for the runner. It provides the "spectest" host
// module itself. Scripts with threads call it from several goroutines.
type Engine interface {
	// Instantiate instantiates a decoded and validated module (bin is its
	// binary form), resolving imports against registered instances. A
	// failure to link is a *LinkError; a trap in the start function or
	// while initialising segments is a *Trap.
	Instantiate(m *wasm.Module, bin []byte) (Instance, error)
	// Register makes inst's exports importable under module name.
	Register(name string, inst Instance) error
}

// Instance is an instantiated module.
type Instance interface {
	// Invoke calls an exported function. A trap, exhaustion, uncaught
	// exception or unhandled suspension is a *Trap.
	Invoke(name string, args []wast.Value) ([]wast.Value, error)
	// Get reads an exported global.
	Get(name string) (wast.Value, error)
}

// TrapKind says how execution stopped abnormally.
type TrapKind uint8

const (
	// TrapPlain is an ordinary trap (assert_trap).
	TrapPlain TrapKind = iota
	// TrapExhaustion is call stack exhaustion (assert_exhaustion).
	TrapExhaustion
	// TrapException is an uncaught exception (assert_exception).
	TrapException
	// TrapSuspension is a suspension no handler took (assert_suspension).
	TrapSuspension
)

// Trap is an abnormal end of execution. Msg starts with the spec suite's
// wording ("integer divide by zero", "call stack exhausted", ...).
type Trap struct {
	Kind TrapKind
	Msg  string
}

func (t *Trap) Error() string { return t.Msg }

// LinkError is a failure to resolve or match an import ("unknown import",
// "incompatible import type").
type LinkError struct {
	Msg string
}

func (e *LinkError) Error() string { return e.Msg }
