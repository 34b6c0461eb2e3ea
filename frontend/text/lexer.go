// Package text turns the WebAssembly text format (WAT, and the module forms
// of WAST scripts) into a binary module. It resolves names and desugars
// abbreviations but does not validate: a text module with a type error still
// yields bytes, so that the validator is the one to reject it.
package text

import (
	"fmt"
	"unicode/utf8"
)

// TokenKind classifies a token.
type TokenKind uint8

const (
	TokLParen TokenKind = iota
	TokRParen
	TokKeyword  // keywords, including offset=N and align=N
	TokID       // $name or $"quoted"
	TokString   // "..." (escapes undecoded; see StringBytes)
	TokNumber   // integer or float literal
	TokReserved // never returned by Tokenize (reserved tokens are errors)
	TokEOF
)

// Token is one lexical token. Text is the raw source text.
type Token struct {
	Kind      TokenKind
	Text      string
	Line, Col int
}

// Error is a text-format error with its source position. Msg starts with the
// wording the spec tests expect.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (at %d:%d)", e.Msg, e.Line, e.Col)
}

type lexer struct {
	src       []byte
	pos       int
	line      int
	lineStart int
}

func (lx *lexer) errAt(pos int, format string, args ...any) *Error {
	return &Error{Line: lx.line, Col: pos - lx.lineStart + 1, Msg: fmt.Sprintf(format, args...)}
}

func isIDChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '_', '+', '-', '*', '/', '\\', '^', '~', '=', '<', '>', '!', '?', '@', '#', '$', '%', '&', '|', ':', '`', '.', '\'':
		return true
	}
	return false
}

// Tokenize splits src into tokens, dropping white space, comments and
// annotations. The last token is TokEOF.
func Tokenize(src []byte) ([]Token, error) {
	lx := &lexer{src: src, line: 1}
	toks := make([]Token, 0, len(src)/5+1)
	for {
		if err := lx.skipSpace(false); err != nil {
			return nil, err
		}
		if lx.pos >= len(src) {
			toks = append(toks, Token{Kind: TokEOF, Line: lx.line, Col: lx.pos - lx.lineStart + 1})
			return toks, nil
		}
		start := lx.pos
		col := start - lx.lineStart + 1
		c := src[start]
		switch {
		case c == '(':
			lx.pos++
			toks = append(toks, Token{Kind: TokLParen, Text: "(", Line: lx.line, Col: col})
		case c == ')':
			lx.pos++
			toks = append(toks, Token{Kind: TokRParen, Text: ")", Line: lx.line, Col: col})
		case c == '"' || isIDChar(c):
			tok, err := lx.atom()
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
		case c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}':
			return nil, lx.errAt(start, "unknown operator %q", string(c))
		case c < 0x20 || c == 0x7f:
			return nil, lx.errAt(start, "misplaced control character")
		default:
			if r, n := utf8.DecodeRune(src[start:]); r != utf8.RuneError || n > 1 {
				return nil, lx.errAt(start, "misplaced unicode character")
			}
			return nil, lx.errAt(start, "malformed UTF-8 encoding")
		}
	}
}

