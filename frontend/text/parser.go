package text

import (
	"fmt"
	"strings"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// space is one index space with its symbolic names.
type space struct {
	names map[string]uint32
	n     uint32
	what  string // for messages: "function", "local", ...
}

func newSpace(what string) space { return space{names: map[string]uint32{}, what: what} }

func (s *space) reset() {
	clear(s.names)
	s.n = 0
}

// typeInfo is one entry of the type section.
type typeInfo struct {
	recLen     int // size of its rec group (1 for a lone type)
	final      bool
	supers     []uint32
	kind       wasm.CompKind
	params     []wasm.ValType
	results    []wasm.ValType
	fields     []wasm.FieldType
	cont       uint32
	fieldNames map[string]uint32
}

type recGroup struct {
	start, n int
	explicit bool // written as (rec ...)
}

// field is a module field found by the first pass.
type field struct {
	kw    string
	start int // index of its '('
}

type parser struct {
	toks []Token
	pos  int
	eof  Token

	typeSpace                                    space
	funcs, tables, mems, globals, tags           space
	elems, datas, locals                         space
	types                                        []typeInfo
	recs                                         []recGroup
	labels                                       []string
	importSec, funcSec, tableSec, memSec, tagSec []byte
	globalSec, exportSec, elemSec, codeSec       []byte
	dataSec, startSec                            []byte
	nImports, nFuncs, nTables, nMems, nTags      int
	nGlobals, nExports, nElems, nDatas           int
	usesData                                     bool
	defIdx, nExplicit                            int
	idx                                          fieldIndices
	localTypes                                   []wasm.ValType
	body                                         []byte
	hasStart                                     bool
}

func (p *parser) errAt(t Token, format string, args ...any) *Error {
	return &Error{Line: t.Line, Col: t.Col, Msg: fmt.Sprintf(format, args...)}
}

// at returns token i, or an end token past the slice (ParseModuleFields
// may get a slice that does not end in TokEOF).
func (p *parser) at(i int) Token {
	if i < len(p.toks) {
		return p.toks[i]
	}
	return p.eof
}

func (p *parser) peek() Token { return p.at(p.pos) }

func (p *parser) next() Token {
	t := p.at(p.pos)
	if t.Kind != TokEOF {
		p.pos++
	}
	return t
}

// unexpected reports the current token as out of place.
func (p *parser) unexpected() *Error {
	t := p.peek()
	if t.Kind == TokEOF {
		return p.errAt(t, "unexpected end of input")
	}
	if t.Kind == TokKeyword && !knownKeyword(t.Text) {
		return p.errAt(t, "unknown operator %s", t.Text)
	}
	return p.errAt(t, "unexpected token %s", t.Text)
}

// form reports whether the next tokens are '(' kw.
func (p *parser) form(kw string) bool {
	return p.at(p.pos).Kind == TokLParen && p.at(p.pos+1).Kind == TokKeyword && p.at(p.pos+1).Text == kw
}

func (p *parser) keyword(kw string) bool {
	t := p.at(p.pos)
	return t.Kind == TokKeyword && t.Text == kw
}

func (p *parser) expect(kind TokenKind) error {
	if p.peek().Kind != kind {
		return p.unexpected()
	}
	p.pos++
	return nil
}

func (p *parser) expectKW(kw string) error {
	if !p.keyword(kw) {
		return p.unexpected()
	}
	p.pos++
	return nil
}

// skipForm skips from a '(' to just past its matching ')'.
func (p *parser) skipForm() error {
	depth := 0
	for {
		switch p.next().Kind {
		case TokLParen:
			depth++
		case TokRParen:
			depth--
			if depth == 0 {
				return nil
			}
		case TokEOF:
			return p.errAt(p.peek(), "unexpected end of input")
		}
	}
}

// idName returns the canonical name of a TokID.
func idName(t Token) string {
	if len(t.Text) > 1 && t.Text[1] == '"' {
		b, _ := StringBytes(Token{Kind: TokString, Text: t.Text[1:]})
		return string(b)
	}
	return t.Text[1:]
}

// optID consumes an identifier if there is one.
func (p *parser) optID() (string, Token, bool) {
	t := p.peek()
	if t.Kind != TokID {
		return "", t, false
	}
	p.pos++
	return idName(t), t, true
}

// bind binds an optional identifier to the next index of s.
func (p *parser) bind(s *space, name string, t Token, named bool) (uint32, error) {
	if named {
		if _, dup := s.names[name]; dup {
			return 0, p.errAt(t, "duplicate %s %s", s.what, t.Text)
		}
		s.names[name] = s.n
	}
	s.n++
	return s.n - 1, nil
}

// index parses a reference to s: a number or a bound name.
func (p *parser) index(s *space) (uint32, error) {
	t := p.peek()
	switch t.Kind {
	case TokNumber:
		p.pos++
		v, err := ParseU32(t.Text)
		if err != nil {
			return 0, p.errAt(t, "i32 constant out of range")
		}
		return v, nil
	case TokID:
		p.pos++
		v, ok := s.names[idName(t)]
		if !ok {
			return 0, p.errAt(t, "unknown %s %s", s.what, t.Text)
		}
		return v, nil
	}
	return 0, p.unexpected()
}

func (p *parser) isIndex() bool {
	k := p.peek().Kind
	return k == TokNumber || k == TokID
}

// str parses one string literal.
func (p *parser) str() ([]byte, error) {
	t := p.peek()
	if t.Kind != TokString {
		return nil, p.unexpected()
	}
	p.pos++
	return StringBytes(t)
}

func newParser(toks []Token) *parser {
	return &parser{
		toks:      toks,
		typeSpace: newSpace("type"), funcs: newSpace("function"), tables: newSpace("table"),
		mems: newSpace("memory"), globals: newSpace("global"), tags: newSpace("tag"),
		elems: newSpace("elem segment"), datas: newSpace("data segment"), locals: newSpace("local"),
	}
}

// ParseModule parses a whole .wat file or a "module quote" text: either one
// "(module $id? field*)" or a bare sequence of module fields.
func ParseModule(src []byte) ([]byte, error) {
	toks, err := Tokenize(src)
	if err != nil {
		return nil, err
	}
	i := 0
	wrapped := len(toks) > 2 && toks[0].Kind == TokLParen && toks[1].Kind == TokKeyword && toks[1].Text == "module"
	if wrapped {
		i = 2
		if toks[i].Kind == TokID {
			i++
		}
	}
	bin, next, err := ParseModuleFields(toks, i)
	if err != nil {
		return nil, err
	}
	if wrapped {
		if toks[next].Kind != TokRParen {
			return nil, &Error{Line: toks[next].Line, Col: toks[next].Col, Msg: "unexpected token"}
		}
		next++
	}
	if toks[next].Kind != TokEOF {
		return nil, &Error{Line: toks[next].Line, Col: toks[next].Col, Msg: "unexpected token"}
	}
	return bin, nil
}

// ParseModuleFields parses module fields from toks[i] up to (not including)
// the ')' that closes the enclosing form (or the end of input), returning
// the binary encoding and the index of that ')'.
func ParseModuleFields(toks []Token, i int) (bin []byte, next int, err error) {
	if i < 0 || i >= len(toks) {
		return nil, i, &Error{Msg: "unexpected end of input"}
	}
	p := newParser(toks)
	p.pos = i
	if n := len(toks); n > 0 {
		p.eof = Token{Kind: TokEOF, Line: toks[n-1].Line, Col: toks[n-1].Col}
	}
	fields, err := p.scanFields()
	if err != nil {
		return nil, p.pos, err
	}
	next = p.pos
	p.nExplicit = len(p.types)
	for _, f := range fields {
		if f.kw == "type" || f.kw == "rec" {
			p.pos = f.start
			if err := p.typeField(); err != nil {
				return nil, next, err
			}
		}
	}
	for _, f := range fields {
		if f.kw == "type" || f.kw == "rec" {
			continue
		}
		p.pos = f.start + 2
		if err := p.moduleField(f.kw); err != nil {
			return nil, next, err
		}
		if err := p.expect(TokRParen); err != nil {
			return nil, next, err
		}
	}
	return p.assemble(), next, nil
}

// scanFields is the first pass: it finds the fields and binds the names of
// everything they define, so that later passes can refer forward.
func (p *parser) scanFields() ([]field, error) {
	var fields []field
	lastDef := ""
	for {
		t := p.peek()
		if t.Kind == TokRParen || t.Kind == TokEOF {
			return fields, nil
		}
		if t.Kind != TokLParen || p.at(p.pos+1).Kind != TokKeyword {
			return nil, p.unexpected()
		}
		start := p.pos
		kw := p.at(p.pos + 1).Text
		p.pos += 2
		isImport := false
		switch kw {
		case "type":
			if err := p.scanType(); err != nil {
				return nil, err
			}
		case "rec":
			for p.form("type") {
				p.pos += 2
				if err := p.scanType(); err != nil {
					return nil, err
				}
			}
		case "func", "table", "memory", "global", "tag":
			name, tok, named := p.optID()
			if _, err := p.bind(p.spaceOf(kw), name, tok, named); err != nil {
				return nil, err
			}
			for p.form("export") {
				if err := p.skipForm(); err != nil {
					return nil, err
				}
			}
			if p.form("import") {
				isImport = true
			} else {
				lastDef = kw
			}
			if kw == "table" || kw == "memory" {
				if err := p.scanInlineSegment(kw); err != nil {
					return nil, err
				}
			}
		case "import":
			isImport = true
			for i := 0; i < 2; i++ {
				if p.peek().Kind == TokString {
					p.pos++
				}
			}
			if p.peek().Kind == TokLParen && p.at(p.pos+1).Kind == TokKeyword {
				k := p.at(p.pos + 1).Text
				if s := p.spaceOf(k); s != nil && k != "elem" && k != "data" {
					p.pos += 2
					name, tok, named := p.optID()
					if _, err := p.bind(s, name, tok, named); err != nil {
						return nil, err
					}
				}
			}
		case "elem", "data":
			name, tok, named := p.optID()
			if _, err := p.bind(p.spaceOf(kw), name, tok, named); err != nil {
				return nil, err
			}
		case "export", "start":
		default:
			p.pos = start + 1
			return nil, p.unexpected()
		}
		if isImport && lastDef != "" {
			what := lastDef
			if what == "func" {
				what = "function"
			}
			return nil, p.errAt(t, "import after %s definition", what)
		}
		p.pos = start
		if err := p.skipForm(); err != nil {
			return nil, err
		}
		fields = append(fields, field{kw: kw, start: start})
	}
}

// scanType binds the name of "(type $id? ...": p.pos is after "type".
func (p *parser) scanType() error {
	name, tok, named := p.optID()
	if _, err := p.bind(&p.typeSpace, name, tok, named); err != nil {
		return err
	}
	p.types = append(p.types, typeInfo{})
	for p.peek().Kind != TokRParen && p.peek().Kind != TokEOF {
		if p.peek().Kind == TokLParen {
			if err := p.skipForm(); err != nil {
				return err
			}
		} else {
			p.pos++
		}
	}
	return p.expect(TokRParen)
}

// scanInlineSegment binds the elem or data segment of a table or memory
// written with an inline "(elem ...)" or "(data ...)".
func (p *parser) scanInlineSegment(kw string) error {
	seg := "elem"
	if kw == "memory" {
		seg = "data"
	}
	for p.peek().Kind != TokRParen && p.peek().Kind != TokEOF {
		if p.form(seg) {
			p.bind(p.spaceOf(seg), "", Token{}, false)
			return nil
		}
		if p.peek().Kind == TokLParen {
			if err := p.skipForm(); err != nil {
				return err
			}
		} else {
			p.pos++
		}
	}
	return nil
}

func (p *parser) spaceOf(kw string) *space {
	switch kw {
	case "func":
		return &p.funcs
	case "table":
		return &p.tables
	case "memory":
		return &p.mems
	case "global":
		return &p.globals
	case "tag":
		return &p.tags
	case "elem":
		return &p.elems
	case "data":
		return &p.datas
	}
	return nil
}

// assemble puts the sections together in binary order.
func (p *parser) assemble() []byte {
	var typeSec []byte
	nGroups := 0
	for _, g := range p.recs {
		nGroups++
		if g.explicit {
			typeSec = append(typeSec, 0x4e)
			typeSec = appendU32(typeSec, uint32(g.n))
		}
		for i := g.start; i < g.start+g.n; i++ {
			typeSec = p.appendSubType(typeSec, &p.types[i])
		}
	}
	for i := p.nExplicit; i < len(p.types); i++ {
		nGroups++
		typeSec = p.appendSubType(typeSec, &p.types[i])
	}
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	out = appendSection(out, 1, nGroups, typeSec, false)
	out = appendSection(out, 2, p.nImports, p.importSec, false)
	out = appendSection(out, 3, p.nFuncs, p.funcSec, false)
	out = appendSection(out, 4, p.nTables, p.tableSec, false)
	out = appendSection(out, 5, p.nMems, p.memSec, false)
	out = appendSection(out, 13, p.nTags, p.tagSec, false)
	out = appendSection(out, 6, p.nGlobals, p.globalSec, false)
	out = appendSection(out, 7, p.nExports, p.exportSec, false)
	if p.hasStart {
		out = append(out, 8)
		out = appendU32(out, uint32(len(p.startSec)))
		out = append(out, p.startSec...)
	}
	out = appendSection(out, 9, p.nElems, p.elemSec, false)
	if p.usesData {
		out = appendSection(out, 12, p.nDatas, nil, true)
	}
	out = appendSection(out, 10, p.nFuncs, p.codeSec, false)
	out = appendSection(out, 11, p.nDatas, p.dataSec, false)
	return out
}

func (p *parser) appendSubType(b []byte, t *typeInfo) []byte {
	if !t.final || len(t.supers) > 0 {
		if t.final {
			b = append(b, 0x4f)
		} else {
			b = append(b, 0x50)
		}
		b = appendU32(b, uint32(len(t.supers)))
		for _, s := range t.supers {
			b = appendU32(b, s)
		}
	}
	switch t.kind {
	case wasm.CompFunc:
		b = append(b, 0x60)
		b = appendValTypes(b, t.params)
		b = appendValTypes(b, t.results)
	case wasm.CompStruct:
		b = append(b, 0x5f)
		b = appendU32(b, uint32(len(t.fields)))
		for _, f := range t.fields {
			b = appendFieldType(b, f)
		}
	case wasm.CompArray:
		b = append(b, 0x5e)
		b = appendFieldType(b, t.fields[0])
	case wasm.CompCont:
		b = append(b, 0x5d)
		b = appendS64(b, int64(t.cont))
	}
	return b
}

func appendFieldType(b []byte, f wasm.FieldType) []byte {
	switch f.Packed {
	case wasm.PackedI8:
		b = append(b, 0x78)
	case wasm.PackedI16:
		b = append(b, 0x77)
	default:
		b = appendValType(b, f.Type)
	}
	if f.Mutable {
		return append(b, 1)
	}
	return append(b, 0)
}

var structKeywords = map[string]bool{
	"module": true, "type": true, "rec": true, "sub": true, "final": true, "func": true, "struct": true,
	"array": true, "cont": true, "field": true, "mut": true, "param": true, "result": true, "local": true,
	"import": true, "export": true, "table": true, "memory": true, "global": true, "tag": true,
	"elem": true, "data": true, "start": true, "offset": true, "item": true, "declare": true,
	"ref": true, "null": true, "then": true, "do": true, "on": true, "shared": true, "pagesize": true,
	"i8": true, "i16": true, "i32": true, "i64": true, "f32": true, "f64": true, "v128": true,
	"i8x16": true, "i16x8": true, "i32x4": true, "i64x2": true, "f32x4": true, "f64x2": true,
	"binary": true, "quote": true, "definition": true, "instance": true, "switch": true,
	"nan:canonical": true, "nan:arithmetic": true, "catch_ref": true, "catch_all_ref": true,
}

// knownKeyword reports whether s is a keyword of the text format, so that an
// unknown one can be reported as an unknown operator.
func knownKeyword(s string) bool {
	if structKeywords[s] || len(wasm.ByName(s)) > 0 || strings.HasPrefix(s, "offset=") || strings.HasPrefix(s, "align=") {
		return true
	}
	if _, ok := wasm.HeapTypeByName(s); ok {
		return true
	}
	_, ok := refShorthands[s]
	return ok
}
