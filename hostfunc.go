package wasmc

import (
	"context"
	"fmt"
	"reflect"
)

// GoFunction is a host function in raw form. On entry stack holds the
// parameters, encoded as by EncodeI32 and friends; the function writes its
// results from stack[0]. len(stack) is the larger of the two counts. Called
// from Wasm, stack is the execution context's own buffer, valid only until
// the function returns. A panic aborts the call with an error that wraps
// the panic's value if it is an error.
type GoFunction func(ctx context.Context, stack []uint64)

// GoModuleFunction is a GoFunction that also receives the calling module,
// to read or write its memory.
type GoModuleFunction func(ctx context.Context, caller *Module, stack []uint64)

// hostFunc is every host function's internal form.
type hostFunc func(ctx context.Context, caller *Module, stack []uint64)

var (
	ctxType     = reflect.TypeFor[context.Context]()
	moduleType  = reflect.TypeFor[*Module]()
	float32Type = reflect.TypeFor[float32]()
)

// goValueType maps a Go parameter or result type to a Wasm value type.
func goValueType(t reflect.Type) (ValueType, bool) {
	switch t.Kind() {
	case reflect.Int32, reflect.Uint32:
		return ValueTypeI32, true
	case reflect.Int64, reflect.Uint64:
		return ValueTypeI64, true
	case reflect.Float32:
		return ValueTypeF32, true
	case reflect.Float64:
		return ValueTypeF64, true
	}
	return 0, false
}

// reflectFunc analyses a typed Go function once, when the host module is
// built: fn takes an optional context.Context, an optional *Module (the
// caller), then parameters of types int32, uint32, int64, uint64, float32
// or float64, and returns results of those types.
func reflectFunc(fn any) (params, results []ValueType, call hostFunc, err error) {
	if fn == nil {
		return nil, nil, nil, fmt.Errorf("wasmc: host function is nil, not a func")
	}
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func || v.IsNil() {
		return nil, nil, nil, fmt.Errorf("wasmc: host function is %T, not a func", fn)
	}
	if t.IsVariadic() {
		return nil, nil, nil, fmt.Errorf("wasmc: host function %v is variadic", t)
	}
	first := 0
	withCtx := first < t.NumIn() && t.In(first) == ctxType
	if withCtx {
		first++
	}
	withMod := first < t.NumIn() && t.In(first) == moduleType
	if withMod {
		first++
	}
	in := make([]reflect.Type, 0, t.NumIn()-first)
	for i := first; i < t.NumIn(); i++ {
		vt, ok := goValueType(t.In(i))
		if !ok {
			return nil, nil, nil, fmt.Errorf("wasmc: host function %v: unsupported parameter type %v", t, t.In(i))
		}
		params = append(params, vt)
		in = append(in, t.In(i))
	}
	out := make([]reflect.Type, t.NumOut())
	for i := range out {
		vt, ok := goValueType(t.Out(i))
		if !ok {
			return nil, nil, nil, fmt.Errorf("wasmc: host function %v: unsupported result type %v", t, t.Out(i))
		}
		results = append(results, vt)
		out[i] = t.Out(i)
	}
	if raw := fastPath(fn); raw != nil {
		return params, results, func(ctx context.Context, _ *Module, s []uint64) { raw(ctx, s) }, nil
	}
	call = func(ctx context.Context, caller *Module, stack []uint64) {
		args := make([]reflect.Value, 0, t.NumIn())
		if withCtx {
			args = append(args, reflect.ValueOf(&ctx).Elem())
		}
		if withMod {
			args = append(args, reflect.ValueOf(caller))
		}
		for i, pt := range in {
			args = append(args, fromSlot(pt, stack[i]))
		}
		for i, r := range v.Call(args) {
			stack[i] = toSlot(r)
		}
	}
	return params, results, call, nil
}

// fromSlot decodes a parameter slot into a value of Go type t.
func fromSlot(t reflect.Type, s uint64) reflect.Value {
	if t == float32Type {
		// Not through float64: that conversion quiets signalling NaNs.
		return reflect.ValueOf(DecodeF32(s))
	}
	r := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Int32:
		r.SetInt(int64(int32(s)))
	case reflect.Uint32:
		r.SetUint(uint64(uint32(s)))
	case reflect.Int64:
		r.SetInt(int64(s))
	case reflect.Uint64:
		r.SetUint(s)
	case reflect.Float32:
		r.SetFloat(float64(DecodeF32(s)))
	case reflect.Float64:
		r.SetFloat(DecodeF64(s))
	}
	return r
}

// toSlot encodes a result.
func toSlot(v reflect.Value) uint64 {
	if v.Type() == float32Type {
		return EncodeF32(v.Interface().(float32))
	}
	switch v.Kind() {
	case reflect.Int32:
		return EncodeI32(int32(v.Int()))
	case reflect.Int64:
		return uint64(v.Int())
	case reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32:
		return EncodeF32(float32(v.Float()))
	case reflect.Float64:
		return EncodeF64(v.Float())
	}
	return 0
}

// fastPath calls common signatures without reflection; none needs the
// caller, so the runtime calls the result directly.
func fastPath(fn any) GoFunction {
	switch f := fn.(type) {
	case func():
		return func(context.Context, []uint64) { f() }
	case func(context.Context):
		return func(ctx context.Context, _ []uint64) { f(ctx) }
	case func(context.Context, int32):
		return func(ctx context.Context, s []uint64) { f(ctx, DecodeI32(s[0])) }
	case func(context.Context, int32) int32:
		return func(ctx context.Context, s []uint64) { s[0] = EncodeI32(f(ctx, DecodeI32(s[0]))) }
	case func(context.Context, int32, int32) int32:
		return func(ctx context.Context, s []uint64) { s[0] = EncodeI32(f(ctx, DecodeI32(s[0]), DecodeI32(s[1]))) }
	case func(context.Context, int64) int64:
		return func(ctx context.Context, s []uint64) { s[0] = uint64(f(ctx, int64(s[0]))) }
	case func(context.Context, int64, int64) int64:
		return func(ctx context.Context, s []uint64) { s[0] = uint64(f(ctx, int64(s[0]), int64(s[1]))) }
	case func(context.Context, uint32) uint32:
		return func(ctx context.Context, s []uint64) { s[0] = uint64(f(ctx, uint32(s[0]))) }
	case func(context.Context, float64) float64:
		return func(ctx context.Context, s []uint64) { s[0] = EncodeF64(f(ctx, DecodeF64(s[0]))) }
	case func(int32) int32:
		return func(_ context.Context, s []uint64) { s[0] = EncodeI32(f(DecodeI32(s[0]))) }
	case func(int64) int64:
		return func(_ context.Context, s []uint64) { s[0] = uint64(f(int64(s[0]))) }
	}
	return nil
}
