package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/wasmc/wasmc/frontend/wasm"
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

	// Host functions.
	host HostFunc
}

// NewHostFunction makes a Go function of type t importable by any module.
// name appears in errors and backtraces.
func NewHostFunction(t wasm.FuncType, fn HostFunc, name string) *Function {
	ft := &wasm.FuncType{
		Params:  append([]wasm.ValType(nil), t.Params...),
		Results: append([]wasm.ValType(nil), t.Results...),
	}
	return &Function{typ: ft, typeID: hostTypeID(ft), name: name, host: fn}
}

func (*Function) externKind() wasm.ExternKind { return wasm.ExternFunc }

// Type returns the function's signature.
func (f *Function) Type() *wasm.FuncType { return f.typ }

// Name returns the function's name: the host name, or the name section's
// name of a Wasm function, or "".
func (f *Function) Name() string { return f.name }

// IsHost reports whether f is implemented in Go.
func (f *Function) IsHost() bool { return f.host != nil }

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
	if len(args) != len(f.typ.Params) {
		return nil, fmt.Errorf("runtime: %s expects %d arguments, got %d", f.describe(), len(f.typ.Params), len(args))
	}
	var results []uint64
	if n := len(f.typ.Results); n > 0 {
		results = make([]uint64, n)
	}
	if err := f.call(ctx, args, results); err != nil {
		return nil, err
	}
	return results, nil
}

// CallWithStack is Call without allocation: stack holds the parameters on
// entry and the results on return, so it needs at least as many slots as
// the larger of the two counts.
func (f *Function) CallWithStack(ctx context.Context, stack []uint64) error {
	np, nr := len(f.typ.Params), len(f.typ.Results)
	if len(stack) < max(np, nr) {
		return fmt.Errorf("runtime: %s needs a stack of %d slots, got %d", f.describe(), max(np, nr), len(stack))
	}
	return f.call(ctx, stack[:np], stack[:nr])
}

// call writes the results to results, which may overlap args.
func (f *Function) call(ctx context.Context, args, results []uint64) error {
	if f.host != nil {
		if len(args) > 0 && len(results) > 0 && &args[0] == &results[0] {
			args = append([]uint64(nil), args...) // hosts get separate slices
			clear(results)
		}
		return callHost(ctx, f, args, results)
	}
	if f.inst.closed.Load() {
		return errors.New("runtime: instance is closed")
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

// callHost runs a host function, turning a panic into an error.
func callHost(ctx context.Context, f *Function, args, results []uint64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("runtime: host %s panicked: %v", f.describe(), r)
		}
	}()
	return f.host(ctx, args, results)
}
