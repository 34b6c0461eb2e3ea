package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasmc/wasmc/backend"
	// The amd64 code generator registers itself with package backend.
	_ "github.com/wasmc/wasmc/backend/amd64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
)

// compileFeatures are the proposals the compiler handles (2.0, no SIMD).
const compileFeatures = wasm.V2 &^ wasm.SIMD

var stdTest struct {
	once sync.Once
	data []byte
	err  error
}

// regexpTest returns the regexp package's test binary built for wasip1
// (`go test -c`): a second large real module, compiled by a different
// mix of code than goprog.
func regexpTest(tb testing.TB) []byte {
	stdTest.once.Do(func() {
		dir, err := os.MkdirTemp("", "wasmc-bench")
		if err != nil {
			stdTest.err = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "regexp.wasm")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "test", "-c", "-o", out, "regexp")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			stdTest.err = &buildError{err, string(msg)}
			return
		}
		stdTest.data, stdTest.err = os.ReadFile(out)
	})
	if stdTest.err != nil {
		tb.Fatalf("building the regexp test binary for wasip1: %v", stdTest.err)
	}
	return stdTest.data
}

// codeSize is the size of the code section's function bodies, the unit of
// the MB/s figures.
func codeSize(tb testing.TB, data []byte) int64 {
	m, err := binary.Decode(data, compileFeatures)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, c := range m.Codes {
		n += len(c.Body)
	}
	return int64(n)
}

// peakHeap samples the bytes of live heap objects while it runs, without
// stopping the world, and reports the highest value seen above the level
// at start: an estimate of the peak memory one compile needs.
type peakHeap struct {
	base, peak atomic.Uint64
	stop       chan struct{}
	done       chan struct{}
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func readHeap(s []metrics.Sample) uint64 {
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startPeakHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	s := []metrics.Sample{{Name: heapMetric}}
	p.base.Store(readHeap(s))
	go func() {
		defer close(p.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if v := readHeap(s); v > p.peak.Load() {
				p.peak.Store(v)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// finish returns the peak above the starting level, in MB.
func (p *peakHeap) finish() float64 {
	close(p.stop)
	<-p.done
	if p.peak.Load() < p.base.Load() {
		return 0
	}
	return float64(p.peak.Load()-p.base.Load()) / 1e6
}

// TestCompileLargeModules keeps BenchmarkCompile honest: both modules it
// measures compile, for both architectures (code generation does not
// depend on the machine it runs on).
func TestCompileLargeModules(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compiles two large Go programs for wasip1; skipped in -short mode")
	}
	for name, data := range map[string][]byte{"goprog": goProgram(t), "regexp.test": regexpTest(t)} {
		m, err := binary.Decode(data, compileFeatures)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := validate.Module(m, compileFeatures); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, arch := range []string{"amd64", "arm64"} {
			c, err := backend.Compile(m, compileFeatures, arch)
			if err != nil {
				t.Fatalf("%s for %s: %v", name, arch, err)
			}
			if c.Arch != arch || len(c.Funcs) != len(m.Funcs) || len(c.Code) == 0 {
				t.Fatalf("%s for %s: %s code, %d of %d functions, %d bytes", name, arch, c.Arch, len(c.Funcs), len(m.Funcs), len(c.Code))
			}
		}
	}
}

// cModules are the C programs bench/build.sh compiles to wasm32-wasi,
// measured by BenchmarkCompile when they have been built.
var cModules = []string{"sqlite", "zstd", "brotli", "zopfli"}

// cModuleDir is where bench/build.sh writes them, from this package.
var cModuleDir = filepath.Join("..", "..", "bench", ".work", "out")

// BenchmarkCompile reports compile throughput in MB/s of code section
// (function bodies) on large real modules: wasmc's whole pipeline (decode,
// validate, lower, optimize, select, allocate, encode, link) beside
// wazero's optimizing compiler (CompileModule in a fresh runtime, with as
// many compilation workers as GOMAXPROCS) in the same run. Run with
// `-cpu 1,2` for single-core and 2-core figures. peak-MB is the highest
// live heap seen during one compile above the level before it; B/op is
// everything allocated; cpu-s/op is the process's CPU time per compile,
// steadier than wall time on a loaded machine.
func BenchmarkCompile(b *testing.B) {
	mods := []struct {
		name string
		data []byte
	}{{"goprog", goProgram(b)}, {"regexp.test", regexpTest(b)}}
	for _, name := range cModules {
		data, err := os.ReadFile(filepath.Join(cModuleDir, name+".wasm"))
		if err != nil {
			b.Logf("skipping C module %s: %v (bench/fetch.sh and bench/build.sh build it)", name, err)
			continue
		}
		mods = append(mods, struct {
			name string
			data []byte
		}{name, data})
	}
	for _, mod := range mods {
		size := codeSize(b, mod.data)
		b.Run(mod.name+"/wasmc", func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			peak, cpu := 0.0, 0.0
			for b.Loop() {
				b.StopTimer()
				p := startPeakHeap() // collects garbage: not timed
				b.StartTimer()
				c0 := cpuSeconds()
				m, err := binary.Decode(mod.data, compileFeatures)
				if err == nil {
					err = validate.Module(m, compileFeatures)
				}
				if err == nil {
					_, err = backend.Compile(m, compileFeatures, runtime.GOARCH)
				}
				cpu += cpuSeconds() - c0
				peak = max(peak, p.finish())
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peak, "peak-MB")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
		})
		b.Run(mod.name+"/wazero", func(b *testing.B) {
			ctx := experimental.WithCompilationWorkers(context.Background(), runtime.GOMAXPROCS(0))
			b.SetBytes(size)
			b.ReportAllocs()
			peak, cpu := 0.0, 0.0
			for b.Loop() {
				b.StopTimer()
				p := startPeakHeap() // collects garbage: not timed
				b.StartTimer()
				c0 := cpuSeconds()
				// A fresh runtime each time: wazero caches compiled modules.
				r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
				_, err := r.CompileModule(ctx, mod.data)
				cpu += cpuSeconds() - c0
				peak = max(peak, p.finish())
				r.Close(ctx)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(peak, "peak-MB")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
		})
	}
}
