package runtime

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Resolver supplies an import: the extern that module.name names, or nil
// when there is none.
type Resolver func(module, name string) (Extern, error)

// Instance is an instantiated module.
type Instance struct {
	mod      *Module
	name     string
	owner    *owner
	vmctx    []byte
	funcs    []*Function
	memories []*Memory
	tables   []*Table
	globals  []*Global
	exports  map[string]Extern
	names    []string // export names in order

	segMu sync.Mutex
	datas [][]byte   // passive data segments; nil once dropped
	elems [][]uint64 // evaluated element segments; nil once dropped

	imported []*owner // owners of imported objects, released with this instance
	// pinned instances import a table or a mutable reference global, where
	// their function references may outlive them: they are never freed.
	pinned bool
	refs   []uint64 // registered FuncRef records
	closed atomic.Bool
	home   homeExec    // the instance's own execution context (acquireExec)
	hosts  []hostEntry // stack-form host imports by import index (onHostCall)
}

// instances maps vmctx addresses to instances for exits.
var instances sync.Map // uintptr -> *Instance

func instanceAt(vmctx uintptr) *Instance {
	v, ok := instances.Load(vmctx)
	if !ok {
		return nil
	}
	return v.(*Instance)
}

// Name returns the name the instance was created with.
func (i *Instance) Name() string { return i.name }

// Module returns the instance's module.
func (i *Instance) Module() *Module { return i.mod }

// Export returns the export called name.
func (i *Instance) Export(name string) (Extern, bool) {
	e, ok := i.exports[name]
	return e, ok
}

// ExportedFunction returns the function exported as name, or nil.
func (i *Instance) ExportedFunction(name string) *Function {
	f, _ := i.exports[name].(*Function)
	return f
}

// Exports returns the export names in the module's order.
func (i *Instance) Exports() []string { return append([]string(nil), i.names...) }

// Close releases the instance. Memories, tables, globals and functions
// other instances imported from it stay usable until those are closed too.
// Calls into the instance must have finished. An instance that imports a
// table or a mutable reference global may have stored references to its
// functions there: its code and context then stay mapped for good.
func (i *Instance) Close() error {
	if !i.closed.Swap(true) && !i.pinned {
		i.owner.release()
	}
	return nil
}

// free runs when the last user of the instance's storage is gone.
func (i *Instance) free() {
	instances.Delete(addrOf(i.vmctx))
	i.freeHome()
	for _, r := range i.refs {
		unregisterRef(r)
	}
	for _, m := range i.memories[i.mod.wasm.NumImportedMemories:] {
		if m != nil {
			m.free()
		}
	}
	for _, t := range i.tables[i.mod.wasm.NumImportedTables:] {
		if t != nil {
			t.free()
		}
	}
	unmap(i.vmctx)
	for _, o := range i.imported {
		o.release()
	}
	i.mod.release()
}

// Instantiate links mod against imports and initializes an instance:
// globals, memories, tables, element and data segments, then the start
// function. Link errors say "unknown import" or "incompatible import
// type"; a trap while initializing is a *Trap, after the partial
// initialization the specification prescribes.
func Instantiate(ctx context.Context, mod *Module, name string, imports Resolver) (*Instance, error) {
	if err := mod.acquire(); err != nil {
		return nil, err
	}
	m := mod.wasm
	l := mod.layout
	vm, err := mapRW(uint64(max(l.Size, 16)))
	if err != nil {
		mod.release()
		return nil, err
	}
	inst := &Instance{
		mod:      mod,
		name:     name,
		vmctx:    vm,
		funcs:    make([]*Function, m.NumFuncs()),
		memories: make([]*Memory, m.NumMemories()),
		tables:   make([]*Table, m.NumTables()),
		globals:  make([]*Global, m.NumGlobals()),
		exports:  make(map[string]Extern, len(m.Exports)),
	}
	inst.owner = newOwner(inst.free)
	if err := inst.link(imports); err != nil {
		inst.Close()
		return nil, err
	}
	inst.hosts = hostTable(inst.funcs[:m.NumImportedFuncs])
	if err := inst.define(); err != nil {
		inst.Close()
		return nil, err
	}
	instances.Store(addrOf(vm), inst)
	for _, ex := range m.Exports {
		var x Extern
		switch ex.Kind {
		case wasm.ExternFunc:
			x = inst.funcs[ex.Index]
		case wasm.ExternMemory:
			x = inst.memories[ex.Index]
		case wasm.ExternTable:
			x = inst.tables[ex.Index]
		case wasm.ExternGlobal:
			x = inst.globals[ex.Index]
		default:
			inst.Close()
			return nil, fmt.Errorf("runtime: unsupported export kind %v", ex.Kind)
		}
		inst.exports[ex.Name] = x
		inst.names = append(inst.names, ex.Name)
	}
	if err := inst.initSegments(); err != nil {
		inst.Close()
		return nil, err
	}
	if m.HasStart {
		if _, err := inst.funcs[m.Start].Call(ctx); err != nil {
			inst.Close()
			return nil, err
		}
	}
	return inst, nil
}

