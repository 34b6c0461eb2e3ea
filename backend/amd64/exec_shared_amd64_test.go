package amd64_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/frontend/wast"
	"github.com/wasmc/wasmc/internal/wastrun"
)

// TestExecShared runs the execution cases shared by every backend
// (testdata/wast/backend; backend/arm64 runs the same files).
func TestExecShared(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "wast", "backend", "*.wast"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no shared backend scripts (%v)", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
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
		})
	}
}
