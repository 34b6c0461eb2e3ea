package runtime

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// execCtx is one execution context: an abi.ExecCtx block above a Wasm
// stack with a PROT_NONE guard page below it, all in one mapping.
type execCtx struct {
	mem     []byte
	block   []byte         // the abi.ExecCtx block
	ec      unsafe.Pointer // &block[0], for the hot paths (no bounds checks)
	stackLo uintptr        // lowest usable stack address (above the guard)
	stackHi uintptr        // initial WasmSP
	size    int64          // stackHi - stackLo
	// inHost counts the host calls running on this context (at any
	// nesting level) and nest the Wasm calls nested below them; both are
	// only used by the goroutine running the context (tryNested).
	inHost, nest int
	// hostN is the number of argument buffer slots the innermost running
	// host function sees as its stack: a nested call saves them.
	hostN   int
	scratch hostScratch
	unmap   runtime.Cleanup // unmaps mem once the pool drops e

	// The instance of the last exit, to skip the vmctx map lookup; kept
	// across pooled uses, since a context mostly serves the same callers.
	lastVM    uintptr
	lastInst  *Instance
	lastHosts []hostEntry // lastInst.hosts

	bgHost  *hostCtx  // see hostContext
	rs      runState  // the current run's, for host calls
	home    *homeExec // the instance slot e belongs to, or nil (pooled)
	watched int       // runs on e with a cancellation watcher
	// thread is the OS thread a watched run was last seen on, for
	// cancellation to signal where Wasm loops without checks (wakeThread).
	thread atomic.Int32
}

// maxNest bounds nesting on one context; deeper calls take a fresh one.
const maxNest = 64

// stackMargin is kept free above the guard region for stubs and leaf
// functions (abi.LeafFrame), which do not check the stack limit
// themselves.
const stackMargin = 16 << 10

// A leaf's frame, the call into it and the stubs it calls fit the margin.
const _ = uint(stackMargin - 2*abi.LeafFrame)

// stackGuard is the PROT_NONE region below each Wasm stack. Code compiled
// for guard pages (amd64) does not check the limit in prologues whose
// frame is at most abi.LeafFrame: the call's push of the return address
// touches the stack at each entry, so a frame that small, the next
// call's push and any stub's frame land in the guard before they could
// pass it, and the fault handler reports the stack overflow.
const stackGuard = 64 << 10

const _ = uint(stackGuard - 2*abi.LeafFrame)

var stackSize atomic.Int64

func init() { stackSize.Store(1 << 20) }

// SetStackSize sets the size of the Wasm stacks of execution contexts
// created from now on (at least 64 KiB). Deeper recursion than the stack
// holds traps with "call stack exhausted".
func SetStackSize(n int) {
	stackSize.Store(int64(max(roundPage(uint64(n)), 64<<10)))
}

func newExecCtx() (*execCtx, error) {
	if err := stackswitch.CheckRuntime(); err != nil {
		return nil, err
	}
	guard := uint64(stackGuard)
	stack := roundPage(uint64(stackSize.Load()))
	b, err := mapRW(guard + stack + abi.ExecCtxSize)
	if err != nil {
		return nil, err
	}
	if err := unix.Mprotect(b[:guard], unix.PROT_NONE); err != nil {
		unmap(b)
		return nil, err
	}
	e := &execCtx{
		mem:     b,
		block:   b[guard+stack : guard+stack+abi.ExecCtxSize],
		stackLo: addrOf(b) + uintptr(guard),
		stackHi: addrOf(b) + uintptr(guard+stack),
	}
	e.ec = unsafe.Pointer(&e.block[0])
	e.size = int64(e.stackHi - e.stackLo)
	e.bgHost = &hostCtx{Context: context.Background(), e: e}
	store64(e.block, abi.ExecWasmSP, uint64(e.stackHi))
	store64(e.block, abi.ExecStackLimit, uint64(e.stackLo+stackMargin))
	store64(e.block, abi.ExecCallback, uint64(callbackAddr))
	// A back pointer for onHostCall, which the GC does not see: e outlives
	// every use, since the run using the block holds e.
	*(*unsafe.Pointer)(unsafe.Pointer(&e.block[abi.ExecSelf])) = unsafe.Pointer(e)
	e.unmap = runtime.AddCleanup(e, unmap, b)
	return e, nil
}

// instance returns the instance whose vmctx is vm. The cached one is only
// trusted while open: a closed instance's vmctx address may be reused.
func (e *execCtx) instance(vm uintptr) *Instance {
	if vm == e.lastVM && e.lastInst != nil && !e.lastInst.closed.Load() {
		return e.lastInst
	}
	inst := instanceAt(vm)
	e.lastVM, e.lastInst, e.lastHosts = vm, inst, nil
	if inst != nil {
		e.lastHosts = inst.hosts
	}
	return inst
}

func (e *execCtx) ptr() unsafe.Pointer { return e.ec }