// link resolves and type-checks the imports and fills their vmctx slots.
func (i *Instance) link(resolve Resolver) error {
	m := i.mod.wasm
	l := i.mod.layout
	var fn, tab, mem, glob uint32
	for _, imp := range m.Imports {
		var x Extern
		var err error
		if resolve != nil {
			x, err = resolve(imp.Module, imp.Name)
		}
		if err != nil {
			return &LinkError{Msg: fmt.Sprintf("unknown import %q.%q", imp.Module, imp.Name), Err: err}
		}
		if isNil(x) {
			return &LinkError{Msg: fmt.Sprintf("unknown import %q.%q", imp.Module, imp.Name)}
		}
		if x.externKind() != imp.Kind {
			return &LinkError{Msg: fmt.Sprintf("incompatible import type for %q.%q: want %v, got %v", imp.Module, imp.Name, imp.Kind, x.externKind())}
		}
		bad := func(detail string) error {
			return &LinkError{Msg: fmt.Sprintf("incompatible import type for %q.%q: %s", imp.Module, imp.Name, detail)}
		}
		switch imp.Kind {
		case wasm.ExternFunc:
			f := x.(*Function)
			if int(imp.Func) >= len(i.mod.typeIDs) || f.typeID != i.mod.typeIDs[imp.Func] {
				return bad("function type mismatch")
			}
			slot := l.ImportedFunc(fn)
			if f.IsHost() {
				store64(i.vmctx, slot+abi.ImportCode, uint64(i.mod.codeBase)+uint64(i.mod.compiled.HostStubs[fn]))
				store64(i.vmctx, slot+abi.ImportVMCtx, uint64(addrOf(i.vmctx)))
			} else {
				if f.inst.closed.Load() {
					return bad("function of a closed instance")
				}
				store64(i.vmctx, slot+abi.ImportCode, uint64(f.code))
				store64(i.vmctx, slot+abi.ImportVMCtx, uint64(f.vmctx))
				i.retain(f.inst.owner)
			}
			i.funcs[fn] = f
			fn++
		case wasm.ExternTable:
			t := x.(*Table)
			if t.closed.Load() {
				return bad("closed table")
			}
			if canonVal(imp.Table.Elem, i.mod.typeIDs) != t.elem {
				return bad("table element type mismatch")
			}
			if !limitsMatch(t.Len(), t.typ.Limits, imp.Table.Limits) {
				return bad("table limits mismatch")
			}
			store64(i.vmctx, l.Table(tab), t.recAddr())
			i.pinned = true
			i.retain(t.owner)
			i.tables[tab] = t
			tab++
		case wasm.ExternMemory:
			mm := x.(*Memory)
			if mm.closed.Load() {
				return bad("closed memory")
			}
			want := imp.Memory
			if want.PageSizeLog2 == 0 {
				want.PageSizeLog2 = 16
			}
			if mm.pageLog2 != want.PageSizeLog2 || mm.typ.Limits.Is64 != want.Limits.Is64 ||
				mm.typ.Limits.Shared != want.Limits.Shared || !limitsMatch(mm.Size(), mm.typ.Limits, want.Limits) {
				return bad("memory type mismatch")
			}
			if err := mm.checkGuard(i.mod); err != nil {
				return err
			}
			store64(i.vmctx, l.Memory(mem), mm.recAddr())
			i.retain(mm.owner)
			i.memories[mem] = mm
			mem++
		case wasm.ExternGlobal:
			g := x.(*Global)
			if g.typ.Mutable != imp.Global.Mutable || canonVal(imp.Global.Type, i.mod.typeIDs) != g.canon {
				return bad("global type mismatch")
			}
			store64(i.vmctx, l.Global(glob), g.cellAddr())
			if g.typ.Mutable && g.typ.Type.IsRef() {
				i.pinned = true
			}
			i.retain(g.owner)
			i.globals[glob] = g
			glob++
		default:
			return &LinkError{Msg: fmt.Sprintf("unknown import %q.%q: unsupported kind %v", imp.Module, imp.Name, imp.Kind)}
		}
	}
	return nil
}

