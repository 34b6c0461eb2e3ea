package text

import (
	"bytes"
	"strings"
	"testing"
)

func TestTokenize(t *testing.T) {
	src := `(module $m ;; line comment
  (; block (; nested ;) comment ;) (@custom "x" (a "b)" c))
  $"quoted id" "str\n\u{1F600}\41" i32.const -0x1_0p+3 offset=0x10 align=4)`
	toks, err := Tokenize([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind TokenKind
		text string
	}{
		{TokLParen, "("}, {TokKeyword, "module"}, {TokID, "$m"},
		{TokID, `$"quoted id"`}, {TokString, `"str\n\u{1F600}\41"`},
		{TokKeyword, "i32.const"}, {TokNumber, "-0x1_0p+3"},
		{TokKeyword, "offset=0x10"}, {TokKeyword, "align=4"},
		{TokRParen, ")"}, {TokEOF, ""},
	}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens %v", len(toks), toks)
	}
	for i, w := range want {
		if toks[i].Kind != w.kind || toks[i].Text != w.text {
			t.Errorf("token %d = %v %q, want %v %q", i, toks[i].Kind, toks[i].Text, w.kind, w.text)
		}
	}
	if toks[3].Line != 3 || toks[3].Col != 3 {
		t.Errorf("position of $\"quoted id\" = %d:%d", toks[3].Line, toks[3].Col)
	}
	b, err := StringBytes(toks[4])
	if err != nil || !bytes.Equal(b, []byte("str\n\xf0\x9f\x98\x80A")) {
		t.Errorf("StringBytes = %q, %v", b, err)
	}
}

func TestTokenizeErrors(t *testing.T) {
	cases := []struct{ src, msg string }{
		{`"abc`, "unclosed string literal"},
		{"\"ab\ncd\"", "unclosed string literal"},
		{`"\q"`, "illegal escape"},
		{`"\u{d800}"`, "illegal escape"},
		{"\"a\x01\"", "illegal control character"},
		{"\"\xff\"", "malformed UTF-8 encoding"},
		{"(; abc", "unclosed comment"},
		{"(; (; ;)", "unclosed comment"},
		{"(@a (b)", "unclosed annotation"},
		{"(@ x)", "empty annotation id"},
		{"$", "empty identifier"},
		{`$""`, "empty identifier"},
		{"0x1g", "unknown operator"},
		{`"a""b"`, "unknown operator"},
		{"a,b", "unknown operator"},
		{"{", "unknown operator"},
		{"\x01", "misplaced control character"},
		{"\u00e9", "misplaced unicode character"},
		{"\xff", "malformed UTF-8 encoding"},
		{";; \xff\n", "malformed UTF-8 encoding"},
	}
	for _, c := range cases {
		_, err := Tokenize([]byte(c.src))
		if err == nil || !strings.HasPrefix(err.(*Error).Msg, c.msg) {
			t.Errorf("Tokenize(%q) = %v, want %q", c.src, err, c.msg)
		}
	}
}
