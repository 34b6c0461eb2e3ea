package binary

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// wazero's module (a dependency in go.mod) ships the spec test scripts of
// several WebAssembly versions converted to .wasm files with a .json index
// (wast2json). Each directory is decoded with the features of its version.

var wazeroSuites = []struct {
	dir string
	f   wasm.Features
}{
	{"v1", wasm.V1},
	{"v2", wasm.V2},
	{"threads", wasm.V2 | wasm.Threads},
	{"tail-call", wasm.V2 | wasm.TailCall},
	{"extended-const", wasm.V2 | wasm.ExtendedConst},
	// wast2json wrote these with rec groups, (ref exn) and return_call.
	{"exception-handling", wasm.V2 | wasm.Exceptions | wasm.LegacyExceptions | wasm.GC |
		wasm.FunctionReferences | wasm.TailCall},
	{"typed-function-references", wasm.V2 | wasm.FunctionReferences | wasm.TailCall},
}

// TestWazeroSpectestNoPanic decodes every .wasm of the spec test data with
// every feature enabled and walks the instructions of every module that
// decodes: nothing may panic.
func TestWazeroSpectestNoPanic(t *testing.T) {
	files, err := testsuite.WazeroBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 1000 {
		t.Fatalf("only %d .wasm files in wazero's spectest data", len(files))
	}
	decoded := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []wasm.Features{wasm.All, wasm.V1} {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s: panic: %v", path, p)
					}
				}()
				m, err := Decode(data, f)
				if err != nil {
					checkErr(t, path, err)
					return
				}
				decoded++
				if err := walkModule(m, f); err != nil {
					checkErr(t, path, err)
				}
			}()
		}
	}
	t.Logf("%d files, %d decodes", len(files), decoded)
}

func checkErr(t *testing.T, path string, err error) {
	t.Helper()
	var we *wasm.Error
	if !errors.As(err, &we) || we.Kind != wasm.Malformed || we.Offset < 0 || we.Msg == "" {
		t.Errorf("%s: bad error %#v", path, err)
	}
}

// TestWazeroSpectestExpectations checks each version's expectations: modules
// (and those of assert_invalid, assert_unlinkable, ...) decode, binary
// assert_malformed modules fail with the expected message.
func TestWazeroSpectestExpectations(t *testing.T) {
	dir := testsuite.MustWazeroSpecDir(t)
	for _, s := range wazeroSuites {
		t.Run(s.dir, func(t *testing.T) {
			jsons := testsuite.Glob(dir, s.dir+"/testdata/*.json")
			if len(jsons) == 0 {
				t.Fatal("no .json files")
			}
			for _, j := range jsons {
				cmds, err := testsuite.ReadCommands(j)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cmds {
					if !strings.HasSuffix(c.Filename, ".wasm") {
						continue
					}
					data, err := os.ReadFile(filepath.Join(filepath.Dir(j), c.Filename))
					if err != nil {
						t.Fatal(err)
					}
					where := filepath.Base(j) + ":" + strconv.Itoa(c.Line)
					m, err := Decode(data, s.f)
					if err == nil {
						err = walkModule(m, s.f)
					}
					if msg, ok := wazeroKnownDiffs[s.dir+"/"+where]; ok {
						if err == nil || err.(*wasm.Error).Msg != msg {
							t.Errorf("%s: known difference: got %v, want %q", where, err, msg)
						}
						continue
					}
					switch c.Type {
					case "assert_malformed":
						want := c.Text
						if w, ok := renamedMessages[want]; ok {
							want = w
						}
						if err == nil {
							t.Errorf("%s: decoded, want %q", where, want)
						} else if msg := err.(*wasm.Error).Msg; !strings.HasPrefix(msg, want) {
							t.Errorf("%s: got %q, want %q", where, msg, want)
						}
					case "assert_invalid":
						// Older versions made the data count rule a validation
						// rule; walkModule reports it as malformed.
						if err != nil && err.(*wasm.Error).Msg != "data count section required" {
							t.Errorf("%s (%s): %v", where, c.Type, err)
						}
					default:
						if err != nil {
							t.Errorf("%s (%s): %v", where, c.Type, err)
						}
					}
				}
			}
		})
	}
}

// renamedMessages maps the older suites' wording to the current one.
var renamedMessages = map[string]string{
	"invalid UTF-8 encoding": "malformed UTF-8 encoding",
	"zero flag expected":     "zero byte expected",
	"invalid mutability":     "malformed mutability",
	"invalid section id":     "malformed section id",
}

// wazeroKnownDiffs are the older suites' expectations that the current
// reference interpreter (whose messages Decode follows, as the current
// suite in ../shared/testsuite checks) no longer has, keyed by suite and
// json line.
var wazeroKnownDiffs = map[string]string{
	// Section and vector lengths are now checked against the bytes left.
	"v1/binary.json:425": "length out of bounds",
	"v1/binary.json:571": "length out of bounds",
	"v1/custom.json:85":  "length out of bounds",
	// The 1.0 interpreter read a table index here, not a segment kind.
	"v1/binary.json:626": "malformed elements segment kind",
	// The code section's size is checked before bodies are decoded (the
	// validator decodes them); the 1.0 interpreter decoded them first.
	"v1/binary.json:763": "section size mismatch",
	// Limits flags are a byte now, not a LEB128 u32.
	"v2/binary.json:805": "malformed limits flags",
	"v2/binary.json:814": "malformed limits flags",
	"v2/binary.json:824": "malformed limits flags",
	"v2/binary.json:852": "malformed limits flags",
	"v2/binary.json:860": "malformed limits flags",
	"v2/binary.json:869": "malformed limits flags",
	"v2/binary.json:878": "malformed limits flags",
}
