package wasmc

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime"
)

// HostModuleBuilder defines a module of Go functions that Wasm modules
// import by its name.
type HostModuleBuilder struct {
	r     *Runtime
	name  string
	funcs map[string]*hostDef
	err   error
}

// NewHostModuleBuilder starts a host module called name.
func (r *Runtime) NewHostModuleBuilder(name string) *HostModuleBuilder {
	return &HostModuleBuilder{r: r, name: name, funcs: map[string]*hostDef{}}
}

// FunctionBuilder defines one host function; Export adds it to the module.
type FunctionBuilder struct {
	b   *HostModuleBuilder
	def hostDef
	set bool
}

// NewFunctionBuilder starts a function of the host module.
func (b *HostModuleBuilder) NewFunctionBuilder() *FunctionBuilder {
	return &FunctionBuilder{b: b}
}

// WithFunc sets the implementation to a typed Go function. It may take a
// context.Context first, then a *Module (the calling module), then
// parameters of types int32, uint32 (both i32), int64, uint64 (i64),
// float32 or float64; its results take the same types. The signature is
// analysed here, once; common signatures are then called without
// reflection.
func (fb *FunctionBuilder) WithFunc(fn any) *FunctionBuilder {
	params, results, call, err := reflectFunc(fn)
	if err != nil {
		fb.b.fail(err)
		return fb
	}
	fb.def.params, fb.def.results, fb.def.fn, fb.set = params, results, call, true
	fb.def.raw = fastPath(fn)
	return fb
}

// WithGoFunction sets the implementation to a raw function over the value
// stack, the fastest form.
func (fb *FunctionBuilder) WithGoFunction(fn GoFunction, params, results []ValueType) *FunctionBuilder {
	if fn == nil {
		fb.b.fail(errors.New("wasmc: nil host function"))
		return fb
	}
	fb.setRaw(func(ctx context.Context, _ *Module, s []uint64) { fn(ctx, s) }, params, results)
	fb.def.raw = fn
	return fb
}

// WithGoModuleFunction is WithGoFunction for functions that need the
// calling module, to reach its memory.
func (fb *FunctionBuilder) WithGoModuleFunction(fn GoModuleFunction, params, results []ValueType) *FunctionBuilder {
	if fn == nil {
		fb.b.fail(errors.New("wasmc: nil host function"))
		return fb
	}
	return fb.setRaw(hostFunc(fn), params, results)
}

func (fb *FunctionBuilder) setRaw(fn hostFunc, params, results []ValueType) *FunctionBuilder {
	for _, t := range append(append([]ValueType(nil), params...), results...) {
		if _, ok := wasmType(t); !ok {
			fb.b.fail(fmt.Errorf("wasmc: unknown value type %#x", byte(t)))
			return fb
		}
	}
	fb.def.params = append([]ValueType(nil), params...)
	fb.def.results = append([]ValueType(nil), results...)
	fb.def.fn, fb.def.raw, fb.set = fn, nil, true
	return fb
}

// Export adds the function to the module under name and returns the module
// builder.
func (fb *FunctionBuilder) Export(name string) *HostModuleBuilder {
	b := fb.b
	switch {
	case !fb.set:
		b.fail(fmt.Errorf("wasmc: host function %q has no implementation", name))
	case b.funcs[name] != nil:
		b.fail(fmt.Errorf("wasmc: host function %q exported twice", name))
	default:
		def := fb.def
		def.name = b.name + "." + name
		def.typ = funcType(def.params, def.results)
		b.funcs[name] = &def
	}
	return b
}

func (b *HostModuleBuilder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// Instantiate makes the host module importable under its name.
func (b *HostModuleBuilder) Instantiate(context.Context) (*Module, error) {
	if b.err != nil {
		return nil, b.err
	}
	funcs := make(map[string]*hostDef, len(b.funcs))
	for n, d := range b.funcs {
		funcs[n] = d
	}
	mod := &Module{r: b.r, name: b.name, host: funcs}
	if err := b.r.reserve(mod); err != nil {
		return nil, err
	}
	return mod, nil
}

// hostDef is a defined host function, before it is bound to a caller.
type hostDef struct {
	name            string
	params, results []ValueType
	typ             wasm.FuncType
	fn              hostFunc
	raw             GoFunction // fn without the caller, when it needs none
}

func funcType(params, results []ValueType) wasm.FuncType {
	var t wasm.FuncType
	for _, p := range params {
		vt, _ := wasmType(p)
		t.Params = append(t.Params, vt)
	}
	for _, r := range results {
		vt, _ := wasmType(r)
		t.Results = append(t.Results, vt)
	}
	return t
}

// bind makes the runtime function that runs d for calls from caller. The
// runtime calls it on the value stack in place and turns its panics into
// errors (one recover per call from Go, none per host call); a function
// that needs no caller is called directly, without a closure in between.
func (d *hostDef) bind(caller *Module) *runtime.Function {
	name := d.name
	onPanic := func(p any) error { return hostPanic(name, p) }
	if d.raw != nil {
		return runtime.NewHostStackFunction(d.typ, runtime.HostStackFunc(d.raw), name, onPanic)
	}
	fn := d.fn
	return runtime.NewHostStackFunction(d.typ, func(ctx context.Context, s []uint64) { fn(ctx, caller, s) }, name, onPanic)
}

// hostPanic turns a host function's panic into the error Call returns;
// a panic with an error value wraps it.
func hostPanic(name string, p any) error {
	if err, ok := p.(error); ok {
		return fmt.Errorf("wasmc: host function %s: %w", name, err)
	}
	return fmt.Errorf("wasmc: host function %s panicked: %v", name, p)
}
