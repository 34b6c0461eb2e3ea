package backend_test

import (
	"os"
	"testing"

	"github.com/wasmc/wasmc/backend"
	_ "github.com/wasmc/wasmc/backend/amd64"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// fuzzSeedStride takes every n-th spec binary as a seed: every seed also
// runs as a test, and compiling all 4,800 for both targets would take
// minutes under emulation. Fuzzing mutates from these.
const fuzzSeedStride = 25

// FuzzCompile compiles every module that decodes and validates, for both
// targets: compilation may fail only with an error, never a panic, and
// every function's SSA must pass the verifier after each optimization pass.
func FuzzCompile(f *testing.F) {
	// (func (param i32) (result i32) local.get 0 i32.const 7 i32.div_u)
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x01\x06\x01\x60\x01\x7f\x01\x7f\x03\x02\x01\x00\x0a\x09\x01\x07\x00\x20\x00\x41\x07\x6e\x0b"))
	if files, err := testsuite.WazeroBinaries(); err == nil {
		for i := 0; i < len(files); i += fuzzSeedStride {
			if data, err := os.ReadFile(files[i]); err == nil {
				f.Add(data)
			}
		}
	}
	features := wasm.V2 &^ wasm.SIMD // what the compiler supports
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := binary.Decode(data, features)
		if err != nil {
			return
		}
		if validate.Module(m, features) != nil {
			return
		}
		b := lower.NewBuilder(m, abi.NewLayout(m))
		for fi := m.NumImportedFuncs; fi < m.NumFuncs(); fi++ {
			fn, err := b.Function(fi)
			if err != nil {
				continue // e.g. a function too large; the compile below reports it too
			}
			if err := ssa.Optimize(fn, ssa.Config{Verify: true}); err != nil {
				t.Fatalf("function %d: %v", fi, err)
			}
		}
		for _, arch := range []string{"amd64", "arm64"} {
			// Errors are allowed (limits, unsupported constructs); panics
			// are not, and fail the fuzz run by themselves.
			c, err := backend.CompileOptions(m, features, arch, backend.Options{GuardPages: true})
			if err != nil {
				continue
			}
			// The runtime patches code by this list: it must hold.
			if err := backend.CheckSkipsValid(c); err != nil {
				t.Fatalf("%s: %v", arch, err)
			}
		}
	})
}
