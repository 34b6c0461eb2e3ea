// Package wast parses WebAssembly script files (.wast): the spec test
// suite's format of modules, actions and assertions about them.
//
// Modules are kept in their source form (tokens, bytes or quoted text) so
// that a module that fails to parse is a failure of its command, not of the
// whole script; the runner turns them into binaries.
package wast

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// Script is a parsed script: its commands in order.
type Script struct {
	Filename string
	Commands []Command
}

// CommandKind says what a Command is.
type CommandKind uint8

const (
	// CmdModule defines a module (Module) and, unless Module.Definition,
	// instantiates it.
	CmdModule CommandKind = iota
	// CmdInstance instantiates the definition Def as instance Name.
	CmdInstance
	// CmdRegister makes instance Name (or the latest) importable as As.
	CmdRegister
	// CmdAction performs Action and ignores its results.
	CmdAction
	CmdAssertReturn
	// CmdAssertTrap has either an Action or, for a trap during
	// instantiation, a Module (or an instance of Def).
	CmdAssertTrap
	CmdAssertExhaustion
	CmdAssertException
	CmdAssertSuspension
	CmdAssertInvalid
	CmdAssertMalformed
	CmdAssertInvalidCustom
	CmdAssertMalformedCustom
	// CmdAssertUnlinkable and CmdAssertUninstantiable have a Module, or
	// (module instance) with Name and Def.
	CmdAssertUnlinkable
	CmdAssertUninstantiable
	// CmdThread runs Body concurrently as thread Name, sharing the
	// instances listed in Shared.
	CmdThread
	// CmdWait waits for thread Name.
	CmdWait
	// CmdScript, CmdInput and CmdOutput are the meta commands; CmdScript
	// has Body, the others a file name in Text.
	CmdScript
	CmdInput
	CmdOutput
)

var commandNames = [...]string{
	CmdModule: "module", CmdInstance: "module instance", CmdRegister: "register",
	CmdAction: "action", CmdAssertReturn: "assert_return", CmdAssertTrap: "assert_trap",
	CmdAssertExhaustion: "assert_exhaustion", CmdAssertException: "assert_exception",
	CmdAssertSuspension: "assert_suspension", CmdAssertInvalid: "assert_invalid",
	CmdAssertMalformed: "assert_malformed", CmdAssertInvalidCustom: "assert_invalid_custom",
	CmdAssertMalformedCustom: "assert_malformed_custom", CmdAssertUnlinkable: "assert_unlinkable",
	CmdAssertUninstantiable: "assert_uninstantiable", CmdThread: "thread", CmdWait: "wait",
	CmdScript: "script", CmdInput: "input", CmdOutput: "output",
}

func (k CommandKind) String() string {
	if int(k) < len(commandNames) {
		return commandNames[k]
	}
	return fmt.Sprintf("command(%d)", k)
}

// Command is one script command. Only the fields its Kind uses are set.
type Command struct {
	Kind CommandKind
	Line int
	// Module is the module of module commands and module assertions.
	Module *Module
	// Name is a $name: the instance of CmdInstance and instance assertions,
	// the instance of CmdRegister, the thread of CmdThread and CmdWait.
	Name string
	// Def is the module definition CmdInstance instantiates ("" for the
	// latest module).
	Def string
	// As is CmdRegister's import module name.
	As      string
	Action  *Action
	Results []Result
	// Text is the expected message of assertions, or a meta command's file.
	Text string
	// Shared lists CmdThread's shared module names.
	Shared []string
	// Body holds the commands of CmdThread and CmdScript.
	Body []Command
}

// ModuleKind says how a module's source is written.
type ModuleKind uint8

const (
	// ModuleText is a (module ...) form in the text format.
	ModuleText ModuleKind = iota
	// ModuleBinary is (module binary "..."): Source holds the bytes.
	ModuleBinary
	// ModuleQuote is (module quote "..."): Source holds the text.
	ModuleQuote
)

// Module is a module as written in the script.
type Module struct {
	Kind ModuleKind
	Line int
	// Name is the module's $name, or "".
	Name string
	// Definition is set for (module definition ...), which defines the
	// module without instantiating it.
	Definition bool
	// Tokens is the whole (module ...) form of a text module; its fields
	// start at Tokens[Fields], ready for text.ParseModuleFields.
	Tokens []text.Token
	Fields int
	// Source is the binary of ModuleBinary or the text of ModuleQuote.
	Source []byte
}

// ActionKind says what an Action does.
type ActionKind uint8

const (
	ActInvoke ActionKind = iota
	ActGet
)

// Action invokes an exported function or reads an exported global of
// instance Module ("" for the latest).
type Action struct {
	Kind   ActionKind
	Line   int
	Module string
	Name   string
	Args   []Value
}

// ValueKind is the kind of a Value.
type ValueKind uint8

