package abi

import "github.com/wasmc/wasmc/frontend/wasm"

// VMMemBase0 is the vmctx offset of memory 0's base address (0 when the
// module has no memory): at a fixed offset, so that code entering any
// instance can load it (amd64 keeps it in a register, docs/abi.md).
const VMMemBase0 = 0

// Layout gives the offsets of a module's vmctx sections. Every section is an
// array indexed by the module's own index space (imports first).
type Layout struct {
	Memories      uint32 // 8-byte pointers to MemoryRecords
	Tables        uint32 // 8-byte pointers to TableRecords
	Globals       uint32 // 8-byte pointers to global cells
	ImportedFuncs uint32 // ImportSize slots, imported functions only
	TypeIDs       uint32 // canonical type id of each type index, 8 bytes each
	FuncRefs      uint32 // a FuncRef record per function (imports included)
	OwnMemories   uint32 // MemoryRecords of defined memories
	OwnTables     uint32 // TableRecords of defined tables
	OwnGlobals    uint32 // cells of defined globals
	Size          uint32 // total bytes
}

// NewLayout lays out the vmctx of module m.
func NewLayout(m *wasm.Module) *Layout {
	l := &Layout{}
	off := uint32(VMMemBase0 + 16) // the header: memory 0's base
	take := func(n int, size uint32) uint32 {
		at := off
		off += uint32(n) * size
		off = (off + 15) &^ 15
		return at
	}
	// Compiled code reads defined globals, memory and table records at
	// their offsets from the vmctx register: they come first, where
	// arm64's scaled 12-bit displacements reach them.
	l.OwnGlobals = take(len(m.Globals), GlobalCellSize)
	l.OwnMemories = take(len(m.Memories), MemRecSize)
	l.OwnTables = take(len(m.Tables), TableRecSize)
	l.Memories = take(int(m.NumMemories()), 8)
	l.Tables = take(int(m.NumTables()), 8)
	l.Globals = take(int(m.NumGlobals()), 8)
	l.ImportedFuncs = take(int(m.NumImportedFuncs), ImportSize)
	l.TypeIDs = take(len(m.Types), 8)
	l.FuncRefs = take(int(m.NumFuncs()), FuncRefSize)
	l.Size = off
	return l
}

// Memory returns the offset of memory i's record pointer.
func (l *Layout) Memory(i uint32) uint32 { return l.Memories + 8*i }

// Table returns the offset of table i's record pointer.
func (l *Layout) Table(i uint32) uint32 { return l.Tables + 8*i }

// Global returns the offset of global i's cell pointer.
func (l *Layout) Global(i uint32) uint32 { return l.Globals + 8*i }

// OwnGlobal returns the offset of defined global k's cell (global index
// NumImportedGlobals+k), which its cell pointer points at.
func (l *Layout) OwnGlobal(k uint32) uint32 { return l.OwnGlobals + GlobalCellSize*k }

// OwnTable returns the offset of defined table k's record (table index
// NumImportedTables+k), which its record pointer points at.
func (l *Layout) OwnTable(k uint32) uint32 { return l.OwnTables + TableRecSize*k }

// OwnMemory returns the offset of defined memory k's record (memory index
// NumImportedMemories+k), which its record pointer points at.
func (l *Layout) OwnMemory(k uint32) uint32 { return l.OwnMemories + MemRecSize*k }

// ImportedFunc returns the offset of imported function i's slot.
func (l *Layout) ImportedFunc(i uint32) uint32 { return l.ImportedFuncs + ImportSize*i }

// TypeID returns the offset of type i's canonical id.
func (l *Layout) TypeID(i uint32) uint32 { return l.TypeIDs + 8*i }

// FuncRef returns the offset of function i's FuncRef record.
func (l *Layout) FuncRef(i uint32) uint32 { return l.FuncRefs + FuncRefSize*i }
