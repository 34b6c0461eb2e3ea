package text

import (
	"slices"

	"github.com/wasmc/wasmc/frontend/wasm"
)

var refShorthands = map[string]wasm.HeapType{
	"funcref": wasm.HeapFunc, "externref": wasm.HeapExtern, "anyref": wasm.HeapAny,
	"eqref": wasm.HeapEq, "i31ref": wasm.HeapI31, "structref": wasm.HeapStruct,
	"arrayref": wasm.HeapArray, "exnref": wasm.HeapExn, "contref": wasm.HeapCont,
	"nullref": wasm.HeapNone, "nullfuncref": wasm.HeapNoFunc, "nullexternref": wasm.HeapNoExtern,
	"nullexnref": wasm.HeapNoExn, "nullcontref": wasm.HeapNoCont,
}

func (p *parser) heapType() (wasm.HeapType, error) {
	t := p.peek()
	if t.Kind == TokKeyword {
		if h, ok := wasm.HeapTypeByName(t.Text); ok {
			p.pos++
			return h, nil
		}
		return 0, p.unexpected()
	}
	x, err := p.index(&p.typeSpace)
	return wasm.HeapType(x), err
}

// isValType reports whether a value type starts at the current token.
func (p *parser) isValType() bool {
	t := p.peek()
	if t.Kind == TokKeyword {
		switch t.Text {
		case "i32", "i64", "f32", "f64", "v128":
			return true
		}
		_, ok := refShorthands[t.Text]
		return ok
	}
	return p.form("ref")
}

// refType parses a reference type: a shorthand or (ref null? ht).
func (p *parser) refType() (wasm.ValType, error) {
	t := p.peek()
	if t.Kind == TokKeyword {
		if h, ok := refShorthands[t.Text]; ok {
			p.pos++
			return wasm.RefType(true, h), nil
		}
		return wasm.ValType{}, p.unexpected()
	}
	if !p.form("ref") {
		return wasm.ValType{}, p.unexpected()
	}
	p.pos += 2
	null := false
	if p.keyword("null") {
		null = true
		p.pos++
	}
	h, err := p.heapType()
	if err != nil {
		return wasm.ValType{}, err
	}
	return wasm.RefType(null, h), p.expect(TokRParen)
}

func (p *parser) valType() (wasm.ValType, error) {
	t := p.peek()
	if t.Kind == TokKeyword {
		switch t.Text {
		case "i32":
			p.pos++
			return wasm.I32, nil
		case "i64":
			p.pos++
			return wasm.I64, nil
		case "f32":
			p.pos++
			return wasm.F32, nil
		case "f64":
			p.pos++
			return wasm.F64, nil
		case "v128":
			p.pos++
			return wasm.V128, nil
		}
	}
	return p.refType()
}

