package wasm

// Instr is one decoded instruction. Which immediate fields are set depends on
// the Imm kind in the opcode table (see the ImmKind constants); the rest are
// zero. Slices are owned by the reader that produced the Instr and are reused
// for the next instruction.
type Instr struct {
	Op     Opcode
	Offset uint32 // of the opcode, in the module binary

	Index  uint32 // first index immediate (local, global, func, type, label, tag, table, memory, data, elem)
	Index2 uint32 // second index immediate (see ImmKind)
	Block  BlockType
	Mem    MemArg
	Lane   byte
	Const  uint64   // i32/i64 value (sign-extended) or f32/f64 bits
	V128   [16]byte // v128.const bytes, or i8x16.shuffle lanes
	Ref    ValType  // ref.null (Heap), ref.test, ref.cast, br_on_cast source
	Ref2   ValType  // br_on_cast target

	Labels   []uint32  // br_table targets, then the default target last
	Types    []ValType // select with types
	Catches  []Catch   // try_table
	Handlers []Handler // resume, resume_throw, resume_throw_ref
}

// BlockType is a block's type: empty, one value type, or a type index.
type BlockType struct {
	Kind  BlockKind
	Val   ValType
	Index uint32
}

// BlockKind says which form a BlockType has.
type BlockKind uint8

const (
	BlockEmpty BlockKind = iota
	BlockValue
	BlockIndex
)

// MemArg is a memory access immediate.
type MemArg struct {
	Align  uint32 // log2 of the alignment
	Offset uint64
	Memory uint32
}

// CatchKind is the kind of a try_table catch clause.
type CatchKind uint8

const (
	Catch_    CatchKind = 0x00 // catch tag label
	CatchRef  CatchKind = 0x01 // catch_ref tag label
	CatchAll  CatchKind = 0x02 // catch_all label
	CatchAllR CatchKind = 0x03 // catch_all_ref label
)

// Catch is one try_table clause. Tag is unused for the catch_all forms.
type Catch struct {
	Kind  CatchKind
	Tag   uint32
	Label uint32
}

// Handler is one resume handler: (on tag label), or (on tag switch).
type Handler struct {
	Tag    uint32
	Switch bool
	Label  uint32
}
