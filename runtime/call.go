package runtime

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
	if ctx != context.Background() {
		return &hostCtx{Context: ctx, e: e}
	}
	if e.bgHost == nil {
		e.bgHost = &hostCtx{Context: ctx, e: e}
	}
	return e.bgHost
}

// execKey finds the hostCtx below contexts derived from it.
type execKey struct{}

func (c *hostCtx) Value(key any) any {
	if key == (execKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// hostScratch is the per-context buffer host-call arguments and results are
// copied to: nested calls reuse the ExecCtx buffer, so hosts must not see
// it directly. It grows as a stack with the nesting depth.
type hostScratch struct {
	buf []uint64
	top int
}

// call runs Wasm function f on a pooled execution context, or nested on the
// context of the host function that called it. results receives one slot
// per result.
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
	e, err := getExecCtx()
	if err != nil {
		return err
	}
	err = runWatched(ctx, e, f, args, results)
	putExecCtx(e)
	return err
}

// runWatched is run with cancellation of ctx wired to the interrupt flag (watch).
func runWatched(ctx context.Context, e *execCtx, f *Function, args, results []uint64) error {
	if ctx.Done() == nil {
		return run(ctx, e, f, args, results)
	}
	stop := watch(ctx, e)
	err := run(ctx, e, f, args, results)
	stop()
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
// ExecPreempt word (cleared when the context is pooled); the nesting state
// (inHost, nest) is only touched by that goroutine, so no locks are needed.
// A call from any other goroutine takes a fresh context.
func tryNested(ctx context.Context, hc *hostCtx, f *Function, args, results []uint64) (error, bool) {
	e := hc.e
	if atomic.LoadUint64((*uint64)(unsafe.Pointer(&e.block[abi.ExecPreempt]))) != uint64(stackswitch.GuardAddr()) ||
		e.inHost == 0 || e.nest >= maxNest {
		return nil, false
	}
	e.nest++
	defer func() { e.nest-- }()
	return callNested(ctx, e, f, args, results), true
}

// callNested runs f below the suspended frames of e's current host call.
func callNested(ctx context.Context, e *execCtx, f *Function, args, results []uint64) error {
	b := e.block
	var saved [5]uint64
	for i, off := range [...]uint32{abi.ExecGoSP, abi.ExecGoBP, abi.ExecWasmSP, abi.ExecWasmBP, abi.ExecVMCtx} {
		saved[i] = load64(b, off)
	}
	store64(b, abi.ExecWasmSP, saved[2]&^15)
	err := runWatched(ctx, e, f, args, results)
	for i, off := range [...]uint32{abi.ExecGoSP, abi.ExecGoBP, abi.ExecWasmSP, abi.ExecWasmBP, abi.ExecVMCtx} {
		store64(b, off, saved[i])
	}
	return err
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
func onHostCall(ec unsafe.Pointer) (abandon bool) {
	e := (*execCtx)(*(*unsafe.Pointer)(unsafe.Add(ec, abi.ExecSelf)))
	b := e.block
	inst := e.instance(uintptr(load64(b, abi.ExecVMCtx)))
	idx := load32(b, abi.ExecCallIndex)
	var err error
	switch {
	case inst == nil:
		err = errors.New("runtime: host call from an unknown instance")
	case idx&abi.CallBuiltin != 0:
		if code := inst.builtin(abi.Builtin(idx&^abi.CallBuiltin), e.slots()); code != 0 {
			err = &Trap{Code: code, Frames: e.exitBacktrace()}
		}
	case idx >= uint32(len(inst.funcs)) || inst.funcs[idx].host == nil:
		err = errors.New("runtime: host call through an unknown import")
	default:
		if e.rs.hctx == nil {
			e.rs.hctx = e.hostContext(e.rs.ctx)
		}
		err = e.hostCall1(e.rs.hctx, inst.funcs[idx])
	}
	if err == nil {
		return false
	}
	e.rs.err = err
	store32(b, abi.ExecStatus, uint32(abi.StatusHostError))
	return true
}

// callbackAddr is the trampoline host stubs call (ExecCallback).
var callbackAddr = stackswitch.SetHostHandler(onHostCall)

func (e *execCtx) run1(ctx context.Context, f *Function, args, results []uint64) error {
	b := e.block
	slots := e.slots()
	if len(f.typ.Params) > len(slots) || len(f.typ.Results) > len(slots) {
		return errors.New("runtime: too many parameters or results")
	}
	copy(slots, args)
	store64(b, abi.ExecTarget, uint64(f.code))
	store64(b, abi.ExecVMCtx, uint64(f.vmctx))
	store32(b, abi.ExecStatus, uint32(abi.StatusTrap))
	store32(b, abi.ExecTrapCode, uint32(abi.TrapUnknown))
	stackswitch.Enter(e.ptr(), f.shim)
	for {
		switch abi.Status(load32(b, abi.ExecStatus)) {
		case abi.StatusDone:
			copy(results, slots[:len(f.typ.Results)])
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
			return e.rs.err
		case abi.StatusYield:
			// Go asked this goroutine to stop (GC, scheduler) or the call
			// was cancelled. Gosched serves the first: once parked, the
			// goroutine is at a safe point and its preemption word is reset.
			if e.interrupted() {
				return &Trap{Code: abi.TrapInterrupted, Frames: e.exitBacktrace(), cause: ctx.Err()}
			}
			runtime.Gosched()
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
		stackswitch.Resume(e.ptr())
	}
}

// hostCall1 runs one host call whose arguments are in the buffer.
func (e *execCtx) hostCall1(ctx context.Context, f *Function) error {
	np, nr := len(f.typ.Params), len(f.typ.Results)
	sc := &e.scratch
	base := sc.top
	if need := base + np + nr; need > len(sc.buf) {
		nb := make([]uint64, max(need, 2*len(sc.buf), 16))
		copy(nb, sc.buf[:base])
		sc.buf = nb
	}
	buf := sc.buf
	args, results := buf[base:base+np:base+np], buf[base+np:base+np+nr:base+np+nr]
	slots := e.slots()
	copy(args, slots)
	clear(results)
	sc.top = base + np + nr
	e.inHost++
	err := callHost(ctx, f, args, results)
	e.inHost--
	sc.top = base
	if err != nil {
		if _, ok := err.(*Trap); ok {
			return err
		}
		if fs := e.exitBacktrace(); len(fs) > 0 {
			return fmt.Errorf("%w\n%s", err, formatFrames(fs))
		}
		return err
	}
	copy(slots, results)
	return nil
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
