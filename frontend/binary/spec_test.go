package binary

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// This file checks Decode against the binary modules of the official spec
// test scripts (../shared/testsuite beside the repository): well-formed
// modules must decode, and assert_malformed ones must fail with the
// expected message. A tiny s-expression reader pulls the (module binary ...)
// forms out of the .wast files.

// sexpr is an atom (Atom set, Str false), a string literal (Str true, Atom
// holding the decoded bytes) or a list.
type sexpr struct {
	Atom string
	Str  bool
	List []*sexpr
	Line int
}

func (s *sexpr) head() string {
	if len(s.List) > 0 && s.List[0].List == nil && !s.List[0].Str {
		return s.List[0].Atom
	}
	return ""
}

func parseWast(src string) ([]*sexpr, error) {
	p := &wastParser{src: src, line: 1}
	var out []*sexpr
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return out, nil
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}

type wastParser struct {
	src  string
	pos  int
	line int
}

func (p *wastParser) skipSpace() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.line++
			p.pos++
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case strings.HasPrefix(p.src[p.pos:], ";;"):
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case strings.HasPrefix(p.src[p.pos:], "(;"):
			depth := 0
			for p.pos < len(p.src) {
				if strings.HasPrefix(p.src[p.pos:], "(;") {
					depth++
					p.pos += 2
				} else if strings.HasPrefix(p.src[p.pos:], ";)") {
					depth--
					p.pos += 2
					if depth == 0 {
						break
					}
				} else {
					if p.src[p.pos] == '\n' {
						p.line++
					}
					p.pos++
				}
			}
		default:
			return
		}
	}
}

func (p *wastParser) expr() (*sexpr, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return nil, errors.New("unexpected end of script")
	}
	line := p.line
	switch c := p.src[p.pos]; c {
	case '(':
		p.pos++
		e := &sexpr{List: []*sexpr{}, Line: line}
		for {
			p.skipSpace()
			if p.pos >= len(p.src) {
				return nil, fmt.Errorf("line %d: unclosed list", line)
			}
			if p.src[p.pos] == ')' {
				p.pos++
				return e, nil
			}
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			e.List = append(e.List, x)
		}
	case ')':
		return nil, fmt.Errorf("line %d: unexpected )", line)
	case '"':
		p.pos++
		var b []byte
		for {
			if p.pos >= len(p.src) {
				return nil, fmt.Errorf("line %d: unclosed string", line)
			}
			c := p.src[p.pos]
			p.pos++
			if c == '"' {
				return &sexpr{Atom: string(b), Str: true, Line: line}, nil
			}
			if c == '\n' {
				p.line++
			}
			if c != '\\' {
				b = append(b, c)
				continue
			}
			e := p.src[p.pos]
			p.pos++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case 'r':
				b = append(b, '\r')
			case '\\', '\'', '"':
				b = append(b, e)
			case 'u':
				end := strings.IndexByte(p.src[p.pos:], '}')
				v, err := strconv.ParseUint(strings.ReplaceAll(p.src[p.pos+1:p.pos+end], "_", ""), 16, 32)
				if err != nil {
					return nil, fmt.Errorf("line %d: bad \\u escape", line)
				}
				b = append(b, string(rune(v))...)
				p.pos += end + 1
			default:
				v, err := strconv.ParseUint(p.src[p.pos-1:p.pos+1], 16, 8)
				if err != nil {
					return nil, fmt.Errorf("line %d: bad escape", line)
				}
				b = append(b, byte(v))
				p.pos++
			}
		}
	default:
		start := p.pos
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '"' || strings.HasPrefix(p.src[p.pos:], ";;") {
				break
			}
			p.pos++
		}
		if p.pos == start {
			p.pos++
		}
		return &sexpr{Atom: p.src[start:p.pos], Line: line}, nil
	}
}

// binaryModule returns the bytes of a (module ... binary "..."*) form.
func binaryModule(e *sexpr) ([]byte, bool) {
	if e.head() != "module" {
		return nil, false
	}
	for i, x := range e.List {
		if x.List == nil && !x.Str && x.Atom == "binary" {
			var b []byte
			for _, s := range e.List[i+1:] {
				if s.Str {
					b = append(b, s.Atom...)
				}
			}
			return b, true
		}
	}
	return nil, false
}

