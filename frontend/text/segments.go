package text

import (
	"github.com/wasmc/wasmc/frontend/wasm"
)

// elemSeg is an element segment being parsed.
type elemSeg struct {
	etype     wasm.ValType
	active    bool
	declare   bool
	table     uint32
	offset    []byte // with end
	indexForm bool   // every item is a lone ref.func
	funcs     []uint32
	exprs     []byte // the items as expressions, each with end
	n         int
}

// isOffset reports whether a folded offset expression starts here.
func (p *parser) isOffset() bool { return p.isOffsetAt(p.pos) }

func (p *parser) isOffsetAt(i int) bool {
	if p.at(i).Kind != TokLParen || p.at(i+1).Kind != TokKeyword {
		return false
	}
	kw := p.at(i + 1).Text
	return kw == "offset" || len(wasm.ByName(kw)) > 0
}

// offsetExpr parses "(offset instr*)" or one folded instruction.
func (p *parser) offsetExpr() ([]byte, error) {
	if p.form("offset") {
		p.pos += 2
		b, err := p.constExpr(nil)
		if err != nil {
			return nil, err
		}
		return b, p.expect(TokRParen)
	}
	return p.foldedExpr(nil)
}

// foldedExpr parses one folded instruction as a constant expression and
// appends it with its end opcode.
func (p *parser) foldedExpr(b []byte) ([]byte, error) {
	p.locals.reset()
	p.labels = p.labels[:0]
	b, err := p.folded(b)
	if err != nil {
		return nil, err
	}
	return append(b, 0x0b), nil
}

// zeroOffset is the constant offset 0 of the segment of an inline table or
// memory abbreviation, i64 when the limit flags say 64-bit addresses.
func zeroOffset(flags byte) []byte {
	if flags&4 != 0 {
		return []byte{0x42, 0x00, 0x0b}
	}
	return []byte{0x41, 0x00, 0x0b}
}

// strs concatenates the string literals that follow.
func (p *parser) strs() ([]byte, error) {
	var data []byte
	for p.peek().Kind == TokString {
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		data = append(data, s...)
	}
	return data, nil
}

