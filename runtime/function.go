package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"unsafe"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// Extern is an importable and exportable object: *Function, *Memory,
// *Table or *Global.
type Extern interface {
	externKind() wasm.ExternKind
}

// HostFunc is the Go implementation of a host function. args holds one
// slot per parameter and results one per result, both owned by the runtime
// and valid only until it returns. A returned error (or a panic) aborts the
// Wasm call that reached the function.
type HostFunc func(ctx context.Context, args, results []uint64) error

// HostStackFunc is a host function over a value stack, the fastest form:
// stack holds the parameters on entry and receives the results from
// stack[0]; len(stack) is the larger of the two counts. Called from Wasm,
// stack lies in the execution context's argument buffer (no copies), so it
// is valid only until the function returns. A panic aborts the Wasm call.
type HostStackFunc func(ctx context.Context, stack []uint64)

// Function is a Wasm function of an instance or a host function.
type Function struct {
	typ    *wasm.FuncType
	typeID uint32 // canonical
	name   string

	// Wasm functions.
	inst  *Instance
	index uint32  // in the instance's function index space
	code  uintptr // machine code
	shim  uintptr // entry shim for the function's type
	vmctx uintptr
	ref   uint64 // FuncRef record address

	// Host functions: one of host and hostStack.
	host      HostFunc
	hostStack HostStackFunc
	onPanic   func(p any) error // hostStack's panic to error, or nil

	// The parameter and result counts and their maximum, the stack size.
	np, nr, nstack int
}

// NewHostFunction makes a Go function of type t importable by any module.
// name appears in errors and backtraces.
func NewHostFunction(t wasm.FuncType, fn HostFunc, name string) *Function {
	f := newHost(t, name)
	f.host = fn
	return f
}

// NewHostStackFunction is NewHostFunction for the stack form. onPanic, if
// not nil, turns a panic of fn into the error the call returns.
func NewHostStackFunction(t wasm.FuncType, fn HostStackFunc, name string, onPanic func(p any) error) *Function {
	f := newHost(t, name)
	f.hostStack, f.onPanic = fn, onPanic
	return f
}

func newHost(t wasm.FuncType, name string) *Function {
	ft := &wasm.FuncType{
		Params:  append([]wasm.ValType(nil), t.Params...),
		Results: append([]wasm.ValType(nil), t.Results...),
	}
	f := &Function{typ: ft, typeID: hostTypeID(ft), name: name}
	f.setArity()
	return f
}

func (f *Function) setArity() {
	f.np, f.nr = len(f.typ.Params), len(f.typ.Results)
	f.nstack = max(f.np, f.nr)
}

func (*Function) externKind() wasm.ExternKind { return wasm.ExternFunc }

// Type returns the function's signature.
func (f *Function) Type() *wasm.FuncType { return f.typ }

// Name returns the function's name: the host name, or the name section's
// name of a Wasm function, or "".
func (f *Function) Name() string { return f.name }

// IsHost reports whether f is implemented in Go.
func (f *Function) IsHost() bool { return f.host != nil || f.hostStack != nil }

// Ref returns f as a funcref value for tables and globals. A host function
// has one only once a module imported it.
func (f *Function) Ref() (uint64, bool) {
	funcRefs.mu.RLock()
	defer funcRefs.mu.RUnlock()
	return f.ref, f.ref != 0
}

// funcRefs maps FuncRef record addresses back to functions, for funcref
// values handed to Go.
var funcRefs struct {
	mu    sync.RWMutex
	byRef map[uint64]*Function
}

func registerRef(ref uint64, f *Function) {
	funcRefs.mu.Lock()
	if funcRefs.byRef == nil {
		funcRefs.byRef = make(map[uint64]*Function)
	}
	funcRefs.byRef[ref] = f
	if f.ref == 0 {
		f.ref = ref
	}
	funcRefs.mu.Unlock()
}

func unregisterRef(ref uint64) {
	funcRefs.mu.Lock()
	if f := funcRefs.byRef[ref]; f != nil && f.ref == ref {
		f.ref = 0
	}
	delete(funcRefs.byRef, ref)
	funcRefs.mu.Unlock()
}

// FunctionOf returns the function a non-null funcref value denotes.
func FunctionOf(ref uint64) (*Function, bool) {
	funcRefs.mu.RLock()
	defer funcRefs.mu.RUnlock()
	f, ok := funcRefs.byRef[ref]
	return f, ok
}

// Call calls f with one slot per parameter and returns one slot per
// result. Traps are *Trap errors; cancelling ctx (or its deadline) stops
// the call with a TrapInterrupted *Trap that wraps ctx.Err().
func (f *Function) Call(ctx context.Context, args ...uint64) ([]uint64, error) {
	if len(args) != f.np {
		return nil, fmt.Errorf("runtime: %s expects %d arguments, got %d", f.describe(), f.np, len(args))
	}
	if f.nr == 0 && f.np > 0 { // no allocation for the stack
		return nil, f.call(ctx, args, nil)
	}
	var stack []uint64
	if f.nstack > 0 {
		stack = make([]uint64, f.nstack)
		copy(stack, args)
	}
	if err := f.CallWithStack(ctx, stack); err != nil {
		return nil, err
	}
	return stack[:f.nr:f.nr], nil
}

