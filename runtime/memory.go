package runtime

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
)

// Memory is a linear memory. Its base address never moves: the maximum size
// is reserved up front and growing only changes protections.
type Memory struct {
	typ      wasm.MemoryType // declared limits; Min is the initial size
	pageLog2 uint8
	maxPages uint64 // hard limit on the size in pages
	mem      []byte // the whole reservation
	rec      []byte // MemoryRecord
	ownRec   bool   // rec comes from the record slab
	mu       sync.Mutex
	owner    *owner
	closed   atomic.Bool
	// guarded: a 32-bit memory inside a guardReservation, which code
	// compiled for guard pages needs (checkGuard).
	guarded bool
}

// guardReservation is what a 32-bit memory reserves on platforms with
// guard pages: a zero-extended 32-bit index plus a 32-bit offset plus the
// widest access stays inside it, so every out-of-bounds access faults on
// a PROT_NONE page (docs/abi.md, "Bounds checks").
const guardReservation = 2*max32Bytes + 64<<10

// max32Bytes is the most a 32-bit memory can address.
const max32Bytes = 1 << 32

// max64Bytes caps the reservation of 64-bit memories.
const max64Bytes = 1 << 36

// NewMemory creates a memory from Go (for host modules). Close it when no
// instance uses it any more; instances that import it keep it alive.
func NewMemory(t wasm.MemoryType) (*Memory, error) {
	rec, err := allocRecord()
	if err != nil {
		return nil, err
	}
	m, err := newMemory(t, rec)
	if err != nil {
		freeRecord(rec)
		return nil, err
	}
	m.ownRec = true
	m.owner = newOwner(m.free)
	return m, nil
}

// newMemory reserves and commits a memory whose record is rec.
func newMemory(t wasm.MemoryType, rec []byte) (*Memory, error) {
	log2 := t.PageSizeLog2
	if log2 == 0 {
		log2 = 16
	}
	if log2 > 16 {
		return nil, errors.New("runtime: unsupported page size")
	}
	limit := uint64(max32Bytes)
	if t.Limits.Is64 {
		limit = max64Bytes
	}
	maxPages := limit >> log2
	if t.Limits.HasMax && t.Limits.Max < maxPages {
		maxPages = t.Limits.Max
	}
	if t.Limits.Min > maxPages {
		return nil, fmt.Errorf("runtime: memory of %d pages exceeds the limit", t.Limits.Min)
	}
	resv := maxPages << log2
	if resv == 0 {
		resv = 1 // a real base address even for an empty memory
	}
	var mem []byte
	var err error
	guarded := false
	if guardPagesSupported && !t.Limits.Is64 {
		// Without the address space, only code with explicit checks can
		// use the memory (checkGuard).
		if mem, err = reserveGuard(); err == nil {
			guarded = true
		}
	}
	if !guarded {
		if mem, err = reserve(resv); err != nil {
			return nil, err
		}
	}
	size := t.Limits.Min << log2
	if err := commit(mem, 0, size); err != nil {
		if guarded {
			releaseGuard(mem, size)
		} else {
			unmap(mem)
		}
		return nil, fmt.Errorf("runtime: commit memory: %w", err)
	}
	m := &Memory{typ: t, pageLog2: log2, maxPages: maxPages, mem: mem, rec: rec, guarded: guarded}
	store64(rec, abi.MemBase, uint64(addrOf(mem)))
	store64(rec, abi.MemLen, size)
	store64(rec, abi.MemMax, maxPages<<log2)
	return m, nil
}

func (m *Memory) free() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Swap(true) {
		return
	}
	if m.guarded {
		releaseGuard(m.mem, atomic.LoadUint64((*uint64)(unsafe.Pointer(&m.rec[abi.MemLen]))))
	} else {
		unmap(m.mem)
	}
	m.mem = nil
	if m.ownRec {
		freeRecord(m.rec)
	}
	m.rec = nil
}

// Close releases a memory made by NewMemory once no instance imports it.
func (m *Memory) Close() error {
	if m.ownRec && m.owner != nil {
		o := m.owner
		m.owner = nil
		o.release()
	}
	return nil
}

// Type returns the memory's type with Min set to the current size.
func (m *Memory) Type() wasm.MemoryType {
	t := m.typ
	t.Limits.Min = m.Size()
	return t
}

