// Package wasm holds the in-memory form of a WebAssembly module shared by the
// decoder, the validator and the compiler: types, module structure,
// instructions and the opcode table. It decodes and checks nothing itself.
package wasm

import (
	"fmt"
	"strings"
)

// ValKind is the kind of a value type.
type ValKind uint8

const (
	KindI32 ValKind = iota + 1
	KindI64
	KindF32
	KindF64
	KindV128
	KindRef
	// KindBot is the validator's unknown type on an unreachable stack; it
	// never appears in a module.
	KindBot
)

// HeapType is a reference's heap type: a type index when >= 0, otherwise an
// abstract heap type whose value is its signed binary code (func is -0x10).
type HeapType int32

const (
	HeapNoCont   HeapType = -0x0b
	HeapNoExn    HeapType = -0x0c
	HeapNoFunc   HeapType = -0x0d
	HeapNoExtern HeapType = -0x0e
	HeapNone     HeapType = -0x0f
	HeapFunc     HeapType = -0x10
	HeapExtern   HeapType = -0x11
	HeapAny      HeapType = -0x12
	HeapEq       HeapType = -0x13
	HeapI31      HeapType = -0x14
	HeapStruct   HeapType = -0x15
	HeapArray    HeapType = -0x16
	HeapExn      HeapType = -0x17
	HeapCont     HeapType = -0x18
	// HeapBot is the validator's bottom heap type (below every hierarchy).
	HeapBot HeapType = -0x40
)

// IsIndex reports whether h names a defined type rather than an abstract one.
func (h HeapType) IsIndex() bool { return h >= 0 }

// Index returns the type index of a concrete heap type.
func (h HeapType) Index() uint32 { return uint32(h) }

var heapNames = map[HeapType]string{
	HeapNoCont: "nocont", HeapNoExn: "noexn", HeapNoFunc: "nofunc", HeapNoExtern: "noextern",
	HeapNone: "none", HeapFunc: "func", HeapExtern: "extern", HeapAny: "any", HeapEq: "eq",
	HeapI31: "i31", HeapStruct: "struct", HeapArray: "array", HeapExn: "exn", HeapCont: "cont",
	HeapBot: "bot",
}

// heapByName inverts heapNames for the text format's keywords (the
// validator's bottom type has none).
var heapByName = func() map[string]HeapType {
	m := make(map[string]HeapType, len(heapNames))
	for h, s := range heapNames {
		if h != HeapBot {
			m[s] = h
		}
	}
	return m
}()

// HeapTypeByName returns the abstract heap type a text keyword names
// ("func", "extern", "any", ..., "nocont").
func HeapTypeByName(name string) (HeapType, bool) {
	h, ok := heapByName[name]
	return h, ok
}

func (h HeapType) String() string {
	if h >= 0 {
		return fmt.Sprint(uint32(h))
	}
	if s, ok := heapNames[h]; ok {
		return s
	}
	return fmt.Sprintf("heap(%d)", int32(h))
}

// ValType is a value type. Heap and Nullable are meaningful only for KindRef.
type ValType struct {
	Kind     ValKind
	Nullable bool
	Heap     HeapType
}

// The value types that need no parameters, and the common reference types.
var (
	I32       = ValType{Kind: KindI32}
	I64       = ValType{Kind: KindI64}
	F32       = ValType{Kind: KindF32}
	F64       = ValType{Kind: KindF64}
	V128      = ValType{Kind: KindV128}
	Bot       = ValType{Kind: KindBot}
	FuncRef   = RefType(true, HeapFunc)
	ExternRef = RefType(true, HeapExtern)
	ExnRef    = RefType(true, HeapExn)
)

// RefType returns the reference type (ref null? h).
func RefType(nullable bool, h HeapType) ValType {
	return ValType{Kind: KindRef, Nullable: nullable, Heap: h}
}

// IsRef reports whether t is a reference type.
func (t ValType) IsRef() bool { return t.Kind == KindRef }

// IsNum reports whether t is a number type.
func (t ValType) IsNum() bool { return t.Kind >= KindI32 && t.Kind <= KindF64 }

// Defaultable reports whether locals of type t may be left uninitialised.
func (t ValType) Defaultable() bool { return t.Kind != KindRef || t.Nullable }

func (t ValType) String() string {
	switch t.Kind {
	case KindI32:
		return "i32"
	case KindI64:
		return "i64"
	case KindF32:
		return "f32"
	case KindF64:
		return "f64"
	case KindV128:
		return "v128"
	case KindBot:
		return "bot"
	case KindRef:
		if t.Nullable {
			return "(ref null " + t.Heap.String() + ")"
		}
		return "(ref " + t.Heap.String() + ")"
	}
	return fmt.Sprintf("valtype(%d)", t.Kind)
}

// Packed is a packed storage type of a struct field or array element.
type Packed uint8

const (
	NotPacked Packed = iota
	PackedI8
	PackedI16
)

// FieldType is a struct field or an array element.
type FieldType struct {
	Type    ValType // the unpacked type: i32 for packed fields
	Packed  Packed
	Mutable bool
}

// FuncType is a function signature.
type FuncType struct {
	Params, Results []ValType
}

func (f *FuncType) String() string {
	var b strings.Builder
	b.WriteString("[")
	for i, t := range f.Params {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(t.String())
	}
	b.WriteString("] -> [")
	for i, t := range f.Results {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(t.String())
	}
	b.WriteString("]")
	return b.String()
}

// CompKind is the kind of a composite type.
type CompKind uint8

const (
	CompFunc CompKind = iota
	CompStruct
	CompArray
	CompCont
)

// SubType is one entry of the type section: a composite type with its
// finality and declared supertypes (at most one in WebAssembly 3.0).
type SubType struct {
	Final  bool
	Supers []uint32
	Kind   CompKind
	Func   FuncType    // CompFunc
	Fields []FieldType // CompStruct: the fields; CompArray: the one element
	Cont   uint32      // CompCont: index of the function type
}

// RecGroup is a recursion group: types [Start, Start+Len) of the type section.
type RecGroup struct {
	Start, Len uint32
}
