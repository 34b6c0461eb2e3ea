package wast

import (
	"errors"
	"fmt"

	"github.com/wasmc/wasmc/frontend/text"
)

// Parse parses a script. Only script syntax is checked here; the fields of
// text modules are left for the runner.
func Parse(filename string, src []byte) (*Script, error) {
	toks, err := text.Tokenize(src)
	if err != nil {
		var te *text.Error
		if errors.As(err, &te) {
			return nil, &Error{File: filename, Line: te.Line, Col: te.Col, Msg: te.Msg}
		}
		return nil, &Error{File: filename, Line: 1, Col: 1, Msg: err.Error()}
	}
	p := &parser{file: filename, toks: toks}
	s := &Script{Filename: filename}
	if p.bareModule() {
		// A script may be the fields of one module with no (module ...)
		// around them.
		s.Commands = []Command{{Kind: CmdModule, Line: p.peek().Line,
			Module: &Module{Kind: ModuleQuote, Line: p.peek().Line, Source: src}}}
		return s, nil
	}
	for p.peek().Kind != text.TokEOF {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		s.Commands = append(s.Commands, c)
	}
	return s, nil
}

type parser struct {
	file string
	toks []text.Token
	pos  int
}

var eofToken = text.Token{Kind: text.TokEOF}

func (p *parser) peek() text.Token { return p.peekAt(0) }

func (p *parser) peekAt(n int) text.Token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	if len(p.toks) > 0 {
		last := p.toks[len(p.toks)-1]
		return text.Token{Kind: text.TokEOF, Line: last.Line, Col: last.Col}
	}
	return eofToken
}

func (p *parser) next() text.Token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *parser) errAt(t text.Token, format string, args ...any) error {
	return &Error{File: p.file, Line: t.Line, Col: t.Col, Msg: fmt.Sprintf(format, args...)}
}

func describe(t text.Token) string {
	switch t.Kind {
	case text.TokEOF:
		return "end of file"
	case text.TokLParen:
		return `"("`
	case text.TokRParen:
		return `")"`
	}
	return fmt.Sprintf("%q", t.Text)
}

func (p *parser) expect(k text.TokenKind, what string) (text.Token, error) {
	t := p.next()
	if t.Kind != k {
		return t, p.errAt(t, "unexpected token %s, expected %s", describe(t), what)
	}
	return t, nil
}

func (p *parser) lparen() error { _, err := p.expect(text.TokLParen, `"("`); return err }
func (p *parser) rparen() error { _, err := p.expect(text.TokRParen, `")"`); return err }
func (p *parser) isKeyword(n int, kw string) bool {
	t := p.peekAt(n)
	return t.Kind == text.TokKeyword && t.Text == kw
}

// optID consumes a $name if there is one.
func (p *parser) optID() string {
	if t := p.peek(); t.Kind == text.TokID {
		p.pos++
		return idName(t)
	}
	return ""
}

// idName returns a $name in one spelling: $"x" and $x name the same thing.
func idName(t text.Token) string {
	if len(t.Text) > 2 && t.Text[1] == '"' {
		q := t
		q.Text = t.Text[1:]
		if b, err := text.StringBytes(q); err == nil {
			return "$" + string(b)
		}
	}
	return t.Text
}

func (p *parser) str() ([]byte, error) {
	t, err := p.expect(text.TokString, "a string")
	if err != nil {
		return nil, err
	}
	b, err := text.StringBytes(t)
	if err != nil {
		return nil, p.errAt(t, "%v", err)
	}
	return b, nil
}

