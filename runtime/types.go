package runtime

import (
	"encoding/binary"
	"sync"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Canonical type ids are process-wide so that call_indirect and import
// checks compare integers across modules. Rec groups are hash-consed on a
// structural key in which references into the group are relative and
// references out of it are canonical ids (iso-recursive equivalence).
var typeRegistry struct {
	mu     sync.Mutex
	groups map[string]uint32
	next   uint32
}

// canonicalTypes returns the canonical id of every type index of m.
func canonicalTypes(m *wasm.Module) []uint32 {
	ids := make([]uint32, len(m.Types))
	groups := m.RecGroups
	if len(groups) == 0 {
		groups = make([]wasm.RecGroup, len(m.Types))
		for i := range groups {
			groups[i] = wasm.RecGroup{Start: uint32(i), Len: 1}
		}
	}
	typeRegistry.mu.Lock()
	defer typeRegistry.mu.Unlock()
	var key []byte
	for _, g := range groups {
		end := g.Start + g.Len
		if uint64(end) > uint64(len(m.Types)) {
			break // the validator rejects this; keep ids zero
		}
		key = binary.AppendUvarint(key[:0], uint64(g.Len))
		for i := g.Start; i < end; i++ {
			key = appendSubType(key, &m.Types[i], g.Start, ids)
		}
		first := internGroup(key, g.Len)
		for i := g.Start; i < end; i++ {
			ids[i] = first + (i - g.Start)
		}
	}
	return ids
}

// hostTypeID returns the canonical id of a function type defined on its
// own (final, no supertype), as a module's plain (func ...) type is.
func hostTypeID(t *wasm.FuncType) uint32 {
	st := wasm.SubType{Final: true, Kind: wasm.CompFunc, Func: *t}
	typeRegistry.mu.Lock()
	defer typeRegistry.mu.Unlock()
	key := binary.AppendUvarint(nil, 1)
	key = appendSubType(key, &st, 0, nil)
	return internGroup(key, 1)
}

// internGroup returns the first id of the group with key, registering it.
// Ids start at 1 so that 0 never names a type.
func internGroup(key []byte, n uint32) uint32 {
	if typeRegistry.groups == nil {
		typeRegistry.groups = make(map[string]uint32)
		typeRegistry.next = 1
	}
	if id, ok := typeRegistry.groups[string(key)]; ok {
		return id
	}
	id := typeRegistry.next
	typeRegistry.next += n
	typeRegistry.groups[string(key)] = id
	return id
}

func appendSubType(b []byte, st *wasm.SubType, start uint32, ids []uint32) []byte {
	flags := byte(st.Kind) << 1
	if st.Final {
		flags |= 1
	}
	b = append(b, flags, byte(len(st.Supers)))
	for _, x := range st.Supers {
		b = appendHeap(b, wasm.HeapType(x), start, ids)
	}
	switch st.Kind {
	case wasm.CompFunc:
		b = binary.AppendUvarint(b, uint64(len(st.Func.Params)))
		for _, t := range st.Func.Params {
			b = appendVal(b, t, start, ids)
		}
		b = binary.AppendUvarint(b, uint64(len(st.Func.Results)))
		for _, t := range st.Func.Results {
			b = appendVal(b, t, start, ids)
		}
	case wasm.CompStruct, wasm.CompArray:
		b = binary.AppendUvarint(b, uint64(len(st.Fields)))
		for _, f := range st.Fields {
			m := byte(f.Packed) << 1
			if f.Mutable {
				m |= 1
			}
			b = appendVal(append(b, m), f.Type, start, ids)
		}
	case wasm.CompCont:
		b = appendHeap(b, wasm.HeapType(st.Cont), start, ids)
	}
	return b
}

func appendVal(b []byte, t wasm.ValType, start uint32, ids []uint32) []byte {
	if t.Kind != wasm.KindRef {
		return append(b, byte(t.Kind))
	}
	n := byte(0)
	if t.Nullable {
		n = 1
	}
	return appendHeap(append(b, byte(t.Kind), n), t.Heap, start, ids)
}

func appendHeap(b []byte, h wasm.HeapType, start uint32, ids []uint32) []byte {
	switch {
	case h < 0:
		return append(b, 0, byte(-h))
	case uint32(h) >= start:
		return binary.AppendUvarint(append(b, 1), uint64(uint32(h)-start))
	case int(h) < len(ids):
		return binary.AppendUvarint(append(b, 2), uint64(ids[h]))
	}
	return append(b, 3)
}

// canonVal maps a value type of module m to a module-independent form for
// comparisons across modules: a concrete heap type becomes its canonical id
// (offset to stay clear of abstract codes).
func canonVal(t wasm.ValType, ids []uint32) wasm.ValType {
	if t.Kind == wasm.KindRef && t.Heap >= 0 {
		if int(t.Heap) < len(ids) {
			t.Heap = wasm.HeapType(ids[t.Heap]) + 0x40000000
		}
	}
	return t
}
