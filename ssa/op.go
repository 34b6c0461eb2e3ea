package ssa

// Op is an SSA operation. doc.go gives each op's exact semantics.
type Op uint16

// The ops, in the order of opTable.
const (
	OpInvalid Op = iota
	OpParam
	OpConstI32
	OpConstI64
	OpConstF32
	OpConstF64
	OpVMCtx
	OpCopy
	OpSelect
	OpExtract
	OpI32Eqz
	OpI32Eq
	OpI32Ne
	OpI32LtS
	OpI32LtU
	OpI32GtS
	OpI32GtU
	OpI32LeS
	OpI32LeU
	OpI32GeS
	OpI32GeU
	OpI32Clz
	OpI32Ctz
	OpI32Popcnt
	OpI32Add
	OpI32Sub
	OpI32Mul
	OpI32DivS
	OpI32DivU
	OpI32RemS
	OpI32RemU
	OpI32And
	OpI32Or
	OpI32Xor
	OpI32Shl
	OpI32ShrS
	OpI32ShrU
	OpI32Rotl
	OpI32Rotr
	OpI32Extend8S
	OpI32Extend16S
	OpI64Eqz
	OpI64Eq
	OpI64Ne
	OpI64LtS
	OpI64LtU
	OpI64GtS
	OpI64GtU
	OpI64LeS
	OpI64LeU
	OpI64GeS
	OpI64GeU
	OpI64Clz
	OpI64Ctz
	OpI64Popcnt
	OpI64Add
	OpI64Sub
	OpI64Mul
	OpI64DivS
	OpI64DivU
	OpI64RemS
	OpI64RemU
	OpI64And
	OpI64Or
	OpI64Xor
	OpI64Shl
	OpI64ShrS
	OpI64ShrU
	OpI64Rotl
	OpI64Rotr
	OpI64Extend8S
	OpI64Extend16S
	OpI64Extend32S
	OpF32Eq
	OpF32Ne
	OpF32Lt
	OpF32Gt
	OpF32Le
	OpF32Ge
	OpF32Abs
	OpF32Neg
	OpF32Ceil
	OpF32Floor
	OpF32Trunc
	OpF32Nearest
	OpF32Sqrt
	OpF32Add
	OpF32Sub
	OpF32Mul
	OpF32Div
	OpF32Min
	OpF32Max
	OpF32Copysign
	OpF64Eq
	OpF64Ne
	OpF64Lt
	OpF64Gt
	OpF64Le
	OpF64Ge
	OpF64Abs
	OpF64Neg
	OpF64Ceil
	OpF64Floor
	OpF64Trunc
	OpF64Nearest
	OpF64Sqrt
	OpF64Add
	OpF64Sub
	OpF64Mul
	OpF64Div
	OpF64Min
	OpF64Max
	OpF64Copysign
	OpI32WrapI64
	OpI32TruncF32S
	OpI32TruncF32U
	OpI32TruncF64S
	OpI32TruncF64U
	OpI64ExtendI32S
	OpI64ExtendI32U
	OpI64TruncF32S
	OpI64TruncF32U
	OpI64TruncF64S
	OpI64TruncF64U
	OpF32ConvertI32S
	OpF32ConvertI32U
	OpF32ConvertI64S
	OpF32ConvertI64U
	OpF32DemoteF64
	OpF64ConvertI32S
	OpF64ConvertI32U
	OpF64ConvertI64S
	OpF64ConvertI64U
	OpF64PromoteF32
	OpI32ReinterpretF32
	OpI64ReinterpretF64
	OpF32ReinterpretI32
	OpF64ReinterpretI64
	OpI32TruncSatF32S
	OpI32TruncSatF32U
	OpI32TruncSatF64S
	OpI32TruncSatF64U
	OpI64TruncSatF32S
	OpI64TruncSatF32U
	OpI64TruncSatF64S
	OpI64TruncSatF64U
	OpI32Load
	OpI64Load
	OpF32Load
	OpF64Load
	OpI32Load8S
	OpI32Load8U
	OpI32Load16S
	OpI32Load16U
	OpI64Load8S
	OpI64Load8U
	OpI64Load16S
	OpI64Load16U
	OpI64Load32S
	OpI64Load32U
	OpI32Store
	OpI64Store
	OpF32Store
	OpF64Store
	OpI32Store8
	OpI32Store16
	OpI64Store8
	OpI64Store16
	OpI64Store32
	OpMemCopy
	OpMemFill
	OpTrapIf
	OpInterruptCheck
	OpCall
	OpCallIndirect
	OpCallBuiltin
	OpJump
	OpBrIf
	OpBrTable
	OpReturn
	OpTrap
	numOps
)

