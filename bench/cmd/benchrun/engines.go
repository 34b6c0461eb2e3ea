package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/tetratelabs/wazero"
	wzapi "github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/text"
)

// wazeroRun runs a WASI program under wazero's compiler, as `wasmc run`
// runs it: arguments, "/" preopened, PWD passed for Go test binaries. The
// compiled code is cached in $BENCH_WAZERO_CACHE so that timed runs measure
// execution, like wasmc's --cache.
func wazeroRun(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchrun wazero FILE.wasm [args...]")
		return 2
	}
	ctx := context.Background()
	bin, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := wazero.NewRuntimeConfigCompiler()
	if dir := os.Getenv("BENCH_WAZERO_CACHE"); dir != "" {
		if cache, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	mc := wazero.NewModuleConfig().WithArgs(append([]string{args[0]}, args[1:]...)...).
		WithStdout(os.Stdout).WithStderr(os.Stderr).WithStdin(os.Stdin).
		WithFSConfig(wazero.NewFSConfig().WithDirMount("/", "/")).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithRandSource(zeroReader{})
	if pwd := os.Getenv("PWD"); pwd != "" {
		mc = mc.WithEnv("PWD", pwd)
	}
	_, err = r.InstantiateWithConfig(ctx, bin, mc)
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		return int(exit.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 134
	}
	return 0
}

// zeroReader keeps random_get deterministic, so outputs compare equal.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// kernels mirror bench/node/kernel.mjs: the calls of one repetition.
var kernels = map[string]struct {
	reps int
	run  func(call func(string, ...uint64) uint64) uint64
}{
	"fib":   {200, func(c func(string, ...uint64) uint64) uint64 { return c("fib", 27) }},
	"sieve": {150, func(c func(string, ...uint64) uint64) uint64 { return c("sieve", 1000000) }},
	"matmul": {200, func(c func(string, ...uint64) uint64) uint64 {
		c("init", 120)
		return c("matmul", 120)
	}},
	"sum": {2000, func(c func(string, ...uint64) uint64) uint64 {
		c("fill", 100000)
		return c("sum", 100000)
	}},
	"calls": {50, func(c func(string, ...uint64) uint64) uint64 {
		var r uint64
		for range 100000 {
			r = c("call_host", r)
		}
		return r
	}},
}

// kernelRun runs a kernel of internal/bench/testdata in-process under
// wasmc or wazero and prints the last result (f64 results as numbers).
func kernelRun(args []string) int {
	if len(args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: benchrun kernel wasmc|wazero FILE.wat NAME REPS")
		return 2
	}
	k, ok := kernels[args[2]]
	reps, err := strconv.Atoi(args[3])
	if !ok || err != nil {
		fmt.Fprintln(os.Stderr, "benchrun kernel: unknown kernel or bad REPS")
		return 2
	}
	src, err := os.ReadFile(args[1])
	if err == nil {
		src, err = text.ParseModule(src)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var call func(string, ...uint64) uint64
	var fail error
	ctx := context.Background()
	switch args[0] {
	case "wasmc":
		r := wasmc.NewRuntime(ctx)
		defer r.Close(ctx)
		_, err = r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoFunction(func(_ context.Context, s []uint64) { s[0]++ },
				[]wasmc.ValueType{wasmc.ValueTypeI64}, []wasmc.ValueType{wasmc.ValueTypeI64}).
			Export("inc").Instantiate(ctx)
		var mod *wasmc.Module
		if err == nil {
			var cm *wasmc.CompiledModule
			if cm, err = r.CompileModule(ctx, src); err == nil {
				mod, err = r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig())
			}
		}
		if err != nil {
			break
		}
		fns := map[string]*wasmc.Function{}
		call = func(name string, a ...uint64) uint64 {
			f := fns[name]
			if f == nil {
				f = mod.ExportedFunction(name)
				fns[name] = f
			}
			res, err := f.Call(ctx, a...)
			if err != nil && fail == nil {
				fail = err
			}
			if len(res) == 0 {
				return 0
			}
			return res[0]
		}
	case "wazero":
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
		defer r.Close(ctx)
		_, err = r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoFunction(wzapi.GoFunc(func(_ context.Context, s []uint64) { s[0]++ }),
				[]wzapi.ValueType{wzapi.ValueTypeI64}, []wzapi.ValueType{wzapi.ValueTypeI64}).
			Export("inc").Instantiate(ctx)
		var mod wzapi.Module
		if err == nil {
			mod, err = r.Instantiate(ctx, src)
		}
		if err != nil {
			break
		}
		fns := map[string]wzapi.Function{}
		call = func(name string, a ...uint64) uint64 {
			f := fns[name]
			if f == nil {
				f = mod.ExportedFunction(name)
				fns[name] = f
			}
			res, err := f.Call(ctx, a...)
			if err != nil && fail == nil {
				fail = err
			}
			if len(res) == 0 {
				return 0
			}
			return res[0]
		}
	default:
		err = fmt.Errorf("unknown engine %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var r uint64
	for range reps {
		r = k.run(call)
	}
	if fail != nil {
		fmt.Fprintln(os.Stderr, fail)
		return 134
	}
	fmt.Println(formatKernelResult(args[2], r))
	return 0
}

// formatKernelResult prints as node prints (below 1e21): matmul returns
// an f64.
func formatKernelResult(name string, r uint64) string {
	if name == "matmul" {
		return strconv.FormatFloat(math.Float64frombits(r), 'f', -1, 64)
	}
	return strconv.FormatUint(r, 10)
}
