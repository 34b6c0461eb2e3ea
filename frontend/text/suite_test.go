package text

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/internal/testsuite"
)

// suiteModule is one module form found in a .wast script.
type suiteModule struct {
	file      string
	line      int
	quote     bool
	malformed bool   // inside assert_malformed
	want      string // its expected message
	src       []byte
	toks      []Token
	start     int // first field token (not quote)
}

// suiteScript is a tokenized script of ../shared/testsuite.
type suiteScript struct {
	name string // relative to the suite
	toks []Token
}

// suiteScripts tokenizes the scripts whose modules the text tests parse,
// skipping the test when the suite is absent.
func suiteScripts(t *testing.T) []suiteScript {
	dir := testsuite.SharedOrSkip(t, ".wast scripts")
	var scripts []suiteScript
	for _, pat := range []string{"core/*.wast", "core/legacy/*.wast", "core/proposals/threads/*.wast", "stack-switching/*.wast"} {
		for _, f := range testsuite.Glob(dir, pat) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := filepath.Rel(dir, f)
			toks, err := Tokenize(src)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			scripts = append(scripts, suiteScript{name, toks})
		}
	}
	if len(scripts) == 0 {
		t.Fatal("no .wast files found in " + dir)
	}
	return scripts
}

// formEnd returns the index just past the form that starts at toks[i].
func formEnd(toks []Token, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].Kind {
		case TokLParen:
			depth++
		case TokRParen:
			depth--
			if depth == 0 {
				return i + 1
			}
		case TokEOF:
			return i
		}
	}
	return i
}

// scriptModules collects the text modules of a script: top-level ones and
// those inside assertions, skipping binary ones.
func scriptModules(file string, toks []Token) []suiteModule {
	var mods []suiteModule
	var walk func(i, end int, malformed bool)
	walk = func(i, end int, malformed bool) {
		for i < end {
			if toks[i].Kind != TokLParen {
				i++
				continue
			}
			e := formEnd(toks, i)
			kw := toks[i+1]
			switch {
			case kw.Kind == TokKeyword && kw.Text == "module":
				j := i + 2
				if toks[j].Kind == TokKeyword && toks[j].Text == "definition" {
					j++
				}
				if toks[j].Kind == TokID {
					j++
				}
				m := suiteModule{file: file, line: kw.Line, malformed: malformed, toks: toks, start: j}
				if toks[j].Kind == TokKeyword && (toks[j].Text == "binary" || toks[j].Text == "instance") {
					break
				}
				if toks[j].Kind == TokKeyword && toks[j].Text == "quote" {
					m.quote = true
					for k := j + 1; k < e-1; k++ {
						b, _ := StringBytes(toks[k])
						m.src = append(m.src, b...)
						m.src = append(m.src, ' ')
					}
				}
				if malformed && e < end && toks[e].Kind == TokString {
					w, _ := StringBytes(toks[e])
					m.want = string(w)
				}
				mods = append(mods, m)
			case kw.Kind == TokKeyword && strings.HasPrefix(kw.Text, "assert_"):
				walk(i+2, e, kw.Text == "assert_malformed")
			}
			i = e
		}
	}
	walk(0, len(toks), false)
	return mods
}

func TestSuiteModules(t *testing.T) {
	var parsed, parseFail, rejected, acceptedBad, wrongMsg, divergent int
	var failures []string
	for _, s := range suiteScripts(t) {
		for _, m := range scriptModules(s.name, s.toks) {
			var err error
			if m.quote {
				_, err = ParseModule(m.src)
			} else {
				var next int
				_, next, err = ParseModuleFields(m.toks, m.start)
				if err == nil && m.toks[next].Kind != TokRParen {
					err = fmt.Errorf("stopped at %q", m.toks[next].Text)
				}
			}
			switch {
			case m.malformed && err != nil:
				rejected++
				if msg := err.(*Error).Msg; !strings.HasPrefix(msg, m.want) {
					wrongMsg++
					if testing.Verbose() {
						t.Logf("%s:%d: got %q, want %q", m.file, m.line, msg, m.want)
					}
				}
			case m.malformed && m.file == "core/proposals/threads/memory.wast" && strings.Contains(string(m.src), "0x1_0000_0000"):
				// The threads suite predates memory64: there a 32-bit limit
				// above 2^32 is a text error, while core/memory.wast (3.0)
				// expects the same text to parse and fail validation.
				divergent++
			case m.malformed:
				acceptedBad++
				failures = append(failures, fmt.Sprintf("%s:%d: malformed module accepted: %s", m.file, m.line, m.src))
			case err != nil:
				parseFail++
				failures = append(failures, fmt.Sprintf("%s:%d: %v", m.file, m.line, err))
			default:
				parsed++
			}
		}
	}
	t.Logf("parsed %d modules (%d failed); rejected %d malformed quote modules (%d accepted, %d with another message, %d known 3.0 divergences)",
		parsed, parseFail, rejected, acceptedBad, wrongMsg, divergent)
	if parsed < 5000 || rejected < 1200 || divergent != 3 {
		t.Errorf("suite walk found too little: %d parsed, %d rejected, %d divergent", parsed, rejected, divergent)
	}
	for i, f := range failures {
		if i == 60 {
			t.Errorf("... and %d more", len(failures)-i)
			break
		}
		t.Error(f)
	}
}

// TestTruncatedModules feeds every suite module cut short at many points
// and with a token dropped: each must be an error or bytes, never a panic.
func TestTruncatedModules(t *testing.T) {
	n := 0
	for _, s := range suiteScripts(t) {
		toks := s.toks
		for _, m := range scriptModules(s.name, toks) {
			if m.quote {
				for cut := 0; cut < len(m.src); cut += 1 + len(m.src)/8 {
					ParseModule(m.src[:cut])
					n++
				}
				continue
			}
			end := formEnd(toks, m.start-2) - 1
			step := 1 + (end-m.start)/12
			for cut := m.start; cut < end; cut += step {
				ParseModuleFields(toks[:cut], m.start)
				dropped := append(append([]Token(nil), toks[m.start:cut]...), toks[cut+1:end+1]...)
				ParseModuleFields(dropped, 0)
				n += 2
			}
		}
	}
	if n < 10000 {
		t.Errorf("only %d variants tried", n)
	}
}