// interrupt marks e's run cancelled and asks its goroutine to yield.
func (e *execCtx) interrupt() {
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&e.block[abi.ExecInterrupt])), 1)
	e.requestYield()
	e.wakeThread()
}

// requestYield stores abi.PreemptRequest in the preemption word of the
// goroutine that last entered e, as the Go runtime's own preemption
// requests do: Wasm yields at its next check. The word belongs to a
// runtime.g, which the Go runtime never frees, so a stale address costs at
// most a spurious reschedule of another goroutine.
func (e *execCtx) requestYield() {
	if p := atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&e.block[abi.ExecPreempt]))); p != nil {
		atomic.StoreUintptr((*uintptr)(p), abi.PreemptRequest)
	}
}

func (e *execCtx) interrupted() bool {
	return atomic.LoadUint32((*uint32)(unsafe.Pointer(&e.block[abi.ExecInterrupt]))) != 0
}

// slots returns the argument buffer.
func (e *execCtx) slots() []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(&e.block[abi.ExecArgs])), abi.ExecArgsSize/8)
}

// stackWord reads the 8 bytes at address a of the Wasm stack, if a lies in
// it: backtraces must never fault on a corrupt frame chain.
func (e *execCtx) stackWord(a uintptr) (uint64, bool) {
	if a < e.stackLo || a+8 > e.stackHi || a%8 != 0 {
		return 0, false
	}
	base := addrOf(e.mem)
	return load64(e.mem, uint32(a-base)), true
}

// execPool holds idle contexts per P. Contexts the pool drops are unmapped
// by their cleanup, so idle stacks do not outlive a few GC cycles.
var execPool sync.Pool

// getExecCtx takes a pooled context of the current stack size, or makes one.
func getExecCtx() (*execCtx, error) {
	for {
		e, ok := execPool.Get().(*execCtx)
		if !ok {
			return newExecCtx()
		}
		if !e.stale() {
			return e, nil
		}
		e.drop()
	}
}

// reset prepares e for its next holder. ExecPreempt names the goroutine
// that runs e (tryNested): clearing it before e is published (by the pool
// or the instance's atomic slot) keeps a stale hostCtx from nesting on it.
// It lies in mmap'd memory, outside the race detector's view.
func (e *execCtx) reset() {
	ec := e.ec // loaded once: the stores below might alias e for the compiler
	*(*uint64)(unsafe.Add(ec, abi.ExecWasmSP)) = uint64(e.stackHi)
	*(*uint32)(unsafe.Add(ec, abi.ExecInterrupt)) = 0
	*(*uint64)(unsafe.Add(ec, abi.ExecPreempt)) = 0
}

// stale reports whether e was made for another stack size (SetStackSize).
func (e *execCtx) stale() bool { return e.size != stackSize.Load() }

// putExecCtx resets e for the next call and pools it.
func putExecCtx(e *execCtx) {
	e.reset()
	e.rs = runState{} // drop the last run's context and error
	if e.stale() {
		e.drop()
		return
	}
	execPool.Put(e)
}

// drop unmaps e now rather than when the GC finds it.
func (e *execCtx) drop() {
	e.unmap.Stop()
	unmap(e.mem)
}

// homeExec is an instance's own execution context, for one call at a time:
// a flag taken by compare-and-swap replaces the pool's round trip. Calls
// that find it busy (other goroutines, calls from host functions) use the
// pool.
type homeExec struct {
	busy atomic.Uint32
	e    *execCtx // only touched by the holder of busy
}

// acquireExec takes i's own execution context, or a pooled one.
func (i *Instance) acquireExec() (*execCtx, error) {
	h := &i.home
	if !h.busy.CompareAndSwap(0, 1) {
		return getExecCtx()
	}
	if e := h.e; e != nil {
		return e, nil
	}
	return h.make()
}

// make gives the slot, held by the caller, its execution context.
func (h *homeExec) make() (*execCtx, error) {
	e, err := getExecCtx()
	if err != nil {
		h.busy.Store(0)
		return nil, err
	}
	e.home, h.e = h, e
	return e, nil
}

// releaseExec gives e back to its instance, or to the pool. A run under
// Background leaves e.rs as the next one wants it.
func releaseExec(e *execCtx) {
	e.reset()
	if h := e.home; h != nil && e.rs.hctx == e.bgHost && e.size == stackSize.Load() {
		release(&h.busy)
		return
	}
	e.releaseSlow()
}

func (e *execCtx) releaseSlow() {
	e.rs = runState{}
	h := e.home
	if h == nil {
		putExecCtx(e)
		return
	}
	if e.stale() {
		h.e, e.home = nil, nil
		e.drop()
	}
	h.busy.Store(0)
}

// freeHome pools i's own execution context when the instance is freed.
func (i *Instance) freeHome() {
	h := &i.home
	if h.busy.CompareAndSwap(0, 1) && h.e != nil {
		e := h.e
		h.e, e.home = nil, nil
		putExecCtx(e)
	}
}