func (p *parser) elemField() error {
	p.optID()
	seg := elemSeg{indexForm: true}
	switch {
	case p.keyword("declare"):
		p.pos++
		seg.declare = true
	case p.form("table"):
		p.pos += 2
		x, err := p.index(&p.tables)
		if err != nil {
			return err
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
		seg.active, seg.table = true, x
		if !p.isOffset() {
			return p.unexpected()
		}
	case p.isIndex() && p.isOffsetAt(p.pos+1):
		// The pre-3.0 form "(elem tableidx offset ...)".
		x, err := p.index(&p.tables)
		if err != nil {
			return err
		}
		seg.active, seg.table = true, x
	}
	if !seg.declare && p.isOffset() {
		seg.active = true
		off, err := p.offsetExpr()
		if err != nil {
			return err
		}
		seg.offset = off
	}
	switch {
	case p.keyword("func"):
		p.pos++
		seg.etype = wasm.RefType(false, wasm.HeapFunc)
		if _, err := p.elemItems(&seg, false); err != nil {
			return err
		}
	case p.isIndex() || p.peek().Kind == TokRParen:
		if !seg.active && p.isIndex() {
			return p.unexpected()
		}
		seg.etype = wasm.RefType(false, wasm.HeapFunc)
		if _, err := p.elemItems(&seg, false); err != nil {
			return err
		}
	default:
		t, err := p.refType()
		if err != nil {
			return err
		}
		seg.etype = t
		if _, err := p.elemItems(&seg, true); err != nil {
			return err
		}
	}
	p.appendElem(&seg)
	return nil
}

// elemItems parses function indices or item expressions up to ')'.
func (p *parser) elemItems(seg *elemSeg, exprs bool) (int, error) {
	for p.peek().Kind != TokRParen {
		start := len(seg.exprs)
		if !exprs {
			x, err := p.index(&p.funcs)
			if err != nil {
				return 0, err
			}
			seg.funcs = append(seg.funcs, x)
			seg.exprs = appendU32(append(seg.exprs, 0xd2), x)
			seg.exprs = append(seg.exprs, 0x0b)
			seg.n++
			continue
		}
		var err error
		if p.form("item") {
			p.pos += 2
			if seg.exprs, err = p.constExpr(seg.exprs); err != nil {
				return 0, err
			}
			if err := p.expect(TokRParen); err != nil {
				return 0, err
			}
		} else if p.peek().Kind == TokLParen {
			if seg.exprs, err = p.foldedExpr(seg.exprs); err != nil {
				return 0, err
			}
		} else {
			return 0, p.unexpected()
		}
		seg.n++
		// A lone ref.func keeps the compact index encoding possible.
		e := seg.exprs[start:]
		if len(e) >= 3 && e[0] == 0xd2 {
			x, n := readU32(e[1:])
			if n > 0 && 1+n+1 == len(e) {
				seg.funcs = append(seg.funcs, x)
				continue
			}
		}
		seg.indexForm = false
	}
	return seg.n, nil
}

func readU32(b []byte) (uint32, int) {
	var v uint32
	for i := 0; i < len(b) && i < 5; i++ {
		v |= uint32(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// appendElem encodes a segment the way the reference interpreter does:
// the compact function index form when it can.
func (p *parser) appendElem(s *elemSeg) {
	b := p.elemSec
	p.nElems++
	if s.indexForm && s.etype == wasm.RefType(false, wasm.HeapFunc) {
		switch {
		case s.declare:
			b = append(b, 3, 0)
		case !s.active:
			b = append(b, 1, 0)
		case s.table == 0:
			b = append(b, 0)
			b = append(b, s.offset...)
		default:
			b = appendU32(append(b, 2), s.table)
			b = append(b, s.offset...)
			b = append(b, 0)
		}
		b = appendU32(b, uint32(len(s.funcs)))
		for _, x := range s.funcs {
			b = appendU32(b, x)
		}
		p.elemSec = b
		return
	}
	switch {
	case s.declare:
		b = appendValType(append(b, 7), s.etype)
	case !s.active:
		b = appendValType(append(b, 5), s.etype)
	case s.table == 0 && s.etype == wasm.FuncRef:
		b = append(b, 4)
		b = append(b, s.offset...)
	default:
		b = appendU32(append(b, 6), s.table)
		b = append(b, s.offset...)
		b = appendValType(b, s.etype)
	}
	b = appendU32(b, uint32(s.n))
	p.elemSec = append(b, s.exprs...)
}

func (p *parser) dataField() error {
	p.optID()
	active := false
	var mem uint32
	var off []byte
	if p.form("memory") {
		p.pos += 2
		x, err := p.index(&p.mems)
		if err != nil {
			return err
		}
		if err := p.expect(TokRParen); err != nil {
			return err
		}
		mem, active = x, true
		if !p.isOffset() {
			return p.unexpected()
		}
	} else if p.isIndex() && p.isOffsetAt(p.pos+1) {
		// The pre-3.0 form "(data memidx offset ...)".
		x, err := p.index(&p.mems)
		if err != nil {
			return err
		}
		mem = x
	}
	if p.isOffset() {
		var err error
		if off, err = p.offsetExpr(); err != nil {
			return err
		}
		active = true
	}
	data, err := p.strs()
	if err != nil {
		return err
	}
	if !active {
		p.nDatas++
		p.dataSec = append(p.dataSec, 1)
		p.dataSec = appendName(p.dataSec, data)
		return nil
	}
	p.appendData(mem, off, data)
	return nil
}

func (p *parser) appendData(mem uint32, off, data []byte) {
	p.nDatas++
	if mem == 0 {
		p.dataSec = append(p.dataSec, 0)
	} else {
		p.dataSec = appendU32(append(p.dataSec, 2), mem)
	}
	p.dataSec = append(p.dataSec, off...)
	p.dataSec = appendName(p.dataSec, data)
}
