package runtime

import (
	"errors"
	"sync/atomic"
	"unsafe"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Global is a global variable: a 16-byte cell compiled code reads and
// writes directly.
type Global struct {
	typ    wasm.GlobalType
	canon  wasm.ValType // value type with canonical heap ids, for linking
	cell   []byte
	ownRec bool
	owner  *owner
}

// NewGlobal creates a global from Go with initial value v. Close it when no
// instance uses it any more.
func NewGlobal(t wasm.GlobalType, v uint64) (*Global, error) {
	if t.Type.Kind == wasm.KindRef && t.Type.Heap >= 0 {
		return nil, errors.New("runtime: host globals need an abstract reference type")
	}
	if t.Type.Kind == wasm.KindV128 {
		return nil, errors.New("runtime: v128 globals are not supported")
	}
	cell, err := allocRecord()
	if err != nil {
		return nil, err
	}
	g := &Global{typ: t, canon: t.Type, cell: cell[:16:16], ownRec: true}
	g.owner = newOwner(func() { freeRecord(cell) })
	g.store(v)
	return g, nil
}

// Close releases a global made by NewGlobal once no instance imports it.
func (g *Global) Close() error {
	if g.ownRec && g.owner != nil {
		o := g.owner
		g.owner = nil
		o.release()
	}
	return nil
}

// Type returns the global's type.
func (g *Global) Type() wasm.GlobalType { return g.typ }

// Get returns the global's value.
func (g *Global) Get() uint64 {
	return atomic.LoadUint64((*uint64)(unsafe.Pointer(&g.cell[0])))
}

// Set changes a mutable global's value.
func (g *Global) Set(v uint64) error {
	if !g.typ.Mutable {
		return errors.New("runtime: global is immutable")
	}
	g.store(v)
	return nil
}

func (g *Global) store(v uint64) {
	switch g.typ.Type.Kind {
	case wasm.KindI32, wasm.KindF32:
		v = uint64(uint32(v))
	}
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&g.cell[0])), v)
}

func (g *Global) cellAddr() uint64 { return uint64(addrOf(g.cell)) }

func (*Global) externKind() wasm.ExternKind { return wasm.ExternGlobal }