// CallWithStack is Call without allocation: stack holds the parameters on
// entry and the results on return, so it needs at least as many slots as
// the larger of the two counts.
//
// It is the fast path of calls from Go: under context.Background(), the
// instance's own execution context (a flag taken by compare-and-swap), no
// watcher, no context checks, the context's shared host context (no
// allocation) and one deferred recover. Anything unusual takes callStack.
func (f *Function) CallWithStack(ctx context.Context, stack []uint64) (err error) {
	inst := f.inst
	if inst == nil || len(stack) < f.nstack || !isBackground(ctx) {
		return f.callStack(ctx, stack)
	}
	h := &inst.home
	if !h.busy.CompareAndSwap(0, 1) {
		return f.callStack(ctx, stack)
	}
	e := h.e
	if e == nil || e.rs.hctx != e.bgHost || e.stale() || inst.closed.Load() || f.nstack > abi.ExecArgsSize/8 {
		h.busy.Store(0)
		return f.callStack(ctx, stack)
	}
	done := false
	defer func() {
		if !done {
			if err = e.unwound(0, recover()); err != nil {
				releaseExec(e) // a recovered panic; Goexit released e
			}
		}
	}()
	ec := e.ec
	slots := (*[abi.ExecArgsSize / 8]uint64)(unsafe.Add(ec, abi.ExecArgs))
	for i := range f.np { // a loop: memmove costs more for a few slots
		slots[i] = stack[i]
	}
	*(*uint64)(unsafe.Add(ec, abi.ExecTarget)) = uint64(f.code)
	*(*uint64)(unsafe.Add(ec, abi.ExecVMCtx)) = uint64(f.vmctx)
	*(*uint32)(unsafe.Add(ec, abi.ExecStatus)) = uint32(abi.StatusTrap)
	*(*uint32)(unsafe.Add(ec, abi.ExecTrapCode)) = uint32(abi.TrapUnknown)
	stackswitch.Enter(ec, f.shim)
	if abi.Status(*(*uint32)(unsafe.Add(ec, abi.ExecStatus))) == abi.StatusDone {
		for i := range f.nr {
			stack[i] = slots[i]
		}
	} else {
		err = e.exits(context.Background(), stack[:f.nr])
	}
	done = true
	e.reset()
	release(&h.busy)
	return err
}

// callStack is CallWithStack's general path.
func (f *Function) callStack(ctx context.Context, stack []uint64) error {
	if len(stack) < f.nstack {
		return fmt.Errorf("runtime: %s needs a stack of %d slots, got %d", f.describe(), f.nstack, len(stack))
	}
	return f.call(ctx, stack[:f.np], stack[:f.nr])
}

// call writes the results to results, which may overlap args.
func (f *Function) call(ctx context.Context, args, results []uint64) error {
	if f.inst == nil {
		return f.callHostFromGo(ctx, args, results)
	}
	if f.inst.closed.Load() {
		return errors.New("runtime: instance is closed")
	}
	if isBackground(ctx) {
		return f.callBackground(args, results)
	}
	if err := ctx.Err(); err != nil {
		return &Trap{Code: interruptedCode, cause: err}
	}
	return call(ctx, f, args, results)
}

func (f *Function) describe() string {
	if f.name != "" {
		return fmt.Sprintf("function %q", f.name)
	}
	return fmt.Sprintf("function %d", f.index)
}

// callHostFromGo runs a host function called from Go.
func (f *Function) callHostFromGo(ctx context.Context, args, results []uint64) error {
	if f.hostStack != nil {
		var stack []uint64
		if len(args) > 0 && len(results) > 0 && &args[0] == &results[0] && cap(args) >= f.nstack {
			stack = args[:f.nstack] // CallWithStack's: already one stack
		} else {
			stack = make([]uint64, f.nstack)
			copy(stack, args)
		}
		if err := callHostStack(ctx, f, stack); err != nil {
			return err
		}
		copy(results, stack)
		return nil
	}
	if len(args) > 0 && len(results) > 0 && &args[0] == &results[0] {
		args = append([]uint64(nil), args...) // hosts get separate slices
		clear(results)
	}
	return callHost(ctx, f, args, results)
}

// callHost runs a host function, turning a panic into an error.
func callHost(ctx context.Context, f *Function, args, results []uint64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = f.panicError(r)
		}
	}()
	return f.host(ctx, args, results)
}

// callHostStack runs a stack-form host function called from Go, turning a
// panic into an error.
func callHostStack(ctx context.Context, f *Function, stack []uint64) (err error) {
	ok := false
	defer func() {
		if !ok {
			if r := recover(); r != nil {
				err = f.panicError(r)
			}
		}
	}()
	f.hostStack(ctx, stack)
	ok = true
	return nil
}

func (f *Function) panicError(p any) error {
	if f.onPanic != nil {
		return f.onPanic(p)
	}
	return fmt.Errorf("runtime: host %s panicked: %v", f.describe(), p)
}
