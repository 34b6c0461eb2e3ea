package runtime

import (
	"github.com/wasmc/wasmc/runtime/abi"
)

// builtin runs builtin op with its arguments and results in the buffer
// slots. It returns a trap code, or 0.
func (i *Instance) builtin(op abi.Builtin, s []uint64) abi.TrapCode {
	switch op {
	case abi.BuiltinMemoryGrow:
		m, ok := i.memory(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		old, ok := m.Grow(s[1])
		s[0] = old
		if !ok {
			s[0] = m.failed()
		}
	case abi.BuiltinMemoryFill:
		m, ok := i.memory(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		b := m.Bytes()
		dst, n := s[1], s[3]
		if dst > uint64(len(b)) || n > uint64(len(b))-dst {
			return abi.TrapOutOfBoundsMemory
		}
		v := byte(s[2])
		seg := b[dst : dst+n]
		for k := range seg {
			seg[k] = v
		}
	case abi.BuiltinMemoryCopy:
		dm, ok1 := i.memory(s[0])
		sm, ok2 := i.memory(s[1])
		if !ok1 || !ok2 {
			return abi.TrapUnknown
		}
		db, sb := dm.Bytes(), sm.Bytes()
		dst, src, n := s[2], s[3], s[4]
		if dst > uint64(len(db)) || n > uint64(len(db))-dst || src > uint64(len(sb)) || n > uint64(len(sb))-src {
			return abi.TrapOutOfBoundsMemory
		}
		copy(db[dst:dst+n], sb[src:src+n])
	case abi.BuiltinMemoryInit:
		if s[1] >= uint64(len(i.datas)) {
			return abi.TrapUnknown
		}
		return i.memoryInit(uint32(s[0]), uint32(s[1]), s[2], s[3], s[4])
	case abi.BuiltinDataDrop:
		if s[0] >= uint64(len(i.datas)) {
			return abi.TrapUnknown
		}
		i.segMu.Lock()
		i.datas[s[0]] = nil
		i.segMu.Unlock()
	case abi.BuiltinTableGrow:
		t, ok := i.table(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		old, ok := t.Grow(s[2], s[1])
		s[0] = old
		if !ok {
			s[0] = t.failed()
		}
	case abi.BuiltinTableFill:
		t, ok := i.table(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		t.mu.Lock()
		dst, ok := t.slots(s[1], s[3])
		for k := range dst {
			dst[k] = s[2]
		}
		t.mu.Unlock()
		if !ok {
			return abi.TrapOutOfBoundsTable
		}
	case abi.BuiltinTableCopy:
		dt, ok1 := i.table(s[0])
		st, ok2 := i.table(s[1])
		if !ok1 || !ok2 {
			return abi.TrapUnknown
		}
		return tableCopy(dt, st, s[2], s[3], s[4])
	case abi.BuiltinTableInit:
		if s[1] >= uint64(len(i.elems)) {
			return abi.TrapUnknown
		}
		return i.tableInit(uint32(s[0]), uint32(s[1]), s[2], s[3], s[4])
	case abi.BuiltinElemDrop:
		if s[0] >= uint64(len(i.elems)) {
			return abi.TrapUnknown
		}
		i.segMu.Lock()
		i.elems[s[0]] = nil
		i.segMu.Unlock()
	case abi.BuiltinTableGet:
		t, ok := i.table(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		v, ok := t.Get(s[1])
		if !ok {
			return abi.TrapOutOfBoundsTable
		}
		s[0] = v
	case abi.BuiltinTableSet:
		t, ok := i.table(s[0])
		if !ok {
			return abi.TrapUnknown
		}
		if !t.Set(s[1], s[2]) {
			return abi.TrapOutOfBoundsTable
		}
	default:
		return abi.TrapUnknown
	}
	return 0
}

func (i *Instance) memory(idx uint64) (*Memory, bool) {
	if idx >= uint64(len(i.memories)) {
		return nil, false
	}
	return i.memories[idx], true
}

func (i *Instance) table(idx uint64) (*Table, bool) {
	if idx >= uint64(len(i.tables)) {
		return nil, false
	}
	return i.tables[idx], true
}

// failed is memory.grow's failure result: -1 in the address type.
func (m *Memory) failed() uint64 {
	if m.typ.Limits.Is64 {
		return ^uint64(0)
	}
	return uint64(^uint32(0))
}

func (t *Table) failed() uint64 {
	if t.typ.Limits.Is64 {
		return ^uint64(0)
	}
	return uint64(^uint32(0))
}

// memoryInit copies n bytes of data segment seg from src to dst of memory
// mem (a dropped segment has length 0).
func (i *Instance) memoryInit(mem, seg uint32, dst, src, n uint64) abi.TrapCode {
	m, ok := i.memory(uint64(mem))
	if !ok || int(seg) >= len(i.datas) {
		return abi.TrapUnknown
	}
	i.segMu.Lock()
	data := i.datas[seg]
	i.segMu.Unlock()
	b := m.Bytes()
	if src > uint64(len(data)) || n > uint64(len(data))-src || dst > uint64(len(b)) || n > uint64(len(b))-dst {
		return abi.TrapOutOfBoundsMemory
	}
	copy(b[dst:dst+n], data[src:src+n])
	return 0
}

// tableInit copies n references of element segment seg from src to dst of
// table tab.
func (i *Instance) tableInit(tab, seg uint32, dst, src, n uint64) abi.TrapCode {
	t, ok := i.table(uint64(tab))
	if !ok || int(seg) >= len(i.elems) {
		return abi.TrapUnknown
	}
	i.segMu.Lock()
	items := i.elems[seg]
	i.segMu.Unlock()
	if src > uint64(len(items)) || n > uint64(len(items))-src {
		return abi.TrapOutOfBoundsTable
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, ok := t.slots(dst, n)
	if !ok {
		return abi.TrapOutOfBoundsTable
	}
	copy(d, items[src:src+n])
	return 0
}

func tableCopy(dt, st *Table, dst, src, n uint64) abi.TrapCode {
	// Lock in creation order so concurrent copies cannot deadlock.
	first, second := dt, st
	if st.id < dt.id {
		first, second = st, dt
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	if second != first {
		second.mu.Lock()
		defer second.mu.Unlock()
	}
	d, ok1 := dt.slots(dst, n)
	s, ok2 := st.slots(src, n)
	if !ok1 || !ok2 {
		return abi.TrapOutOfBoundsTable
	}
	copy(d, s)
	return 0
}
