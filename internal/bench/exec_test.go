package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	wzapi "github.com/tetratelabs/wazero/api"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/text"
)

// Execution benchmarks: each runs the same module bytes under wasmc and
// under wazero's optimizing compiler, as sub-benchmarks of one benchmark,
// so that one run gives the ratio. The kernels are WAT files in testdata.

// watModule returns the binary form of testdata/name.wat.
func watModule(tb testing.TB, name string) []byte {
	src, err := os.ReadFile(filepath.Join("testdata", name+".wat"))
	if err != nil {
		tb.Fatal(err)
	}
	bin, err := text.ParseModule(src)
	if err != nil {
		tb.Fatalf("%s.wat: %v", name, err)
	}
	return bin
}

// caller looks an export up by name, once, and returns a function that
// calls it: with fresh result slices, or (stack set) with parameters and
// results in stack, the allocation-free form both engines offer.
type caller func(name string, stack bool) func(args ...uint64) ([]uint64, error)

// engine instantiates bin (importing env.inc, which adds one to an i64,
// defined as a typed Go function when typed is set and over the raw value
// stack otherwise) and returns a caller and a cleanup.
type engine struct {
	name        string
	instantiate func(tb testing.TB, bin []byte, typed bool) (caller, func())
}

var engines = []engine{
	{"wasmc", instantiateWasmc},
	{"wazero", instantiateWazero},
}

func instantiateWasmc(tb testing.TB, bin []byte, typed bool) (caller, func()) {
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	fb := r.NewHostModuleBuilder("env").NewFunctionBuilder()
	if typed {
		fb.WithFunc(func(_ context.Context, x int64) int64 { return x + 1 })
	} else {
		fb.WithGoFunction(func(_ context.Context, stack []uint64) { stack[0]++ },
			[]wasmc.ValueType{wasmc.ValueTypeI64}, []wasmc.ValueType{wasmc.ValueTypeI64})
	}
	_, err := fb.Export("inc").Instantiate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	cm, err := r.CompileModule(ctx, bin)
	if err != nil {
		tb.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig())
	if err != nil {
		tb.Fatal(err)
	}
	call := func(name string, stack bool) func(args ...uint64) ([]uint64, error) {
		f := mod.ExportedFunction(name)
		if f == nil {
			tb.Fatalf("no export %q", name)
		}
		if !stack {
			return func(args ...uint64) ([]uint64, error) { return f.Call(ctx, args...) }
		}
		buf := make([]uint64, 8)
		return func(args ...uint64) ([]uint64, error) {
			copy(buf, args)
			return buf, f.CallWithStack(ctx, buf)
		}
	}
	return call, func() { r.Close(ctx) }
}

func instantiateWazero(tb testing.TB, bin []byte, typed bool) (caller, func()) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	fb := r.NewHostModuleBuilder("env").NewFunctionBuilder()
	if typed {
		fb = fb.WithFunc(func(_ context.Context, x int64) int64 { return x + 1 })
	} else {
		fb = fb.WithGoFunction(wzapi.GoFunc(func(_ context.Context, stack []uint64) { stack[0]++ }),
			[]wzapi.ValueType{wzapi.ValueTypeI64}, []wzapi.ValueType{wzapi.ValueTypeI64})
	}
	_, err := fb.Export("inc").Instantiate(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		tb.Fatal(err)
	}
	call := func(name string, stack bool) func(args ...uint64) ([]uint64, error) {
		f := mod.ExportedFunction(name)
		if f == nil {
			tb.Fatalf("no export %q", name)
		}
		if !stack {
			return func(args ...uint64) ([]uint64, error) { return f.Call(ctx, args...) }
		}
		buf := make([]uint64, 8)
		return func(args ...uint64) ([]uint64, error) {
			copy(buf, args)
			return buf, f.CallWithStack(ctx, buf)
		}
	}
	return call, func() { r.Close(ctx) }
}

// kernel is one benchmark: optional setup calls, then the measured call,
// whose first result must equal want on every engine.
type kernel struct {
	module string
	typed  bool // the host function is a typed Go function
	stack  bool // call through CallWithStack
	setup  []call
	run    call
	want   uint64
}

type call struct {
	name string
	args []uint64
}

func benchKernel(b *testing.B, k kernel) {
	bin := watModule(b, k.module)
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			invoke, done := e.instantiate(b, bin, k.typed)
			defer done()
			for _, s := range k.setup {
				if _, err := invoke(s.name, false)(s.args...); err != nil {
					b.Fatal(err)
				}
			}
			run := invoke(k.run.name, k.stack)
			var res []uint64
			var err error
			for b.Loop() {
				res, err = run(k.run.args...)
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(res) > 0 && res[0] != k.want || len(res) == 0 && k.want != 0 {
				b.Fatalf("%s returned %v, want %d", k.run.name, res, k.want)
			}
		})
	}
}

// BenchmarkCallEmpty is the cost of a Go-to-Wasm call of a function that
// does nothing: the entry and exit path alone.
func BenchmarkCallEmpty(b *testing.B) {
	benchKernel(b, kernel{module: "calls", run: call{"empty", nil}})
}

// BenchmarkHostCall is a round trip Go -> Wasm -> Go host function -> Wasm
// -> Go.
func BenchmarkHostCall(b *testing.B) {
	benchKernel(b, kernel{module: "calls", run: call{"call_host", []uint64{41}}, want: 42})
}

// BenchmarkHostCallStack is BenchmarkHostCall through CallWithStack.
func BenchmarkHostCallStack(b *testing.B) {
	benchKernel(b, kernel{module: "calls", stack: true, run: call{"call_host", []uint64{41}}, want: 42})
}

// BenchmarkHostCallTyped is BenchmarkHostCall with the host function
// written as func(context.Context, int64) int64.
func BenchmarkHostCallTyped(b *testing.B) {
	benchKernel(b, kernel{module: "calls", typed: true, run: call{"call_host", []uint64{41}}, want: 42})
}

// BenchmarkFib is naive recursive fib(25): calls and returns.
func BenchmarkFib(b *testing.B) {
	benchKernel(b, kernel{module: "fib", run: call{"fib", []uint64{25}}, want: 75025})
}

// BenchmarkSum sums 64 Ki i64 values from memory.
func BenchmarkSum(b *testing.B) {
	const n = 1 << 16
	benchKernel(b, kernel{module: "sum", setup: []call{{"fill", []uint64{n}}},
		run: call{"sum", []uint64{n}}, want: n * (n - 1) / 2})
}

// BenchmarkSieve counts the primes below 500000.
func BenchmarkSieve(b *testing.B) {
	benchKernel(b, kernel{module: "sieve", run: call{"sieve", []uint64{500000}}, want: 41538})
}

// BenchmarkMatmul multiplies two 64x64 f64 matrices.
func BenchmarkMatmul(b *testing.B) {
	benchKernel(b, kernel{module: "matmul", setup: []call{{"init", []uint64{64}}},
		run: call{"matmul", []uint64{64}}, want: matmulTrace(64)})
}

// matmulTrace computes in Go what matmul returns (the trace of A x B, as
// f64 bits), with the same operation order so the bits match exactly.
func matmulTrace(n int) uint64 {
	at := func(i int) float64 { return float64(uint32(i)%17) / 8 }
	trace := 0.0
	for i := range n {
		acc := 0.0
		for k := range n {
			acc += float64(at(i*n+k) * at(n*n+k*n+i)) // no fused multiply-add
		}
		trace += acc
	}
	return wasmc.EncodeF64(trace)
}
