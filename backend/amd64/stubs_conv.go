package amd64

import (
	"fmt"

	"github.com/wasmc/wasmc/frontend/wasm"
)

// Fixed registers of the calling convention (docs/abi.md).
const (
	ExecReg    = R14 // the ExecCtx; callee-saved, never allocated
	VMCtxReg   = R15 // the current instance's vmctx; callee-saved
	ScratchGPR = R11 // code generator scratch, never allocated
	ScratchXMM = X15
)

// IntArgRegs and FloatArgRegs carry parameters and results in order.
var (
	IntArgRegs   = [...]Reg{RAX, RBX, RCX, RDX, RSI, RDI, R8, R9}
	FloatArgRegs = [...]Reg{X0, X1, X2, X3, X4, X5, X6, X7}
)

// Loc is where one parameter or result lives at a call: a register, or
// (Reg == NoReg) the stack slot at [RSP+Offset] just before the call,
// which the callee sees at [RBP+16+Offset].
type Loc struct {
	Reg    Reg
	Offset int32
}

// OnStack reports whether the value is passed in memory.
func (l Loc) OnStack() bool { return l.Reg == NoReg }

// CallLayout places a signature's parameters and results.
type CallLayout struct {
	Params, Results []Loc
	// StackParams is the size of the stack parameter area at [RSP];
	// stack results follow it, StackResults bytes.
	StackParams, StackResults int32
}

// ArgArea is the outgoing area a caller reserves at the bottom of its
// frame for this call, rounded to 16 bytes to keep RSP aligned.
func (l *CallLayout) ArgArea() int32 { return (l.StackParams + l.StackResults + 15) &^ 15 }

// IsFloat reports whether values of type t travel in XMM registers; it
// fails for types this backend does not pass (v128).
func IsFloat(t wasm.ValType) (bool, error) {
	switch t.Kind {
	case wasm.KindI32, wasm.KindI64, wasm.KindRef:
		return false, nil
	case wasm.KindF32, wasm.KindF64:
		return true, nil
	}
	return false, fmt.Errorf("amd64: value type %v not supported", t)
}

// Layout computes the calling convention's placement of a signature: the
// first eight integer-class values in IntArgRegs, the first eight floats
// in FloatArgRegs, the rest in 8-byte stack slots in order (parameters and
// results counted separately).
func Layout(sig *wasm.FuncType) (*CallLayout, error) {
	l := &CallLayout{}
	var err error
	if l.Params, l.StackParams, err = place(sig.Params, 0); err != nil {
		return nil, err
	}
	var end int32
	if l.Results, end, err = place(sig.Results, l.StackParams); err != nil {
		return nil, err
	}
	l.StackResults = end - l.StackParams
	return l, nil
}

func place(ts []wasm.ValType, off int32) ([]Loc, int32, error) {
	locs := make([]Loc, len(ts))
	ni, nf := 0, 0
	for i, t := range ts {
		fl, err := IsFloat(t)
		if err != nil {
			return nil, 0, err
		}
		switch {
		case fl && nf < len(FloatArgRegs):
			locs[i] = Loc{Reg: FloatArgRegs[nf]}
			nf++
		case !fl && ni < len(IntArgRegs):
			locs[i] = Loc{Reg: IntArgRegs[ni]}
			ni++
		default:
			locs[i] = Loc{Reg: NoReg, Offset: off}
			off += 8
		}
	}
	return locs, off, nil
}
