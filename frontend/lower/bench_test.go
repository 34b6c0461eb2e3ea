package lower

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// goProgram builds testdata/goprog for wasip1 (a large, realistic module).
func goProgram(b *testing.B) *wasm.Module {
	out := filepath.Join(b.TempDir(), "goprog.wasm")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", out, ".")
	cmd.Dir = filepath.Join("..", "..", "testdata", "goprog")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building testdata/goprog: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	m, err := binary.Decode(data, wasm.V2)
	if err == nil {
		err = validate.Module(m, wasm.V2)
	}
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkLower lowers every function of the Go program; "Optimize" also
// runs the SSA passes (without verification).
func BenchmarkLower(b *testing.B) {
	m := goProgram(b)
	layout := abi.NewLayout(m)
	size := 0
	for _, c := range m.Codes {
		size += len(c.Body)
	}
	run := func(b *testing.B, opt bool) {
		b.SetBytes(int64(size))
		b.ReportAllocs()
		for b.Loop() {
			lb := NewBuilder(m, layout)
			for fi := m.NumImportedFuncs; fi < m.NumFuncs(); fi++ {
				f, err := lb.Function(fi)
				if err != nil {
					b.Fatal(err)
				}
				if opt {
					if err := ssa.Optimize(f, ssa.Config{}); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		b.ReportMetric(float64(len(m.Codes)), "funcs")
	}
	b.Run("Lower", func(b *testing.B) { run(b, false) })
	b.Run("Optimize", func(b *testing.B) { run(b, true) })
}
