package backend

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/ssa"
)

// Target is one architecture's code generator. Target packages register
// themselves in init (backend/amd64 registers "amd64"), so callers of
// Compile only import them for their side effect.
type Target struct {
	Name string
	// CheckCPU reports why this machine cannot run the target's code, or
	// nil. Compile calls it when the target is the host architecture.
	CheckCPU func() error
	// NewCompiler returns a compiler for one goroutine: it keeps its
	// buffers from one function to the next, so that a worker stops
	// allocating once they fit the module's largest function.
	NewCompiler func() FuncCompiler
	// Link joins the defined functions' units (in function order) and the
	// target's stubs into the module's code.
	Link func(m *wasm.Module, funcs []Unit) (*Compiled, error)
}

// Unit is a target's compiled function, opaque to this package.
type Unit any

// FuncCompiler compiles one optimized function into a unit for Link.
// With a non-nil listing it also writes the function's machine code as
// text (selected instructions and the final disassembly). It may reuse
// f's memory: f is dead once it returns.
type FuncCompiler func(f *ssa.Func, listing *strings.Builder) (Unit, error)

var (
	targetsMu sync.RWMutex
	targets   = map[string]*Target{}
)

// Register makes a target available to Compile under t.Name.
func Register(t *Target) {
	targetsMu.Lock()
	defer targetsMu.Unlock()
	targets[t.Name] = t
}

// lookup returns the registered target arch.
func lookup(arch string) (*Target, error) {
	targetsMu.RLock()
	defer targetsMu.RUnlock()
	if t := targets[arch]; t != nil {
		return t, nil
	}
	names := make([]string, 0, len(targets))
	for n := range targets {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("wasmc: unknown architecture %q (registered: %s)", arch, strings.Join(names, ", "))
}

// unsupported returns the error for a construct the compiler lacks.
func unsupported(what string) error { return wasm.Unsupported(what) }

// checkSupported rejects modules using proposals the compiler does not
// implement. Instructions of such proposals inside bodies are rejected
// by the lowering.
func checkSupported(m *wasm.Module) error {
	valType := func(t wasm.ValType) error {
		switch t.Kind {
		case wasm.KindV128:
			return unsupported("SIMD (v128)")
		case wasm.KindRef:
			switch {
			case t.Heap == wasm.HeapFunc || t.Heap == wasm.HeapExtern:
				if !t.Nullable {
					return unsupported("non-nullable references (function-references)")
				}
			case t.Heap == wasm.HeapExn || t.Heap == wasm.HeapNoExn:
				return unsupported("exception references")
			case t.Heap == wasm.HeapCont || t.Heap == wasm.HeapNoCont:
				return unsupported("stack switching")
			case t.Heap.IsIndex() || t.Heap == wasm.HeapNoFunc || t.Heap == wasm.HeapNoExtern:
				return unsupported("typed function references")
			default:
				return unsupported("GC references")
			}
		}
		return nil
	}
	for _, st := range m.Types {
		if st.Kind != wasm.CompFunc {
			return unsupported("GC and continuation types")
		}
		for _, ts := range [][]wasm.ValType{st.Func.Params, st.Func.Results} {
			for _, t := range ts {
				if err := valType(t); err != nil {
					return err
				}
			}
		}
	}
	if len(m.Tags) > 0 || m.NumImportedTags > 0 {
		return unsupported("exception handling (tags)")
	}
	limits := func(l wasm.Limits, what string) error {
		if l.Is64 {
			return unsupported("64-bit " + what + "s (memory64)")
		}
		if l.Shared {
			return unsupported("shared memories (threads)")
		}
		return nil
	}
	for _, mem := range m.Memories {
		if err := limits(mem.Limits, "memory"); err != nil {
			return err
		}
		if mem.PageSizeLog2 != 16 {
			return unsupported("custom page sizes")
		}
	}
	for _, t := range m.Tables {
		if err := limits(t.Type.Limits, "table"); err != nil {
			return err
		}
		if err := valType(t.Type.Elem); err != nil {
			return err
		}
	}
	for _, imp := range m.Imports {
		var err error
		switch imp.Kind {
		case wasm.ExternMemory:
			if err = limits(imp.Memory.Limits, "memory"); err == nil && imp.Memory.PageSizeLog2 != 16 {
				err = unsupported("custom page sizes")
			}
		case wasm.ExternTable:
			if err = limits(imp.Table.Limits, "table"); err == nil {
				err = valType(imp.Table.Elem)
			}
		case wasm.ExternGlobal:
			err = valType(imp.Global.Type)
		}
		if err != nil {
			return err
		}
	}
	for _, g := range m.Globals {
		if err := valType(g.Type.Type); err != nil {
			return err
		}
	}
	for _, c := range m.Codes {
		for _, l := range c.Locals {
			if err := valType(l.Type); err != nil {
				return err
			}
		}
	}
	return nil
}