// opTable has one row per op: its text name, its operand and result types
// ("args>result": i=i32 I=i64 f=f32 F=f64, T=the value's own type,
// X=a tuple, * = variadic, typed by the value's Signature), what AuxInt
// holds, and its flags.
var opTable = [numOps]OpInfo{
	OpInvalid:           {"invalid", "", AuxNone, 0},
	OpParam:             {"param", ">T", AuxIndex, 0},
	OpConstI32:          {"i32.const", ">i", AuxConst, 0},
	OpConstI64:          {"i64.const", ">I", AuxConst, 0},
	OpConstF32:          {"f32.const", ">f", AuxConst, 0},
	OpConstF64:          {"f64.const", ">F", AuxConst, 0},
	OpVMCtx:             {"vmctx", ">I", AuxNone, 0},
	OpCopy:              {"copy", "T>T", AuxNone, 0},
	OpSelect:            {"select", "TTi>T", AuxNone, 0},
	OpExtract:           {"extract", "X>T", AuxIndex, 0},
	OpI32Eqz:            {"i32.eqz", "i>i", AuxNone, 0},
	OpI32Eq:             {"i32.eq", "ii>i", AuxNone, Commutative},
	OpI32Ne:             {"i32.ne", "ii>i", AuxNone, Commutative},
	OpI32LtS:            {"i32.lt_s", "ii>i", AuxNone, 0},
	OpI32LtU:            {"i32.lt_u", "ii>i", AuxNone, 0},
	OpI32GtS:            {"i32.gt_s", "ii>i", AuxNone, 0},
	OpI32GtU:            {"i32.gt_u", "ii>i", AuxNone, 0},
	OpI32LeS:            {"i32.le_s", "ii>i", AuxNone, 0},
	OpI32LeU:            {"i32.le_u", "ii>i", AuxNone, 0},
	OpI32GeS:            {"i32.ge_s", "ii>i", AuxNone, 0},
	OpI32GeU:            {"i32.ge_u", "ii>i", AuxNone, 0},
	OpI32Clz:            {"i32.clz", "i>i", AuxNone, 0},
	OpI32Ctz:            {"i32.ctz", "i>i", AuxNone, 0},
	OpI32Popcnt:         {"i32.popcnt", "i>i", AuxNone, 0},
	OpI32Add:            {"i32.add", "ii>i", AuxNone, Commutative},
	OpI32Sub:            {"i32.sub", "ii>i", AuxNone, 0},
	OpI32Mul:            {"i32.mul", "ii>i", AuxNone, Commutative},
	OpI32DivS:           {"i32.div_s", "ii>i", AuxNone, 0},
	OpI32DivU:           {"i32.div_u", "ii>i", AuxNone, 0},
	OpI32RemS:           {"i32.rem_s", "ii>i", AuxNone, 0},
	OpI32RemU:           {"i32.rem_u", "ii>i", AuxNone, 0},
	OpI32And:            {"i32.and", "ii>i", AuxNone, Commutative},
	OpI32Or:             {"i32.or", "ii>i", AuxNone, Commutative},
	OpI32Xor:            {"i32.xor", "ii>i", AuxNone, Commutative},
	OpI32Shl:            {"i32.shl", "ii>i", AuxNone, 0},
	OpI32ShrS:           {"i32.shr_s", "ii>i", AuxNone, 0},
	OpI32ShrU:           {"i32.shr_u", "ii>i", AuxNone, 0},
	OpI32Rotl:           {"i32.rotl", "ii>i", AuxNone, 0},
	OpI32Rotr:           {"i32.rotr", "ii>i", AuxNone, 0},
	OpI32Extend8S:       {"i32.extend8_s", "i>i", AuxNone, 0},
	OpI32Extend16S:      {"i32.extend16_s", "i>i", AuxNone, 0},
	OpI64Eqz:            {"i64.eqz", "I>i", AuxNone, 0},
	OpI64Eq:             {"i64.eq", "II>i", AuxNone, Commutative},
	OpI64Ne:             {"i64.ne", "II>i", AuxNone, Commutative},
	OpI64LtS:            {"i64.lt_s", "II>i", AuxNone, 0},
	OpI64LtU:            {"i64.lt_u", "II>i", AuxNone, 0},
	OpI64GtS:            {"i64.gt_s", "II>i", AuxNone, 0},
	OpI64GtU:            {"i64.gt_u", "II>i", AuxNone, 0},
	OpI64LeS:            {"i64.le_s", "II>i", AuxNone, 0},
	OpI64LeU:            {"i64.le_u", "II>i", AuxNone, 0},
	OpI64GeS:            {"i64.ge_s", "II>i", AuxNone, 0},
	OpI64GeU:            {"i64.ge_u", "II>i", AuxNone, 0},
	OpI64Clz:            {"i64.clz", "I>I", AuxNone, 0},
	OpI64Ctz:            {"i64.ctz", "I>I", AuxNone, 0},
	OpI64Popcnt:         {"i64.popcnt", "I>I", AuxNone, 0},
	OpI64Add:            {"i64.add", "II>I", AuxNone, Commutative},
	OpI64Sub:            {"i64.sub", "II>I", AuxNone, 0},
	OpI64Mul:            {"i64.mul", "II>I", AuxNone, Commutative},
	OpI64DivS:           {"i64.div_s", "II>I", AuxNone, 0},
	OpI64DivU:           {"i64.div_u", "II>I", AuxNone, 0},
	OpI64RemS:           {"i64.rem_s", "II>I", AuxNone, 0},
	OpI64RemU:           {"i64.rem_u", "II>I", AuxNone, 0},
	OpI64And:            {"i64.and", "II>I", AuxNone, Commutative},
	OpI64Or:             {"i64.or", "II>I", AuxNone, Commutative},
	OpI64Xor:            {"i64.xor", "II>I", AuxNone, Commutative},
	OpI64Shl:            {"i64.shl", "II>I", AuxNone, 0},
	OpI64ShrS:           {"i64.shr_s", "II>I", AuxNone, 0},
	OpI64ShrU:           {"i64.shr_u", "II>I", AuxNone, 0},
	OpI64Rotl:           {"i64.rotl", "II>I", AuxNone, 0},
	OpI64Rotr:           {"i64.rotr", "II>I", AuxNone, 0},
	OpI64Extend8S:       {"i64.extend8_s", "I>I", AuxNone, 0},
	OpI64Extend16S:      {"i64.extend16_s", "I>I", AuxNone, 0},
	OpI64Extend32S:      {"i64.extend32_s", "I>I", AuxNone, 0},
	OpF32Eq:             {"f32.eq", "ff>i", AuxNone, Commutative},
	OpF32Ne:             {"f32.ne", "ff>i", AuxNone, Commutative},
	OpF32Lt:             {"f32.lt", "ff>i", AuxNone, 0},
	OpF32Gt:             {"f32.gt", "ff>i", AuxNone, 0},
	OpF32Le:             {"f32.le", "ff>i", AuxNone, 0},
	OpF32Ge:             {"f32.ge", "ff>i", AuxNone, 0},
	OpF32Abs:            {"f32.abs", "f>f", AuxNone, 0},
	OpF32Neg:            {"f32.neg", "f>f", AuxNone, 0},
	OpF32Ceil:           {"f32.ceil", "f>f", AuxNone, 0},
	OpF32Floor:          {"f32.floor", "f>f", AuxNone, 0},
	OpF32Trunc:          {"f32.trunc", "f>f", AuxNone, 0},
	OpF32Nearest:        {"f32.nearest", "f>f", AuxNone, 0},
	OpF32Sqrt:           {"f32.sqrt", "f>f", AuxNone, 0},
	OpF32Add:            {"f32.add", "ff>f", AuxNone, Commutative},
	OpF32Sub:            {"f32.sub", "ff>f", AuxNone, 0},
	OpF32Mul:            {"f32.mul", "ff>f", AuxNone, Commutative},
	OpF32Div:            {"f32.div", "ff>f", AuxNone, 0},
	OpF32Min:            {"f32.min", "ff>f", AuxNone, Commutative},
	OpF32Max:            {"f32.max", "ff>f", AuxNone, Commutative},
	OpF32Copysign:       {"f32.copysign", "ff>f", AuxNone, 0},
	OpF64Eq:             {"f64.eq", "FF>i", AuxNone, Commutative},
	OpF64Ne:             {"f64.ne", "FF>i", AuxNone, Commutative},
	OpF64Lt:             {"f64.lt", "FF>i", AuxNone, 0},
	OpF64Gt:             {"f64.gt", "FF>i", AuxNone, 0},
	OpF64Le:             {"f64.le", "FF>i", AuxNone, 0},
	OpF64Ge:             {"f64.ge", "FF>i", AuxNone, 0},
	OpF64Abs:            {"f64.abs", "F>F", AuxNone, 0},
	OpF64Neg:            {"f64.neg", "F>F", AuxNone, 0},
	OpF64Ceil:           {"f64.ceil", "F>F", AuxNone, 0},
	OpF64Floor:          {"f64.floor", "F>F", AuxNone, 0},
	OpF64Trunc:          {"f64.trunc", "F>F", AuxNone, 0},
	OpF64Nearest:        {"f64.nearest", "F>F", AuxNone, 0},
	OpF64Sqrt:           {"f64.sqrt", "F>F", AuxNone, 0},
	OpF64Add:            {"f64.add", "FF>F", AuxNone, Commutative},
	OpF64Sub:            {"f64.sub", "FF>F", AuxNone, 0},
	OpF64Mul:            {"f64.mul", "FF>F", AuxNone, Commutative},
	OpF64Div:            {"f64.div", "FF>F", AuxNone, 0},
	OpF64Min:            {"f64.min", "FF>F", AuxNone, Commutative},
	OpF64Max:            {"f64.max", "FF>F", AuxNone, Commutative},
	OpF64Copysign:       {"f64.copysign", "FF>F", AuxNone, 0},
	OpI32WrapI64:        {"i32.wrap_i64", "I>i", AuxNone, 0},
	OpI32TruncF32S:      {"i32.trunc_f32_s", "f>i", AuxNone, 0},
	OpI32TruncF32U:      {"i32.trunc_f32_u", "f>i", AuxNone, 0},
	OpI32TruncF64S:      {"i32.trunc_f64_s", "F>i", AuxNone, 0},
	OpI32TruncF64U:      {"i32.trunc_f64_u", "F>i", AuxNone, 0},
	OpI64ExtendI32S:     {"i64.extend_i32_s", "i>I", AuxNone, 0},
	OpI64ExtendI32U:     {"i64.extend_i32_u", "i>I", AuxNone, 0},
	OpI64TruncF32S:      {"i64.trunc_f32_s", "f>I", AuxNone, 0},
	OpI64TruncF32U:      {"i64.trunc_f32_u", "f>I", AuxNone, 0},
	OpI64TruncF64S:      {"i64.trunc_f64_s", "F>I", AuxNone, 0},
	OpI64TruncF64U:      {"i64.trunc_f64_u", "F>I", AuxNone, 0},
	OpF32ConvertI32S:    {"f32.convert_i32_s", "i>f", AuxNone, 0},
	OpF32ConvertI32U:    {"f32.convert_i32_u", "i>f", AuxNone, 0},
	OpF32ConvertI64S:    {"f32.convert_i64_s", "I>f", AuxNone, 0},
	OpF32ConvertI64U:    {"f32.convert_i64_u", "I>f", AuxNone, 0},
	OpF32DemoteF64:      {"f32.demote_f64", "F>f", AuxNone, 0},
	OpF64ConvertI32S:    {"f64.convert_i32_s", "i>F", AuxNone, 0},
	OpF64ConvertI32U:    {"f64.convert_i32_u", "i>F", AuxNone, 0},
	OpF64ConvertI64S:    {"f64.convert_i64_s", "I>F", AuxNone, 0},
	OpF64ConvertI64U:    {"f64.convert_i64_u", "I>F", AuxNone, 0},
	OpF64PromoteF32:     {"f64.promote_f32", "f>F", AuxNone, 0},
	OpI32ReinterpretF32: {"i32.reinterpret_f32", "f>i", AuxNone, 0},
	OpI64ReinterpretF64: {"i64.reinterpret_f64", "F>I", AuxNone, 0},
	OpF32ReinterpretI32: {"f32.reinterpret_i32", "i>f", AuxNone, 0},
	OpF64ReinterpretI64: {"f64.reinterpret_i64", "I>F", AuxNone, 0},
	OpI32TruncSatF32S:   {"i32.trunc_sat_f32_s", "f>i", AuxNone, 0},
	OpI32TruncSatF32U:   {"i32.trunc_sat_f32_u", "f>i", AuxNone, 0},
	OpI32TruncSatF64S:   {"i32.trunc_sat_f64_s", "F>i", AuxNone, 0},
	OpI32TruncSatF64U:   {"i32.trunc_sat_f64_u", "F>i", AuxNone, 0},
	OpI64TruncSatF32S:   {"i64.trunc_sat_f32_s", "f>I", AuxNone, 0},
	OpI64TruncSatF32U:   {"i64.trunc_sat_f32_u", "f>I", AuxNone, 0},
	OpI64TruncSatF64S:   {"i64.trunc_sat_f64_s", "F>I", AuxNone, 0},
	OpI64TruncSatF64U:   {"i64.trunc_sat_f64_u", "F>I", AuxNone, 0},
	OpI32Load:           {"i32.load", "I>i", AuxOffset, ReadsMem},
	OpI64Load:           {"i64.load", "I>I", AuxOffset, ReadsMem},
	OpF32Load:           {"f32.load", "I>f", AuxOffset, ReadsMem},
	OpF64Load:           {"f64.load", "I>F", AuxOffset, ReadsMem},
	OpI32Load8S:         {"i32.load8_s", "I>i", AuxOffset, ReadsMem},
	OpI32Load8U:         {"i32.load8_u", "I>i", AuxOffset, ReadsMem},
	OpI32Load16S:        {"i32.load16_s", "I>i", AuxOffset, ReadsMem},
	OpI32Load16U:        {"i32.load16_u", "I>i", AuxOffset, ReadsMem},
	OpI64Load8S:         {"i64.load8_s", "I>I", AuxOffset, ReadsMem},
	OpI64Load8U:         {"i64.load8_u", "I>I", AuxOffset, ReadsMem},
	OpI64Load16S:        {"i64.load16_s", "I>I", AuxOffset, ReadsMem},
	OpI64Load16U:        {"i64.load16_u", "I>I", AuxOffset, ReadsMem},
	OpI64Load32S:        {"i64.load32_s", "I>I", AuxOffset, ReadsMem},
	OpI64Load32U:        {"i64.load32_u", "I>I", AuxOffset, ReadsMem},
	OpI32Store:          {"i32.store", "Ii>", AuxOffset, SideEffect},
	OpI64Store:          {"i64.store", "II>", AuxOffset, SideEffect},
	OpF32Store:          {"f32.store", "If>", AuxOffset, SideEffect},
	OpF64Store:          {"f64.store", "IF>", AuxOffset, SideEffect},
	OpI32Store8:         {"i32.store8", "Ii>", AuxOffset, SideEffect},
	OpI32Store16:        {"i32.store16", "Ii>", AuxOffset, SideEffect},
	OpI64Store8:         {"i64.store8", "II>", AuxOffset, SideEffect},
	OpI64Store16:        {"i64.store16", "II>", AuxOffset, SideEffect},
	OpI64Store32:        {"i64.store32", "II>", AuxOffset, SideEffect},
	OpMemCopy:           {"mem.copy", "III>", AuxNone, SideEffect},
	OpMemFill:           {"mem.fill", "IiI>", AuxNone, SideEffect},
	OpTrapIf:            {"trap_if", "i>", AuxTrap, SideEffect | MayTrap},
	OpInterruptCheck:    {"interrupt_check", ">", AuxNone, SideEffect | MayTrap},
	OpCall:              {"call", "*", AuxFunc, SideEffect | MayTrap | Call},
	OpCallIndirect:      {"call_indirect", "*", AuxNone, SideEffect | MayTrap | Call},
	OpCallBuiltin:       {"call_builtin", "*", AuxBuiltin, SideEffect | MayTrap | Call},
	OpJump:              {"jump", ">", AuxNone, Terminator},
	OpBrIf:              {"br_if", "i>", AuxNone, Terminator},
	OpBrTable:           {"br_table", "i>", AuxNone, Terminator},
	OpReturn:            {"return", "*", AuxNone, Terminator},
	OpTrap:              {"trap", ">", AuxTrap, Terminator | MayTrap},
}