// isNil reports a nil interface or a nil pointer in one.
func isNil(x Extern) bool {
	switch v := x.(type) {
	case nil:
		return true
	case *Function:
		return v == nil
	case *Memory:
		return v == nil
	case *Table:
		return v == nil
	case *Global:
		return v == nil
	}
	return false
}

func (i *Instance) retain(o *owner) {
	if o != nil {
		o.retain()
		i.imported = append(i.imported, o)
	}
}

// limitsMatch checks an import's limits against an object of current size
// cur and declared limits have.
func limitsMatch(cur uint64, have, want wasm.Limits) bool {
	if cur < want.Min {
		return false
	}
	if want.HasMax {
		return have.HasMax && have.Max <= want.Max
	}
	return true
}

// define fills the type ids and function records and creates the defined
// globals, memories and tables.
func (i *Instance) define() error {
	mod := i.mod
	m := mod.wasm
	l := mod.layout
	self := uint64(addrOf(i.vmctx))
	for t, id := range mod.typeIDs {
		store64(i.vmctx, l.TypeID(uint32(t)), uint64(id))
	}
	for fi := range m.Funcs {
		idx := m.NumImportedFuncs + uint32(fi)
		ti := m.Funcs[fi]
		f := &Function{
			typ:    &m.Types[ti].Func,
			typeID: mod.typeIDs[ti],
			name:   m.FuncName(idx),
			inst:   i,
			index:  idx,
			code:   mod.funcCode(idx),
			shim:   mod.codeBase + uintptr(mod.compiled.EntryShims[ti]),
			vmctx:  uintptr(self),
		}
		f.setArity()
		i.funcs[idx] = f
	}
	for idx, f := range i.funcs {
		rec := l.FuncRef(uint32(idx))
		code, vmctx := uint64(f.code), uint64(f.vmctx)
		if f.IsHost() {
			code, vmctx = uint64(mod.codeBase)+uint64(mod.compiled.HostStubs[idx]), self
		}
		store64(i.vmctx, rec+abi.FuncRefCode, code)
		store64(i.vmctx, rec+abi.FuncRefTypeID, uint64(f.typeID))
		store64(i.vmctx, rec+abi.FuncRefVMCtx, vmctx)
		ref := self + uint64(rec)
		if f.inst == i {
			f.ref = ref
		}
		registerRef(ref, f)
		i.refs = append(i.refs, ref)
	}
	for gi, g := range m.Globals {
		idx := m.NumImportedGlobals + uint32(gi)
		off := l.OwnGlobals + uint32(gi)*abi.GlobalCellSize
		glob := &Global{
			typ:   g.Type,
			canon: canonVal(g.Type.Type, mod.typeIDs),
			cell:  i.vmctx[off : off+abi.GlobalCellSize : off+abi.GlobalCellSize],
			owner: i.owner,
		}
		v, err := i.evalConst(g.Init, idx)
		if err != nil {
			return err
		}
		glob.store(v)
		store64(i.vmctx, l.Global(idx), glob.cellAddr())
		i.globals[idx] = glob
	}
	for mi, mt := range m.Memories {
		idx := m.NumImportedMemories + uint32(mi)
		off := l.OwnMemories + uint32(mi)*abi.MemRecSize
		mem, err := newMemory(mt, i.vmctx[off:off+abi.MemRecSize:off+abi.MemRecSize])
		if err != nil {
			return err
		}
		if err := mem.checkGuard(i.mod); err != nil {
			mem.free()
			return err
		}
		mem.owner = i.owner
		store64(i.vmctx, l.Memory(idx), mem.recAddr())
		i.memories[idx] = mem
	}
	if len(i.memories) > 0 {
		store64(i.vmctx, abi.VMMemBase0, load64(i.memories[0].rec, abi.MemBase))
	}
	for ti, t := range m.Tables {
		idx := m.NumImportedTables + uint32(ti)
		init := uint64(0)
		if t.HasInit {
			v, err := i.evalConst(t.Init, m.NumGlobals())
			if err != nil {
				return err
			}
			init = v
		}
		off := l.OwnTables + uint32(ti)*abi.TableRecSize
		tab, err := newTable(t.Type, canonVal(t.Type.Elem, mod.typeIDs), i.vmctx[off:off+abi.TableRecSize:off+abi.TableRecSize], init)
		if err != nil {
			return err
		}
		tab.owner = i.owner
		store64(i.vmctx, l.Table(idx), tab.recAddr())
		i.tables[idx] = tab
	}
	return nil
}
