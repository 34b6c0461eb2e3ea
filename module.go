package wasmc

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime"
)

// ModuleConfig configures an instantiation. Its methods return modified
// copies.
type ModuleConfig struct {
	name    string
	hasName bool
}

// NewModuleConfig returns the default configuration: the instance takes
// the module name of the name section, if any.
func NewModuleConfig() ModuleConfig { return ModuleConfig{} }

// WithName names the instance; other modules import its exports under this
// name. An empty name makes an anonymous instance, which nothing imports.
func (c ModuleConfig) WithName(name string) ModuleConfig {
	c.name, c.hasName = name, true
	return c
}

// Module is an instantiated module, or a host module defined in Go.
type Module struct {
	r    *Runtime
	name string
	inst *runtime.Instance // nil for host modules
	m    *wasm.Module      // nil for host modules
	host map[string]*hostDef

	mu      sync.Mutex
	funcs   map[string]*Function
	closed  bool
	ownHost []*runtime.Function // host functions made for this module's imports
}

// InstantiateModule instantiates c: it resolves the imports against the
// named modules of r, initialises memories, tables, globals and segments,
// and runs the start function. A trap in the start function or while
// applying segments is a *Trap error.
func (r *Runtime) InstantiateModule(ctx context.Context, c *CompiledModule, cfg ModuleConfig) (*Module, error) {
	if c == nil {
		return nil, errors.New("wasmc: nil compiled module")
	}
	name := cfg.name
	if !cfg.hasName {
		name = c.Name()
	}
	mod := &Module{r: r, name: name, m: c.m}
	if err := r.reserve(mod); err != nil {
		return nil, err
	}
	inst, err := runtime.Instantiate(ctx, c.code, name, func(module, field string) (runtime.Extern, error) {
		return r.resolve(mod, module, field)
	})
	if err != nil {
		r.unreserve(mod)
		return nil, convertError(err)
	}
	r.mu.Lock()
	closed := r.closed
	if !closed {
		mod.inst = inst // under the lock: resolve reads it for other instantiations
	}
	r.mu.Unlock()
	if closed {
		inst.Close()
		return nil, errClosed
	}
	return mod, nil
}

// reserve claims mod's name and records it as live.
func (r *Runtime) reserve(mod *Module) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errClosed
	}
	if mod.name != "" {
		if _, ok := r.modules[mod.name]; ok {
			return fmt.Errorf("wasmc: module %q has already been instantiated", mod.name)
		}
		r.modules[mod.name] = mod
	}
	r.live[mod] = struct{}{}
	return nil
}

func (r *Runtime) unreserve(mod *Module) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if mod.name != "" && r.modules[mod.name] == mod {
		delete(r.modules, mod.name)
	}
	delete(r.live, mod)
}

// resolve finds import module.field for the instantiation of caller.
// Host functions get a fresh runtime function per importer, so that they
// know which module called them.
func (r *Runtime) resolve(caller *Module, module, field string) (runtime.Extern, error) {
	r.mu.Lock()
	src := r.modules[module]
	var inst *runtime.Instance
	if src != nil {
		inst = src.inst
	}
	r.mu.Unlock()
	if src == nil || src == caller {
		return nil, nil
	}
	if inst != nil {
		x, _ := inst.Export(field)
		return x, nil
	}
	// A host module, or (with no host functions) a module still being
	// instantiated, which exports nothing yet.
	def := src.host[field]
	if def == nil {
		return nil, nil
	}
	f := def.bind(caller)
	caller.mu.Lock()
	caller.ownHost = append(caller.ownHost, f)
	caller.mu.Unlock()
	return f, nil
}

// Name returns the instance's name, or "" for an anonymous one.
func (m *Module) Name() string { return m.name }

// ExportedFunction returns the function exported as name, or nil.
func (m *Module) ExportedFunction(name string) *Function {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f := m.funcs[name]; f != nil {
		return f
	}
	var rf *runtime.Function
	if m.inst != nil {
		rf = m.inst.ExportedFunction(name)
	} else if def := m.host[name]; def != nil {
		rf = def.bind(m)
	}
	if rf == nil {
		return nil
	}
	f := newFunction(rf, name)
	if m.funcs == nil {
		m.funcs = map[string]*Function{}
	}
	m.funcs[name] = f
	return f
}

// ExportedMemory returns the memory exported as name, or nil.
func (m *Module) ExportedMemory(name string) *Memory {
	if m.inst == nil {
		return nil
	}
	x, _ := m.inst.Export(name)
	if mem, ok := x.(*runtime.Memory); ok {
		return &Memory{mem: mem}
	}
	return nil
}

// Memory returns memory 0 of the module when it is exported, or nil: the
// memory a host function usually reads through its caller.
func (m *Module) Memory() *Memory {
	if m.m == nil || m.inst == nil {
		return nil
	}
	for _, ex := range m.m.Exports {
		if ex.Kind == wasm.ExternMemory && ex.Index == 0 {
			return m.ExportedMemory(ex.Name)
		}
	}
	return nil
}

// ExportedGlobal returns the global exported as name, or nil.
func (m *Module) ExportedGlobal(name string) *Global {
	if m.inst == nil {
		return nil
	}
	x, _ := m.inst.Export(name)
	if g, ok := x.(*runtime.Global); ok {
		return &Global{g: g}
	}
	return nil
}

// Close releases the instance and frees its name. Memories, tables and
// globals that other modules imported stay alive until those close too.
// Calls into the module must have returned.
func (m *Module) Close(context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	m.r.unreserve(m)
	if m.inst != nil {
		return m.inst.Close()
	}
	return nil
}

// Memory is a linear memory. Its contents are read and written by copy:
// the memory may be unmapped when its module closes.
type Memory struct {
	mem *runtime.Memory
}

// Size returns the current size in bytes.
func (m *Memory) Size() uint64 { return uint64(len(m.mem.Bytes())) }

// Grow adds delta pages of 64 KiB and returns the previous size in pages;
// ok is false, and nothing changes, when the memory cannot grow so much.
func (m *Memory) Grow(delta uint64) (previous uint64, ok bool) { return m.mem.Grow(delta) }

// Read returns a copy of n bytes at offset off; ok is false when the range
// is out of bounds.
func (m *Memory) Read(off uint64, n uint32) ([]byte, bool) { return m.mem.Read(off, n) }

// Write copies data to offset off; ok is false, and nothing is written,
// when the range is out of bounds.
func (m *Memory) Write(off uint64, data []byte) bool { return m.mem.Write(off, data) }

// Global is a global variable.
type Global struct {
	g *runtime.Global
}

// Type returns the global's value type.
func (g *Global) Type() ValueType {
	t, _ := valueType(g.g.Type().Type)
	return t
}

// Mutable reports whether the global can be set.
func (g *Global) Mutable() bool { return g.g.Type().Mutable }

// Get returns the global's value, encoded like a result.
func (g *Global) Get() uint64 { return g.g.Get() }

// Set changes a mutable global; v is encoded like an argument.
func (g *Global) Set(v uint64) error {
	if err := g.g.Set(v); err != nil {
		return errors.New("wasmc: global is immutable")
	}
	return nil
}