// OpInfo describes an op.
type OpInfo struct {
	Name  string
	Sig   string // "args>result"; see opTable
	Aux   AuxKind
	Flags Flags
}

// AuxKind says what a value's AuxInt holds.
type AuxKind uint8

const (
	AuxNone    AuxKind = iota
	AuxConst           // the constant: an integer (sign-extended for i32) or float bits
	AuxOffset          // a byte displacement added to the address operand; fits in int32
	AuxIndex           // a block parameter index or a tuple element index
	AuxTrap            // an abi.TrapCode
	AuxFunc            // a Wasm function index (a defined function)
	AuxBuiltin         // an abi.Builtin
)

// Flags are properties of an op.
type Flags uint8

const (
	// Commutative: the two operands may be swapped.
	Commutative Flags = 1 << iota
	// SideEffect: must execute exactly once and in order relative to
	// other SideEffect and ReadsMem ops; never removed when unused.
	SideEffect
	// MayTrap: may leave the function with a trap.
	MayTrap
	// ReadsMem: reads memory. It may be removed when unused but not moved
	// across SideEffect ops.
	ReadsMem
	// Terminator: ends a block (only in Block.Term).
	Terminator
	// Call: a call; all caller-saved registers are clobbered.
	Call
)

// Info returns op's row of the op table.
func (op Op) Info() *OpInfo {
	if op < numOps {
		return &opTable[op]
	}
	return &opTable[OpInvalid]
}

