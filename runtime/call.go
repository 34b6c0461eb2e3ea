package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// execKey marks the context handed to host functions with the execution
// context they run on (an execRef), so that a call back into Wasm nests on
// its stack.
type execKey struct{}

type execRef struct {
	e   *execCtx
	gen uint64
}

// hostScratch is the per-context buffer host-call arguments and results are
// copied to: nested calls reuse the ExecCtx buffer, so hosts must not see
// it directly. It grows as a stack with the nesting depth.
type hostScratch struct {
	buf []uint64
	top int
}

var scratchPool = sync.Pool{New: func() any { return &hostScratch{} }}

// call runs Wasm function f on a pooled execution context, or nested on the
// context of the host function that called it.
func call(ctx context.Context, f *Function, args []uint64) ([]uint64, error) {
	if r, ok := ctx.Value(execKey{}).(execRef); ok {
		if res, err, ok := tryNested(ctx, r, f, args); ok {
			return res, err
		}
	}
	e, err := getExecCtx()
	if err != nil {
		return nil, err
	}
	e.gen.Add(1)
	defer putExecCtx(e)
	stop := watch(ctx, e)
	res, err := run(ctx, e, f, args)
	stop()
	return res, err
}

// watch sets the interrupt word when ctx is done. The returned function
// waits for a pending store, so the word can be reset afterwards.
func watch(ctx context.Context, e *execCtx) func() {
	if ctx.Done() == nil {
		return func() {}
	}
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		e.interrupt()
		close(done)
	})
	return func() {
		if !stop() {
			<-done
		}
	}
}

// tryNested runs f nested on the context of the host call that made ctx,
// if that host call is still running and nobody else nests on it.
func tryNested(ctx context.Context, r execRef, f *Function, args []uint64) ([]uint64, error, bool) {
	e := r.e
	d := e.depth.Load()
	if d >= maxNest {
		return nil, nil, false
	}
	l := &e.levels[d]
	if !l.mu.TryLock() {
		return nil, nil, false
	}
	defer l.mu.Unlock()
	if e.gen.Load() != r.gen || !l.open.Load() || e.depth.Load() != d {
		return nil, nil, false
	}
	e.depth.Store(d + 1)
	defer e.depth.Store(d)
	res, err := callNested(ctx, e, f, args)
	return res, err, true
}

// callNested runs f below the suspended frames of e's current host call.
func callNested(ctx context.Context, e *execCtx, f *Function, args []uint64) ([]uint64, error) {
	b := e.block
	var saved [5]uint64
	for i, off := range [...]uint32{abi.ExecGoSP, abi.ExecGoBP, abi.ExecWasmSP, abi.ExecWasmBP, abi.ExecVMCtx} {
		saved[i] = load64(b, off)
	}
	store64(b, abi.ExecWasmSP, saved[2]&^15)
	stop := watch(ctx, e)
	res, err := run(ctx, e, f, args)
	stop()
	for i, off := range [...]uint32{abi.ExecGoSP, abi.ExecGoBP, abi.ExecWasmSP, abi.ExecWasmBP, abi.ExecVMCtx} {
		store64(b, off, saved[i])
	}
	return res, err
}

// run enters f and serves its exits until it returns or traps.
func run(ctx context.Context, e *execCtx, f *Function, args []uint64) ([]uint64, error) {
	b := e.block
	slots := e.slots()
	if len(f.typ.Params) > len(slots) || len(f.typ.Results) > len(slots) {
		return nil, errors.New("runtime: too many parameters or results")
	}
	copy(slots, args)
	store64(b, abi.ExecTarget, uint64(f.code))
	store64(b, abi.ExecVMCtx, uint64(f.vmctx))
	store32(b, abi.ExecStatus, uint32(abi.StatusTrap))
	store32(b, abi.ExecTrapCode, uint32(abi.TrapUnknown))
	stackswitch.Enter(e.ptr(), f.shim)
	var hostCtx context.Context
	for {
		switch abi.Status(load32(b, abi.ExecStatus)) {
		case abi.StatusDone:
			return append([]uint64(nil), slots[:len(f.typ.Results)]...), nil
		case abi.StatusTrap:
			code := abi.TrapCode(load32(b, abi.ExecTrapCode))
			t := &Trap{Code: code}
			t.Frames = e.backtrace(uintptr(load64(b, abi.ExecTrapPC)), uintptr(load64(b, abi.ExecTrapFP)))
			if code == abi.TrapInterrupted {
				t.cause = ctx.Err()
			}
			return nil, t
		case abi.StatusHostCall:
			inst := instanceAt(uintptr(load64(b, abi.ExecVMCtx)))
			idx := load32(b, abi.ExecCallIndex)
			if inst == nil || idx >= uint32(len(inst.funcs)) || inst.funcs[idx].host == nil {
				return nil, errors.New("runtime: host call through an unknown import")
			}
			if hostCtx == nil {
				hostCtx = context.WithValue(ctx, execKey{}, execRef{e, e.gen.Load()})
			}
			if err := e.hostCall1(hostCtx, inst.funcs[idx]); err != nil {
				return nil, err
			}
		case abi.StatusBuiltin:
			inst := instanceAt(uintptr(load64(b, abi.ExecVMCtx)))
			if inst == nil {
				return nil, errors.New("runtime: builtin call from an unknown instance")
			}
			if code := inst.builtin(abi.Builtin(load32(b, abi.ExecCallIndex)), slots); code != 0 {
				return nil, &Trap{Code: code, Frames: e.exitBacktrace()}
			}
		default:
			return nil, fmt.Errorf("runtime: bad exit status %d", load32(b, abi.ExecStatus))
		}
		stackswitch.Resume(e.ptr())
	}
}

// hostCall1 runs one host call whose arguments are in the buffer.
func (e *execCtx) hostCall1(ctx context.Context, f *Function) error {
	np, nr := len(f.typ.Params), len(f.typ.Results)
	sc := e.scratch
	if sc == nil {
		sc = scratchPool.Get().(*hostScratch)
		e.scratch = sc
	}
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
	var err error
	if d := e.depth.Load(); d < maxNest {
		l := &e.levels[d]
		l.open.Store(true)
		err = callHost(ctx, f, args, results)
		l.open.Store(false)
		l.mu.Lock() // wait for a nested call still running on this stack
		l.mu.Unlock()
	} else {
		err = callHost(ctx, f, args, results)
	}
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
