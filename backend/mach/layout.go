package mach

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Register is a target's register type; None reports the target's "no
// register" value.
type Register interface {
	comparable
	None() bool
}

// Loc is where one parameter or result lives at a call: register Reg, or
// (Reg.None()) the 8-byte stack slot at Offset from the stack pointer just
// before the call.
type Loc[R Register] struct {
	Reg    R
	Offset int32
}

// OnStack reports whether the value is passed in memory.
func (l Loc[R]) OnStack() bool { return l.Reg.None() }

// CallLayout places a signature's parameters and results.
type CallLayout[R Register] struct {
	Params, Results []Loc[R]
	// StackParams is the size of the stack parameter area at the stack
	// pointer; stack results follow it, StackResults bytes.
	StackParams, StackResults int32
}

// ArgArea is the outgoing area a caller reserves at the bottom of its
// frame for this call, rounded to 16 bytes to keep the stack aligned.
func (l *CallLayout[R]) ArgArea() int32 { return (l.StackParams + l.StackResults + 15) &^ 15 }

// IsFloat reports whether values of type t travel in floating-point
// registers; it fails for types the backends do not pass (v128).
func IsFloat(arch string, t wasm.ValType) (bool, error) {
	switch t.Kind {
	case wasm.KindI32, wasm.KindI64, wasm.KindRef:
		return false, nil
	case wasm.KindF32, wasm.KindF64:
		return true, nil
	}
	return false, fmt.Errorf("%s: value type %v not supported", arch, t)
}

// Layout computes the placement both backends' conventions share
// (docs/abi.md): integer-class values in ints, floats in floats, in order,
// the rest in 8-byte stack slots (parameters and results counted
// separately, results after the parameters).
func Layout[R Register](arch string, sig *wasm.FuncType, ints, floats []R, noReg R) (*CallLayout[R], error) {
	l := &CallLayout[R]{}
	var err error
	if l.Params, l.StackParams, err = place(arch, sig.Params, 0, ints, floats, noReg); err != nil {
		return nil, err
	}
	var end int32
	if l.Results, end, err = place(arch, sig.Results, l.StackParams, ints, floats, noReg); err != nil {
		return nil, err
	}
	l.StackResults = end - l.StackParams
	return l, nil
}

func place[R Register](arch string, ts []wasm.ValType, off int32, ints, floats []R, noReg R) ([]Loc[R], int32, error) {
	locs := make([]Loc[R], len(ts))
	ni, nf := 0, 0
	for i, t := range ts {
		fl, err := IsFloat(arch, t)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case fl && nf < len(floats):
			locs[i] = Loc[R]{Reg: floats[nf]}
			nf++
		case !fl && ni < len(ints):
			locs[i] = Loc[R]{Reg: ints[ni]}
			ni++
		default:
			locs[i] = Loc[R]{Reg: noReg, Offset: off}
			off += 8
		}
	}
	return locs, off, nil
}
