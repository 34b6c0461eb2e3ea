package text

import (
	"unicode/utf8"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// fieldIndices counts the definitions seen in the third pass, giving each
// field its index.
type fieldIndices struct {
	funcs, tables, mems, globals, tags uint32
}

// moduleField parses one non-type field in the third pass; p.pos is after
// its keyword and the closing ')' is left for the caller.
func (p *parser) moduleField(kw string) error {
	switch kw {
	case "func":
		return p.funcField()
	case "table":
		return p.tableField()
	case "memory":
		return p.memoryField()
	case "global":
		return p.globalField()
	case "tag":
		return p.tagField()
	case "import":
		return p.importField()
	case "export":
		return p.exportField()
	case "start":
		return p.startField()
	case "elem":
		return p.elemField()
	case "data":
		return p.dataField()
	}
	return p.unexpected()
}

func (p *parser) name() ([]byte, error) {
	t := p.peek()
	b, err := p.str()
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(b) {
		return nil, p.errAt(t, "malformed UTF-8 encoding")
	}
	return b, nil
}

// inlineExports parses "(export "name")*" for item idx of kind.
func (p *parser) inlineExports(kind wasm.ExternKind, idx uint32) error {
	for p.form("export") {
		p.pos += 2
		n, err := p.name()
		if err != nil {
			return err
		}
		p.exportSec = appendName(p.exportSec, n)
		p.exportSec = append(p.exportSec, byte(kind))
		p.exportSec = appendU32(p.exportSec, idx)
		p.nExports++
		if err := p.expect(TokRParen); err != nil {
			return err
		}
	}
	return nil
}

// inlineImport parses "(import "m" "n")" if present and starts the import
// entry; the caller appends the description.
func (p *parser) inlineImport(kind wasm.ExternKind) (bool, error) {
	if !p.form("import") {
		return false, nil
	}
	p.pos += 2
	if err := p.importNames(kind); err != nil {
		return false, err
	}
	return true, p.expect(TokRParen)
}

func (p *parser) importNames(kind wasm.ExternKind) error {
	m, err := p.name()
	if err != nil {
		return err
	}
	n, err := p.name()
	if err != nil {
		return err
	}
	p.importSec = appendName(p.importSec, m)
	p.importSec = appendName(p.importSec, n)
	p.importSec = append(p.importSec, byte(kind))
	p.nImports++
	return nil
}

// counter returns the index counter of the definitions of kind.
func (p *parser) counter(kind wasm.ExternKind) *uint32 {
	switch kind {
	case wasm.ExternTable:
		return &p.idx.tables
	case wasm.ExternMemory:
		return &p.idx.mems
	case wasm.ExternGlobal:
		return &p.idx.globals
	case wasm.ExternTag:
		return &p.idx.tags
	}
	return &p.idx.funcs
}

// fieldHead parses the "$id? (export ...)* (import ...)?" that starts the
// definition of an item of kind, giving it the next index of that kind.
func (p *parser) fieldHead(kind wasm.ExternKind) (idx uint32, imported bool, err error) {
	p.optID()
	c := p.counter(kind)
	idx = *c
	*c++
	if err := p.inlineExports(kind, idx); err != nil {
		return idx, false, err
	}
	imported, err = p.inlineImport(kind)
	return idx, imported, err
}

// importDesc appends the description of an imported table, memory, global
// or tag (functions need their type use; see funcField and importField).
func (p *parser) importDesc(kind wasm.ExternKind) (err error) {
	switch kind {
	case wasm.ExternTable:
		p.importSec, err = p.tableType(p.importSec)
	case wasm.ExternMemory:
		p.importSec, err = p.memoryType(p.importSec)
	case wasm.ExternGlobal:
		p.importSec, err = p.globalType(p.importSec)
	case wasm.ExternTag:
		var x uint32
		if x, err = p.typeUseIndex(nil); err == nil {
			p.importSec = appendU32(append(p.importSec, 0), x)
		}
	}
	return err
}

func (p *parser) funcField() error {
	_, imported, err := p.fieldHead(wasm.ExternFunc)
	if err != nil {
		return err
	}
	u, err := p.parseTypeUse(true)
	if err != nil {
		return err
	}
	x, err := p.resolve(&u)
	if err != nil {
		return err
	}
	if imported {
		p.importSec = appendU32(p.importSec, x)
		return nil
	}
	p.funcSec = appendU32(p.funcSec, x)
	p.nFuncs++
	return p.funcBody(&u, x)
}

// funcBody parses locals and instructions and appends the code entry.
func (p *parser) funcBody(u *typeUse, x uint32) error {
	p.locals.reset()
	if len(u.sig.params) > 0 || len(u.sig.results) > 0 || !u.hasIdx {
		for _, t := range u.paramNames {
			name := ""
			if t.Kind == TokID {
				name = idName(t)
			}
			if _, err := p.bind(&p.locals, name, t, t.Kind == TokID); err != nil {
				return err
			}
		}
	} else if ft := p.funcType(x); ft != nil {
		p.locals.n = uint32(len(ft.params))
	}
	locals := p.localTypes[:0]
	for p.form("local") {
		p.pos += 2
		if name, tok, ok := p.optID(); ok {
			if _, err := p.bind(&p.locals, name, tok, true); err != nil {
				return err
			}
			t, err := p.valType()
			if err != nil {
				return err
			}
			locals = append(locals, t)
		} else {
			n := len(locals)
			var err error
			if locals, err = p.valTypes(locals); err != nil {
				return err
			}
			p.locals.n += uint32(len(locals) - n)
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
	}
	p.localTypes = locals
	body := p.body[:0]
	// Local declarations: runs of equal types.
	runs := 0
	for i := 0; i < len(locals); i++ {
		if i == 0 || locals[i] != locals[i-1] {
			runs++
		}
	}
	body = appendU32(body, uint32(runs))
	for i := 0; i < len(locals); {
		j := i
		for j < len(locals) && locals[j] == locals[i] {
			j++
		}
		body = appendU32(body, uint32(j-i))
		body = appendValType(body, locals[i])
		i = j
	}
	p.labels = append(p.labels[:0], "")
	body, err := p.instrs(body)
	if err != nil {
		return err
	}
	body = append(body, 0x0b)
	p.body = body
	p.codeSec = appendU32(p.codeSec, uint32(len(body)))
	p.codeSec = append(p.codeSec, body...)
	return nil
}

// constExpr parses an instruction sequence up to ')' and appends it with
// its end opcode.
func (p *parser) constExpr(b []byte) ([]byte, error) {
	p.locals.reset()
	p.labels = p.labels[:0]
	b, err := p.instrs(b)
	if err != nil {
		return nil, err
	}
	return append(b, 0x0b), nil
}

// limits parses "min max?" and returns the flags and encoding tail.
func (p *parser) limits(b []byte, flags byte) ([]byte, error) {
	t := p.peek()
	if t.Kind != TokNumber {
		return nil, p.unexpected()
	}
	p.pos++
	lo, ok := parseNat(t.Text)
	if !ok {
		return nil, p.errAt(t, "i64 constant out of range")
	}
	var hi uint64
	if t2 := p.peek(); t2.Kind == TokNumber {
		p.pos++
		if hi, ok = parseNat(t2.Text); !ok {
			return nil, p.errAt(t2, "i64 constant out of range")
		}
		flags |= 1
	}
	b = append(b, flags)
	b = appendU64(b, lo)
	if flags&1 != 0 {
		b = appendU64(b, hi)
	}
	return b, nil
}

// addrType parses an optional i32/i64 address type into limit flags.
func (p *parser) addrType() byte {
	if p.keyword("i64") {
		p.pos++
		return 4
	}
	if p.keyword("i32") {
		p.pos++
	}
	return 0
}

func (p *parser) tableType(b []byte) ([]byte, error) {
	flags := p.addrType()
	lim, err := p.limits(nil, flags)
	if err != nil {
		return nil, err
	}
	t, err := p.refType()
	if err != nil {
		return nil, err
	}
	b = appendValType(b, t)
	return append(b, lim...), nil
}

func (p *parser) tableField() error {
	idx, imported, err := p.fieldHead(wasm.ExternTable)
	if err != nil {
		return err
	}
	if imported {
		return p.importDesc(wasm.ExternTable)
	}
	p.nTables++
	save := p.pos
	flags := p.addrType()
	if p.peek().Kind != TokNumber {
		return p.inlineElemTable(flags, idx)
	}
	p.pos = save
	tt, err := p.tableType(nil)
	if err != nil {
		return err
	}
	if p.peek().Kind == TokRParen {
		p.tableSec = append(p.tableSec, tt...)
		return nil
	}
	p.tableSec = append(p.tableSec, 0x40, 0x00)
	p.tableSec = append(p.tableSec, tt...)
	p.tableSec, err = p.constExpr(p.tableSec)
	return err
}

// inlineElemTable parses "reftype (elem ...)" of a table abbreviation.
func (p *parser) inlineElemTable(flags byte, table uint32) error {
	et, err := p.refType()
	if err != nil {
		return err
	}
	if !p.form("elem") {
		return p.unexpected()
	}
	p.pos += 2
	seg := elemSeg{etype: et, indexForm: true}
	n, err := p.elemItems(&seg, !p.isIndex())
	if err != nil {
		return err
	}
	if err := p.expect(TokRParen); err != nil {
		return err
	}
	p.tableSec = appendValType(p.tableSec, et)
	p.tableSec = append(p.tableSec, flags|1)
	p.tableSec = appendU32(p.tableSec, uint32(n))
	p.tableSec = appendU32(p.tableSec, uint32(n))
	seg.active, seg.table = true, table
	if seg.indexForm && et == wasm.FuncRef {
		// Function indices in a funcref table: the MVP encoding (element type
		// (ref func) <: funcref) decodes under every feature set.
		seg.etype = wasm.RefType(false, wasm.HeapFunc)
	}
	seg.offset = zeroOffset(flags)
	p.appendElem(&seg)
	return nil
}

func (p *parser) memoryType(b []byte) ([]byte, error) {
	flags := p.addrType()
	at := len(b)
	b, err := p.limits(b, flags)
	if err != nil {
		return nil, err
	}
	if p.keyword("shared") {
		p.pos++
		b[at] |= 2
	}
	if p.form("pagesize") {
		p.pos += 2
		t := p.peek()
		v, err := ParseU32(t.Text)
		if t.Kind != TokNumber || err != nil || v == 0 || v&(v-1) != 0 {
			return nil, p.errAt(t, "invalid custom page size")
		}
		p.pos++
		b[at] |= 8
		log := uint32(0)
		for v > 1 {
			v >>= 1
			log++
		}
		b = appendU32(b, log)
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (p *parser) memoryField() error {
	idx, imported, err := p.fieldHead(wasm.ExternMemory)
	if err != nil {
		return err
	}
	if imported {
		return p.importDesc(wasm.ExternMemory)
	}
	p.nMems++
	save := p.pos
	flags := p.addrType()
	if p.form("data") {
		p.pos += 2
		data, err := p.strs()
		if err != nil {
			return err
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
		pages := (uint64(len(data)) + 65535) / 65536
		p.memSec = append(p.memSec, flags|1)
		p.memSec = appendU64(p.memSec, pages)
		p.memSec = appendU64(p.memSec, pages)
		p.appendData(idx, zeroOffset(flags), data)
		return nil
	}
	p.pos = save
	p.memSec, err = p.memoryType(p.memSec)
	return err
}

func (p *parser) globalType(b []byte) ([]byte, error) {
	mut := byte(0)
	if p.form("mut") {
		p.pos += 2
		mut = 1
	}
	t, err := p.valType()
	if err != nil {
		return nil, err
	}
	if mut == 1 {
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
	}
	return append(appendValType(b, t), mut), nil
}

func (p *parser) globalField() error {
	_, imported, err := p.fieldHead(wasm.ExternGlobal)
	if err != nil {
		return err
	}
	if imported {
		return p.importDesc(wasm.ExternGlobal)
	}
	p.nGlobals++
	if p.globalSec, err = p.globalType(p.globalSec); err != nil {
		return err
	}
	p.globalSec, err = p.constExpr(p.globalSec)
	return err
}

func (p *parser) tagField() error {
	_, imported, err := p.fieldHead(wasm.ExternTag)
	if err != nil {
		return err
	}
	if imported {
		return p.importDesc(wasm.ExternTag)
	}
	x, err := p.typeUseIndex(nil)
	if err != nil {
		return err
	}
	p.nTags++
	p.tagSec = appendU32(append(p.tagSec, 0), x)
	return nil
}

var externKinds = map[string]wasm.ExternKind{"func": wasm.ExternFunc, "table": wasm.ExternTable,
	"memory": wasm.ExternMemory, "global": wasm.ExternGlobal, "tag": wasm.ExternTag}

func (p *parser) importField() error {
	if p.peek().Kind != TokString {
		return p.unexpected()
	}
	start := p.pos
	p.pos += 2
	if p.peek().Kind != TokLParen || p.at(p.pos+1).Kind != TokKeyword {
		return p.unexpected()
	}
	kw := p.at(p.pos + 1).Text
	kind, ok := externKinds[kw]
	if !ok {
		p.pos++
		return p.unexpected()
	}
	p.pos = start
	if err := p.importNames(kind); err != nil {
		return err
	}
	p.pos += 2
	p.optID()
	*p.counter(kind)++
	if kind == wasm.ExternFunc {
		u, err := p.parseTypeUse(true)
		if err != nil {
			return err
		}
		x, err := p.resolve(&u)
		if err != nil {
			return err
		}
		p.importSec = appendU32(p.importSec, x)
	} else if err := p.importDesc(kind); err != nil {
		return err
	}
	return p.expect(TokRParen)
}

func (p *parser) exportField() error {
	n, err := p.name()
	if err != nil {
		return err
	}
	if p.peek().Kind != TokLParen {
		return p.unexpected()
	}
	p.pos++
	kw := p.next()
	kind, ok := externKinds[kw.Text]
	if !ok {
		p.pos--
		return p.unexpected()
	}
	x, err := p.index(p.spaceOf(kw.Text))
	if err != nil {
		return err
	}
	p.exportSec = appendName(p.exportSec, n)
	p.exportSec = appendU32(append(p.exportSec, byte(kind)), x)
	p.nExports++
	return p.expect(TokRParen)
}

func (p *parser) startField() error {
	t := p.peek()
	x, err := p.index(&p.funcs)
	if err != nil {
		return err
	}
	if p.hasStart {
		return p.errAt(t, "multiple start sections")
	}
	p.hasStart = true
	p.startSec = appendU32(p.startSec[:0], x)
	return nil
}
