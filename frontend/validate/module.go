package validate

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Module validates a decoded module for the given features. It returns the
// first error as a *wasm.Error (Kind Invalid, with a byte offset where
// known; function-body errors carry Func).
func Module(m *wasm.Module, f wasm.Features) error {
	c := &moduleCtx{m: m, features: f}
	if err := c.checkTypes(); err != nil {
		return err
	}
	if len(m.Codes) != len(m.Funcs) {
		return wasm.Malformedf(-1, "function and code section have inconsistent lengths")
	}
	steps := []func() error{
		c.checkImports, c.checkFuncs, c.checkTables, c.checkMemories,
		c.checkGlobalTypes, c.checkTags, c.collectDeclared,
		c.checkTableInits, c.checkGlobalInits, c.checkExports, c.checkStart,
		c.checkElems, c.checkDatas,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return c.validateBodies()
}

// checkImports checks the imported entities and starts the index spaces.
func (c *moduleCtx) checkImports() error {
	m := c.m
	c.funcs = make([]uint32, 0, m.NumFuncs())
	c.tables = make([]wasm.TableType, 0, m.NumTables())
	c.mems = make([]wasm.MemoryType, 0, m.NumMemories())
	c.globals = make([]wasm.GlobalType, 0, m.NumGlobals())
	c.tags = make([]uint32, 0, m.NumTags())
	for i := range m.Imports {
		im := &m.Imports[i]
		var err error
		switch im.Kind {
		case wasm.ExternFunc:
			err = c.checkFuncTypeIndex(im.Func)
			c.funcs = append(c.funcs, im.Func)
		case wasm.ExternTable:
			err = c.checkTableType(im.Table)
			c.tables = append(c.tables, im.Table)
		case wasm.ExternMemory:
			err = c.checkMemoryType(im.Memory)
			c.mems = append(c.mems, im.Memory)
		case wasm.ExternGlobal:
			err = c.checkValType(im.Global.Type)
			c.globals = append(c.globals, im.Global)
		case wasm.ExternTag:
			err = c.checkTagType(im.Tag)
			c.tags = append(c.tags, im.Tag.Type)
		default:
			err = wasm.Invalidf(-1, "import %d has unknown kind %d", i, im.Kind)
		}
		if err != nil {
			return err
		}
	}
	if uint32(len(c.funcs)) != m.NumImportedFuncs || uint32(len(c.tables)) != m.NumImportedTables ||
		uint32(len(c.mems)) != m.NumImportedMemories || uint32(len(c.globals)) != m.NumImportedGlobals ||
		uint32(len(c.tags)) != m.NumImportedTags {
		return wasm.Malformedf(-1, "import counts do not match the imports")
	}
	return nil
}

// checkFuncTypeIndex requires idx to name a function type.
func (c *moduleCtx) checkFuncTypeIndex(idx uint32) error {
	st := c.typeDef(idx)
	if st == nil {
		return wasm.Invalidf(-1, "unknown type %d", idx)
	}
	if st.Kind != wasm.CompFunc {
		return wasm.Invalidf(-1, "non-function type %d", idx)
	}
	return nil
}

func (c *moduleCtx) checkFuncs() error {
	for _, t := range c.m.Funcs {
		if err := c.checkFuncTypeIndex(t); err != nil {
			return err
		}
		c.funcs = append(c.funcs, t)
	}
	return nil
}

// checkLimits checks min and max against bound, then min <= max.
func checkLimits(l wasm.Limits, bound uint64, msg string) error {
	if l.Min > bound || (l.HasMax && l.Max > bound) {
		return wasm.Invalidf(-1, "%s", msg)
	}
	if l.HasMax && l.Min > l.Max {
		return wasm.Invalidf(-1, "size minimum must not be greater than maximum")
	}
	return nil
}

func (c *moduleCtx) checkTableType(t wasm.TableType) error {
	if t.Elem.Kind != wasm.KindRef {
		return wasm.Invalidf(-1, "type mismatch: table element type %s is not a reference type", t.Elem)
	}
	if err := c.checkValType(t.Elem); err != nil {
		return err
	}
	if t.Limits.Is64 {
		return checkLimits(t.Limits, 1<<64-1, "table size must be at most 2^64-1")
	}
	return checkLimits(t.Limits, 1<<32-1, "table size must be at most 2^32-1")
}

func (c *moduleCtx) checkMemoryType(t wasm.MemoryType) error {
	log2 := t.PageSizeLog2
	if log2 != 16 && (log2 != 0 || !c.features.Has(wasm.CustomPageSizes)) {
		return wasm.Invalidf(-1, "invalid custom page size")
	}
	// The byte size must fit the address type: at most ceil((2^bits-1) /
	// pagesize) pages, i.e. 65536 for i32 with 64 KiB pages.
	var bound uint64 = 1<<32 - 1
	msg := "memory size must be at most 65536 pages (4GiB)"
	if t.Limits.Is64 {
		bound = 1<<64 - 1
		msg = "memory size must be at most 2^48 pages (256TiB)"
	}
	if log2 > 0 {
		bound = bound>>log2 + 1
	}
	if log2 != 16 {
		msg = fmt.Sprintf("memory size must be at most %d pages", bound)
	}
	if err := checkLimits(t.Limits, bound, msg); err != nil {
		return err
	}
	if t.Limits.Shared && !t.Limits.HasMax {
		return wasm.Invalidf(-1, "shared memory must have maximum")
	}
	return nil
}

func (c *moduleCtx) checkTagType(t wasm.TagType) error {
	if err := c.checkFuncTypeIndex(t.Type); err != nil {
		return err
	}
	// Stack switching gives control tags results; exception tags have none.
	if ft, _ := c.funcTypeOf(t.Type); len(ft.Results) > 0 && !c.features.Has(wasm.StackSwitching) {
		return wasm.Invalidf(-1, "non-empty tag result type")
	}
	return nil
}

func (c *moduleCtx) checkTables() error {
	for i := range c.m.Tables {
		t := &c.m.Tables[i]
		if err := c.checkTableType(t.Type); err != nil {
			return err
		}
		if !t.HasInit && !t.Type.Elem.Nullable {
			return wasm.Invalidf(-1, "type mismatch: table of non-nullable type %s needs an initializer", t.Type.Elem)
		}
		c.tables = append(c.tables, t.Type)
	}
	if len(c.tables) > 1 && !c.features.Has(wasm.ReferenceTypes) {
		return wasm.Invalidf(-1, "multiple tables")
	}
	return nil
}

func (c *moduleCtx) checkMemories() error {
	for _, mt := range c.m.Memories {
		if err := c.checkMemoryType(mt); err != nil {
			return err
		}
		c.mems = append(c.mems, mt)
	}
	if len(c.mems) > 1 && !c.features.Has(wasm.MultiMemory) {
		return wasm.Invalidf(-1, "multiple memories")
	}
	return nil
}

// checkGlobalTypes completes the global index space; initialisers are
// checked later, once declared function references are known.
func (c *moduleCtx) checkGlobalTypes() error {
	for i := range c.m.Globals {
		g := &c.m.Globals[i]
		if err := c.checkValType(g.Type.Type); err != nil {
			return withOffset(err, int(g.Init.Offset))
		}
		c.globals = append(c.globals, g.Type)
	}
	return nil
}

func (c *moduleCtx) checkTags() error {
	for _, t := range c.m.Tags {
		if err := c.checkTagType(t); err != nil {
			return err
		}
		c.tags = append(c.tags, t.Type)
	}
	return nil
}

// checkTableInits checks table initialisers, which see imported globals
// only: the table section precedes the global section.
func (c *moduleCtx) checkTableInits() error {
	for i := range c.m.Tables {
		t := &c.m.Tables[i]
		if !t.HasInit {
			continue
		}
		if err := c.validateConst(t.Init, t.Type.Elem, c.m.NumImportedGlobals); err != nil {
			return err
		}
	}
	return nil
}

// checkGlobalInits checks each initialiser against the imported and
// previously defined globals.
func (c *moduleCtx) checkGlobalInits() error {
	for i := range c.m.Globals {
		g := &c.m.Globals[i]
		if err := c.validateConst(g.Init, g.Type.Type, c.constGlobals(c.m.NumImportedGlobals+uint32(i))); err != nil {
			return err
		}
	}
	return nil
}

func (c *moduleCtx) checkExports() error {
	exports := c.m.Exports
	var seen map[string]struct{}
	if len(exports) > 16 {
		seen = make(map[string]struct{}, len(exports))
	}
	for i := range exports {
		ex := &exports[i]
		var n uint32
		switch ex.Kind {
		case wasm.ExternFunc:
			n = uint32(len(c.funcs))
		case wasm.ExternTable:
			n = uint32(len(c.tables))
		case wasm.ExternMemory:
			n = uint32(len(c.mems))
		case wasm.ExternGlobal:
			n = uint32(len(c.globals))
		case wasm.ExternTag:
			n = uint32(len(c.tags))
		default:
			return wasm.Invalidf(-1, "export %q has unknown kind %d", ex.Name, ex.Kind)
		}
		if ex.Index >= n {
			return wasm.Invalidf(-1, "unknown %s %d", externNoun(ex.Kind), ex.Index)
		}
		dup := false
		if seen != nil {
			_, dup = seen[ex.Name]
			seen[ex.Name] = struct{}{}
		} else {
			for j := 0; j < i && !dup; j++ {
				dup = exports[j].Name == ex.Name
			}
		}
		if dup {
			return wasm.Invalidf(-1, "duplicate export name %q", ex.Name)
		}
	}
	return nil
}

// externNoun names an index space the way "unknown ..." messages do.
func externNoun(k wasm.ExternKind) string {
	if k == wasm.ExternFunc {
		return "function"
	}
	return k.String()
}

func (c *moduleCtx) checkStart() error {
	if !c.m.HasStart {
		return nil
	}
	x := c.m.Start
	if x >= uint32(len(c.funcs)) {
		return wasm.Invalidf(-1, "unknown function %d", x)
	}
	ft, ok := c.funcTypeOf(c.funcs[x])
	if !ok || len(ft.Params) != 0 || len(ft.Results) != 0 {
		return wasm.Invalidf(-1, "start function must not have parameters or results")
	}
	return nil
}

// constGlobals is how many globals a constant expression may read when n
// are defined before it: before GC, only imported ones.
func (c *moduleCtx) constGlobals(n uint32) uint32 {
	if c.features.Has(wasm.GC) {
		return n
	}
	return min(n, c.m.NumImportedGlobals)
}

// withOffset sets the offset of a *wasm.Error that has none.
func withOffset(err error, off int) error {
	if e, ok := err.(*wasm.Error); ok && e.Offset < 0 {
		e.Offset = off
	}
	return err
}
