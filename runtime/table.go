package runtime

import (
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Table is a table of references: 8-byte elements (funcref record
// addresses or externref handles, 0 for null) in mmap'd memory. Growing
// past the reservation moves the elements to a bigger one and updates the
// TableRecord, which compiled code reloads on every access.
type Table struct {
	typ    wasm.TableType
	elem   wasm.ValType // element type with canonical heap ids, for linking
	max    uint64       // hard limit on the size
	elems  []byte       // reservation; committed up to the size
	rec    []byte       // TableRecord
	ownRec bool
	mu     sync.Mutex
	owner  *owner
	closed atomic.Bool
	id     uint64 // creation order, for lock ordering
}

var tableIDs atomic.Uint64

// maxTableElems bounds every table, whatever its declared maximum.
const maxTableElems = 10_000_000

// NewTable creates a table from Go, every element set to init. Close it
// when no instance uses it any more.
func NewTable(t wasm.TableType, init uint64) (*Table, error) {
	if t.Elem.Kind == wasm.KindRef && t.Elem.Heap >= 0 {
		return nil, errors.New("runtime: host tables need an abstract element type")
	}
	rec, err := allocRecord()
	if err != nil {
		return nil, err
	}
	tb, err := newTable(t, t.Elem, rec, init)
	if err != nil {
		freeRecord(rec)
		return nil, err
	}
	tb.ownRec = true
	tb.owner = newOwner(tb.free)
	return tb, nil
}

func newTable(t wasm.TableType, elem wasm.ValType, rec []byte, init uint64) (*Table, error) {
	max := uint64(maxTableElems)
	if t.Limits.HasMax && t.Limits.Max < max {
		max = t.Limits.Max
	}
	if t.Limits.Min > max {
		return nil, errors.New("runtime: table too large")
	}
	tb := &Table{typ: t, elem: elem, max: max, rec: rec, id: tableIDs.Add(1)}
	if err := tb.resize(t.Limits.Min, init); err != nil {
		return nil, err
	}
	store64(rec, abi.TableMax, max)
	return tb, nil
}

// resize sets the size to n elements (n >= the current size), filling the
// new ones with v. The caller holds mu or owns the table exclusively.
func (t *Table) resize(n uint64, v uint64) error {
	old := t.Len()
	if n*8 > uint64(len(t.elems)) {
		capacity := max(n, 2*old, 64)
		if capacity > t.max {
			capacity = max(n, t.max)
		}
		b, err := reserve(capacity * 8)
		if err != nil {
			return err
		}
		if err := commit(b, 0, capacity*8); err != nil {
			unmap(b)
			return err
		}
		copy(b, t.elems[:old*8])
		prev := t.elems
		t.elems = b
		store64(t.rec, abi.TableBase, uint64(addrOf(b)))
		unmap(prev)
	}
	for i := old; i < n; i++ {
		store64(t.elems, uint32(i*8), v)
	}
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&t.rec[abi.TableLen])), n)
	return nil
}

func (t *Table) free() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Swap(true) {
		return
	}
	unmap(t.elems)
	t.elems = nil
	if t.ownRec {
		freeRecord(t.rec)
	}
	t.rec = nil
}

// Close releases a table made by NewTable once no instance imports it.
func (t *Table) Close() error {
	if t.ownRec && t.owner != nil {
		o := t.owner
		t.owner = nil
		o.release()
	}
	return nil
}

// Type returns the table's type with Min set to the current size.
func (t *Table) Type() wasm.TableType {
	tt := t.typ
	tt.Limits.Min = t.Len()
	return tt
}

// Len returns the current number of elements.
func (t *Table) Len() uint64 {
	if t.closed.Load() {
		return 0
	}
	return atomic.LoadUint64((*uint64)(unsafe.Pointer(&t.rec[abi.TableLen])))
}

// Get returns element i; ok is false when i is out of bounds.
func (t *Table) Get(i uint64) (uint64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i >= t.Len() {
		return 0, false
	}
	return load64(t.elems, uint32(i*8)), true
}

// Set stores v at element i; ok is false when i is out of bounds. v must be
// a reference of the table's element type (a funcref from Function.Ref or
// a table or global of the same store, or an externref handle).
func (t *Table) Set(i, v uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i >= t.Len() {
		return false
	}
	store64(t.elems, uint32(i*8), v)
	return true
}

// Grow adds delta elements set to init and returns the previous size; ok is
// false (nothing changes) when the table cannot grow that much.
func (t *Table) Grow(delta, init uint64) (old uint64, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old = t.Len()
	if t.closed.Load() || delta > t.max-old {
		return old, false
	}
	if err := t.resize(old+delta, init); err != nil {
		return old, false
	}
	return old, true
}

// slots returns the elements [i, i+n) for bulk operations, or nil when out
// of bounds. The caller holds mu.
func (t *Table) slots(i, n uint64) ([]uint64, bool) {
	size := t.Len()
	if i > size || n > size-i {
		return nil, false
	}
	if n == 0 {
		return nil, true
	}
	all := unsafe.Slice((*uint64)(unsafe.Pointer(&t.elems[0])), size)
	return all[i : i+n], true
}

func (t *Table) recAddr() uint64 { return uint64(addrOf(t.rec)) }

func (*Table) externKind() wasm.ExternKind { return wasm.ExternTable }
