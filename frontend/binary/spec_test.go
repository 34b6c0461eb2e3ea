package binary

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// This file checks Decode against the binary modules of the official spec
// test scripts (../shared/testsuite beside the repository): well-formed
// modules must decode, and assert_malformed ones must fail with the
// expected message. The wast package reads the scripts.

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
	ts := testsuite.SharedOrSkip(t, "official .wast scripts")
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
		script, err := wast.Parse(rel, src)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		for _, c := range script.Commands {
			if c.Module == nil || c.Module.Kind != wast.ModuleBinary {
				continue
			}
			b := c.Module.Source
			switch c.Kind {
			case wast.CmdModule, wast.CmdAssertInvalid, wast.CmdAssertUnlinkable,
				wast.CmdAssertUninstantiable, wast.CmdAssertTrap, wast.CmdAssertExhaustion:
				good++
				checkGood(t, rel, c.Line, b, f)
			case wast.CmdAssertMalformed:
				malformed++
				m, err := Decode(b, f)
				if err == nil {
					err = walkModule(m, f)
				}
				if err == nil {
					t.Errorf("%s:%d: decoded, want %q", rel, c.Line, c.Text)
					continue
				}
				var we *wasm.Error
				if !errors.As(err, &we) || we.Kind != wasm.Malformed {
					t.Errorf("%s:%d: error %v is not a malformed *wasm.Error", rel, c.Line, err)
					continue
				}
				if !strings.HasPrefix(we.Msg, c.Text) {
					t.Errorf("%s:%d: got %q, want %q", rel, c.Line, we.Msg, c.Text)
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
