package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// hostCtx is the context handed to host functions: it marks the execution
// context they run on, so that a call back into Wasm from the same
// goroutine nests on its stack (tryNested). Hosts may keep it, so it is
// only reused where that cannot matter (hostContext).
type hostCtx struct {
	context.Context
	e *execCtx
}

// hostContext returns the context the host functions of e's current run
// see. Runs under context.Background() (nothing to cancel, no values)
// share one per execution context, so their host calls allocate nothing;
// any other context gets its own.
func (e *execCtx) hostContext(ctx context.Context) *hostCtx {
	if isBackground(ctx) {
		return e.bgHost
	}
	return &hostCtx{Context: ctx, e: e}
}

// execKey finds the hostCtx below contexts derived from it.
type execKey struct{}

func (c *hostCtx) Value(key any) any {
	if key == (execKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// hostScratch is a per-context stack of slots: what a nested call saves of
// the argument buffer, and the copies HostFunc functions see. It grows with
// the nesting depth.
type hostScratch struct {
	buf []uint64
	top int
}

// bgItab is the type word of context.Background(): a context with that
// word is Background (its type has no state), which isBackground tests
// without the runtime call an interface comparison makes.
var bgItab = typeWord(context.Background())

// typeWord reads the first word of ctx in place: copying both words out
// as an array costs a store-forwarding stall.
func typeWord(ctx context.Context) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&ctx)) }

// isBackground reports whether ctx is context.Background(): no deadline,
// no cancellation, no values, so calls need no watcher and no checks.
func isBackground(ctx context.Context) bool { return typeWord(ctx) == bgItab }

// callBackground runs f under context.Background() on the instance's own
// execution context (or a pooled one), for the calls CallWithStack's fast
// path does not take.
func (f *Function) callBackground(args, results []uint64) error {
	e, err := f.inst.acquireExec()
	if err != nil {
		return err
	}
	if e.rs.hctx != e.bgHost {
		e.rs = runState{ctx: context.Background(), hctx: e.bgHost}
	}
	err = e.run1(context.Background(), f, args, results)
	releaseExec(e)
	return err
}

// call runs Wasm function f on an execution context of its instance, or
// nested on the context of the host function that called it. results
// receives one slot per result.
func call(ctx context.Context, f *Function, args, results []uint64) error {
	hc, ok := ctx.(*hostCtx)
	if !ok {
		hc, _ = ctx.Value(execKey{}).(*hostCtx)
	}
	if hc != nil {
		if err, ok := tryNested(ctx, hc, f, args, results); ok {
			return err
		}
	}
	e, err := f.inst.acquireExec()
	if err != nil {
		return err
	}
	err = runWatched(ctx, e, f, args, results)
	releaseExec(e)
	return err
}

// runWatched is run with cancellation of ctx wired to the interrupt flag (watch).
func runWatched(ctx context.Context, e *execCtx, f *Function, args, results []uint64) error {
	if ctx.Done() == nil {
		return run(ctx, e, f, args, results)
	}
	e.watched++
	e.noteThread()
	stop := watch(ctx, e)
	err := run(ctx, e, f, args, results)
	stop()
	e.watched--
	return err
}

// watch interrupts e when ctx is done. The returned function waits for a
// pending interruption, so the flag can be reset afterwards.
//
// Cancelling sets the interrupt flag and then stores abi.PreemptRequest in
// the preemption word of the goroutine running e, which makes Wasm yield at
// its next check; Go then sees the flag. A request can be lost when it
// lands while that goroutine runs Go code that clears its preemption word
// (a host function, a scheduler switch), so it is repeated every
// millisecond until the run ends.
func watch(ctx context.Context, e *execCtx) func() {
	if ctx.Done() == nil {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		e.interrupt()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-finished:
				return
			case <-t.C:
				e.requestYield()
				e.wakeThread()
			}
		}
	})
	return func() {
		close(finished)
		if !stop() {
			<-done
		}
	}
}

