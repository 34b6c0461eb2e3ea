package modfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

func TestIsText(t *testing.T) {
	bin := []byte("\x00asm\x01\x00\x00\x00")
	for _, c := range []struct {
		path string
		data []byte
		want bool
	}{
		{"a.wat", bin, true},
		{"a.wasm", []byte("(module)"), false},
		{"a.WAT", []byte("(module)"), true},
		{"a", bin, false},
		{"a.txt", []byte("(module)"), true},
	} {
		if got := IsText(c.path, c.data); got != c.want {
			t.Errorf("IsText(%q) = %v, want %v", c.path, got, c.want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	wat := filepath.Join(dir, "m.wat")
	if err := os.WriteFile(wat, []byte(`(module (memory 1) (func (export "f") (result i32) (i32.const 7)))`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, bin, err := Load(wat, wasm.Default)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !bytes.HasPrefix(bin, magic) || len(m.Exports) != 1 || m.Exports[0].Name != "f" || len(m.Memories) != 1 {
		t.Errorf("Load = %+v", m)
	}
	bad := filepath.Join(dir, "bad.wasm")
	if err := os.WriteFile(bad, []byte("\x00asm\x01\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(bad, wasm.Default); err == nil {
		t.Error("Load of a truncated module succeeded")
	}
	if _, _, err := Load(filepath.Join(dir, "missing.wasm"), wasm.Default); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}
