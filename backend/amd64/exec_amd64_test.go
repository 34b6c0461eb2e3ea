package amd64_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/testsuite"
	"github.com/wasmc/wasmc/internal/wastrun"
)

// The execution tests of this backend; backend/arm64 runs the same
// scripts, and package backend the Go-level tests shared by both.

// runScript runs a .wast script on the native engine (this package's
// code, on an amd64 host): every assertion must pass.
func runScript(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wast.Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	e := wastrun.NewNativeEngine(wasm.V2)
	defer e.Close()
	res := wastrun.Run(s, wastrun.Options{Features: wasm.V2, Engine: e})
	for _, c := range res.Checks {
		if c.Outcome != wastrun.Pass {
			t.Errorf("%s:%d: %s", filepath.Base(path), c.Line, c.Reason)
		}
	}
	if res.Passed == 0 {
		t.Errorf("%s: nothing ran", path)
	}
}

// TestExecShared runs the execution cases shared by every backend
// (testdata/wast/backend).
func TestExecShared(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "wast", "backend", "*.wast"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no shared backend scripts (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runScript(t, f) })
	}
}

// TestExecSpecNumeric runs the numeric scripts of the WebAssembly 2.0 core
// suite (wazero's copy) and the ones that stress instruction selection.
func TestExecSpecNumeric(t *testing.T) {
	dir := filepath.Join(testsuite.MustWazeroSpecDir(t), "v2", "testdata")
	for _, name := range []string{
		"i32", "i64", "f32", "f64", "f32_cmp", "f64_cmp", "f32_bitwise", "f64_bitwise",
		"conversions", "int_exprs", "float_exprs", "float_misc", "int_literals", "float_literals",
		"select", "br_table", "switch", "left-to-right", "address", "traps", "fac", "call_indirect",
	} {
		t.Run(name, func(t *testing.T) { runScript(t, filepath.Join(dir, name+".wast")) })
	}
}