// skipSpace skips white space, comments and (outside annotations, where
// "(@" needs no id) annotations.
func (lx *lexer) skipSpace(inAnnot bool) error {
	src := lx.src
	for lx.pos < len(src) {
		c := src[lx.pos]
		switch {
		case c == '\n':
			lx.pos++
			lx.line++
			lx.lineStart = lx.pos
		case c == ' ' || c == '\t' || c == '\r':
			lx.pos++
		case c == ';' && lx.pos+1 < len(src) && src[lx.pos+1] == ';':
			lx.pos += 2
			// A line comment ends at a newline or a bare carriage return.
			for lx.pos < len(src) && src[lx.pos] != '\n' && src[lx.pos] != '\r' {
				if err := lx.skipUTF8(); err != nil {
					return err
				}
			}
		case c == '(' && lx.pos+1 < len(src) && src[lx.pos+1] == ';':
			if err := lx.blockComment(); err != nil {
				return err
			}
		case c == '(' && lx.pos+1 < len(src) && src[lx.pos+1] == '@' && !inAnnot:
			if err := lx.annotation(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// skipUTF8 advances over one character, rejecting malformed UTF-8.
func (lx *lexer) skipUTF8() error {
	c := lx.src[lx.pos]
	if c < 0x80 {
		lx.pos++
		return nil
	}
	r, n := utf8.DecodeRune(lx.src[lx.pos:])
	if r == utf8.RuneError && n <= 1 {
		return lx.errAt(lx.pos, "malformed UTF-8 encoding")
	}
	lx.pos += n
	return nil
}

func (lx *lexer) blockComment() error {
	startLine, startCol := lx.line, lx.pos-lx.lineStart+1
	depth := 0
	src := lx.src
	for lx.pos < len(src) {
		switch {
		case src[lx.pos] == '(' && lx.pos+1 < len(src) && src[lx.pos+1] == ';':
			depth++
			lx.pos += 2
		case src[lx.pos] == ';' && lx.pos+1 < len(src) && src[lx.pos+1] == ')':
			depth--
			lx.pos += 2
			if depth == 0 {
				return nil
			}
		case src[lx.pos] == '\n':
			lx.pos++
			lx.line++
			lx.lineStart = lx.pos
		default:
			if err := lx.skipUTF8(); err != nil {
				return err
			}
		}
	}
	return &Error{Line: startLine, Col: startCol, Msg: "unclosed comment"}
}

// annotation skips a balanced "(@id ...)" form.
func (lx *lexer) annotation() error {
	startLine, startCol := lx.line, lx.pos-lx.lineStart+1
	lx.pos += 2
	src := lx.src
	if lx.pos >= len(src) || !(isIDChar(src[lx.pos]) || src[lx.pos] == '"') {
		return lx.errAt(lx.pos, "empty annotation id")
	}
	if src[lx.pos] == '"' {
		s, err := lx.str()
		if err != nil {
			return lx.errAt(lx.pos, "empty annotation id")
		}
		b, _ := StringBytes(Token{Kind: TokString, Text: s})
		if len(b) == 0 {
			return lx.errAt(lx.pos, "empty annotation id")
		}
		if !utf8.Valid(b) {
			return lx.errAt(lx.pos, "malformed UTF-8 encoding")
		}
	}
	depth := 1
	for {
		if err := lx.skipSpace(true); err != nil {
			return err
		}
		if lx.pos >= len(src) {
			return &Error{Line: startLine, Col: startCol, Msg: "unclosed annotation"}
		}
		switch c := src[lx.pos]; {
		case c == '(':
			depth++
			lx.pos++
		case c == ')':
			depth--
			lx.pos++
			if depth == 0 {
				return nil
			}
		case c == '"':
			if _, err := lx.str(); err != nil {
				return err
			}
		case c < 0x80 && c >= 0x20 && c != 0x7f:
			lx.pos++
		case c >= 0x80:
			if err := lx.skipUTF8(); err != nil {
				return err
			}
			return lx.errAt(lx.pos, "illegal character")
		default:
			return lx.errAt(lx.pos, "illegal character")
		}
	}
}

// str scans a string literal starting at lx.pos and returns its raw text.
func (lx *lexer) str() (string, error) {
	src := lx.src
	start := lx.pos
	i := start + 1
	for {
		if i >= len(src) || src[i] == '\n' {
			return "", lx.errAt(start, "unclosed string literal")
		}
		c := src[i]
		switch {
		case c == '"':
			lx.pos = i + 1
			return string(src[start:lx.pos]), nil
		case c == '\\':
			n, ok := escapeLen(src[i:])
			if !ok {
				return "", lx.errAt(i, "illegal escape")
			}
			i += n
		case c < 0x20 || c == 0x7f:
			return "", lx.errAt(i, "illegal control character in string literal")
		case c >= 0x80:
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				return "", lx.errAt(i, "malformed UTF-8 encoding")
			}
			i += n
		default:
			i++
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) uint32 {
	switch {
	case c >= '0' && c <= '9':
		return uint32(c - '0')
	case c >= 'a' && c <= 'f':
		return uint32(c-'a') + 10
	}
	return uint32(c-'A') + 10
}

// escapeLen returns the length of the escape sequence at s[0] == '\\'.
func escapeLen(s []byte) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	switch s[1] {
	case 'n', 'r', 't', '\\', '\'', '"':
		return 2, true
	case 'u':
		if len(s) < 4 || s[2] != '{' {
			return 0, false
		}
		i := 3
		var v uint32
		for i < len(s) && (isHex(s[i]) || s[i] == '_') {
			if s[i] == '_' {
				if i == 3 || !isHex(s[i-1]) || i+1 >= len(s) || !isHex(s[i+1]) {
					return 0, false
				}
			} else {
				v = v*16 + hexVal(s[i])
				if v > 0x10ffff {
					return 0, false
				}
			}
			i++
		}
		if i == 3 || i >= len(s) || s[i] != '}' || (v >= 0xd800 && v < 0xe000) {
			return 0, false
		}
		return i + 1, true
	}
	if len(s) >= 3 && isHex(s[1]) && isHex(s[2]) {
		return 3, true
	}
	return 0, false
}

// atom scans a maximal run of identifier characters and strings and
// classifies it.
func (lx *lexer) atom() (Token, error) {
	src := lx.src
	start := lx.pos
	col := start - lx.lineStart + 1
	strings, ids := 0, 0
	for lx.pos < len(src) {
		c := src[lx.pos]
		if c == '"' {
			if _, err := lx.str(); err != nil {
				if ids == 1 && src[start] == '$' && strings == 0 {
					return Token{}, lx.errAt(start, "empty identifier")
				}
				return Token{}, err
			}
			strings++
		} else if isIDChar(c) {
			lx.pos++
			ids++
		} else {
			break
		}
	}
	text := string(src[start:lx.pos])
	tok := Token{Text: text, Line: lx.line, Col: col}
	switch {
	case strings > 0:
		if strings == 1 && ids == 0 {
			tok.Kind = TokString
			return tok, nil
		}
		if strings == 1 && ids == 1 && text[0] == '$' && text[1] == '"' {
			b, _ := StringBytes(Token{Kind: TokString, Text: text[1:]})
			if len(b) == 0 {
				return tok, lx.errAt(start, "empty identifier")
			}
			if !utf8.Valid(b) {
				return tok, lx.errAt(start, "malformed UTF-8 encoding")
			}
			tok.Kind = TokID
			return tok, nil
		}
	case text[0] == '$':
		if len(text) == 1 {
			return tok, lx.errAt(start, "empty identifier")
		}
		tok.Kind = TokID
		return tok, nil
	case isNumberSyntax(text):
		tok.Kind = TokNumber
		return tok, nil
	case isKeyword(text):
		tok.Kind = TokKeyword
		return tok, nil
	}
	return tok, lx.errAt(start, "unknown operator %s", text)
}

func isKeyword(s string) bool {
	if len(s) < 2 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':') {
			if c == '=' && (s[:i] == "offset" || s[:i] == "align") {
				_, ok := parseNat(s[i+1:])
				return ok
			}
			return false
		}
	}
	return true
}

// StringBytes decodes a TokString's escapes into bytes.
func StringBytes(t Token) ([]byte, error) {
	s := t.Text
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, &Error{Line: t.Line, Col: t.Col, Msg: "unexpected token"}
	}
	s = s[1 : len(s)-1]
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		n, ok := escapeLen([]byte(s[i:]))
		if !ok {
			return nil, &Error{Line: t.Line, Col: t.Col + i + 1, Msg: "illegal escape"}
		}
		switch s[i+1] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '\\', '\'', '"':
			out = append(out, s[i+1])
		case 'u':
			var v rune
			for j := i + 3; s[j] != '}'; j++ {
				if s[j] != '_' {
					v = v*16 + rune(hexVal(s[j]))
				}
			}
			out = utf8.AppendRune(out, v)
		default:
			out = append(out, byte(hexVal(s[i+1])<<4|hexVal(s[i+2])))
		}
		i += n
	}
	return out, nil
}
