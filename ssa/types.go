package ssa

import "strings"

// Type is the type of an SSA value. References (funcref, externref) are I64.
type Type uint8

const (
	TypeNone Type = iota // no value: stores, checks, terminators, calls without results
	I32
	I64
	F32
	F64
	V128  // reserved for SIMD; no op produces it yet
	Tuple // the results of a call with two or more results; see OpExtract
)

var typeNames = [...]string{TypeNone: "none", I32: "i32", I64: "i64", F32: "f32", F64: "f64", V128: "v128", Tuple: "tuple"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type?"
}

// IsInt reports whether t is an integer type (i32 or i64).
func (t Type) IsInt() bool { return t == I32 || t == I64 }

// IsFloat reports whether t is a floating-point type (f32 or f64).
func (t Type) IsFloat() bool { return t == F32 || t == F64 }

// Size returns the size in bytes of a value of type t (0 for none and tuple).
func (t Type) Size() int {
	switch t {
	case I32, F32:
		return 4
	case I64, F64:
		return 8
	case V128:
		return 16
	}
	return 0
}

// Signature is the parameter and result types of a function or call.
type Signature struct {
	Params, Results []Type
}

// ResultType returns the type of a call value with this signature: none
// for no results, the result's type for one, Tuple for several.
func (s *Signature) ResultType() Type {
	switch len(s.Results) {
	case 0:
		return TypeNone
	case 1:
		return s.Results[0]
	}
	return Tuple
}

func (s *Signature) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, t := range s.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	b.WriteString(") -> (")
	for i, t := range s.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	b.WriteByte(')')
	return b.String()
}

// typeByLetter maps the op table's signature letters to types.
func typeByLetter(c byte) Type {
	switch c {
	case 'i':
		return I32
	case 'I':
		return I64
	case 'f':
		return F32
	case 'F':
		return F64
	}
	return TypeNone
}
