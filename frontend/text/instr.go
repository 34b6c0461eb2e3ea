package text

// instrs parses instructions until a ')' or a keyword that ends a block
// (end, else, catch, catch_all, delegate), which is left in place.
func (p *parser) instrs(b []byte) ([]byte, error) {
	var err error
	for {
		t := p.peek()
		switch t.Kind {
		case TokRParen, TokEOF:
			return b, nil
		case TokLParen:
			b, err = p.folded(b)
		case TokKeyword:
			switch t.Text {
			case "end", "else", "catch", "catch_all", "delegate":
				return b, nil
			case "block", "loop", "if", "try", "try_table":
				p.pos++
				b, err = p.blockInstr(b, t.Text)
			default:
				b, err = p.op(b)
			}
		default:
			return nil, p.unexpected()
		}
		if err != nil {
			return nil, err
		}
	}
}

func (p *parser) pushLabel() {
	name := ""
	if t := p.peek(); t.Kind == TokID {
		name = idName(t)
		p.pos++
	}
	p.labels = append(p.labels, name)
}

// endLabel checks an optional label after end or else against the block's.
func (p *parser) endLabel() error {
	t := p.peek()
	if t.Kind != TokID {
		return nil
	}
	p.pos++
	if idName(t) != p.labels[len(p.labels)-1] {
		return p.errAt(t, "mismatching label")
	}
	return nil
}

func (p *parser) label() (uint32, error) {
	t := p.peek()
	if t.Kind == TokID {
		name := idName(t)
		for i := len(p.labels) - 1; i >= 0; i-- {
			if p.labels[i] == name {
				p.pos++
				return uint32(len(p.labels) - 1 - i), nil
			}
		}
		return 0, p.errAt(t, "unknown label %s", t.Text)
	}
	return p.index(&p.locals) // a number; the space is unused
}

// blockType appends a block type: empty, one result, or a type index.
func (p *parser) blockType(b []byte) ([]byte, error) {
	u, err := p.parseTypeUse(false)
	if err != nil {
		return nil, err
	}
	if !u.hasIdx && len(u.sig.params) == 0 {
		switch len(u.sig.results) {
		case 0:
			return append(b, 0x40), nil
		case 1:
			return appendValType(b, u.sig.results[0]), nil
		}
	}
	x, err := p.resolve(&u)
	if err != nil {
		return nil, err
	}
	return appendS64(b, int64(x)), nil
}

// blockInstr parses a plain structured instruction after its keyword.
func (p *parser) blockInstr(b []byte, kw string) ([]byte, error) {
	p.pushLabel()
	var err error
	switch kw {
	case "block":
		b = append(b, 0x02)
	case "loop":
		b = append(b, 0x03)
	case "if":
		b = append(b, 0x04)
	case "try":
		b = append(b, 0x06)
	case "try_table":
		b = append(b, 0x1f)
	}
	if b, err = p.blockType(b); err != nil {
		return nil, err
	}
	if kw == "try_table" {
		if b, err = p.catches(b); err != nil {
			return nil, err
		}
	}
	if b, err = p.instrs(b); err != nil {
		return nil, err
	}
	switch kw {
	case "if":
		if p.keyword("else") {
			p.pos++
			if err := p.endLabel(); err != nil {
				return nil, err
			}
			if b, err = p.instrs(append(b, 0x05)); err != nil {
				return nil, err
			}
		}
	case "try":
		catchAll, caught := false, false
		for p.keyword("catch") || p.keyword("catch_all") {
			if catchAll {
				return nil, p.unexpected()
			}
			caught = true
			if b, catchAll, err = p.legacyCatch(b); err != nil {
				return nil, err
			}
		}
		if p.keyword("delegate") && !caught {
			p.pos++
			p.labels = p.labels[:len(p.labels)-1]
			x, err := p.label()
			if err != nil {
				return nil, err
			}
			return appendU32(append(b, 0x18), x), nil
		}
	}
	if err := p.expectKW("end"); err != nil {
		return nil, err
	}
	if err := p.endLabel(); err != nil {
		return nil, err
	}
	p.labels = p.labels[:len(p.labels)-1]
	return append(b, 0x0b), nil
}

// catches parses try_table clauses; their labels are outside the block.
func (p *parser) catches(b []byte) ([]byte, error) {
	inner := p.labels[len(p.labels)-1]
	p.labels = p.labels[:len(p.labels)-1]
	defer func() { p.labels = append(p.labels, inner) }()
	var clauses []byte
	n := 0
	for {
		var kind byte
		switch {
		case p.form("catch"):
			kind = 0
		case p.form("catch_ref"):
			kind = 1
		case p.form("catch_all"):
			kind = 2
		case p.form("catch_all_ref"):
			kind = 3
		default:
			b = appendU32(b, uint32(n))
			return append(b, clauses...), nil
		}
		p.pos += 2
		clauses = append(clauses, kind)
		if kind < 2 {
			x, err := p.index(&p.tags)
			if err != nil {
				return nil, err
			}
			clauses = appendU32(clauses, x)
		}
		l, err := p.label()
		if err != nil {
			return nil, err
		}
		clauses = appendU32(clauses, l)
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
		n++
	}
}