// tryNested runs f nested on the context of the host call that made ctx,
// below its suspended frames, if that host call is running on this
// goroutine. Which goroutine runs an execution context is in its
// ExecPreempt word (cleared before the context is released); the nesting
// state (inHost, nest) is only touched by that goroutine, so no locks are
// needed. A call from any other goroutine takes a fresh context.
func tryNested(ctx context.Context, hc *hostCtx, f *Function, args, results []uint64) (error, bool) {
	e := hc.e
	if atomic.LoadUint64((*uint64)(unsafe.Add(e.ec, abi.ExecPreempt))) != uint64(stackswitch.GuardAddr()) ||
		e.inHost == 0 || e.nest >= maxNest {
		return nil, false
	}
	return callNested(ctx, e, f, args, results), true
}

// nestedRegs are the ExecCtx words of the suspended run a nested call
// saves and restores.
var nestedRegs = [...]uint32{abi.ExecGoSP, abi.ExecGoBP, abi.ExecWasmSP, abi.ExecWasmBP, abi.ExecVMCtx}

// callNested runs f below the suspended frames of e's current host call.
// That host function's stack lies in the argument buffer the nested call
// uses, so it is saved and restored around it, and the results (which may
// be in that stack) are written only after the restore. The deferred
// restore also runs if a panic or runtime.Goexit crosses the nested run.
func callNested(ctx context.Context, e *execCtx, f *Function, args, results []uint64) (err error) {
	b := e.block
	var saved [len(nestedRegs)]uint64
	for i, off := range nestedRegs {
		saved[i] = load64(b, off)
	}
	callIndex := load32(b, abi.ExecCallIndex)
	n, nr, inHost := e.hostN, len(results), e.inHost
	hostStack, out := e.scratch.push(n, nr)
	slots := e.slots()
	copy(hostStack, slots[:n])
	e.nest++
	defer func() {
		copy(slots[:n], hostStack)
		if err == nil {
			copy(results, out)
		}
		e.nest--
		e.hostN, e.inHost = n, inHost
		e.scratch.top -= n + nr
		for i, off := range nestedRegs {
			store64(b, off, saved[i])
		}
		store32(b, abi.ExecCallIndex, callIndex)
	}()
	store64(b, abi.ExecWasmSP, saved[2]&^15)
	e.hostN = 0
	return runWatched(ctx, e, f, args, out)
}

// push reserves np+nr slots of the scratch stack and returns them as two
// slices, which stay valid (if the buffer grows, they keep the old one).
func (sc *hostScratch) push(np, nr int) (a, b []uint64) {
	base := sc.top
	if need := base + np + nr; need > len(sc.buf) {
		nb := make([]uint64, max(need, 2*len(sc.buf), 16))
		copy(nb, sc.buf[:base])
		sc.buf = nb
	}
	buf := sc.buf
	sc.top = base + np + nr
	return buf[base : base+np : base+np], buf[base+np : base+np+nr : base+np+nr]
}

// runState is what the host-call callback needs of the run it serves;
// nested runs on the same context save and restore it.
type runState struct {
	ctx  context.Context
	hctx *hostCtx // made on the first host call
	err  error    // a failed host call's error, with StatusHostError
}

// run enters f and serves its exits until it returns or traps.
func run(ctx context.Context, e *execCtx, f *Function, args, results []uint64) error {
	prev := e.rs
	e.rs = runState{ctx: ctx}
	err := e.run1(ctx, f, args, results)
	e.rs = prev
	return err
}

// onHostCall runs the host function (or the builtin) a compiled stub asks for:
// stackswitch calls it through its callback trampoline on the goroutine's
// stack, below the Enter of the current run, while the Wasm frames wait. It
// reports whether the Wasm stack must be abandoned, with StatusHostError
// set and the error kept for run1.
//
// The common case is a stack-form host function of the instance entered
// last: one cached instance check, one load from the instance's function
// table (imports first, so CallIndex indexes it) and one indirect call on
// the argument buffer in place. Panics are recovered once per run, by the
// deferred call of its entry (CallWithStack or run1), not here.
func onHostCall(ec unsafe.Pointer) (abandon bool) {
	e := (*execCtx)(*(*unsafe.Pointer)(unsafe.Add(ec, abi.ExecSelf)))
	vm := uintptr(*(*uint64)(unsafe.Add(ec, abi.ExecVMCtx)))
	idx := *(*uint32)(unsafe.Add(ec, abi.ExecCallIndex))
	inst := e.lastInst
	if vm != e.lastVM || inst == nil || inst.closed.Load() {
		if inst = e.instance(vm); inst == nil {
			return e.fail(errors.New("runtime: host call from an unknown instance"))
		}
	}
	if hosts := e.lastHosts; idx < uint32(len(hosts)) && hosts[idx].fn != nil {
		h := &hosts[idx]
		stack := (*[abi.ExecArgsSize / 8]uint64)(unsafe.Add(ec, abi.ExecArgs))[:h.n:h.n]
		if h.np < h.n {
			clear(stack[h.np:])
		}
		hc := e.rs.hctx
		if hc == nil {
			hc = e.hostContext(e.rs.ctx)
			e.rs.hctx = hc
		}
		prevN := e.hostN
		e.hostN = int(h.n)
		e.inHost++
		h.fn(hc, stack)
		e.inHost--
		e.hostN = prevN
		return false
	}
	return e.hostOther(inst, idx)
}

