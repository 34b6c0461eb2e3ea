package validate_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// This file checks validation against the WebAssembly 3.0 and proposal .wast
// scripts: every module a script loads must validate and every
// assert_invalid module must be rejected as Invalid with the expected
// message. (wazero's pre-built binaries of older suites are covered by
// TestWazeroSpecBinaries.) It is an external test so that wast may import
// this package.

func encodeModule(m *wast.Module) ([]byte, error) {
	switch m.Kind {
	case wast.ModuleBinary:
		return m.Source, nil
	case wast.ModuleQuote:
		return text.ParseModule(m.Source)
	}
	b, _, err := text.ParseModuleFields(m.Tokens, m.Fields)
	return b, err
}

func TestSpecSuiteValidation(t *testing.T) {
	root := testsuite.SharedOrSkip(t, "3.0 .wast scripts")
	suites := []struct {
		glob string
		feat wasm.Features
	}{
		{"core/*.wast", wasm.V3},
		{"core/legacy/*.wast", wasm.V3 | wasm.LegacyExceptions},
		{"stack-switching/*.wast", wasm.V3 | wasm.StackSwitching},
		{"core/proposals/custom-page-sizes/*.wast", wasm.V3 | wasm.CustomPageSizes},
		{"core/proposals/wide-arithmetic/*.wast", wasm.V3 | wasm.WideArithmetic},
	}
	for _, s := range suites {
		t.Run(filepath.Dir(s.glob), func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(root, s.glob))
			if len(files) == 0 {
				t.Fatalf("no scripts match %s", s.glob)
			}
			var valid, invalid, unparsed int
			for _, file := range files {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				script, err := wast.Parse(file, src)
				if err != nil {
					t.Errorf("%s: %v", file, err)
					continue
				}
				check := func(c *wast.Command) {
					wantValid := c.Kind == wast.CmdModule || c.Kind == wast.CmdAssertUnlinkable ||
						c.Kind == wast.CmdAssertUninstantiable || c.Kind == wast.CmdAssertTrap
					if c.Module == nil || (!wantValid && c.Kind != wast.CmdAssertInvalid) {
						return
					}
					where := filepath.Base(file) + ":" + strconv.Itoa(c.Line)
					bin, err := encodeModule(c.Module)
					if err != nil {
						// The text format's own tests report these.
						unparsed++
						t.Logf("%s: text: %v", where, err)
						return
					}
					m, err := binary.Decode(bin, s.feat)
					if err == nil {
						err = validate.Module(m, s.feat)
					}
					var we *wasm.Error
					switch {
					case wantValid && err != nil:
						t.Errorf("%s: valid module rejected: %v", where, err)
					case wantValid:
						valid++
					case err == nil:
						t.Errorf("%s: invalid module accepted, want %q", where, c.Text)
					case !errors.As(err, &we) || we.Kind != wasm.Invalid || !strings.HasPrefix(we.Msg, c.Text):
						t.Errorf("%s: got %v, want invalid %q", where, err, c.Text)
					default:
						invalid++
					}
				}
				var walk func([]wast.Command)
				walk = func(cmds []wast.Command) {
					for i := range cmds {
						walk(cmds[i].Body)
						check(&cmds[i])
					}
				}
				walk(script.Commands)
			}
			t.Logf("%d valid modules accepted, %d invalid rejected, %d not parsed", valid, invalid, unparsed)
			if valid == 0 || invalid == 0 {
				t.Error("nothing checked")
			}
		})
	}
}
