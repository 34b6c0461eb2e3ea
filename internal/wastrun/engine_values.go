package wastrun

import (
	"errors"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
)

// Script values cross into the runtime as uint64 slots. Host references
// (ref.extern N) become handle N+1, keeping 0 for null.

// toSlot encodes argument v for a parameter of type t.
func toSlot(v wast.Value, t wasm.ValType) (uint64, error) {
	switch v.Kind {
	case wast.ValI32, wast.ValF32:
		return uint64(uint32(v.Lo)), nil
	case wast.ValI64, wast.ValF64:
		return v.Lo, nil
	case wast.ValRefNull:
		return 0, nil
	case wast.ValRefExtern:
		if t.Kind == wasm.KindRef && t.Heap == wasm.HeapExtern {
			return v.Lo + 1, nil
		}
		return 0, errors.New("host reference passed as a non-extern parameter")
	}
	return 0, errors.New("unsupported argument " + v.String())
}

// fromSlot decodes a result or global of type t.
func fromSlot(s uint64, t wasm.ValType) wast.Value {
	switch t.Kind {
	case wasm.KindI32:
		return wast.Value{Kind: wast.ValI32, Lo: uint64(uint32(s))}
	case wasm.KindI64:
		return wast.Value{Kind: wast.ValI64, Lo: s}
	case wasm.KindF32:
		return wast.Value{Kind: wast.ValF32, Lo: uint64(uint32(s))}
	case wasm.KindF64:
		return wast.Value{Kind: wast.ValF64, Lo: s}
	}
	if s == 0 {
		return wast.Value{Kind: wast.ValRefNull, Heap: t.Heap}
	}
	if t.Heap == wasm.HeapExtern {
		return wast.Value{Kind: wast.ValRefExtern, Lo: s - 1}
	}
	return wast.Value{Kind: wast.ValRef, Heap: wasm.HeapFunc}
}
