// Package modfile reads module files for the wasmc commands, which accept
// the text format (.wat) wherever they accept binaries (.wasm).
package modfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
)

var magic = []byte("\x00asm")

// IsText reports whether a file's contents are to be read as text: a .wat
// file, or any file but a .wasm one that lacks the binary magic.
func IsText(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".wat":
		return true
	case ".wasm":
		return false
	}
	return !bytes.HasPrefix(data, magic)
}

// Binary returns a module file's binary form, parsing it if it is text.
func Binary(path string, data []byte) ([]byte, error) {
	if IsText(path, data) {
		return text.ParseModule(data)
	}
	return data, nil
}

// Read reads a module file and returns its binary form.
func Read(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Binary(path, data)
}

// Load reads a module file, decodes and validates it, and returns the
// module with its binary form.
func Load(path string, f wasm.Features) (*wasm.Module, []byte, error) {
	bin, err := Read(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := binary.Decode(bin, f)
	if err != nil {
		return nil, nil, err
	}
	if err := validate.Module(m, f); err != nil {
		return nil, nil, err
	}
	return m, bin, nil
}
