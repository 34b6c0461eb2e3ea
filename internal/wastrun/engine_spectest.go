package wastrun

import (
	"context"
	"math"

	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/runtime"
)

// The "spectest" module of the reference interpreter
// (interpreter/host/spectest.ml): print functions that do nothing here,
// constant globals of value 666 (666.6 for floats), a funcref table of
// 10 to 20 elements (also with i64 indices) and a memory of 1 to 2 pages.

func (e *NativeEngine) ensureSpectest() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errEngineClosed
	}
	if e.spectest != nil {
		return nil
	}
	x, closers, err := newSpectest(e.features)
	if err != nil {
		for _, c := range closers {
			c()
		}
		return err
	}
	e.spectest, e.closers = x, append(e.closers, closers...)
	return nil
}

func newSpectest(f wasm.Features) (map[string]runtime.Extern, []func() error, error) {
	x := map[string]runtime.Extern{}
	var closers []func() error
	print := func(name string, params ...wasm.ValType) {
		x[name] = runtime.NewHostFunction(wasm.FuncType{Params: params},
			func(context.Context, []uint64, []uint64) error { return nil }, "spectest."+name)
	}
	print("print")
	print("print_i32", wasm.I32)
	print("print_i64", wasm.I64)
	print("print_f32", wasm.F32)
	print("print_f64", wasm.F64)
	print("print_i32_f32", wasm.I32, wasm.F32)
	print("print_f64_f64", wasm.F64, wasm.F64)

	globals := []struct {
		name string
		t    wasm.ValType
		v    uint64
	}{
		{"global_i32", wasm.I32, 666},
		{"global_i64", wasm.I64, 666},
		{"global_f32", wasm.F32, uint64(math.Float32bits(666.6))},
		{"global_f64", wasm.F64, math.Float64bits(666.6)},
	}
	for _, g := range globals {
		gl, err := runtime.NewGlobal(wasm.GlobalType{Type: g.t}, g.v)
		if err != nil {
			return nil, closers, err
		}
		x[g.name] = gl
		closers = append(closers, gl.Close)
	}

	limits := wasm.Limits{Min: 10, Max: 20, HasMax: true}
	tables := []struct {
		name string
		is64 bool
	}{{"table", false}, {"table64", true}}
	for _, tt := range tables {
		if tt.is64 && !f.Has(wasm.Memory64) {
			continue
		}
		l := limits
		l.Is64 = tt.is64
		t, err := runtime.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: l}, 0)
		if err != nil {
			return nil, closers, err
		}
		x[tt.name] = t
		closers = append(closers, t.Close)
	}

	mem, err := runtime.NewMemory(wasm.MemoryType{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}, PageSizeLog2: 16})
	if err != nil {
		return nil, closers, err
	}
	x["memory"] = mem
	closers = append(closers, mem.Close)
	return x, closers, nil
}
