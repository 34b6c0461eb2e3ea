package validate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// This file runs decode+validate over the pre-built binaries of wazero's
// copies of the spec test suites (wast2json output): modules the scripts
// load must be accepted, assert_invalid ones rejected as Invalid with the
// expected message, and binary assert_malformed ones rejected.

// suiteFeatures picks the feature set each of wazero's suites was written
// for: the old suites predate rules that later versions relaxed.
func suiteFeatures(suite string) wasm.Features {
	switch suite {
	case "v1":
		return wasm.V1
	case "v2":
		return wasm.V2
	case "typed-function-references":
		return wasm.All &^ wasm.ExtendedConst
	case "exception-handling":
		return wasm.All &^ wasm.StackSwitching // control tags may have results
	}
	return wasm.All
}

// knownDifferences lists the commands whose expectation changed between the
// suite's spec version and what wasmc implements, with the reason.
var knownDifferences = map[string]string{
	"v1/globals.1.wasm":                                 immutableWording,
	"v2/global.1.wasm":                                  immutableWording,
	"v2/global.2.wasm":                                  immutableWording,
	"extended-const/global.1.wasm":                      immutableWording,
	"extended-const/global.2.wasm":                      immutableWording,
	"v2/memory_init.4.wasm":                             "3.0 makes memory.init without a data count section malformed",
	"v2/select.2.wasm":                                  "wabt encodes (select (result)) as the untyped 0x1b select",
	"typed-function-references/type-equivalence.2.wasm": "3.0 makes every type an implicit rec group, so self-reference is valid",
}

const immutableWording = "the 3.0 suite says \"immutable global\", older ones \"global is immutable\""

func TestWazeroSpecBinaries(t *testing.T) {
	root := testsuite.MustWazeroSpecDir(t)
	files, err := testsuite.WazeroScripts()
	if err != nil {
		t.Fatal(err)
	}
	var valid, invalid, malformed, failed int
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		suite := strings.Split(rel, string(filepath.Separator))[0]
		f := suiteFeatures(suite)
		cmds, err := testsuite.ReadCommands(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if c.Filename == "" || !strings.HasSuffix(c.Filename, ".wasm") {
				continue
			}
			var want string
			switch c.Type {
			case "module", "assert_unlinkable", "assert_uninstantiable", "assert_trap", "assert_exhaustion":
			case "assert_invalid", "assert_malformed":
				want = c.Text
			default:
				continue
			}
			b, err := os.ReadFile(filepath.Join(filepath.Dir(path), c.Filename))
			if err != nil {
				t.Fatal(err)
			}
			key := suite + "/" + c.Filename
			m, err := binary.Decode(b, f)
			if err == nil {
				err = Module(m, f)
			}
			ok := checkSpec(c.Type, err, want)
			switch c.Type {
			case "assert_invalid":
				invalid++
			case "assert_malformed":
				malformed++
			default:
				valid++
			}
			if _, known := knownDifferences[key]; known {
				if ok {
					t.Errorf("%s: listed as a known difference but passes", key)
				}
				continue
			}
			if !ok {
				failed++
				t.Errorf("%s (line %d, %s %q): %v", key, c.Line, c.Type, want, err)
			}
		}
	}
	t.Logf("wazero spec binaries: %d valid, %d assert_invalid, %d assert_malformed; %d failed, %d known differences",
		valid, invalid, malformed, failed, len(knownDifferences))
}

// checkSpec reports whether err is the outcome a command expects.
func checkSpec(kind string, err error, want string) bool {
	switch kind {
	case "assert_malformed":
		return err != nil
	case "assert_invalid":
		var we *wasm.Error
		return errors.As(err, &we) && we.Kind == wasm.Invalid && strings.HasPrefix(we.Msg, want)
	}
	return err == nil
}

// BenchmarkValidate measures decoding plus validation of a real program
// (cargo-wasi's WASI test binary from wazero's test data).
func BenchmarkValidate(b *testing.B) {
	dir, err := testsuite.WazeroDir()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "imports/wasi_snapshot_preview1/testdata/cargo-wasi/wasi.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := binary.Decode(data, wasm.Default)
		if err != nil {
			b.Fatal(err)
		}
		if err := Module(m, wasm.Default); err != nil {
			b.Fatal(err)
		}
	}
}
