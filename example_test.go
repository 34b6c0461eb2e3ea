//go:build amd64 || arm64

package wasmc_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/wasmc/wasmc"
)

// A module in WebAssembly text that imports a Go function, exports two
// functions and its memory.
const exampleWAT = `(module
  (import "env" "scale" (func $scale (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32)
    (call $scale (i32.add (local.get 0) (local.get 1))))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))`

func Example() {
	ctx := context.Background()
	r := wasmc.NewRuntime(ctx)
	defer r.Close(ctx)

	// Host functions are plain Go functions; the signature gives the Wasm type.
	_, err := r.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithFunc(func(_ context.Context, x int32) int32 { return 10 * x }).Export("scale").
		Instantiate(ctx)
	if err != nil {
		log.Fatal(err)
	}
	cm, err := r.CompileModule(ctx, []byte(exampleWAT))
	if err != nil {
		log.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName("example"))
	if err != nil {
		log.Fatal(err)
	}

	res, err := mod.ExportedFunction("add").Call(ctx, wasmc.EncodeI32(2), wasmc.EncodeI32(-5))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("add:", wasmc.DecodeI32(res[0]))

	mem := mod.ExportedMemory("memory")
	mem.Write(100, []byte("hello"))
	b, _ := mem.Read(100, 5)
	fmt.Println("memory:", string(b), mem.Size())

	_, err = mod.ExportedFunction("div").Call(ctx, 1, 0)
	var trap *wasmc.Trap
	if errors.As(err, &trap) {
		fmt.Println("trap:", trap.Kind)
	}
	// Output:
	// add: -30
	// memory: hello 65536
	// trap: integer divide by zero
}
