package bench

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	wzapi "github.com/tetratelabs/wazero/api"

	"github.com/wasmc/wasmc"
)

// BenchmarkHostCallDirect is the host call round trip (Go -> Wasm -> Go
// host function -> Wasm -> Go) with no harness between the loop and each
// engine's allocation-free entry: CallWithStack on a stack the loop
// refills with the one argument, on both engines. BenchmarkHostCallStack
// measures the same through the shared caller closure.
func BenchmarkHostCallDirect(b *testing.B) {
	bin := watModule(b, "calls")
	inc := func(_ context.Context, stack []uint64) { stack[0]++ }
	ctx := context.Background()
	b.Run("wasmc", func(b *testing.B) {
		r := wasmc.NewRuntime(ctx)
		defer r.Close(ctx)
		_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoFunction(inc, []wasmc.ValueType{wasmc.ValueTypeI64}, []wasmc.ValueType{wasmc.ValueTypeI64}).
			Export("inc").Instantiate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		cm, err := r.CompileModule(ctx, bin)
		if err != nil {
			b.Fatal(err)
		}
		mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig())
		if err != nil {
			b.Fatal(err)
		}
		f := mod.ExportedFunction("call_host")
		stack := make([]uint64, 1)
		for b.Loop() {
			stack[0] = 41
			err = f.CallWithStack(ctx, stack)
		}
		checkRoundTrip(b, err, stack)
	})
	b.Run("wazero", func(b *testing.B) {
		r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
		defer r.Close(ctx)
		_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
			WithGoFunction(wzapi.GoFunc(inc), []wzapi.ValueType{wzapi.ValueTypeI64}, []wzapi.ValueType{wzapi.ValueTypeI64}).
			Export("inc").Instantiate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		mod, err := r.Instantiate(ctx, bin)
		if err != nil {
			b.Fatal(err)
		}
		f := mod.ExportedFunction("call_host")
		stack := make([]uint64, 1)
		for b.Loop() {
			stack[0] = 41
			err = f.CallWithStack(ctx, stack)
		}
		checkRoundTrip(b, err, stack)
	})
}

// checkRoundTrip fails b unless the last round trip returned 42.
func checkRoundTrip(b *testing.B, err error, stack []uint64) {
	if err != nil {
		b.Fatal(err)
	}
	if stack[0] != 42 {
		b.Fatalf("call_host(41) = %d, want 42", stack[0])
	}
}