// hostEntry is a stack-form host import as onHostCall calls it.
type hostEntry struct {
	fn    HostStackFunc
	n, np uint32 // the stack's size, the parameter count
}

// hostTable resolves an instance's imported functions for onHostCall; its
// entries for other imports are empty.
func hostTable(imports []*Function) []hostEntry {
	t := make([]hostEntry, len(imports))
	for i, f := range imports {
		if f != nil && f.hostStack != nil {
			t[i] = hostEntry{fn: f.hostStack, n: uint32(f.nstack), np: uint32(f.np)}
		}
	}
	return t
}

// hostOther runs a builtin or a HostFunc for onHostCall.
func (e *execCtx) hostOther(inst *Instance, idx uint32) bool {
	var err error
	switch {
	case idx&abi.CallBuiltin != 0:
		if code := inst.builtin(abi.Builtin(idx&^abi.CallBuiltin), e.slots()); code != 0 {
			err = &Trap{Code: code, Frames: e.exitBacktrace()}
		}
	case idx < uint32(len(inst.funcs)) && inst.funcs[idx].host != nil:
		if e.rs.hctx == nil {
			e.rs.hctx = e.hostContext(e.rs.ctx)
		}
		prevN := e.hostN
		e.inHost++
		err = e.hostCall1(e.rs.hctx, inst.funcs[idx])
		e.inHost--
		e.hostN = prevN
	default:
		err = errors.New("runtime: host call through an unknown import")
	}
	if err == nil {
		return false
	}
	return e.fail(err)
}

// fail records a host call's error for run1 and abandons the Wasm stack.
func (e *execCtx) fail(err error) bool {
	e.rs.err = err
	*(*uint32)(unsafe.Add(e.ec, abi.ExecStatus)) = uint32(abi.StatusHostError)
	return true
}

// callbackAddr is the trampoline host stubs call (ExecCallback).
var callbackAddr = stackswitch.SetHostHandler(onHostCall)

// run1 enters f and serves its exits until it returns or traps. Its
// deferred call is the one recover of a run: a host function's panic
// unwinds through the callback's frames to here and becomes the error.
func (e *execCtx) run1(ctx context.Context, f *Function, args, results []uint64) (err error) {
	depth := e.inHost
	done := false
	defer func() {
		if !done {
			err = e.unwound(depth, recover())
		}
	}()
	ec := e.ec
	if len(args) > abi.ExecArgsSize/8 || len(results) > abi.ExecArgsSize/8 {
		done = true
		return errors.New("runtime: too many parameters or results")
	}
	slots := (*[abi.ExecArgsSize / 8]uint64)(unsafe.Add(ec, abi.ExecArgs))
	for i, a := range args { // a loop: memmove costs more for a few slots
		slots[i] = a
	}
	*(*uint64)(unsafe.Add(ec, abi.ExecTarget)) = uint64(f.code)
	*(*uint64)(unsafe.Add(ec, abi.ExecVMCtx)) = uint64(f.vmctx)
	*(*uint32)(unsafe.Add(ec, abi.ExecStatus)) = uint32(abi.StatusTrap)
	*(*uint32)(unsafe.Add(ec, abi.ExecTrapCode)) = uint32(abi.TrapUnknown)
	stackswitch.Enter(ec, f.shim)
	if abi.Status(*(*uint32)(unsafe.Add(ec, abi.ExecStatus))) == abi.StatusDone {
		for i := range results {
			results[i] = slots[i]
		}
		done = true
		return nil
	}
	err = e.exits(ctx, results)
	done = true
	return err
}

