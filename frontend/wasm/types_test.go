package wasm

import "testing"

func TestHeapTypeByName(t *testing.T) {
	for _, h := range []HeapType{HeapNoCont, HeapNoExn, HeapNoFunc, HeapNoExtern, HeapNone, HeapFunc,
		HeapExtern, HeapAny, HeapEq, HeapI31, HeapStruct, HeapArray, HeapExn, HeapCont} {
		if got, ok := HeapTypeByName(h.String()); !ok || got != h {
			t.Errorf("HeapTypeByName(%q) = %v, %v", h.String(), got, ok)
		}
	}
	for _, s := range []string{"bot", "funcref", "0", ""} {
		if h, ok := HeapTypeByName(s); ok {
			t.Errorf("HeapTypeByName(%q) = %v, want none", s, h)
		}
	}
}
