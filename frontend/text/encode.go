package text

import (
	"github.com/wasmc/wasmc/frontend/wasm"
)

func appendU32(b []byte, v uint32) []byte { return appendU64(b, uint64(v)) }

func appendU64(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendS64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func appendName(b []byte, s []byte) []byte {
	b = appendU32(b, uint32(len(s)))
	return append(b, s...)
}

func appendOp(b []byte, op wasm.Opcode) []byte {
	if op < 256 {
		return append(b, byte(op))
	}
	return appendU32(append(b, op.Prefix()), uint32(op&0xffff))
}

func appendHeap(b []byte, h wasm.HeapType) []byte { return appendS64(b, int64(h)) }

func appendValType(b []byte, t wasm.ValType) []byte {
	switch t.Kind {
	case wasm.KindI32:
		return append(b, 0x7f)
	case wasm.KindI64:
		return append(b, 0x7e)
	case wasm.KindF32:
		return append(b, 0x7d)
	case wasm.KindF64:
		return append(b, 0x7c)
	case wasm.KindV128:
		return append(b, 0x7b)
	}
	if t.Nullable && !t.Heap.IsIndex() {
		return appendHeap(b, t.Heap) // shorthand: funcref is 0x70 and so on
	}
	if t.Nullable {
		b = append(b, 0x63)
	} else {
		b = append(b, 0x64)
	}
	return appendHeap(b, t.Heap)
}

func appendValTypes(b []byte, ts []wasm.ValType) []byte {
	b = appendU32(b, uint32(len(ts)))
	for _, t := range ts {
		b = appendValType(b, t)
	}
	return b
}

// appendSection appends section id with its contents; empty sections are
// left out unless force is set.
func appendSection(b []byte, id byte, count int, body []byte, force bool) []byte {
	if count == 0 && !force {
		return b
	}
	var hdr [5]byte
	n := appendU32(hdr[:0], uint32(count))
	b = append(b, id)
	b = appendU32(b, uint32(len(n)+len(body)))
	b = append(b, n...)
	return append(b, body...)
}
