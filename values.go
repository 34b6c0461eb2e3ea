package wasmc

import (
	"math"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// ValueType is the type of a WebAssembly parameter, result or global.
type ValueType byte

// The value types of WebAssembly 2.0, with their binary encodings.
const (
	ValueTypeI32       ValueType = 0x7f
	ValueTypeI64       ValueType = 0x7e
	ValueTypeF32       ValueType = 0x7d
	ValueTypeF64       ValueType = 0x7c
	ValueTypeV128      ValueType = 0x7b
	ValueTypeFuncref   ValueType = 0x70
	ValueTypeExternref ValueType = 0x6f
)

func (t ValueType) String() string {
	switch t {
	case ValueTypeI32:
		return "i32"
	case ValueTypeI64:
		return "i64"
	case ValueTypeF32:
		return "f32"
	case ValueTypeF64:
		return "f64"
	case ValueTypeV128:
		return "v128"
	case ValueTypeFuncref:
		return "funcref"
	case ValueTypeExternref:
		return "externref"
	}
	return "unknown"
}

// valueType converts a module's value type; ok is false for the types of
// later proposals (typed references, GC), which have no ValueType.
func valueType(t wasm.ValType) (ValueType, bool) {
	switch t.Kind {
	case wasm.KindI32:
		return ValueTypeI32, true
	case wasm.KindI64:
		return ValueTypeI64, true
	case wasm.KindF32:
		return ValueTypeF32, true
	case wasm.KindF64:
		return ValueTypeF64, true
	case wasm.KindV128:
		return ValueTypeV128, true
	case wasm.KindRef:
		if t.Nullable && t.Heap == wasm.HeapFunc {
			return ValueTypeFuncref, true
		}
		if t.Nullable && t.Heap == wasm.HeapExtern {
			return ValueTypeExternref, true
		}
	}
	return 0, false
}

// wasmType is the inverse of valueType.
func wasmType(t ValueType) (wasm.ValType, bool) {
	switch t {
	case ValueTypeI32:
		return wasm.I32, true
	case ValueTypeI64:
		return wasm.I64, true
	case ValueTypeF32:
		return wasm.F32, true
	case ValueTypeF64:
		return wasm.F64, true
	case ValueTypeV128:
		return wasm.V128, true
	case ValueTypeFuncref:
		return wasm.FuncRef, true
	case ValueTypeExternref:
		return wasm.ExternRef, true
	}
	return wasm.ValType{}, false
}

func valueTypes(ts []wasm.ValType) []ValueType {
	out := make([]ValueType, len(ts))
	for i, t := range ts {
		// Modules the API compiles use only 2.0 types; an unknown one
		// reads as 0 rather than failing a query.
		out[i], _ = valueType(t)
	}
	return out
}

// Values cross the API as uint64 slots: an i32 in the low 32 bits, an i64
// as is, floats as their IEEE 754 bits. The helpers below convert.

// EncodeI32 encodes an i32 argument.
func EncodeI32(v int32) uint64 { return uint64(uint32(v)) }

// DecodeI32 decodes an i32 result.
func DecodeI32(v uint64) int32 { return int32(uint32(v)) }

// EncodeU32 encodes an i32 argument given as unsigned.
func EncodeU32(v uint32) uint64 { return uint64(v) }

// DecodeU32 decodes an i32 result as unsigned.
func DecodeU32(v uint64) uint32 { return uint32(v) }

// EncodeI64 encodes an i64 argument.
func EncodeI64(v int64) uint64 { return uint64(v) }

// DecodeI64 decodes an i64 result.
func DecodeI64(v uint64) int64 { return int64(v) }

// EncodeF32 encodes an f32 argument.
func EncodeF32(v float32) uint64 { return uint64(math.Float32bits(v)) }

// DecodeF32 decodes an f32 result.
func DecodeF32(v uint64) float32 { return math.Float32frombits(uint32(v)) }

// EncodeF64 encodes an f64 argument.
func EncodeF64(v float64) uint64 { return math.Float64bits(v) }

// DecodeF64 decodes an f64 result.
func DecodeF64(v uint64) float64 { return math.Float64frombits(v) }