const (
	ValI32 ValueKind = iota
	ValI64
	ValF32
	ValF64
	ValV128
	// ValRefNull is a null reference; Heap is its heap type.
	ValRefNull
	// ValRefExtern is (ref.extern N): host reference N as an externref.
	ValRefExtern
	// ValRefHost is (ref.host N): host reference N in the any hierarchy.
	ValRefHost
	// ValRef is a non-null reference an engine returns; Heap is the
	// abstract type of what it points to (func, i31, struct, array, exn,
	// cont, or extern for externalised internal references).
	ValRef
)

// Shape is a v128 lane interpretation.
type Shape uint8

const (
	I8x16 Shape = iota
	I16x8
	I32x4
	I64x2
	F32x4
	F64x2
)

var shapeNames = [...]string{"i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"}

func (s Shape) String() string {
	if int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return "shape?"
}

// Lanes returns the number of lanes of shape s.
func (s Shape) Lanes() int { return 16 >> s.laneLog2() }

// LaneBits returns the width of one lane in bits.
func (s Shape) LaneBits() int { return 128 / s.Lanes() }

func (s Shape) laneLog2() uint {
	switch s {
	case I8x16:
		return 0
	case I16x8:
		return 1
	case I32x4, F32x4:
		return 2
	}
	return 3
}

// Value is a script constant or a value an engine returns. Numbers are
// their bit patterns: Lo holds i32, i64, f32 and f64 bits (floats as by
// math.Float32bits), v128 is Lo (bytes 0-7, little endian) and Hi (8-15).
// Lo is also the number of ValRefExtern and ValRefHost.
type Value struct {
	Kind   ValueKind
	Lo, Hi uint64
	// Shape is the shape a v128 constant was written in.
	Shape Shape
	Heap  wasm.HeapType
}

// Lane returns lane i of a v128 value in shape s, zero-extended.
func (v Value) Lane(s Shape, i int) uint64 {
	bits := s.LaneBits()
	off := i * bits
	w := v.Lo
	if off >= 64 {
		w, off = v.Hi, off-64
	}
	if bits == 64 {
		return w
	}
	return (w >> off) & (1<<bits - 1)
}

// SetLane sets lane i of a v128 value in shape s to the low bits of x.
func (v *Value) SetLane(s Shape, i int, x uint64) {
	bits := s.LaneBits()
	off := i * bits
	w := &v.Lo
	if off >= 64 {
		w, off = &v.Hi, off-64
	}
	if bits == 64 {
		*w = x
		return
	}
	mask := uint64(1)<<bits - 1
	*w = *w&^(mask<<off) | (x&mask)<<off
}

func (v Value) String() string {
	switch v.Kind {
	case ValI32:
		return fmt.Sprintf("(i32.const %d)", int32(v.Lo))
	case ValI64:
		return fmt.Sprintf("(i64.const %d)", int64(v.Lo))
	case ValF32:
		return fmt.Sprintf("(f32.const bits:%#08x)", uint32(v.Lo))
	case ValF64:
		return fmt.Sprintf("(f64.const bits:%#016x)", v.Lo)
	case ValV128:
		return fmt.Sprintf("(v128.const i64x2 %#x %#x)", v.Lo, v.Hi)
	case ValRefNull:
		return fmt.Sprintf("(ref.null %v)", v.Heap)
	case ValRefExtern:
		return fmt.Sprintf("(ref.extern %d)", v.Lo)
	case ValRefHost:
		return fmt.Sprintf("(ref.host %d)", v.Lo)
	case ValRef:
		return fmt.Sprintf("(ref.%v)", v.Heap)
	}
	return "value?"
}

// NaN is a NaN pattern in expected results.
type NaN uint8

const (
	// NotNaN compares bits exactly.
	NotNaN NaN = iota
	// CanonicalNaN matches a NaN with only the quiet bit in its payload,
	// of either sign.
	CanonicalNaN
	// ArithmeticNaN matches any NaN with the quiet bit set.
	ArithmeticNaN
)

// ResultKind says how a Result matches a value.
type ResultKind uint8

const (
	// ResValue matches Value exactly (floats by bits), except float lanes
	// of a v128 whose LaneNaN is set, and f32/f64 results whose NaN is
	// set.
	ResValue ResultKind = iota
	// ResRefType matches a reference of abstract heap type Heap, as the
	// reference interpreter does for (ref.func), (ref.struct), ...
	ResRefType
	// ResRefNull matches any null reference: (ref.null) with no type.
	ResRefNull
	// ResEither matches when one of Either does.
	ResEither
)

// Result is an expected result pattern.
type Result struct {
	Kind  ResultKind
	Value Value
	// NaN is the pattern of an f32 or f64 result.
	NaN NaN
	// LaneNaN holds the pattern of each lane of an f32x4 or f64x2 result.
	LaneNaN [4]NaN
	Heap    wasm.HeapType
	Either  []Result
}

// Error is a script syntax error.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}
