package wastrun

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"

	"github.com/wasmc/wasmc/backend"
	// The code generators register themselves with package backend.
	_ "github.com/wasmc/wasmc/backend/amd64"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/runtime"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/stackswitch"
)

// NativeEngine compiles modules to machine code for this machine and runs
// them with package runtime. One engine serves one script: registered
// names are its own. Close releases everything it instantiated.
type NativeEngine struct {
	features wasm.Features

	mu         sync.Mutex
	registered map[string]*nativeInstance
	spectest   map[string]runtime.Extern
	modules    []*runtime.Module
	instances  []*runtime.Instance
	closers    []func() error
	closed     bool
}

// NativeAvailable reports whether this machine can run compiled code: an
// entry trampoline exists for its architecture.
const NativeAvailable = stackswitch.Supported

// NewNativeEngine returns an engine for modules using features f.
func NewNativeEngine(f wasm.Features) *NativeEngine {
	return &NativeEngine{features: f, registered: map[string]*nativeInstance{}}
}

type nativeInstance struct {
	e    *NativeEngine
	inst *runtime.Instance
}

var errEngineClosed = errors.New("engine is closed")

// Instantiate compiles and instantiates m.
func (e *NativeEngine) Instantiate(m *wasm.Module, _ []byte) (Instance, error) {
	if err := e.ensureSpectest(); err != nil {
		return nil, err
	}
	code, err := backend.Compile(m, e.features, goruntime.GOARCH)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	mod, err := runtime.NewModule(m, e.features, code)
	if err != nil {
		return nil, err
	}
	if !e.track(func() { e.modules = append(e.modules, mod) }) {
		mod.Close()
		return nil, errEngineClosed
	}
	inst, err := runtime.Instantiate(context.Background(), mod, "", e.resolve)
	if err != nil {
		return nil, instantiationError(err)
	}
	if !e.track(func() { e.instances = append(e.instances, inst) }) {
		inst.Close()
		return nil, errEngineClosed
	}
	return &nativeInstance{e: e, inst: inst}, nil
}

// track runs add under the lock unless the engine is closed.
func (e *NativeEngine) track(add func()) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	add()
	return true
}

// instantiationError sorts instantiation failures into what the runner
// checks: traps (assert_uninstantiable, assert_trap) and link errors
// (assert_unlinkable). The runtime words link errors as the spec does.
func instantiationError(err error) error {
	var t *runtime.Trap
	if errors.As(err, &t) {
		return trapError(t)
	}
	var le *runtime.LinkError
	if errors.As(err, &le) {
		return &LinkError{Msg: le.Error()}
	}
	return err
}

// trapError converts a runtime trap for the runner.
func trapError(t *runtime.Trap) *Trap {
	kind := TrapPlain
	if t.Code == abi.TrapStackOverflow {
		kind = TrapExhaustion
	}
	return &Trap{Kind: kind, Msg: t.Code.String()}
}

// resolve finds an import among the registered instances, then in the
// spectest module.
func (e *NativeEngine) resolve(module, name string) (runtime.Extern, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r := e.registered[module]; r != nil {
		x, _ := r.inst.Export(name)
		return x, nil
	}
	if module == "spectest" {
		return e.spectest[name], nil
	}
	return nil, nil
}

// Register makes inst's exports importable as name.
func (e *NativeEngine) Register(name string, inst Instance) error {
	ni, ok := inst.(*nativeInstance)
	if !ok || ni.e != e {
		return errors.New("register: instance of another engine")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.registered[name] = ni
	return nil
}

// Close releases every instance, module and spectest object.
func (e *NativeEngine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	insts, mods, closers := e.instances, e.modules, e.closers
	e.instances, e.modules, e.closers, e.registered = nil, nil, nil, nil
	e.mu.Unlock()
	var errs []error
	for _, i := range insts {
		errs = append(errs, i.Close())
	}
	for _, m := range mods {
		errs = append(errs, m.Close())
	}
	for _, c := range closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// Invoke calls an exported function with script values.
func (i *nativeInstance) Invoke(name string, args []wast.Value) ([]wast.Value, error) {
	f := i.inst.ExportedFunction(name)
	if f == nil {
		return nil, fmt.Errorf("unknown function %q", name)
	}
	t := f.Type()
	if len(args) != len(t.Params) {
		return nil, fmt.Errorf("%s: %d arguments, expected %d", name, len(args), len(t.Params))
	}
	slots := make([]uint64, len(args))
	for k, a := range args {
		s, err := toSlot(a, t.Params[k])
		if err != nil {
			return nil, fmt.Errorf("%s: argument %d: %w", name, k, err)
		}
		slots[k] = s
	}
	res, err := f.Call(context.Background(), slots...)
	if err != nil {
		var tr *runtime.Trap
		if errors.As(err, &tr) {
			return nil, trapError(tr)
		}
		return nil, err
	}
	out := make([]wast.Value, len(res))
	for k, r := range res {
		out[k] = fromSlot(r, t.Results[k])
	}
	return out, nil
}

// Get reads an exported global.
func (i *nativeInstance) Get(name string) (wast.Value, error) {
	x, _ := i.inst.Export(name)
	g, ok := x.(*runtime.Global)
	if !ok {
		return wast.Value{}, fmt.Errorf("unknown global %q", name)
	}
	return fromSlot(g.Get(), g.Type().Type), nil
}
