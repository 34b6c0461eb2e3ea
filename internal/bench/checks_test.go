package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/backend"
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/wasi"
)

// checkVariants are the builds BenchmarkCheckCost compares: explicit
// bounds checks, guard pages (no bounds checks in the code; the default
// on linux), and guard pages without the interrupt (preemption) checks.
var checkVariants = []struct {
	name  string
	guard bool
	omit  lower.Checks
}{
	{"explicit", false, 0},
	{"guard", true, 0},
	{"guard-no-interrupt", true, lower.InterruptChecks},
}

// compileVariant compiles bin with backend.Defaults.GuardPages = guard and
// lower.Omit = omit (no cache, no other compilation running: benchmarks
// run one at a time).
func compileVariant(tb testing.TB, r *wasmc.Runtime, bin []byte, guard bool, omit lower.Checks) *wasmc.CompiledModule {
	saved := backend.Defaults
	backend.Defaults.GuardPages = guard
	lower.Omit = omit
	defer func() { lower.Omit, backend.Defaults = 0, saved }()
	cm, err := r.CompileModule(context.Background(), bin)
	if err != nil {
		tb.Fatal(err)
	}
	return cm
}

// BenchmarkCheckCost measures what the safety checks cost: each kernel,
// and each C workload of the bench suite whose module bench/run.sh has
// built (bench/.work/out/*.wasm), compiled with explicit memory bounds
// checks, with guard pages instead, and with guard pages but without the
// interrupt (preemption) checks, in the same run. Compare ns/op across a workload's variants (benchstat, or
// docs/performance.md).
func BenchmarkCheckCost(b *testing.B) {
	kernels := []kernel{
		{module: "sum", setup: []call{{"fill", []uint64{1 << 16}}}, run: call{"sum", []uint64{1 << 16}}, want: (1 << 16) * (1<<16 - 1) / 2},
		{module: "sieve", run: call{"sieve", []uint64{500000}}, want: 41538},
		{module: "matmul", setup: []call{{"init", []uint64{64}}}, run: call{"matmul", []uint64{64}}, want: matmulTrace(64)},
		{module: "fib", run: call{"fib", []uint64{25}}, want: 75025},
	}
	for _, k := range kernels {
		bin := watModule(b, k.module)
		for _, v := range checkVariants {
			b.Run(k.module+"/"+v.name, func(b *testing.B) {
				ctx := context.Background()
				r := wasmc.NewRuntime(ctx)
				defer r.Close(ctx)
				mod, err := r.InstantiateModule(ctx, compileVariant(b, r, bin, v.guard, v.omit), wasmc.NewModuleConfig())
				if err != nil {
					b.Fatal(err)
				}
				for _, s := range k.setup {
					if _, err := mod.ExportedFunction(s.name).Call(ctx, s.args...); err != nil {
						b.Fatal(err)
					}
				}
				f := mod.ExportedFunction(k.run.name)
				var res []uint64
				cpu := cpuSeconds()
				for b.Loop() {
					if res, err = f.Call(ctx, k.run.args...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cpuSeconds()-cpu)*1e3/float64(b.N), "cpu-ms/op")
				if res[0] != k.want {
					b.Fatalf("%s = %d, want %d", k.run.name, res[0], k.want)
				}
			})
		}
	}
	mods, _ := filepath.Glob("../../bench/.work/out/*.wasm")
	for _, path := range mods {
		name := filepath.Base(path)
		if bytes.HasPrefix([]byte(name), []byte("go-")) || bytes.HasPrefix([]byte(name), []byte("kernel-")) {
			continue // the C workloads only: their drivers are short and deterministic
		}
		bin, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		var want []byte
		for _, v := range checkVariants {
			b.Run(name+"/"+v.name, func(b *testing.B) {
				ctx := context.Background()
				r := wasmc.NewRuntime(ctx)
				defer r.Close(ctx)
				cm := compileVariant(b, r, bin, v.guard, v.omit)
				cpu := cpuSeconds()
				for b.Loop() {
					var out bytes.Buffer
					code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: []string{name}, Stdout: &out})
					if err != nil || code != 0 {
						b.Fatalf("exit %d: %v", code, err)
					}
					if want == nil {
						want = out.Bytes()
					} else if !bytes.Equal(out.Bytes(), want) {
						b.Fatalf("output differs from the first variant's")
					}
				}
				b.ReportMetric((cpuSeconds()-cpu)*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
