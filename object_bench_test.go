//go:build amd64 || arm64

package wasmc_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/wasmc/wasmc"
)

var goProg struct {
	once sync.Once
	data []byte
	err  error
}

// goProgram builds testdata/goprog for wasip1 once per test binary: a large
// real module (several MB of code), as internal/bench does.
func goProgram(b *testing.B) []byte {
	goProg.once.Do(func() {
		dir, err := os.MkdirTemp("", "wasmc-object-bench")
		if err != nil {
			goProg.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "goprog.wasm")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", out, ".")
		cmd.Dir = filepath.Join("testdata", "goprog")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			goProg.err = &buildError{err, string(msg)}
			return
		}
		goProg.data, goProg.err = os.ReadFile(out)
	})
	if goProg.err != nil {
		b.Fatalf("building testdata/goprog for wasip1: %v", goProg.err)
	}
	return goProg.data
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// BenchmarkObjectLoad compares compiling the Go program with loading its
// native object (verify the checksum, map the code, rebuild the module);
// the ratio of the two ns/op is what an object saves. The object is
// checked once to be what the compiled module marshals to.
func BenchmarkObjectLoad(b *testing.B) {
	src := goProgram(b)
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, src)
	if err != nil {
		b.Fatal(err)
	}
	obj, err := cm.MarshalObject()
	if err != nil {
		b.Fatal(err)
	}
	cm.Close(ctx)
	b.Logf("module %.1f MB, object %.1f MB", float64(len(src))/1e6, float64(len(obj))/1e6)

	b.Run("compile", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			cm, err := r.CompileModule(ctx, src)
			if err != nil {
				b.Fatal(err)
			}
			cm.Close(ctx)
		}
	})
	b.Run("load", func(b *testing.B) {
		b.SetBytes(int64(len(obj)))
		checked := false
		for b.Loop() {
			cm, err := r.LoadCompiledModule(ctx, obj)
			if err != nil {
				b.Fatal(err)
			}
			if !checked {
				again, err := cm.MarshalObject()
				if err != nil || !bytes.Equal(again, obj) {
					b.Fatalf("the loaded object marshals differently (%v)", err)
				}
				checked = true
			}
			cm.Close(ctx)
		}
	})
}
