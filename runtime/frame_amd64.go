package runtime

import "github.com/wasmc/wasmc/backend"

// callerOf returns the return address and frame address of the caller of
// a function whose code range is fr, stopped at code offset off, with
// frame address (SP) sp. amd64 code keeps no frame pointer: from its Body
// on, a function's return address lies Frame bytes above its SP, and the
// caller's SP just above that.
func (e *execCtx) callerOf(fr backend.FuncRange, off uint32, sp uintptr) (ret, next uintptr, ok bool) {
	size := uintptr(fr.Frame)
	if off < fr.Body {
		size = 0
	}
	r, ok := e.stackWord(sp + size)
	return uintptr(r), sp + size + 8, ok
}

// stubCaller returns the return address into, and the SP of, the Wasm
// function that called the stub whose frame pointer is bp.
func (e *execCtx) stubCaller(bp uintptr) (ret, sp uintptr, ok bool) {
	r, ok := e.stackWord(bp + 8)
	return uintptr(r), bp + 16, ok
}
