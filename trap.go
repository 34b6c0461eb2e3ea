package wasmc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wasmc/wasmc/runtime"
	"github.com/wasmc/wasmc/runtime/abi"
)

// TrapKind says why Wasm execution trapped.
type TrapKind uint32

// The traps of WebAssembly 2.0, and interruption by the call's context.
const (
	TrapUnreachable          = TrapKind(abi.TrapUnreachable)
	TrapIntegerDivideByZero  = TrapKind(abi.TrapIntegerDivideByZero)
	TrapIntegerOverflow      = TrapKind(abi.TrapIntegerOverflow)
	TrapInvalidConversion    = TrapKind(abi.TrapInvalidConversion)
	TrapOutOfBoundsMemory    = TrapKind(abi.TrapOutOfBoundsMemory)
	TrapOutOfBoundsTable     = TrapKind(abi.TrapOutOfBoundsTable)
	TrapUndefinedElement     = TrapKind(abi.TrapUndefinedElement)
	TrapUninitializedElement = TrapKind(abi.TrapUninitializedElement)
	TrapIndirectCallType     = TrapKind(abi.TrapIndirectCallType)
	TrapNullReference        = TrapKind(abi.TrapNullReference)
	TrapStackExhausted       = TrapKind(abi.TrapStackOverflow)
	TrapInterrupted          = TrapKind(abi.TrapInterrupted)
	TrapOutOfBoundsData      = TrapKind(abi.TrapOutOfBoundsData)
	TrapOutOfBoundsElem      = TrapKind(abi.TrapOutOfBoundsElem)
)

// String returns the specification's wording for the trap, such as
// "integer divide by zero" or "call stack exhausted".
func (k TrapKind) String() string { return abi.TrapCode(k).String() }

// Trap is a Wasm trap. Frames is the Wasm backtrace, innermost call first.
type Trap struct {
	Kind   TrapKind
	Frames []Frame
	cause  error
}

// Frame is one function activation in a backtrace.
type Frame struct {
	// Module is the module name of the name section, or "".
	Module string
	// Function is the function's name from the name section, or "".
	Function string
	// Index is the function's index in its module.
	Index uint32
}

func (f Frame) String() string {
	s := f.Function
	if s == "" {
		s = fmt.Sprintf("$%d", f.Index)
	}
	if f.Module != "" {
		s = f.Module + "." + s
	}
	return s
}

// Error returns the trap's message and backtrace, one frame per line.
func (t *Trap) Error() string {
	var b strings.Builder
	b.WriteString("wasm trap: ")
	b.WriteString(t.Kind.String())
	if t.cause != nil {
		b.WriteString(": ")
		b.WriteString(t.cause.Error())
	}
	for _, f := range t.Frames {
		b.WriteString("\n\tat ")
		b.WriteString(f.String())
	}
	return b.String()
}

// Unwrap returns the context error of an interrupted call, or nil.
func (t *Trap) Unwrap() error { return t.cause }

// convertError turns the runtime's traps into *Trap, keeping anything
// wrapped around them (a host function's error, say) as it is.
func convertError(err error) error {
	var rt *runtime.Trap
	if !errors.As(err, &rt) || err != error(rt) {
		return err
	}
	t := &Trap{Kind: TrapKind(rt.Code), cause: rt.Unwrap()}
	for _, f := range rt.Frames {
		t.Frames = append(t.Frames, Frame{Module: f.Module, Function: f.Name, Index: f.FuncIndex})
	}
	return t
}