func (m *Memory) length() uint64 {
	if m.closed.Load() {
		return 0
	}
	return atomic.LoadUint64((*uint64)(unsafe.Pointer(&m.rec[abi.MemLen])))
}

// Size returns the current size in pages.
func (m *Memory) Size() uint64 { return m.length() >> m.pageLog2 }

// Bytes returns the memory's current contents. The slice stays valid after
// growth (the base never moves) but does not see the new pages.
func (m *Memory) Bytes() []byte {
	n := m.length()
	if n == 0 {
		return nil
	}
	return m.mem[:n:n]
}

// Grow adds delta pages and returns the previous size in pages; ok is false
// (and nothing changes) when the memory cannot grow that much.
func (m *Memory) Grow(delta uint64) (old uint64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return 0, false
	}
	n := m.length()
	old = n >> m.pageLog2
	if delta > m.maxPages-old {
		return old, false
	}
	if delta == 0 {
		return old, true
	}
	newLen := (old + delta) << m.pageLog2
	if err := commit(m.mem, n, newLen); err != nil {
		return old, false
	}
	atomic.StoreUint64((*uint64)(unsafe.Pointer(&m.rec[abi.MemLen])), newLen)
	return old, true
}

// Read returns a copy of n bytes at offset off; ok is false when out of
// bounds.
func (m *Memory) Read(off uint64, n uint32) ([]byte, bool) {
	b := m.Bytes()
	if off > uint64(len(b)) || uint64(n) > uint64(len(b))-off {
		return nil, false
	}
	return append([]byte(nil), b[off:off+uint64(n)]...), true
}

// Write copies data to offset off; ok is false (nothing written) when out
// of bounds.
func (m *Memory) Write(off uint64, data []byte) bool {
	b := m.Bytes()
	if off > uint64(len(b)) || uint64(len(data)) > uint64(len(b))-off {
		return false
	}
	copy(b[off:], data)
	return true
}

// guardPagesReady installs the fault handler once; code compiled for guard
// pages cannot run without it.
var guardPagesReady = sync.OnceValue(func() error {
	if !guardPagesSupported {
		return errors.New("runtime: the module was compiled for guard pages, which need linux/amd64 or linux/arm64: recompile it")
	}
	return installFaultHandler()
})

// guardPool keeps the reservations of freed memories, emptied, for the
// next memories: an 8 GiB reservation costs nothing natively but address
// space, while an emulator such as qemu-user 7.2 spends ~50 MB of its own
// bookkeeping on each new one and never frees it.
var guardPool struct {
	sync.Mutex
	free [][]byte
}

const guardPoolMax = 64

func reserveGuard() ([]byte, error) {
	guardPool.Lock()
	if n := len(guardPool.free); n > 0 {
		b := guardPool.free[n-1]
		guardPool.free = guardPool.free[:n-1]
		guardPool.Unlock()
		return b, nil
	}
	guardPool.Unlock()
	return reserve(guardReservation)
}

// releaseGuard empties a guard reservation whose first used bytes were
// committed and pools it: fresh PROT_NONE zero pages replace the used
// ones (mmap MAP_FIXED; madvise would not do under qemu, which ignores it).
func releaseGuard(b []byte, used uint64) {
	guardPool.Lock()
	defer guardPool.Unlock()
	if len(guardPool.free) < guardPoolMax && (used == 0 || remapNone(b[:min(roundPage(used), uint64(len(b)))]) == nil) {
		guardPool.free = append(guardPool.free, b)
		return
	}
	unmap(b)
}

// checkGuard reports why the code of mod cannot access m: code compiled
// for guard pages has no bounds checks on 32-bit memories, so it must
// only ever see memories inside a guard reservation.
func (m *Memory) checkGuard(mod *Module) error {
	if mod.compiled.GuardPages && !m.typ.Limits.Is64 && !m.guarded {
		return errors.New("runtime: the module was compiled for guard pages but its memory has no guard reservation")
	}
	return nil
}

func (m *Memory) recAddr() uint64 { return uint64(addrOf(m.rec)) }

func (*Memory) externKind() wasm.ExternKind { return wasm.ExternMemory }
