package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/lower"
	"github.com/wasmc/wasmc/wasi"
)

// checkVariants are the builds BenchmarkCheckCost compares: the normal
// one, and ones without bounds checks, interrupt checks, or either.
var checkVariants = []struct {
	name string
	omit lower.Checks
}{
	{"checked", 0},
	{"no-bounds", lower.BoundsChecks},
	{"no-interrupt", lower.InterruptChecks},
	{"unchecked", lower.BoundsChecks | lower.InterruptChecks},
}

// compileOmitting compiles bin with lower.Omit = omit (no cache, no other
// compilation running: benchmarks run one at a time).
func compileOmitting(tb testing.TB, r *wasmc.Runtime, bin []byte, omit lower.Checks) *wasmc.CompiledModule {
	lower.Omit = omit
	defer func() { lower.Omit = 0 }()
	cm, err := r.CompileModule(context.Background(), bin)
	if err != nil {
		tb.Fatal(err)
	}
	return cm
}

// BenchmarkCheckCost measures what the safety checks cost: each kernel,
// and each C workload of the bench suite whose module bench/run.sh has
// built (bench/.work/out/*.wasm), compiled with and without the explicit
// memory bounds checks and the interrupt (preemption) checks, in the same
// run. Compare ns/op across a workload's variants (benchstat, or
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
				mod, err := r.InstantiateModule(ctx, compileOmitting(b, r, bin, v.omit), wasmc.NewModuleConfig())
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
				for b.Loop() {
					if res, err = f.Call(ctx, k.run.args...); err != nil {
						b.Fatal(err)
					}
				}
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
				cm := compileOmitting(b, r, bin, v.omit)
				for b.Loop() {
					var out bytes.Buffer
					code, err := wasi.Run(ctx, r, cm, &wasi.Config{Args: []string{name}, Stdout: &out})
					if err != nil || code != 0 {
						b.Fatalf("exit %d: %v", code, err)
					}
					if want == nil {
						want = out.Bytes()
					} else if !bytes.Equal(out.Bytes(), want) {
						b.Fatalf("output differs from the checked build's")
					}
				}
			})
		}
	}
}
