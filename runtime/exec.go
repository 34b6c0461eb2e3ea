package runtime

import (
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
	block   []byte  // the abi.ExecCtx block
	stackLo uintptr // lowest usable stack address (above the guard)
	stackHi uintptr // initial WasmSP
	// inHost counts the host calls running on this context (at any
	// nesting level) and nest the Wasm calls nested below them; both are
	// only used by the goroutine running the context (tryNested).
	inHost, nest int
	scratch      hostScratch
	unmap        runtime.Cleanup // unmaps mem once the pool drops e

	// The instance of the last exit, to skip the vmctx map lookup; kept
	// across pooled uses, since a context mostly serves the same callers.
	lastVM   uintptr
	lastInst *Instance

	bgHost *hostCtx // see hostContext
	rs     runState // the current run's, for host calls
}

// maxNest bounds nesting on one context; deeper calls take a fresh one.
const maxNest = 64

// stackMargin is kept free above the guard page for stubs, which do not
// check the stack limit themselves.
const stackMargin = 16 << 10

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
	guard := uint64(pageSize)
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
	e.lastVM, e.lastInst = vm, inst
	return inst
}

func (e *execCtx) ptr() unsafe.Pointer { return unsafe.Pointer(&e.block[0]) }

// interrupt marks e's run cancelled and asks its goroutine to yield.
func (e *execCtx) interrupt() {
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&e.block[abi.ExecInterrupt])), 1)
	e.requestYield()
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

// arg returns a pointer to argument buffer slot i.
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

func getExecCtx() (*execCtx, error) {
	if e, ok := execPool.Get().(*execCtx); ok {
		return e, nil
	}
	return newExecCtx()
}

// putExecCtx resets e for the next call and pools it.
func putExecCtx(e *execCtx) {
	store64(e.block, abi.ExecWasmSP, uint64(e.stackHi))
	store32(e.block, abi.ExecInterrupt, 0)
	e.rs = runState{}                                                           // drop the last run's context and error
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&e.block[abi.ExecPreempt])), 0) // no longer this goroutine's (tryNested)
	if uint64(e.stackHi-e.stackLo) != roundPage(uint64(stackSize.Load())) {
		e.unmap.Stop()
		unmap(e.mem)
		return
	}
	execPool.Put(e)
}
