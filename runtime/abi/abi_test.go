package abi

import (
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

func TestLayoutDisjoint(t *testing.T) {
	m := &wasm.Module{
		Types:            make([]wasm.SubType, 3),
		Funcs:            []uint32{0, 1},
		NumImportedFuncs: 2,
		Memories:         []wasm.MemoryType{{}},
		Tables:           []wasm.Table{{}, {}},
		Globals:          []wasm.Global{{}},
	}
	l := NewLayout(m)
	type span struct{ at, end uint32 }
	spans := []span{
		{l.Memories, l.Memories + 8}, {l.Tables, l.Tables + 16}, {l.Globals, l.Globals + 8},
		{l.ImportedFuncs, l.ImportedFuncs + 32}, {l.TypeIDs, l.TypeIDs + 24},
		{l.FuncRefs, l.FuncRefs + 4*FuncRefSize}, {l.OwnMemories, l.OwnMemories + MemRecSize},
		{l.OwnTables, l.OwnTables + 2*TableRecSize}, {l.OwnGlobals, l.OwnGlobals + GlobalCellSize},
	}
	for i, a := range spans {
		if a.end > l.Size || a.at%8 != 0 {
			t.Fatalf("span %d = %v outside size %d or misaligned", i, a, l.Size)
		}
		for j, b := range spans[i+1:] {
			if a.at < b.end && b.at < a.end {
				t.Fatalf("spans %d and %d overlap: %v %v", i, i+1+j, a, b)
			}
		}
	}
	if TrapStackOverflow.String() != "call stack exhausted" {
		t.Fatal(TrapStackOverflow.String())
	}
}
