//go:build amd64 || arm64

package stackswitch

import "unsafe"

// handler is what compiled code calls, through the callback trampoline, on
// this goroutine's stack just below Enter (or Resume), while the Wasm
// frames wait on their own stack. It runs the host function the ExecCtx ec
// names and reports whether the Wasm stack must be abandoned (the host
// call failed; the handler has set the ExecCtx's status). callbackGo<>
// calls it directly in Go's register ABI, without a wrapper in between.
var handler = func(unsafe.Pointer) bool { panic("stackswitch: no host call handler") }

// callbackAddr returns the address of the callback trampoline.
func callbackAddr() uintptr

// SetHostHandler installs the function host calls from compiled code run
// (package runtime's) and returns the trampoline's address, which each
// ExecCtx's ExecCallback must hold. Install it once, before any Wasm runs.
func SetHostHandler(h func(ec unsafe.Pointer) (abandon bool)) uintptr {
	handler = h
	return callbackAddr()
}
