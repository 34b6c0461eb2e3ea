package wasm

// Module is a decoded module. Index spaces put imports first: function i is
// imported when i < NumImportedFuncs, and likewise for the other kinds.
type Module struct {
	Types     []SubType
	RecGroups []RecGroup
	Imports   []Import
	Funcs     []uint32 // type index of each defined function
	Tables    []Table
	Memories  []MemoryType
	Globals   []Global
	Tags      []TagType
	Exports   []Export
	HasStart  bool
	Start     uint32
	Elems     []Elem
	// HasDataCount is set when the module has a data count section.
	HasDataCount bool
	DataCount    uint32
	Codes        []Code
	Datas        []Data
	Customs      []Custom
	Names        *Names // nil when the module has no (well-formed) name section

	NumImportedFuncs, NumImportedTables, NumImportedMemories uint32
	NumImportedGlobals, NumImportedTags                      uint32

	// Calls is what validation learned of each defined function's calls
	// (one per Codes entry), for the compiler's call graph; nil until the
	// module is validated.
	Calls []FuncCalls
}

// FuncCalls are the calls a function body makes.
type FuncCalls struct {
	Direct  []uint32 // function indices of call and return_call, in order, repeats included
	Unknown bool     // a call whose callee is not known: call_indirect, call_ref, resume, switch...
}

// ExternKind is the kind of an import or export.
type ExternKind uint8

const (
	ExternFunc ExternKind = iota
	ExternTable
	ExternMemory
	ExternGlobal
	ExternTag
)

func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	case ExternTag:
		return "tag"
	}
	return "extern?"
}

// Import is one import; the field matching Kind is set.
type Import struct {
	Module, Name string
	Kind         ExternKind
	Func         uint32 // type index
	Table        TableType
	Memory       MemoryType
	Global       GlobalType
	Tag          TagType
}

// Limits bound a table or memory. Is64 selects the i64 address type.
type Limits struct {
	Min    uint64
	Max    uint64
	HasMax bool
	Is64   bool
	Shared bool
}

// TableType is a table's element type and limits.
type TableType struct {
	Elem   ValType
	Limits Limits
}

// Table is a defined table, with its initialiser when it has one.
type Table struct {
	Type    TableType
	HasInit bool
	Init    ConstExpr
}

// MemoryType is a memory's limits (in pages) and page size.
type MemoryType struct {
	Limits Limits
	// PageSizeLog2 is 16 (64 KiB pages) unless the custom-page-sizes
	// proposal set another.
	PageSizeLog2 uint8
}

// GlobalType is a global's value type and mutability.
type GlobalType struct {
	Type    ValType
	Mutable bool
}

// Global is a defined global.
type Global struct {
	Type GlobalType
	Init ConstExpr
}

// TagType is an exception or control tag: a function type index.
type TagType struct {
	Type uint32
}

// Export is one export.
type Export struct {
	Name  string
	Kind  ExternKind
	Index uint32
}

// ConstExpr is a constant expression, kept in binary form (instructions and
// the final end) with its offset in the module for error messages.
type ConstExpr struct {
	Code   []byte
	Offset uint32
}

// SegmentMode says when an element or data segment is applied.
type SegmentMode uint8

const (
	SegmentActive SegmentMode = iota
	SegmentPassive
	SegmentDeclarative
)

// Elem is an element segment. Its items are either function indices
// (FuncIndices, when the binary used the index encoding) or expressions.
type Elem struct {
	Mode        SegmentMode
	Table       uint32
	Offset      ConstExpr // active segments
	Type        ValType
	UsesExprs   bool
	FuncIndices []uint32
	Exprs       []ConstExpr
}

// Len returns the number of items in the segment.
func (e *Elem) Len() int {
	if e.UsesExprs {
		return len(e.Exprs)
	}
	return len(e.FuncIndices)
}

// Data is a data segment.
type Data struct {
	Mode   SegmentMode // active or passive
	Memory uint32
	Offset ConstExpr
	Init   []byte
}

// LocalEntry declares Count locals of one type.
type LocalEntry struct {
	Count uint32
	Type  ValType
}

// Code is a function body: its declared locals and its instructions, ending
// with the final end opcode. Offset is where Body starts in the module.
type Code struct {
	Locals []LocalEntry
	Body   []byte
	Offset uint32
}

// Custom is a custom section.
type Custom struct {
	Name   string
	Data   []byte
	Offset uint32
}

// Names is the content of the name custom section.
type Names struct {
	Module string
	Funcs  map[uint32]string
	Locals map[uint32]map[uint32]string
}

// FuncName returns a function's name from the name section, or "".
func (m *Module) FuncName(i uint32) string {
	if m.Names == nil {
		return ""
	}
	return m.Names.Funcs[i]
}

// NumFuncs returns the size of the function index space.
func (m *Module) NumFuncs() uint32 { return m.NumImportedFuncs + uint32(len(m.Funcs)) }

// NumGlobals returns the size of the global index space.
func (m *Module) NumGlobals() uint32 { return m.NumImportedGlobals + uint32(len(m.Globals)) }

// NumTables returns the size of the table index space.
func (m *Module) NumTables() uint32 { return m.NumImportedTables + uint32(len(m.Tables)) }

// NumMemories returns the size of the memory index space.
func (m *Module) NumMemories() uint32 { return m.NumImportedMemories + uint32(len(m.Memories)) }

// NumTags returns the size of the tag index space.
func (m *Module) NumTags() uint32 { return m.NumImportedTags + uint32(len(m.Tags)) }