// valTypes parses value types up to the closing ')'.
func (p *parser) valTypes(ts []wasm.ValType) ([]wasm.ValType, error) {
	for p.peek().Kind != TokRParen {
		t, err := p.valType()
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

func (p *parser) fieldType() (wasm.FieldType, error) {
	mut := false
	if p.form("mut") {
		mut = true
		p.pos += 2
	}
	var f wasm.FieldType
	switch {
	case p.keyword("i8"):
		p.pos++
		f = wasm.FieldType{Type: wasm.I32, Packed: wasm.PackedI8}
	case p.keyword("i16"):
		p.pos++
		f = wasm.FieldType{Type: wasm.I32, Packed: wasm.PackedI16}
	default:
		t, err := p.valType()
		if err != nil {
			return f, err
		}
		f.Type = t
	}
	f.Mutable = mut
	if mut {
		return f, p.expect(TokRParen)
	}
	return f, nil
}

// typeField parses "(type ...)" or "(rec ...)" in the second pass.
func (p *parser) typeField() error {
	p.pos++
	start := p.defIdx
	explicit := p.keyword("rec")
	if explicit {
		p.pos++
		for p.form("type") {
			p.pos++
			if err := p.typeDef(); err != nil {
				return err
			}
		}
	} else if err := p.typeDef(); err != nil {
		return err
	}
	p.recs = append(p.recs, recGroup{start: start, n: p.defIdx - start, explicit: explicit})
	for i := start; i < p.defIdx; i++ {
		p.types[i].recLen = p.defIdx - start
	}
	if explicit {
		return p.expect(TokRParen)
	}
	return nil
}

// typeDef parses "type $id? subtype)" with p.pos at "type".
func (p *parser) typeDef() error {
	p.pos++
	idx := p.defIdx
	p.defIdx++
	p.optID()
	t := &p.types[idx]
	t.final = true
	if p.form("sub") {
		p.pos += 2
		t.final = false
		if p.keyword("final") {
			p.pos++
			t.final = true
		}
		for p.isIndex() {
			x, err := p.index(&p.typeSpace)
			if err != nil {
				return err
			}
			t.supers = append(t.supers, x)
		}
		if err := p.compType(t); err != nil {
			return err
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
	} else if err := p.compType(t); err != nil {
		return err
	}
	return p.expect(TokRParen)
}

func (p *parser) compType(t *typeInfo) error {
	if p.peek().Kind != TokLParen {
		return p.unexpected()
	}
	p.pos++
	kw := p.next()
	switch kw.Text {
	case "func":
		t.kind = wasm.CompFunc
		if err := p.funcSig(t, true); err != nil {
			return err
		}
	case "struct":
		t.kind = wasm.CompStruct
		t.fieldNames = map[string]uint32{}
		for p.form("field") {
			p.pos += 2
			if name, tok, ok := p.optID(); ok {
				if _, dup := t.fieldNames[name]; dup {
					return p.errAt(tok, "duplicate field %s", tok.Text)
				}
				t.fieldNames[name] = uint32(len(t.fields))
				f, err := p.fieldType()
				if err != nil {
					return err
				}
				t.fields = append(t.fields, f)
			} else {
				for p.peek().Kind != TokRParen {
					f, err := p.fieldType()
					if err != nil {
						return err
					}
					t.fields = append(t.fields, f)
				}
			}
			if err := p.expect(TokRParen); err != nil {
				return err
			}
		}
	case "array":
		t.kind = wasm.CompArray
		f, err := p.fieldType()
		if err != nil {
			return err
		}
		t.fields = []wasm.FieldType{f}
	case "cont":
		t.kind = wasm.CompCont
		if p.isIndex() {
			x, err := p.index(&p.typeSpace)
			if err != nil {
				return err
			}
			t.cont = x
		} else {
			x, err := p.typeUseIndex(nil)
			if err != nil {
				return err
			}
			t.cont = x
		}
	default:
		p.pos--
		return p.unexpected()
	}
	return p.expect(TokRParen)
}

// funcSig parses "(param ...)* (result ...)*" into t. Named parameters are
// allowed when names is set (their names are ignored in type definitions).
func (p *parser) funcSig(t *typeInfo, named bool) error {
	for p.form("param") {
		p.pos += 2
		if p.peek().Kind == TokID && named {
			p.pos++
			v, err := p.valType()
			if err != nil {
				return err
			}
			t.params = append(t.params, v)
		} else {
			var err error
			if t.params, err = p.valTypes(t.params); err != nil {
				return err
			}
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
	}
	for p.form("result") {
		p.pos += 2
		var err error
		if t.results, err = p.valTypes(t.results); err != nil {
			return err
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
	}
	return nil
}

// typeUse is a parsed "(type x)? (param ...)* (result ...)*".
type typeUse struct {
	hasIdx     bool
	idx        uint32
	tok        Token
	sig        typeInfo
	paramNames []Token // per parameter: a TokID or a zero Token
}

// parseTypeUse parses a type use; parameter names are collected when
// names is set and rejected otherwise.
func (p *parser) parseTypeUse(names bool) (typeUse, error) {
	var u typeUse
	u.tok = p.peek()
	if p.form("type") {
		p.pos += 2
		x, err := p.index(&p.typeSpace)
		if err != nil {
			return u, err
		}
		u.hasIdx, u.idx = true, x
		if err := p.expect(TokRParen); err != nil {
			return u, err
		}
	}
	for p.form("param") {
		p.pos += 2
		if p.peek().Kind == TokID && names {
			u.paramNames = append(u.paramNames, p.next())
			v, err := p.valType()
			if err != nil {
				return u, err
			}
			u.sig.params = append(u.sig.params, v)
		} else {
			n := len(u.sig.params)
			var err error
			if u.sig.params, err = p.valTypes(u.sig.params); err != nil {
				return u, err
			}
			for ; n < len(u.sig.params); n++ {
				u.paramNames = append(u.paramNames, Token{})
			}
		}
		if err := p.expect(TokRParen); err != nil {
			return u, err
		}
	}
	for p.form("result") {
		p.pos += 2
		var err error
		if u.sig.results, err = p.valTypes(u.sig.results); err != nil {
			return u, err
		}
		if err := p.expect(TokRParen); err != nil {
			return u, err
		}
	}
	if p.form("param") || p.form("type") {
		p.pos++
		return u, p.unexpected()
	}
	return u, nil
}

// resolve returns the type index of a type use, checking an explicit index
// against inline parameters and results, or finding or appending the
// implicit function type.
func (p *parser) resolve(u *typeUse) (uint32, error) {
	inline := len(u.sig.params) > 0 || len(u.sig.results) > 0
	if u.hasIdx {
		if inline {
			if int(u.idx) >= len(p.types) {
				return 0, p.errAt(u.tok, "unknown type %d", u.idx)
			}
			if p.types[u.idx].kind != wasm.CompFunc ||
				!slices.Equal(p.types[u.idx].params, u.sig.params) || !slices.Equal(p.types[u.idx].results, u.sig.results) {
				return 0, p.errAt(u.tok, "inline function type does not match explicit type")
			}
		}
		return u.idx, nil
	}
	return p.implicitType(u.sig.params, u.sig.results), nil
}

// implicitType finds a lone, final function type without supertypes that
// has the signature, or appends one.
func (p *parser) implicitType(params, results []wasm.ValType) uint32 {
	for i := range p.types {
		t := &p.types[i]
		if t.recLen == 1 && t.final && len(t.supers) == 0 && t.kind == wasm.CompFunc &&
			slices.Equal(t.params, params) && slices.Equal(t.results, results) {
			return uint32(i)
		}
	}
	p.types = append(p.types, typeInfo{recLen: 1, final: true, kind: wasm.CompFunc,
		params: slices.Clone(params), results: slices.Clone(results)})
	return uint32(len(p.types) - 1)
}

// typeUseIndex parses a type use without parameter names and resolves it.
func (p *parser) typeUseIndex(u *typeUse) (uint32, error) {
	v, err := p.parseTypeUse(false)
	if err != nil {
		return 0, err
	}
	if u != nil {
		*u = v
	}
	return p.resolve(&v)
}

// funcType returns function type x, or nil if x is not a function type
// (which the validator reports).
func (p *parser) funcType(x uint32) *typeInfo {
	if int(x) < len(p.types) && p.types[x].kind == wasm.CompFunc {
		return &p.types[x]
	}
	return nil
}
