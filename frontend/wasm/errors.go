package wasm

import (
	"errors"
	"fmt"
)

// ErrorKind separates the two ways a module can be rejected.
type ErrorKind uint8

const (
	// Malformed: the bytes (or text) are not a module at all.
	Malformed ErrorKind = iota
	// Invalid: a well-formed module that breaks a validation rule.
	Invalid
)

// Error is a decoding or validation failure. Msg starts with the wording the
// spec tests expect ("type mismatch", "unknown local", ...), so a test can
// match it by prefix; detail may follow after a colon.
type Error struct {
	Kind   ErrorKind
	Offset int // byte offset in the module binary; -1 if unknown
	Func   int // function index; -1 outside function bodies
	Msg    string
}

func (e *Error) Error() string {
	kind := "malformed module"
	if e.Kind == Invalid {
		kind = "invalid module"
	}
	switch {
	case e.Func >= 0 && e.Offset >= 0:
		return fmt.Sprintf("%s: func %d at offset %#x: %s", kind, e.Func, e.Offset, e.Msg)
	case e.Offset >= 0:
		return fmt.Sprintf("%s: at offset %#x: %s", kind, e.Offset, e.Msg)
	}
	return kind + ": " + e.Msg
}

// Malformedf returns a Malformed error at offset.
func Malformedf(offset int, format string, args ...any) *Error {
	return &Error{Kind: Malformed, Offset: offset, Func: -1, Msg: fmt.Sprintf(format, args...)}
}

// Invalidf returns an Invalid error at offset.
func Invalidf(offset int, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Offset: offset, Func: -1, Msg: fmt.Sprintf(format, args...)}
}

// ErrUnsupported is matched (errors.Is) by every error saying that wasmc
// validates a construct but cannot compile or run it yet.
var ErrUnsupported = errors.New("not supported yet")

// Unsupported returns an error for a construct the compiler lacks; it
// matches ErrUnsupported.
func Unsupported(what string) error { return unsupportedError(what) }

type unsupportedError string

func (e unsupportedError) Error() string {
	return "wasmc: compiling " + string(e) + " is not supported yet"
}

func (e unsupportedError) Is(target error) bool { return target == ErrUnsupported }
