//go:build !amd64

package runtime

import "github.com/wasmc/wasmc/backend"

// callerOf returns the return address and frame pointer of the caller of
// the function whose frame pointer is fp: its frame record holds them.
func (e *execCtx) callerOf(_ backend.FuncRange, _ uint32, fp uintptr) (ret, next uintptr, ok bool) {
	r, ok1 := e.stackWord(fp + 8)
	n, ok2 := e.stackWord(fp)
	return uintptr(r), uintptr(n), ok1 && ok2
}

// stubCaller returns the return address into, and the frame pointer of,
// the Wasm function that called the stub whose frame pointer is bp.
func (e *execCtx) stubCaller(bp uintptr) (ret, fp uintptr, ok bool) {
	return e.callerOf(backend.FuncRange{}, 0, bp)
}
