package validate_test

import (
	"os"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// FuzzValidate decodes and validates arbitrary bytes: neither may panic, and
// a rejection must be a *wasm.Error. Seeds are the spec suites' binaries,
// so mutations start from well-formed, mostly valid modules.
func FuzzValidate(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	// (func (result i32) i32.const 1 i32.const 2 i32.add)
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x0a\x09\x01\x07\x00\x41\x01\x41\x02\x6a\x0b"))
	if files, err := testsuite.WazeroBinaries(); err == nil {
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, feat := range []wasm.Features{wasm.All, wasm.V1} {
			m, err := binary.Decode(data, feat)
			if err != nil {
				if _, ok := err.(*wasm.Error); !ok {
					t.Fatalf("decode error %T is not a *wasm.Error: %v", err, err)
				}
				continue
			}
			if err := validate.Module(m, feat); err != nil {
				if _, ok := err.(*wasm.Error); !ok {
					t.Fatalf("validation error %T is not a *wasm.Error: %v", err, err)
				}
			}
		}
	})
}
