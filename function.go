package wasmc

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasmc/wasmc/runtime"
)

// Function is an exported Wasm function or a host function.
type Function struct {
	f       *runtime.Function
	name    string
	params  []ValueType
	results []ValueType
	nstack  int // CallWithStack's minimum stack
}

func newFunction(f *runtime.Function, name string) *Function {
	t := f.Type()
	return &Function{f: f, name: name, params: valueTypes(t.Params), results: valueTypes(t.Results),
		nstack: max(len(t.Params), len(t.Results))}
}

// Name returns the name the function was exported as.
func (f *Function) Name() string { return f.name }

// ParamTypes returns the parameter types.
func (f *Function) ParamTypes() []ValueType { return append([]ValueType(nil), f.params...) }

// ResultTypes returns the result types.
func (f *Function) ResultTypes() []ValueType { return append([]ValueType(nil), f.results...) }

// Call calls the function with one encoded value per parameter and returns
// one per result. A trap is a *Trap error. Cancelling ctx, or reaching its
// deadline, stops the call within milliseconds with a TrapInterrupted trap
// that unwraps to ctx.Err(). Concurrent calls are allowed; the module must
// stay open until they return.
func (f *Function) Call(ctx context.Context, params ...uint64) ([]uint64, error) {
	if f == nil {
		return nil, errors.New("wasmc: call of a nil function")
	}
	if len(params) != len(f.params) {
		return nil, fmt.Errorf("wasmc: %s expects %d parameters, got %d", f.name, len(f.params), len(params))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := f.f.Call(ctx, params...)
	if err != nil {
		return nil, convertError(err)
	}
	return res, nil
}

// CallWithStack is Call without allocation, for hot paths: stack holds the
// encoded parameters on entry and the results from stack[0] on return, so
// len(stack) must be at least the larger of the two counts. Traps and
// cancellation behave as in Call.
func (f *Function) CallWithStack(ctx context.Context, stack []uint64) error {
	if f == nil {
		return errors.New("wasmc: call of a nil function")
	}
	if len(stack) < f.nstack {
		return fmt.Errorf("wasmc: %s needs a stack of %d values, got %d", f.name, f.nstack, len(stack))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := f.f.CallWithStack(ctx, stack); err != nil {
		return convertError(err)
	}
	return nil
}
