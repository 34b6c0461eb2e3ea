package wasmc

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestReflectFuncSignatures(t *testing.T) {
	i32, i64, f32, f64 := ValueTypeI32, ValueTypeI64, ValueTypeF32, ValueTypeF64
	for _, c := range []struct {
		fn              any
		params, results []ValueType
	}{
		{func() {}, nil, nil},
		{func(context.Context, int32) int32 { return 0 }, []ValueType{i32}, []ValueType{i32}},
		{func(context.Context, *Module, uint32, int64, float32, float64) {}, []ValueType{i32, i64, f32, f64}, nil},
		{func(uint64) (float32, int32) { return 0, 0 }, []ValueType{i64}, []ValueType{f32, i32}},
	} {
		params, results, call, err := reflectFunc(c.fn)
		if err != nil || call == nil {
			t.Errorf("%T: %v", c.fn, err)
			continue
		}
		if !slices.Equal(params, c.params) || !slices.Equal(results, c.results) {
			t.Errorf("%T: %v -> %v, want %v -> %v", c.fn, params, results, c.params, c.results)
		}
	}
	for _, c := range []struct {
		fn   any
		want string
	}{
		{nil, "not a func"},
		{42, "not a func"},
		{func(string) {}, "unsupported parameter type string"},
		{func() error { return nil }, "unsupported result type error"},
		{func(...int32) {}, "variadic"},
		{func(int32, context.Context) {}, "unsupported parameter type context.Context"},
	} {
		_, _, _, err := reflectFunc(c.fn)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: error %v, want %q", c.fn, err, c.want)
		}
	}
}

// TestReflectFuncCalls checks the fast paths and the reflective path decode
// parameters and encode results the same way.
func TestReflectFuncCalls(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, "v")
	var sawCtx, sawMod bool
	mod := &Module{name: "caller"}
	for _, c := range []struct {
		fn    any
		stack []uint64
		want  []uint64
	}{
		{func(ctx context.Context, x int32) int32 { sawCtx = ctx.Value(ctxKey{}) == "v"; return -x },
			[]uint64{5}, []uint64{EncodeI32(-5)}},
		{func(_ context.Context, a, b int64) int64 { return a - b }, []uint64{3, 5}, []uint64{EncodeI64(-2), 5}},
		{func(x float64) float64 { return x * 2 }, nil, nil}, // reflective path, checked below
		{func(_ context.Context, m *Module, a uint32, b int64, c float32, d float64) (int32, float32, uint64) {
			sawMod = m == mod
			return int32(a) + 1, c, uint64(b) + uint64(d)
		}, []uint64{EncodeU32(math.MaxUint32), EncodeI64(-1), 0x7f800001, EncodeF64(3)},
			[]uint64{EncodeI32(0), 0x7f800001, 2, EncodeF64(3)}},
	} {
		if c.stack == nil {
			continue
		}
		_, _, call, err := reflectFunc(c.fn)
		if err != nil {
			t.Fatal(err)
		}
		call(ctx, mod, c.stack)
		if !slices.Equal(c.stack, c.want) {
			t.Errorf("%T: stack %#x, want %#x", c.fn, c.stack, c.want)
		}
	}
	if !sawCtx || !sawMod {
		t.Errorf("context passed: %v, caller passed: %v", sawCtx, sawMod)
	}
	_, _, call, _ := reflectFunc(func(x float64, y uint32) float64 { return x*2 + float64(y) })
	s := []uint64{EncodeF64(1.25), 1}
	call(ctx, nil, s)
	if DecodeF64(s[0]) != 3.5 {
		t.Errorf("reflective call: %v", DecodeF64(s[0]))
	}
}

type ctxKey struct{}

func TestHostModuleBuilderErrors(t *testing.T) {
	r := &Runtime{modules: map[string]*Module{}, live: map[*Module]struct{}{}}
	ctx := context.Background()
	for _, c := range []struct {
		build func(b *HostModuleBuilder) *HostModuleBuilder
		want  string
	}{
		{func(b *HostModuleBuilder) *HostModuleBuilder {
			return b.NewFunctionBuilder().WithFunc("x").Export("f")
		}, "not a func"},
		{func(b *HostModuleBuilder) *HostModuleBuilder { return b.NewFunctionBuilder().Export("f") }, "no implementation"},
		{func(b *HostModuleBuilder) *HostModuleBuilder {
			return b.NewFunctionBuilder().WithFunc(func() {}).Export("f").
				NewFunctionBuilder().WithFunc(func() {}).Export("f")
		}, "exported twice"},
		{func(b *HostModuleBuilder) *HostModuleBuilder {
			return b.NewFunctionBuilder().WithGoFunction(func(context.Context, []uint64) {}, []ValueType{9}, nil).Export("f")
		}, "unknown value type"},
		{func(b *HostModuleBuilder) *HostModuleBuilder {
			return b.NewFunctionBuilder().WithGoFunction(nil, nil, nil).Export("f")
		}, "nil host function"},
	} {
		_, err := c.build(r.NewHostModuleBuilder("env")).Instantiate(ctx)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if _, err := r.NewHostModuleBuilder("env").Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.NewHostModuleBuilder("env").Instantiate(ctx); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("second env: %v", err)
	}
}

// TestHostBindStack checks the adapter between the runtime's separate
// argument and result slices and the single value stack, both ways round,
// and that a panic becomes an error wrapping the panic's error.
func TestHostBindStack(t *testing.T) {
	ctx := context.Background()
	sum := &hostDef{name: "env.sum", params: []ValueType{ValueTypeI64, ValueTypeI64}, results: []ValueType{ValueTypeI64},
		fn: func(_ context.Context, _ *Module, s []uint64) { s[0] = s[0] + s[1] }}
	sum.typ = funcType(sum.params, sum.results)
	res, err := sum.bind(nil).Call(ctx, 40, 2)
	if err != nil || !slices.Equal(res, []uint64{42}) {
		t.Errorf("sum: %v, %v", res, err)
	}
	split := &hostDef{name: "env.split", params: []ValueType{ValueTypeI64},
		results: []ValueType{ValueTypeI32, ValueTypeI32, ValueTypeI32},
		fn:      func(_ context.Context, _ *Module, s []uint64) { s[0], s[1], s[2] = s[0]&0xff, s[0]>>8&0xff, s[0]>>16 }}
	split.typ = funcType(split.params, split.results)
	res, err = split.bind(nil).Call(ctx, 0x030201)
	if err != nil || !slices.Equal(res, []uint64{1, 2, 3}) {
		t.Errorf("split: %v, %v", res, err)
	}
	boom := &hostDef{name: "env.boom", fn: func(context.Context, *Module, []uint64) { panic(context.Canceled) }}
	_, err = boom.bind(nil).Call(ctx)
	if err == nil || !strings.Contains(err.Error(), "env.boom") || !errors.Is(err, context.Canceled) {
		t.Errorf("panic: %v", err)
	}
}
