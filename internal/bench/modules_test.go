package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var goProg struct {
	once sync.Once
	data []byte
	err  error
}

// goProgram returns testdata/goprog built with GOOS=wasip1 GOARCH=wasm: a
// large, realistic module (several MB of code). It is built once per test
// binary, with the same Go toolchain that runs the benchmark.
func goProgram(tb testing.TB) []byte {
	goProg.once.Do(func() {
		dir, err := os.MkdirTemp("", "wasmc-bench")
		if err != nil {
			goProg.err = err
			return
		}
		out := filepath.Join(dir, "goprog.wasm")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", out, ".")
		cmd.Dir = filepath.Join("..", "..", "testdata", "goprog")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			goProg.err = &buildError{err, string(msg)}
			return
		}
		goProg.data, goProg.err = os.ReadFile(out)
		os.RemoveAll(dir)
	})
	if goProg.err != nil {
		tb.Fatalf("building testdata/goprog for wasip1: %v", goProg.err)
	}
	return goProg.data
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }
