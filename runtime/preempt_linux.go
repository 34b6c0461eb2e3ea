//go:build linux && (amd64 || arm64)

package runtime

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/runtime/abi"
)

// The SIGURG handler (preemptHandler<> in fault_linux_*.s) sits in
// front of Go's, like the fault handler. When the Go runtime asks a
// goroutine that runs compiled code to stop, it stores abi.PreemptRequest
// in the goroutine's stack guard and sends the thread SIGURG; Go's
// handler finds a PC outside Go and does nothing else. Ours, when the PC
// lies in a module's functions and the request is there, makes the thread
// resume at the backend's PreemptStub as if the interrupted instruction
// had called it; the stub exits with StatusPreempted, Go yields as at a
// check, and the stub returns to the instruction. Then it hands the
// signal on to Go's handler, which clears the thread's pending-signal
// mark so that Go keeps sending them.

// Constants for the assembly (go_asm.h).
const (
	preemptRequest = abi.PreemptRequest
	// preemptLowSP is how far below ExecStackLimit the stack may already
	// reach for PreemptStub still to fit above the guard page.
	preemptLowSP = stackMargin - preemptStubRoom
)

var (
	preemptStub  uintptr // PreemptStub's code, mapped once
	preemptGoURG uintptr // Go's SIGURG handler, which ours chains to
	preemptCount uint64  // threads sent to PreemptStub (for tests)
)

// preemptHandlerAddr returns the address of the assembly handler.
func preemptHandlerAddr() uintptr

// signalPreempt reports whether compiled code is preempted by signal,
// installing the handler the first time.
func signalPreempt() bool { return signalPreemptReady() == nil }

// signalPreemptLoad reports whether a module being loaded may skip its
// loops' checks: signal preemption is on and the handler is still in
// front of SIGURG, where it has been since it was installed. Anything
// that moves it (signal.Ignore, signal.Reset, signal.Notify) ends signal
// preemption for good: while SIGURG was ignored or at its default, the
// kernel dropped the Go runtime's preemption signals, and Go sends a
// thread no more of them until its handler has seen the last one (the
// per-thread pending mark, runtime.preemptM), so some threads never get
// one again. A loop without checks on such a thread stops only for
// cancellations (which signal the thread themselves), and a GC waiting
// for it waits for ever. Modules loaded from then on keep their checks;
// ignoring SIGURG after a module is loaded (or setting
// GODEBUG=asyncpreemptoff=1 from within the program) stops the signals
// its loops rely on, as it does for Go's own loops without calls.
func signalPreemptLoad() bool {
	if !signalPreempt() || !signalPreemptWanted() { // GODEBUG may have changed
		return false
	}
	if preemptDisplaced.Load() {
		return false
	}
	var cur sigactiont
	if err := rtSigaction(uintptr(unix.SIGURG), nil, &cur); err != nil || cur.handler != preemptHandlerAddr() {
		preemptDisplaced.Store(true)
		return false
	}
	return true
}

// preemptDisplaced: SIGURG's handler was changed after ours went in front.
var preemptDisplaced atomic.Bool

var signalPreemptReady = sync.OnceValue(func() error {
	if !signalPreemptWanted() {
		return errors.New("runtime: signal preemption is off")
	}
	code, relocs, err := preemptStubCode()
	if err != nil {
		return err
	}
	if relocs != 0 {
		return errors.New("runtime: the preemption stub needs linking")
	}
	stub, err := mapCode(code, nil)
	if err != nil {
		return err
	}
	atomic.StoreUintptr(&preemptStub, addrOf(stub))
	if err := initFaultTab(); err != nil {
		return err
	}
	return installPreemptHandler()
})

// installPreemptHandler puts the handler in front of Go's for SIGURG, with
// the flags, mask and restorer Go installed its own with (once:
// signalPreemptReady).
func installPreemptHandler() error {
	var old sigactiont
	if err := rtSigaction(uintptr(unix.SIGURG), nil, &old); err != nil {
		return fmt.Errorf("runtime: rt_sigaction: %w", err)
	}
	if old.handler <= 1 || old.flags&saSiginfo == 0 || old.flags&saOnstack == 0 {
		return errors.New("runtime: no Go handler for SIGURG (ignored?)")
	}
	atomic.StoreUintptr(&preemptGoURG, old.handler)
	act := old
	act.handler = preemptHandlerAddr()
	if err := rtSigaction(uintptr(unix.SIGURG), &act, nil); err != nil {
		return fmt.Errorf("runtime: rt_sigaction: %w", err)
	}
	return nil
}

// noteThread records the thread running e's watched run. Only a signal
// stops a loop whose iterations do not check, and Go's own come once per
// time slice (10 ms); a cancellation signals the thread itself.
func (e *execCtx) noteThread() {
	if signalPreempt() {
		e.thread.Store(int32(unix.Gettid()))
	}
}

// wakeThread sends SIGURG to the thread noted last. If the goroutine has
// moved on meanwhile, another thread gets a signal that Go's handler and
// ours ignore (Go tolerates spurious SIGURG), and Go's next time-slice
// preemption stops the loop instead.
func (e *execCtx) wakeThread() {
	if t := e.thread.Load(); t != 0 {
		unix.Tgkill(preemptPid, int(t), unix.SIGURG)
	}
}

var preemptPid = unix.Getpid()