func (op Op) String() string { return op.Info().Name }

// Has reports whether op has every flag in f.
func (op Op) Has(f Flags) bool { return op.Info().Flags&f == f }

// IsTerminator reports whether op ends a block.
func (op Op) IsTerminator() bool { return op.Has(Terminator) }

// IsConst reports whether op is one of the four constant ops.
func (op Op) IsConst() bool { return op >= OpConstI32 && op <= OpConstF64 }

// IsLoad reports whether op is a raw load.
func (op Op) IsLoad() bool { return op >= OpI32Load && op <= OpI64Load32U }

// IsStore reports whether op is a raw store.
func (op Op) IsStore() bool { return op >= OpI32Store && op <= OpI64Store32 }

// IsCall reports whether op is a call.
func (op Op) IsCall() bool { return op.Has(Call) }

// NumOps is the number of ops (for tables indexed by Op).
const NumOps = int(numOps)

// AccessSize returns the number of bytes a raw load or store accesses, or 0.
func (op Op) AccessSize() int {
	switch op {
	case OpI32Load8S, OpI32Load8U, OpI64Load8S, OpI64Load8U, OpI32Store8, OpI64Store8:
		return 1
	case OpI32Load16S, OpI32Load16U, OpI64Load16S, OpI64Load16U, OpI32Store16, OpI64Store16:
		return 2
	case OpI32Load, OpF32Load, OpI64Load32S, OpI64Load32U, OpI32Store, OpF32Store, OpI64Store32:
		return 4
	case OpI64Load, OpF64Load, OpI64Store, OpF64Store:
		return 8
	}
	return 0
}

// opByName maps text names to ops (for the parser and the frontend).
var opByName = func() map[string]Op {
	m := make(map[string]Op, numOps)
	for op := Op(1); op < numOps; op++ {
		m[opTable[op].Name] = op
	}
	return m
}()

// OpByName returns the op with a text name.
func OpByName(name string) (Op, bool) {
	op, ok := opByName[name]
	return op, ok
}

// ConstOp returns the constant op for type t.
func ConstOp(t Type) Op {
	switch t {
	case I32:
		return OpConstI32
	case I64:
		return OpConstI64
	case F32:
		return OpConstF32
	case F64:
		return OpConstF64
	}
	return OpInvalid
}