// walkModule decodes every instruction of every function body and constant
// expression of m, as the validator will, and returns the first error. It
// also reports what the reference interpreter finds while decoding bodies:
// an end before the body's last byte ("section size mismatch") and
// memory.init or data.drop without a data count section.
func walkModule(m *wasm.Module, f wasm.Features) error {
	ir := NewInstrReader(nil, 0, f)
	var in wasm.Instr
	walk := func(code []byte, off uint32, isBody bool) error {
		ir.Reset(code, off)
		depth := 0
		for !ir.AtEnd() {
			if err := ir.Next(&in); err != nil {
				return err
			}
			switch in.Op {
			case 0x02, 0x03, 0x04, 0x06, 0x1f:
				depth++
			case 0x0b, 0x18:
				depth--
				if depth < 0 && !ir.AtEnd() {
					return wasm.Malformedf(int(ir.Offset()), "section size mismatch")
				}
			case 0xfc<<16 | 8, 0xfc<<16 | 9:
				if isBody && !m.HasDataCount {
					return wasm.Malformedf(int(in.Offset), "data count section required")
				}
			}
		}
		if depth >= 0 {
			return wasm.Malformedf(int(ir.Offset()), "unexpected end of section or function")
		}
		return nil
	}
	for _, c := range m.Codes {
		if err := walk(c.Body, c.Offset, true); err != nil {
			return err
		}
	}
	for _, g := range m.Globals {
		if err := walk(g.Init.Code, g.Init.Offset, false); err != nil {
			return err
		}
	}
	for _, t := range m.Tables {
		if t.HasInit {
			if err := walk(t.Init.Code, t.Init.Offset, false); err != nil {
				return err
			}
		}
	}
	for _, e := range m.Elems {
		if e.Mode == wasm.SegmentActive {
			if err := walk(e.Offset.Code, e.Offset.Offset, false); err != nil {
				return err
			}
		}
		for _, x := range e.Exprs {
			if err := walk(x.Code, x.Offset, false); err != nil {
				return err
			}
		}
	}
	for _, d := range m.Datas {
		if d.Mode == wasm.SegmentActive {
			if err := walk(d.Offset.Code, d.Offset.Offset, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func featuresFor(rel string) (wasm.Features, bool) {
	switch {
	case strings.Contains(rel, "custom-descriptors"):
		return 0, false // not implemented
	case strings.Contains(rel, "custom-page-sizes"), strings.Contains(rel, "wide-arithmetic"):
		return wasm.All, true
	}
	return wasm.Default, true
}

func TestSpecBinaryModules(t *testing.T) {
	ts, ok := testsuite.Shared()
	if !ok {
		t.Skip("../shared/testsuite not found beside the repository")
	}
	var files []string
	filepath.WalkDir(ts, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".wast") && !strings.Contains(path, "component-model") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no .wast files in", ts)
	}
	var good, malformed int
	for _, path := range files {
		rel, _ := filepath.Rel(ts, path)
		f, ok := featuresFor(rel)
		if !ok {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := parseWast(string(src))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		for _, c := range cmds {
			switch c.head() {
			case "module":
				if b, ok := binaryModule(c); ok {
					good++
					checkGood(t, rel, c.Line, b, f)
				}
			case "assert_invalid", "assert_unlinkable", "assert_uninstantiable", "assert_trap", "assert_exhaustion":
				if len(c.List) > 1 {
					if b, ok := binaryModule(c.List[1]); ok {
						good++
						checkGood(t, rel, c.Line, b, f)
					}
				}
			case "assert_malformed":
				if len(c.List) < 3 {
					continue
				}
				b, ok := binaryModule(c.List[1])
				if !ok {
					continue
				}
				malformed++
				want := c.List[2].Atom
				m, err := Decode(b, f)
				if err == nil {
					err = walkModule(m, f)
				}
				if err == nil {
					t.Errorf("%s:%d: decoded, want %q", rel, c.Line, want)
					continue
				}
				var we *wasm.Error
				if !errors.As(err, &we) || we.Kind != wasm.Malformed {
					t.Errorf("%s:%d: error %v is not a malformed *wasm.Error", rel, c.Line, err)
					continue
				}
				if !strings.HasPrefix(we.Msg, want) {
					t.Errorf("%s:%d: got %q, want %q", rel, c.Line, we.Msg, want)
				}
			}
		}
	}
	t.Logf("%d well-formed and %d malformed binary modules", good, malformed)
	if good+malformed < 100 {
		t.Errorf("found only %d binary modules", good+malformed)
	}
}

func checkGood(t *testing.T, rel string, line int, b []byte, f wasm.Features) {
	t.Helper()
	m, err := Decode(b, f)
	if err == nil {
		err = walkModule(m, f)
	}
	if err != nil {
		t.Errorf("%s:%d: %v", rel, line, err)
	}
}
