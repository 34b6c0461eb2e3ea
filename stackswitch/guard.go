package stackswitch

import (
	"errors"
	"sync"
	"unsafe"

	"github.com/wasmc/wasmc/runtime/abi"
)

// The runtime.g fields Wasm relies on: g starts with its stack bounds (lo,
// hi) followed by stackguard0, the word the Go runtime sets to
// abi.PreemptRequest to ask the goroutine to stop. Go's own assembly
// depends on this layout (g_stackguard0 in every function prologue), so it
// is as stable as the runtime's ABI; CheckRuntime verifies it anyway.
const (
	gStackLo    = 0
	gStackHi    = 8
	gStackGuard = 16
)

var checkOnce = sync.OnceValue(checkG)

// CheckRuntime reports whether this Go runtime's goroutine layout is the
// one compiled code reads (see gStackGuard): the running goroutine's stack
// bounds must enclose the current stack and its guard must lie between
// them. Running Wasm under a runtime that fails it would never yield to the
// Go scheduler, so callers refuse to run instead.
func CheckRuntime() error { return checkOnce() }

//go:noinline
func checkG() error {
	if !Supported {
		return nil
	}
	g := currentG()
	var local int
	sp := uintptr(unsafe.Pointer(&local))
	lo := *(*uintptr)(unsafe.Add(g, gStackLo))
	hi := *(*uintptr)(unsafe.Add(g, gStackHi))
	guard := *(*uintptr)(unsafe.Add(g, gStackGuard))
	// The guard may hold a pending preemption request instead of a limit.
	if !(lo < sp && sp < hi && (lo < guard && guard < sp || guard == abi.PreemptRequest)) {
		return errors.New("stackswitch: unexpected goroutine layout in this Go runtime; Wasm cannot run")
	}
	return nil
}

// GuardAddr returns the address of the running goroutine's preemption word
// (what Enter and Resume store in abi.ExecPreempt).
func GuardAddr() uintptr { return uintptr(currentG()) + gStackGuard }

// Yield answers the preemption request that made Wasm exit with
// abi.StatusYield. It must run before the goroutine calls any other Go
// function that checks its stack: the request is still in stackguard0, so
// the prologue of Yield's call takes Go's own synchronous-preemption path
// (morestack, newstack), which parks the goroutine when the runtime wants it
// stopped (a stack scan: preemptStop) and reschedules it otherwise.
// runtime.Gosched cannot stand in: it is nosplit and only requeues the
// goroutine, which can run again before the stack scanner sees it stopped,
// so a scan waits through round after round of requests (seconds under
// qemu, and once past a minute in CI). When the request was already served
// (the guard was reset), Yield returns at once.
//
//go:noinline
func Yield() { yieldCheck() }

// yieldCheck gives Yield a call, without which the compiler would drop the
// stack check of a small leaf function.
//
//go:noinline
func yieldCheck() {}
