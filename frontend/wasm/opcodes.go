package wasm

import "strings"

// Opcode is an instruction's encoding: the byte for single-byte opcodes, or
// prefix<<16 | sub-opcode for the 0xFB (GC), 0xFC (misc), 0xFD (SIMD) and
// 0xFE (threads) prefixes.
type Opcode uint32

// The prefixes of multi-byte opcodes.
const (
	PrefixGC      = 0xfb
	PrefixMisc    = 0xfc
	PrefixSIMD    = 0xfd
	PrefixThreads = 0xfe
)

// Prefix returns the opcode's prefix byte, or 0 for a single-byte opcode.
func (op Opcode) Prefix() byte { return byte(op >> 16) }

// ImmKind says which immediates follow an opcode in the binary and which
// Instr fields hold them.
type ImmKind uint8

const (
	ImmNone         ImmKind = iota
	ImmBlock                // Block (block, loop, if, try)
	ImmLabel                // Index = label depth
	ImmBrTable              // Labels = targets then default
	ImmFunc                 // Index = function
	ImmCallIndirect         // Index = type, Index2 = table
	ImmType                 // Index = type
	ImmLocal                // Index = local
	ImmGlobal               // Index = global
	ImmTable                // Index = table
	ImmMemory               // Index = memory
	ImmTag                  // Index = tag
	ImmData                 // Index = data segment
	ImmElem                 // Index = element segment
	ImmMemArg               // Mem
	ImmMemArgLane           // Mem, Lane
	ImmI32                  // Const = sign-extended value
	ImmI64                  // Const
	ImmF32                  // Const = bits
	ImmF64                  // Const = bits
	ImmV128                 // V128
	ImmShuffle              // V128 = 16 lane indices
	ImmLane                 // Lane
	ImmSelectT              // Types
	ImmHeapType             // Ref (ref.null: Ref.Heap; ref.test/cast: Ref with nullability from the opcode)
	ImmMemoryInit           // Index = data, Index2 = memory
	ImmMemoryCopy           // Index = destination memory, Index2 = source memory
	ImmTableInit            // Index = elem, Index2 = table
	ImmTableCopy            // Index = destination table, Index2 = source table
	ImmTypeField            // Index = type, Index2 = field
	ImmTypeCount            // Index = type, Index2 = count (array.new_fixed)
	ImmTypeData             // Index = type, Index2 = data
	ImmTypeElem             // Index = type, Index2 = elem
	ImmTypeType             // Index, Index2 = types (array.copy, cont.bind)
	ImmTypeTag              // Index = type, Index2 = tag (switch)
	ImmBrOnCast             // Index = label, Ref = source type, Ref2 = target type
	ImmTryTable             // Block, Catches
	ImmResume               // Index = type, Handlers
	ImmResumeThrow          // Index = type, Index2 = tag, Handlers
	ImmZeroByte             // a reserved zero byte (atomic.fence)
)

// OpInfo describes one instruction.
type OpInfo struct {
	Op   Opcode
	Name string // text format name; select, ref.test and ref.cast have two encodings
	Imm  ImmKind
	// Sig is the fixed operand signature "params>results", one letter per
	// value: i=i32 I=i64 f=f32 F=f64 v=v128 a=address (i32 or i64, from
	// the memory's address type). It is empty for instructions whose typing
	// depends on immediates or context, which the validator types by hand.
	Sig     string
	Feature Features
}

var (
	mainOps  [256]*OpInfo
	prefixed = map[Opcode]*OpInfo{}
	byName   = map[string][]*OpInfo{}
)

func init() {
	for i := range opTable {
		info := &opTable[i]
		if info.Op < 256 {
			mainOps[info.Op] = info
		} else {
			prefixed[info.Op] = info
		}
		byName[info.Name] = append(byName[info.Name], info)
	}
}

// Lookup returns the description of op, or nil if no instruction has that
// encoding.
func Lookup(op Opcode) *OpInfo {
	if op < 256 {
		return mainOps[op]
	}
	return prefixed[op]
}

// ByName returns the instructions with a text format name (several only for
// select, ref.test and ref.cast).
func ByName(name string) []*OpInfo { return byName[name] }

func (op Opcode) String() string {
	if info := Lookup(op); info != nil {
		return info.Name
	}
	return "opcode?"
}

// SigTypes splits Sig into parameter and result letters.
func (info *OpInfo) SigTypes() (params, results string) {
	params, results, _ = strings.Cut(info.Sig, ">")
	return params, results
}

// SigType returns the value type of a signature letter other than 'a'.
func SigType(c byte) ValType {
	switch c {
	case 'i':
		return I32
	case 'I':
		return I64
	case 'f':
		return F32
	case 'F':
		return F64
	case 'v':
		return V128
	}
	panic("wasm: bad signature letter " + string(c))
}
