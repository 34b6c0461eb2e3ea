package runtime

// LinkError is a failure to instantiate a module before anything runs: an
// import that is missing or of the wrong type, or (under WebAssembly 1.0
// rules) a segment that does not fit its table or memory. Msg uses the
// spec's wording.
type LinkError struct {
	Msg string
	Err error // the resolver's error, if any
}

func (e *LinkError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *LinkError) Unwrap() error { return e.Err }