// strings reads string literals up to the closing ")" and concatenates them.
func (p *parser) strings() ([]byte, error) {
	var out []byte
	for p.peek().Kind == text.TokString {
		b, err := p.str()
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, p.rparen()
}

var moduleAssertions = map[string]CommandKind{
	"assert_invalid": CmdAssertInvalid, "assert_malformed": CmdAssertMalformed,
	"assert_invalid_custom": CmdAssertInvalidCustom, "assert_malformed_custom": CmdAssertMalformedCustom,
}

var moduleFieldKeywords = map[string]bool{
	"type": true, "rec": true, "import": true, "func": true, "table": true, "memory": true,
	"global": true, "tag": true, "export": true, "start": true, "elem": true, "data": true,
}

func (p *parser) bareModule() bool {
	t := p.peekAt(1)
	return p.peek().Kind == text.TokLParen && t.Kind == text.TokKeyword && moduleFieldKeywords[t.Text]
}

func (p *parser) command() (Command, error) {
	open := p.peek()
	if open.Kind != text.TokLParen {
		return Command{}, p.errAt(open, "unexpected token %s, expected a command", describe(open))
	}
	kw := p.peekAt(1)
	c := Command{Line: open.Line}
	if kw.Kind != text.TokKeyword {
		return c, p.errAt(kw, "unexpected token %s, expected a command", describe(kw))
	}
	var err error
	switch kw.Text {
	case "module":
		return p.moduleCommand()
	case "register":
		p.pos += 2
		c.Kind = CmdRegister
		var b []byte
		if b, err = p.str(); err != nil {
			return c, err
		}
		c.As = string(b)
		c.Name = p.optID()
		err = p.rparen()
	case "invoke", "get":
		c.Kind = CmdAction
		c.Action, err = p.action()
	case "assert_return":
		p.pos += 2
		c.Kind = CmdAssertReturn
		if c.Action, err = p.action(); err != nil {
			return c, err
		}
		for p.peek().Kind == text.TokLParen {
			r, err := p.result()
			if err != nil {
				return c, err
			}
			c.Results = append(c.Results, r)
		}
		err = p.rparen()
	case "assert_trap":
		p.pos += 2
		c.Kind = CmdAssertTrap
		if p.isKeyword(1, "module") {
			err = p.instanceOrModule(&c)
		} else {
			c.Action, err = p.action()
		}
		if err == nil {
			err = p.message(&c)
		}
	case "assert_exhaustion", "assert_suspension":
		p.pos += 2
		c.Kind = CmdAssertExhaustion
		if kw.Text == "assert_suspension" {
			c.Kind = CmdAssertSuspension
		}
		if c.Action, err = p.action(); err == nil {
			err = p.message(&c)
		}
	case "assert_exception":
		p.pos += 2
		c.Kind = CmdAssertException
		if c.Action, err = p.action(); err == nil {
			err = p.rparen()
		}
	case "assert_invalid", "assert_malformed", "assert_invalid_custom", "assert_malformed_custom":
		p.pos += 2
		c.Kind = moduleAssertions[kw.Text]
		if c.Module, err = p.module(); err == nil {
			err = p.message(&c)
		}
	case "assert_unlinkable", "assert_uninstantiable":
		p.pos += 2
		c.Kind = CmdAssertUnlinkable
		if kw.Text == "assert_uninstantiable" {
			c.Kind = CmdAssertUninstantiable
		}
		if err = p.instanceOrModule(&c); err == nil {
			err = p.message(&c)
		}
	case "thread":
		return p.thread()
	case "wait":
		p.pos += 2
		c.Kind = CmdWait
		c.Name = p.optID()
		err = p.rparen()
	case "script":
		p.pos += 2
		c.Kind = CmdScript
		c.Name = p.optID()
		c.Body, err = p.body()
	case "input", "output":
		p.pos += 2
		c.Kind = CmdInput
		if kw.Text == "output" {
			c.Kind = CmdOutput
		}
		c.Name = p.optID()
		if kw.Text == "input" || p.peek().Kind == text.TokString {
			var b []byte
			if b, err = p.str(); err != nil {
				return c, err
			}
			c.Text = string(b)
		}
		err = p.rparen()
	default:
		return c, p.errAt(kw, "unknown command %q", kw.Text)
	}
	return c, err
}

// message reads an assertion's expected message and its closing ")".
func (p *parser) message(c *Command) error {
	b, err := p.str()
	if err != nil {
		return err
	}
	c.Text = string(b)
	return p.rparen()
}

// body reads commands up to a closing ")".
func (p *parser) body() ([]Command, error) {
	var cmds []Command
	for p.peek().Kind == text.TokLParen {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	return cmds, p.rparen()
}

// thread reads (thread $t (shared (module $m))* cmd*).
func (p *parser) thread() (Command, error) {
	c := Command{Kind: CmdThread, Line: p.peek().Line}
	p.pos += 2
	c.Name = p.optID()
	for p.peek().Kind == text.TokLParen && p.isKeyword(1, "shared") {
		p.pos += 2
		if err := p.lparen(); err != nil {
			return c, err
		}
		if t := p.next(); t.Kind != text.TokKeyword || t.Text != "module" {
			return c, p.errAt(t, "unexpected token %s, expected module", describe(t))
		}
		id, err := p.expect(text.TokID, "a module name")
		if err != nil {
			return c, err
		}
		c.Shared = append(c.Shared, idName(id))
		if err := p.rparen(); err != nil {
			return c, err
		}
		if err := p.rparen(); err != nil {
			return c, err
		}
	}
	var err error
	c.Body, err = p.body()
	return c, err
}

// moduleCommand reads a (module ...) or (module instance ...) command.
func (p *parser) moduleCommand() (Command, error) {
	c := Command{Kind: CmdModule, Line: p.peek().Line}
	if p.isKeyword(2, "instance") {
		err := p.instance(&c)
		c.Kind = CmdInstance
		return c, err
	}
	m, err := p.module()
	c.Module = m
	return c, err
}

// instanceOrModule reads the module of assert_trap, assert_unlinkable and
// assert_uninstantiable: a module to instantiate or (module instance ...).
func (p *parser) instanceOrModule(c *Command) error {
	if p.isKeyword(2, "instance") {
		return p.instance(c)
	}
	m, err := p.module()
	if err == nil && m.Definition {
		return p.errAt(p.toks[p.pos-1], "misplaced module definition")
	}
	c.Module = m
	return err
}

// instance reads (module instance $inst? $def?); with one name it is the
// definition.
func (p *parser) instance(c *Command) error {
	p.pos += 3
	a := p.optID()
	b := p.optID()
	if b == "" {
		c.Def = a
	} else {
		c.Name, c.Def = a, b
	}
	return p.rparen()
}

// module reads (module definition? $name? ...) in any of its three forms.
func (p *parser) module() (*Module, error) {
	start := p.pos
	open := p.peek()
	if err := p.lparen(); err != nil {
		return nil, err
	}
	if t := p.next(); t.Kind != text.TokKeyword || t.Text != "module" {
		return nil, p.errAt(t, "unexpected token %s, expected module", describe(t))
	}
	m := &Module{Line: open.Line}
	if p.isKeyword(0, "definition") {
		p.pos++
		m.Definition = true
	}
	m.Name = p.optID()
	var err error
	switch {
	case p.isKeyword(0, "binary"):
		p.pos++
		m.Kind = ModuleBinary
		m.Source, err = p.strings()
	case p.isKeyword(0, "quote"):
		p.pos++
		m.Kind = ModuleQuote
		m.Source, err = p.strings()
	default:
		m.Kind = ModuleText
		fields := p.pos - start
		if err = p.skipToClose(open); err == nil {
			m.Tokens = p.toks[start:p.pos:p.pos]
			m.Fields = fields
		}
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// skipToClose advances past the ")" matching an already consumed "(".
func (p *parser) skipToClose(open text.Token) error {
	depth := 1
	for {
		t := p.next()
		switch t.Kind {
		case text.TokLParen:
			depth++
		case text.TokRParen:
			depth--
			if depth == 0 {
				return nil
			}
		case text.TokEOF:
			return p.errAt(open, "unclosed module")
		}
	}
}

// action reads (invoke $m? "name" const*) or (get $m? "name").
func (p *parser) action() (*Action, error) {
	if err := p.lparen(); err != nil {
		return nil, err
	}
	kw := p.next()
	a := &Action{Line: kw.Line}
	switch {
	case kw.Kind == text.TokKeyword && kw.Text == "invoke":
		a.Kind = ActInvoke
	case kw.Kind == text.TokKeyword && kw.Text == "get":
		a.Kind = ActGet
	default:
		return nil, p.errAt(kw, "unexpected token %s, expected invoke or get", describe(kw))
	}
	a.Module = p.optID()
	name, err := p.str()
	if err != nil {
		return nil, err
	}
	a.Name = string(name)
	if a.Kind == ActInvoke {
		for p.peek().Kind == text.TokLParen {
			v, err := p.constant()
			if err != nil {
				return nil, err
			}
			a.Args = append(a.Args, v)
		}
	}
	return a, p.rparen()
}
