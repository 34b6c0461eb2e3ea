package wast

import (
	"strings"

	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// refTypePatterns are the results (ref.T) that match any reference of an
// abstract heap type.
var refTypePatterns = map[string]wasm.HeapType{
	"ref": wasm.HeapAny, "ref.any": wasm.HeapAny, "ref.eq": wasm.HeapEq, "ref.i31": wasm.HeapI31,
	"ref.struct": wasm.HeapStruct, "ref.array": wasm.HeapArray, "ref.func": wasm.HeapFunc,
	"ref.exn": wasm.HeapExn, "ref.extern": wasm.HeapExtern, "ref.cont": wasm.HeapCont,
}

var shapes = map[string]Shape{
	"i8x16": I8x16, "i16x8": I16x8, "i32x4": I32x4, "i64x2": I64x2, "f32x4": F32x4, "f64x2": F64x2,
}

// constant reads an argument: (T.const N), (v128.const shape N*),
// (ref.null ht), (ref.extern N) or (ref.host N).
func (p *parser) constant() (Value, error) {
	r, err := p.value(false)
	return r.Value, err
}

// result reads an expected result.
func (p *parser) result() (Result, error) {
	if p.peek().Kind == text.TokLParen && p.isKeyword(1, "either") {
		p.pos += 2
		r := Result{Kind: ResEither}
		for p.peek().Kind == text.TokLParen {
			alt, err := p.result()
			if err != nil {
				return r, err
			}
			r.Either = append(r.Either, alt)
		}
		if len(r.Either) == 0 {
			return r, p.errAt(p.peek(), "either needs at least one result")
		}
		return r, p.rparen()
	}
	return p.value(true)
}

// value reads a constant, or with patterns set, any result form but either.
func (p *parser) value(patterns bool) (Result, error) {
	var r Result
	if err := p.lparen(); err != nil {
		return r, err
	}
	kw := p.next()
	if kw.Kind != text.TokKeyword {
		return r, p.errAt(kw, "unexpected token %s, expected a constant", describe(kw))
	}
	v := &r.Value
	var err error
	switch kw.Text {
	case "i32.const":
		v.Kind = ValI32
		err = p.number(&v.Lo, parseI32)
	case "i64.const":
		v.Kind = ValI64
		err = p.number(&v.Lo, text.ParseI64)
	case "f32.const", "f64.const":
		v.Kind = ValF32
		parse := parseF32
		if kw.Text == "f64.const" {
			v.Kind, parse = ValF64, text.ParseF64
		}
		if r.NaN = nanPattern(p.peek()); r.NaN != NotNaN && patterns {
			p.pos++
		} else {
			err = p.number(&v.Lo, parse)
		}
	case "v128.const":
		err = p.v128(&r, patterns)
	case "ref.null":
		v.Kind = ValRefNull
		t := p.peek()
		if t.Kind == text.TokRParen && patterns {
			r.Kind = ResRefNull
			break
		}
		v.Heap, err = p.heapType()
	case "ref.extern", "ref.host":
		v.Kind = ValRefExtern
		if kw.Text == "ref.host" {
			v.Kind = ValRefHost
		}
		if p.peek().Kind == text.TokRParen && patterns && kw.Text == "ref.extern" {
			r.Kind, r.Heap = ResRefType, wasm.HeapExtern
			break
		}
		err = p.number(&v.Lo, parseNat32)
	default:
		h, ok := refTypePatterns[kw.Text]
		if !ok || !patterns {
			return r, p.errAt(kw, "unexpected token %s, expected a constant", describe(kw))
		}
		r.Kind, r.Heap = ResRefType, h
	}
	if err != nil {
		return r, err
	}
	return r, p.rparen()
}

func nanPattern(t text.Token) NaN {
	switch t.Text {
	case "nan:canonical":
		return CanonicalNaN
	case "nan:arithmetic":
		return ArithmeticNaN
	}
	return NotNaN
}

func parseI32(s string) (uint64, error) {
	v, err := text.ParseI32(s)
	return uint64(v), err
}

func parseF32(s string) (uint64, error) {
	v, err := text.ParseF32(s)
	return uint64(v), err
}

func parseNat32(s string) (uint64, error) {
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, errNat
	}
	return parseI32(s)
}

type parseError string

func (e parseError) Error() string { return string(e) }

const (
	errNat   = parseError("expected a natural number")
	errRange = parseError("constant out of range")
)

// number reads one numeric token with parse.
func (p *parser) number(dst *uint64, parse func(string) (uint64, error)) error {
	t := p.next()
	if t.Kind == text.TokLParen || t.Kind == text.TokRParen || t.Kind == text.TokEOF {
		return p.errAt(t, "unexpected token %s, expected a number", describe(t))
	}
	v, err := parse(t.Text)
	if err != nil {
		return p.errAt(t, "bad number %q: %v", t.Text, err)
	}
	*dst = v
	return nil
}

// heapType reads the heap type of ref.null: an abstract type or an index.
func (p *parser) heapType() (wasm.HeapType, error) {
	t := p.next()
	if h, ok := wasm.HeapTypeByName(t.Text); ok && t.Kind == text.TokKeyword {
		return h, nil
	}
	if t.Kind == text.TokNumber {
		if v, err := parseNat32(t.Text); err == nil && v <= 1<<31-1 {
			return wasm.HeapType(v), nil
		}
	}
	return 0, p.errAt(t, "unknown heap type %s", describe(t))
}

// v128 reads the shape and lanes of a v128.const; with patterns, float
// lanes may be NaN patterns.
func (p *parser) v128(r *Result, patterns bool) error {
	v := &r.Value
	v.Kind = ValV128
	t := p.next()
	s, ok := shapes[t.Text]
	if !ok || t.Kind != text.TokKeyword {
		return p.errAt(t, "unknown vector shape %s", describe(t))
	}
	v.Shape = s
	for i := 0; i < s.Lanes(); i++ {
		t := p.peek()
		if t.Kind == text.TokRParen {
			return p.errAt(t, "wrong number of lane literals")
		}
		if n := nanPattern(t); n != NotNaN && patterns && (s == F32x4 || s == F64x2) {
			p.pos++
			r.LaneNaN[i] = n
			continue
		}
		var x uint64
		var err error
		switch s {
		case I8x16, I16x8:
			err = p.number(&x, smallLane(s.LaneBits()))
		case I32x4:
			err = p.number(&x, parseI32)
		case I64x2:
			err = p.number(&x, text.ParseI64)
		case F32x4:
			err = p.number(&x, parseF32)
		case F64x2:
			err = p.number(&x, text.ParseF64)
		}
		if err != nil {
			return err
		}
		v.SetLane(s, i, x)
	}
	return nil
}

// smallLane parses an i8 or i16 lane: signed or unsigned in bits.
func smallLane(bits int) func(string) (uint64, error) {
	return func(s string) (uint64, error) {
		x, err := text.ParseI32(s)
		if err != nil {
			return 0, err
		}
		if strings.HasPrefix(s, "-") {
			if int32(x) < -(1 << (bits - 1)) {
				return 0, errRange
			}
		} else if x >= 1<<bits {
			return 0, errRange
		}
		return uint64(x) & (1<<bits - 1), nil
	}
}