// exits serves the exits of a run until it returns or traps.
func (e *execCtx) exits(ctx context.Context, results []uint64) error {
	b := e.block
	slots := e.slots()
	for {
		switch abi.Status(load32(b, abi.ExecStatus)) {
		case abi.StatusDone:
			copy(results, slots)
			return nil
		case abi.StatusTrap:
			code := abi.TrapCode(load32(b, abi.ExecTrapCode))
			t := &Trap{Code: code}
			t.Frames = e.backtrace(uintptr(load64(b, abi.ExecTrapPC)), uintptr(load64(b, abi.ExecTrapFP)))
			if code == abi.TrapInterrupted {
				t.cause = ctx.Err()
			}
			return t
		case abi.StatusHostError:
			err := e.rs.err
			e.rs.err = nil
			return err
		case abi.StatusYield, abi.StatusPreempted:
			// Go asked this goroutine to stop (GC, scheduler) or the call
			// was cancelled. Yield serves the first as Go code would.
			if e.interrupted() {
				return &Trap{Code: abi.TrapInterrupted, Frames: e.yieldBacktrace(), cause: ctx.Err()}
			}
			stackswitch.Yield()
			if e.watched > 0 {
				e.noteThread() // the goroutine may have moved
			}
		case abi.StatusBuiltin:
			inst := e.instance(uintptr(load64(b, abi.ExecVMCtx)))
			if inst == nil {
				return errors.New("runtime: builtin call from an unknown instance")
			}
			if code := inst.builtin(abi.Builtin(load32(b, abi.ExecCallIndex)), slots); code != 0 {
				return &Trap{Code: code, Frames: e.exitBacktrace()}
			}
		default:
			return fmt.Errorf("runtime: bad exit status %d", load32(b, abi.ExecStatus))
		}
		stackswitch.Resume(e.ec)
	}
}

// unwound handles a run that did not return: p is the panic, from the host
// call running when inHost exceeds depth (its import is still in
// CallIndex), and becomes the error. A nil p is runtime.Goexit, which ends
// the goroutine: the outermost run releases e, unless a cancellation
// watcher still refers to it. Nested runs restore their state themselves
// (callNested).
func (e *execCtx) unwound(depth int, p any) error {
	inHost := e.inHost
	if e.nest == 0 {
		e.inHost, e.hostN, e.scratch.top = 0, 0, 0
	}
	if p == nil {
		if e.nest == 0 && e.watched == 0 {
			releaseExec(e)
		}
		return nil
	}
	if inHost == depth {
		return fmt.Errorf("runtime: panic: %v", p)
	}
	idx := load32(e.block, abi.ExecCallIndex)
	inst := e.instance(uintptr(load64(e.block, abi.ExecVMCtx)))
	var err error
	switch {
	case idx&abi.CallBuiltin != 0 || inst == nil || idx >= uint32(len(inst.funcs)):
		err = fmt.Errorf("runtime: host call panicked: %v", p)
	default:
		err = inst.funcs[idx].panicError(p)
	}
	return e.hostError(err)
}

// hostCall1 runs one HostFunc call whose arguments are in the buffer. The
// function sees copies, on the scratch stack, since it takes separate
// argument and result slices.
func (e *execCtx) hostCall1(ctx context.Context, f *Function) error {
	args, results := e.scratch.push(f.np, f.nr)
	slots := e.slots()
	copy(args, slots)
	clear(results)
	e.hostN = 0 // the buffer is free for nested calls
	err := callHost(ctx, f, args, results)
	e.scratch.top -= f.np + f.nr
	if err != nil {
		return e.hostError(err)
	}
	copy(slots, results)
	return nil
}

// hostError adds the Wasm backtrace to a failed host call's error.
func (e *execCtx) hostError(err error) error {
	if _, ok := err.(*Trap); ok {
		return err
	}
	if fs := e.exitBacktrace(); len(fs) > 0 {
		return fmt.Errorf("%w\n%s", err, formatFrames(fs))
	}
	return err
}

func formatFrames(fs []Frame) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += "\n"
		}
		s += "\tat " + f.String()
	}
	return s
}
