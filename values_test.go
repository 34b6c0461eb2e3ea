package wasmc

import (
	"math"
	"testing"

	"github.com/wasmc/wasmc/frontend/wasm"
)

func TestEncodeDecode(t *testing.T) {
	if got := EncodeI32(-1); got != 0xffffffff {
		t.Errorf("EncodeI32(-1) = %#x, want 0xffffffff (zero-extended)", got)
	}
	if got := DecodeI32(0xdeadbeef_ffffffff); got != -1 {
		t.Errorf("DecodeI32 ignores the high half: got %d", got)
	}
	if got := DecodeU32(EncodeU32(math.MaxUint32)); got != math.MaxUint32 {
		t.Errorf("U32 round trip: %d", got)
	}
	if got := DecodeI64(EncodeI64(math.MinInt64)); got != math.MinInt64 {
		t.Errorf("I64 round trip: %d", got)
	}
	nan := math.Float32frombits(0x7f800001) // signalling NaN
	if got := math.Float32bits(DecodeF32(EncodeF32(nan))); got != 0x7f800001 {
		t.Errorf("F32 NaN payload: %#x", got)
	}
	if got := EncodeF32(1.5); got != 0x3fc00000 {
		t.Errorf("EncodeF32(1.5) = %#x", got)
	}
	if got := DecodeF64(EncodeF64(-2.25)); got != -2.25 {
		t.Errorf("F64 round trip: %v", got)
	}
}

func TestValueTypes(t *testing.T) {
	for _, vt := range []ValueType{ValueTypeI32, ValueTypeI64, ValueTypeF32, ValueTypeF64,
		ValueTypeV128, ValueTypeFuncref, ValueTypeExternref} {
		w, ok := wasmType(vt)
		if !ok {
			t.Errorf("%v has no wasm type", vt)
			continue
		}
		if back, ok := valueType(w); !ok || back != vt {
			t.Errorf("%v -> %v -> %v", vt, w, back)
		}
	}
	if _, ok := valueType(wasm.RefType(false, wasm.HeapFunc)); ok {
		t.Error("(ref func) has no ValueType")
	}
	if ValueType(0).String() != "unknown" || ValueTypeExternref.String() != "externref" {
		t.Error("ValueType names")
	}
}
