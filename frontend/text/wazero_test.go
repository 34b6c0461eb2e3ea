package text

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/internal/testsuite"
)

func stripCustom(b []byte) []byte {
	out := append([]byte(nil), b[:8]...)
	for i := 8; i < len(b); {
		n, k := readU32(b[i+1:])
		if k == 0 || i+1+k+int(n) > len(b) {
			return b
		}
		if b[i] != 0 {
			out = append(out, b[i:i+1+k+int(n)]...)
		}
		i += 1 + k + int(n)
	}
	return out
}

// sections splits a binary module into its sections by id order.
func sections(b []byte) map[byte][]byte {
	m := map[byte][]byte{}
	for i := 8; i < len(b); {
		id := b[i]
		n, k := readU32(b[i+1:])
		if k == 0 || i+1+k+int(n) > len(b) {
			return nil
		}
		m[id] = append(m[id], b[i+1+k:i+1+k+int(n)]...)
		i += 1 + k + int(n)
	}
	return m
}

// TestWazeroBinaries compares the encoding of the text modules of wazero's
// copies of the spec scripts with the binaries wabt's wast2json produced
// from them.
func TestWazeroBinaries(t *testing.T) {
	jsons, err := testsuite.WazeroScripts()
	if err != nil {
		t.Fatal(err)
	}
	// v1 is the MVP suite, whose "(data $m ...)" named a memory, not the
	// segment: it is not WebAssembly 3.0 text.
	jsons = slices.DeleteFunc(jsons, func(f string) bool { return strings.Contains(f, "/v1/") })
	var total, identical, failed int
	diffSecs := map[string]int{}
	var examples []string
	for _, jf := range jsons {
		cmds, err := testsuite.ReadCommands(jf)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(strings.TrimSuffix(jf, ".json") + ".wast")
		if err != nil {
			continue
		}
		toks, err := Tokenize(src)
		if err != nil {
			t.Errorf("%s: %v", jf, err)
			continue
		}
		byLine := modulesByLine(toks)
		for _, c := range cmds {
			if !strings.HasSuffix(c.Filename, ".wasm") || c.Type == "assert_malformed" {
				continue
			}
			start, ok := byLine[c.Line]
			if !ok {
				continue
			}
			want, err := os.ReadFile(filepath.Join(filepath.Dir(jf), c.Filename))
			if err != nil {
				continue
			}
			total++
			got, _, err := ParseModuleFields(toks, start)
			if err != nil {
				failed++
				t.Errorf("%s:%d: %v", filepath.Base(jf), c.Line, err)
				continue
			}
			// wast2json adds a "name" custom section, which we do not emit.
			want = stripCustom(want)
			if bytes.Equal(got, want) {
				identical++
				continue
			}
			gs, ws := sections(got), sections(want)
			var ids []string
			for id := byte(1); id <= 13; id++ {
				if !bytes.Equal(gs[id], ws[id]) {
					ids = append(ids, fmt.Sprint(id))
				}
			}
			key := strings.Join(ids, ",")
			diffSecs[key]++
			if len(examples) < 10 && key != "12" && key != "9" {
				examples = append(examples, fmt.Sprintf("%s:%d (%s) sections %s", filepath.Base(jf), c.Line, c.Filename, key))
			}
		}
	}
	var keys []string
	for k, n := range diffSecs {
		keys = append(keys, fmt.Sprintf("[%s]=%d", k, n))
	}
	sort.Strings(keys)
	t.Logf("%d modules compared, %d byte-identical, %d failed; differing sections: %s", total, identical, failed, strings.Join(keys, " "))
	for _, e := range examples {
		t.Log(e)
	}
	if total < 1000 || identical*10 < total*8 {
		t.Errorf("too few byte-identical modules: %d of %d", identical, total)
	}
}

// modulesByLine maps the line of each top-level command to the first field
// token of its text module (for assertions, the module inside).
func modulesByLine(toks []Token) map[int]int {
	m := map[int]int{}
	for i := 0; i < len(toks) && toks[i].Kind != TokEOF; {
		if toks[i].Kind != TokLParen {
			i++
			continue
		}
		e := formEnd(toks, i)
		line := toks[i].Line
		j := i + 1
		if toks[j].Kind == TokKeyword && strings.HasPrefix(toks[j].Text, "assert_") && toks[j+1].Kind == TokLParen {
			j += 2
		}
		if toks[j].Kind == TokKeyword && toks[j].Text == "module" {
			j++
			if toks[j].Kind == TokID {
				j++
			}
			if toks[j].Kind != TokKeyword || (toks[j].Text != "binary" && toks[j].Text != "quote") {
				m[line] = j
			}
		}
		i = e
	}
	return m
}