// folded parses one folded instruction "(...)".
func (p *parser) folded(b []byte) ([]byte, error) {
	p.pos++
	t := p.peek()
	if t.Kind != TokKeyword {
		return nil, p.unexpected()
	}
	var err error
	switch t.Text {
	case "block", "loop", "try_table":
		p.pos++
		p.pushLabel()
		switch t.Text {
		case "block":
			b = append(b, 0x02)
		case "loop":
			b = append(b, 0x03)
		default:
			b = append(b, 0x1f)
		}
		if b, err = p.blockType(b); err != nil {
			return nil, err
		}
		if t.Text == "try_table" {
			if b, err = p.catches(b); err != nil {
				return nil, err
			}
		}
		if b, err = p.instrs(b); err != nil {
			return nil, err
		}
		b = append(b, 0x0b)
	case "if":
		p.pos++
		label := ""
		if t := p.peek(); t.Kind == TokID {
			label = idName(t)
			p.pos++
		}
		bt, err := p.blockType([]byte{0x04})
		if err != nil {
			return nil, err
		}
		// The condition is outside the if block.
		for p.peek().Kind == TokLParen && !p.form("then") {
			if b, err = p.folded(b); err != nil {
				return nil, err
			}
		}
		p.labels = append(p.labels, label)
		b = append(b, bt...)
		if b, err = p.clause(b, "then"); err != nil {
			return nil, err
		}
		if p.form("else") {
			if b, err = p.clause(append(b, 0x05), "else"); err != nil {
				return nil, err
			}
		}
		b = append(b, 0x0b)
	case "try":
		p.pos++
		if b, err = p.foldedTry(b); err != nil {
			return nil, err
		}
		return b, p.expect(TokRParen)
	default:
		imm, err := p.op(p.scratchBuf())
		if err != nil {
			return nil, err
		}
		for p.peek().Kind == TokLParen {
			if b, err = p.folded(b); err != nil {
				return nil, err
			}
		}
		b = append(b, imm...)
		return b, p.expect(TokRParen)
	}
	p.labels = p.labels[:len(p.labels)-1]
	return b, p.expect(TokRParen)
}

func (p *parser) scratchBuf() []byte { return make([]byte, 0, 16) }

// foldedTry parses "(try $l? bt (do ...) (catch $t ...)* (catch_all ...)?)"
// or "... (do ...) (delegate $l))" after "try".
func (p *parser) foldedTry(b []byte) ([]byte, error) {
	p.pushLabel()
	b, err := p.blockType(append(b, 0x06))
	if err != nil {
		return nil, err
	}
	if b, err = p.clause(b, "do"); err != nil {
		return nil, err
	}
	catchAll, caught := false, false
	for p.form("catch") || p.form("catch_all") {
		if catchAll {
			return nil, p.unexpected()
		}
		caught = true
		p.pos++
		if b, catchAll, err = p.legacyCatch(b); err != nil {
			return nil, err
		}
		if err := p.expect(TokRParen); err != nil {
			return nil, err
		}
	}
	p.labels = p.labels[:len(p.labels)-1]
	if p.form("delegate") && !caught {
		p.pos += 2
		x, err := p.label()
		if err != nil {
			return nil, err
		}
		b = appendU32(append(b, 0x18), x)
		return b, p.expect(TokRParen)
	}
	return append(b, 0x0b), nil
}

// legacyCatch parses a legacy try's "catch $t instr*" or "catch_all instr*"
// from its keyword, reporting whether it was catch_all.
func (p *parser) legacyCatch(b []byte) (_ []byte, catchAll bool, err error) {
	if p.next().Text == "catch_all" {
		b = append(b, 0x19)
		catchAll = true
	} else {
		x, err := p.index(&p.tags)
		if err != nil {
			return nil, false, err
		}
		b = appendU32(append(b, 0x07), x)
	}
	b, err = p.instrs(b)
	return b, catchAll, err
}

// clause parses a folded instruction's "(kw instr*)" part, such as
// "(then ...)", appending the instructions.
func (p *parser) clause(b []byte, kw string) ([]byte, error) {
	if !p.form(kw) {
		return nil, p.unexpected()
	}
	p.pos += 2
	b, err := p.instrs(b)
	if err != nil {
		return nil, err
	}
	return b, p.expect(TokRParen)
}
