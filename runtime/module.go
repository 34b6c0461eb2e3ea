package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sort"
	"sync"

	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Module is a compiled module whose code is mapped and ready to
// instantiate. It is safe for concurrent use.
type Module struct {
	wasm     *wasm.Module
	features wasm.Features
	compiled *backend.Compiled
	layout   *abi.Layout
	typeIDs  []uint32 // canonical id of each type index

	mu        sync.Mutex
	code      []byte // read-only, executable
	codeBase  uintptr
	instances int  // live instances: the code stays mapped while any runs
	closed    bool // Close was called
	cleanup   goruntime.Cleanup
}

// codeInfo is what backtraces need to know about mapped code. It does not
// reference the Module, so that an unreachable Module can be cleaned up.
type codeInfo struct {
	base, size uintptr
	compiled   *backend.Compiled
	wasm       *wasm.Module
}

// codeMapping owns a module's executable mapping for the cleanup safety
// net (it must not reference the Module itself).
type codeMapping struct{ b []byte }

// NewModule maps the machine code of a validated module. m and code must
// stay unmodified while the Module is in use.
func NewModule(m *wasm.Module, f wasm.Features, code *backend.Compiled) (*Module, error) {
	if m == nil || code == nil {
		return nil, errors.New("runtime: nil module or code")
	}
	if code.Arch != goruntime.GOARCH {
		return nil, fmt.Errorf("runtime: code for %s cannot run on %s", code.Arch, goruntime.GOARCH)
	}
	if len(code.Funcs) != len(m.Funcs) || len(code.EntryShims) != len(m.Types) ||
		uint32(len(code.HostStubs)) != m.NumImportedFuncs {
		return nil, errors.New("runtime: compiled code does not match the module")
	}
	for _, fr := range code.Funcs {
		if uint64(fr.Offset)+uint64(fr.Size) > uint64(len(code.Code)) {
			return nil, errors.New("runtime: function range outside the code")
		}
	}
	for i, fi := range m.Funcs {
		// Any function can reach Go through an export or a table.
		if int(fi) >= len(m.Types) || code.EntryShims[fi] == backend.NoOffset {
			return nil, fmt.Errorf("runtime: function %d has no entry shim", uint32(i)+m.NumImportedFuncs)
		}
	}
	// The fault handler also turns a hit on a Wasm stack's guard page into
	// a trap, so every module gets it; only guard-page code needs it.
	if err := guardPagesReady(); err != nil && code.GuardPages {
		return nil, err
	}
	if err := backend.CheckSkipsValid(code); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	var skips []backend.CheckSkip
	if len(code.CheckSkips) > 0 && signalPreemptLoad() {
		skips = code.CheckSkips
	}
	b, err := mapCode(code.Code, skips)
	if err != nil {
		return nil, err
	}
	mod := &Module{
		wasm:     m,
		features: f,
		compiled: code,
		layout:   abi.NewLayout(m),
		typeIDs:  canonicalTypes(m),
		code:     b,
		codeBase: addrOf(b),
	}
	mod.cleanup = goruntime.AddCleanup(mod, func(c *codeMapping) { unregisterCode(addrOf(c.b)); unmap(c.b) }, &codeMapping{b})
	ci := &codeInfo{base: mod.codeBase, size: uintptr(len(code.Code)), compiled: code, wasm: m}
	if err := registerCode(ci); err != nil {
		mod.cleanup.Stop()
		unmap(b)
		return nil, err
	}
	writePerfMap(ci)
	return mod, nil
}

// Wasm returns the module's decoded form.
func (m *Module) Wasm() *wasm.Module { return m.wasm }

// Close releases the module's code once no instance of it remains.
// Instantiate fails after Close.
func (m *Module) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	m.releaseLocked()
	return nil
}

func (m *Module) acquire() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("runtime: module is closed")
	}
	m.instances++
	return nil
}

func (m *Module) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.instances--
	m.releaseLocked()
}

func (m *Module) releaseLocked() {
	if m.closed && m.instances == 0 && m.code != nil {
		m.cleanup.Stop()
		unregisterCode(m.codeBase)
		unmap(m.code)
		m.code = nil
	}
}

// funcCode returns the address of defined or imported-by-index function
// fn's machine code; fn must be a defined function.
func (m *Module) funcCode(fn uint32) uintptr {
	return m.codeBase + uintptr(m.compiled.Funcs[fn-m.wasm.NumImportedFuncs].Offset)
}

// codeRegistry maps code addresses back to modules for backtraces.
var codeRegistry struct {
	mu   sync.RWMutex
	code []*codeInfo // sorted by base
}

// registerCode also publishes the range to the fault handler, which turns
// faults inside it into traps.
func registerCode(c *codeInfo) error {
	codeRegistry.mu.Lock()
	defer codeRegistry.mu.Unlock()
	if err := faultAdd(c.base, c.size, uintptr(c.compiled.FuncsEnd())); err != nil {
		return err
	}
	r := codeRegistry.code
	i := sort.Search(len(r), func(i int) bool { return r[i].base >= c.base })
	r = append(r, nil)
	copy(r[i+1:], r[i:])
	r[i] = c
	codeRegistry.code = r
	return nil
}

func unregisterCode(base uintptr) {
	codeRegistry.mu.Lock()
	defer codeRegistry.mu.Unlock()
	faultRemove(base)
	r := codeRegistry.code
	for i, c := range r {
		if c.base == base {
			codeRegistry.code = append(r[:i], r[i+1:]...)
			return
		}
	}
}

// codeAt returns the mapped code that contains pc, or nil.
func codeAt(pc uintptr) *codeInfo {
	codeRegistry.mu.RLock()
	defer codeRegistry.mu.RUnlock()
	r := codeRegistry.code
	i := sort.Search(len(r), func(i int) bool { return r[i].base > pc }) - 1
	if i < 0 || pc-r[i].base >= r[i].size {
		return nil
	}
	return r[i]
}
