package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/wasi"
)

// invoke implements run --invoke: it instantiates the module beside WASI
// (so that modules importing it link), runs "_initialize" if exported and
// calls export name with args parsed by its parameter types.
func invoke(ctx context.Context, e *env, r *wasmc.Runtime, cm *wasmc.CompiledModule, cfg *wasi.Config, file, name string, args []string) int {
	if _, err := wasi.Instantiate(ctx, r, cfg); err != nil {
		fmt.Fprintf(e.stderr, "wasmc run: %v\n", err)
		return exitLoad
	}
	defer wasi.Close(ctx, r)
	mod, err := r.InstantiateModule(ctx, cm, wasmc.NewModuleConfig().WithName(""))
	if err != nil {
		fmt.Fprintf(e.stderr, "wasmc run: %s: %s\n", file, strings.TrimPrefix(err.Error(), "wasmc: "))
		return exitTrap
	}
	f := mod.ExportedFunction(name)
	if f == nil {
		fmt.Fprintf(e.stderr, "wasmc run: %s: no exported function %q\n", file, name)
		return exitLoad
	}
	params := f.ParamTypes()
	if len(args) != len(params) {
		fmt.Fprintf(e.stderr, "wasmc run: %s: %s takes %d arguments (%s), got %d\n", file, name, len(params), typeList(params), len(args))
		return 2
	}
	vals := make([]uint64, len(args))
	for i, a := range args {
		v, err := parseValue(params[i], a)
		if err != nil {
			fmt.Fprintf(e.stderr, "wasmc run: %s: argument %d of %s: %v\n", file, i+1, name, err)
			return 2
		}
		vals[i] = v
	}
	if init := mod.ExportedFunction("_initialize"); init != nil && name != "_initialize" {
		if _, err := init.Call(ctx); err != nil {
			return callFailed(e, file, "_initialize", err)
		}
	}
	res, err := f.Call(ctx, vals...)
	if err != nil {
		return callFailed(e, file, name, err)
	}
	for i, t := range f.ResultTypes() {
		fmt.Fprintln(e.stdout, formatValue(t, res[i]))
	}
	return 0
}

// callFailed reports a failed call; a WASI proc_exit is an exit, not a
// failure.
func callFailed(e *env, file, name string, err error) int {
	var exit *wasi.ExitError
	if errors.As(err, &exit) {
		return int(exit.Code)
	}
	fmt.Fprintf(e.stderr, "wasmc run: %s: %s: %s\n", file, name, strings.TrimPrefix(err.Error(), "wasmc: "))
	return exitTrap
}

func typeList(ts []wasmc.ValueType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, " ")
}

// parseValue parses a command-line argument as a value of type t.
func parseValue(t wasmc.ValueType, s string) (uint64, error) {
	switch t {
	case wasmc.ValueTypeI32:
		if v, err := strconv.ParseInt(s, 0, 32); err == nil {
			return wasmc.EncodeI32(int32(v)), nil
		}
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i32", s)
		}
		return uint64(v), nil
	case wasmc.ValueTypeI64:
		if v, err := strconv.ParseInt(s, 0, 64); err == nil {
			return uint64(v), nil
		}
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an i64", s)
		}
		return v, nil
	case wasmc.ValueTypeF32:
		v, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return 0, fmt.Errorf("%q is not an f32", s)
		}
		return wasmc.EncodeF32(float32(v)), nil
	case wasmc.ValueTypeF64:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an f64", s)
		}
		return wasmc.EncodeF64(v), nil
	case wasmc.ValueTypeFuncref, wasmc.ValueTypeExternref:
		if s == "null" {
			return 0, nil // the null reference's slot is 0
		}
		return 0, fmt.Errorf("only null can be passed as a %s, not %q", t, s)
	}
	return 0, fmt.Errorf("cannot pass a %s from the command line", t)
}

// formatValue prints a result: integers signed in decimal, floats in
// shortest round-trip form, references as null or their kind.
func formatValue(t wasmc.ValueType, v uint64) string {
	switch t {
	case wasmc.ValueTypeI32:
		return strconv.FormatInt(int64(wasmc.DecodeI32(v)), 10)
	case wasmc.ValueTypeI64:
		return strconv.FormatInt(int64(v), 10)
	case wasmc.ValueTypeF32:
		return float32Text(uint32(v))
	case wasmc.ValueTypeF64:
		return float64Text(v)
	case wasmc.ValueTypeFuncref, wasmc.ValueTypeExternref:
		if v == 0 {
			return "null"
		}
		return "<" + t.String() + ">"
	}
	return fmt.Sprintf("%#x", v)
}
