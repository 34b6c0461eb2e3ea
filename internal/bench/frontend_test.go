package bench

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// TestGoProgramValidates keeps the benchmark honest: the module it measures
// must decode and validate.
func TestGoProgramValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program for wasip1; skipped in -short mode")
	}
	data := goProgram(t)
	m, err := binary.Decode(data, wasm.Default)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Module(m, wasm.Default); err != nil {
		t.Fatal(err)
	}
	if len(m.Codes) < 1000 {
		t.Fatalf("goprog has only %d functions; expected a large module", len(m.Codes))
	}
}

// BenchmarkFrontend reports MB/s of decoding and validating a large Go wasip1
// module, beside wazero's CompileModule with its interpreter engine (which
// decodes, validates and translates to its own IR) in the same run.
func BenchmarkFrontend(b *testing.B) {
	data := goProgram(b)
	b.Run("wasmc/decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := binary.Decode(data, wasm.Default); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wasmc/decode+validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			m, err := binary.Decode(data, wasm.Default)
			if err != nil {
				b.Fatal(err)
			}
			if err := validate.Module(m, wasm.Default); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wazero-interpreter/CompileModule", func(b *testing.B) {
		ctx := context.Background()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			// A fresh runtime each time: wazero caches compiled modules.
			r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
			if _, err := r.CompileModule(ctx, data); err != nil {
				b.Fatal(err)
			}
			r.Close(ctx)
		}
	})
}
