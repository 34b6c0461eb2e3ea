package validate

import (
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
)

func TestConstExprs(t *testing.T) {
	imm := []byte{0x00}
	mut := []byte{0x01}
	cases := []struct {
		name string
		typ  []byte
		expr []byte // without the final end
		want string
	}{
		{"i32.const", tI32, []byte{0x41, 1}, ""},
		{"wrong type", tI32, []byte{0x42, 1}, "type mismatch"},
		{"empty", tI32, nil, "type mismatch"},
		{"two values", tI32, []byte{0x41, 1, 0x41, 2}, "type mismatch"},
		{"f64.const", tF64, []byte{0x44, 0, 0, 0, 0, 0, 0, 0, 0}, ""},
		{"v128.const", tV128, cat([]byte{0xfd, 0x0c}, make([]byte, 16)), ""},
		{"global.get immutable", tI32, []byte{0x23, 0}, ""},
		{"global.get mutable", tI64, []byte{0x23, 1}, "constant expression required"},
		{"global.get self", tI32, []byte{0x23, 2}, "unknown global"},
		{"extended add", tI32, []byte{0x41, 1, 0x23, 0, 0x6a}, ""},
		{"extended i64 mul", tI64, []byte{0x42, 1, 0x42, 2, 0x7e}, ""},
		{"div not constant", tI32, []byte{0x41, 1, 0x41, 1, 0x6d}, "constant expression required"},
		{"nop not constant", tI32, []byte{0x01, 0x41, 1}, "constant expression required"},
		{"local.get not constant", tI32, []byte{0x20, 0}, "constant expression required"},
		{"ref.null", tFunc, []byte{0xd0, 0x70}, ""},
		{"ref.func undeclared is fine", tFunc, []byte{0xd2, 2}, ""},
		{"ref.func unknown", tFunc, []byte{0xd2, 9}, "unknown function"},
		{"struct.new", ref(tyStruct), []byte{0x41, 1, 0x41, 2, 0xfb, 0x00, tyStruct}, ""},
		{"struct.new_default", refNull(tyStruct), []byte{0xfb, 0x01, tyStruct}, ""},
		{"array.new_fixed", ref(tyArrI32), []byte{0x41, 1, 0x41, 2, 0xfb, 0x08, tyArrI32, 2}, ""},
		{"array.new_data not constant", ref(tyArrI32), []byte{0x41, 0, 0x41, 0, 0xfb, 0x09, tyArrI32, 0}, "constant expression required"},
		{"ref.i31", tI31, []byte{0x41, 1, 0xfb, 0x1c}, ""},
		{"extern.convert_any", tExtern, []byte{0x41, 1, 0xfb, 0x1c, 0xfb, 0x1b}, ""},
		{"any.convert_extern", tAny, []byte{0xd0, 0x6f, 0xfb, 0x1a}, ""},
		{"i31 as eq", tEq, []byte{0x41, 1, 0xfb, 0x1c}, ""},
		{"subtype mismatch", ref(tyStruct), []byte{0xd0, tyStruct}, "type mismatch"},
	}
	for _, c := range cases {
		m := envModule(functype(nil, nil), nil, nil)
		mutFlag := imm
		if c.name == "global.get mutable" {
			mutFlag = mut
		}
		m.globals = append(m.globals, cat(c.typ, mutFlag, c.expr, []byte{0x0b}))
		checkResult(t, c.name, validateBytes(m.bytes(), wasm.All), c.want)
	}
}

func TestConstExprsWithoutExtendedConst(t *testing.T) {
	m := envModule(functype(nil, nil), nil, nil)
	m.globals = append(m.globals, cat(tI32, []byte{0x00, 0x41, 1, 0x41, 1, 0x6a, 0x0b}))
	checkResult(t, "i32.add", validateBytes(m.bytes(), wasm.All&^wasm.ExtendedConst), "constant expression required")
}

// TestValidatorAllocations checks that validation allocates nothing per
// instruction: a body 50 times longer must not allocate more.
func TestValidatorAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector, so allocations cannot be counted")
	}
	chunk := []byte{
		0x02, 0x7f, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x0b, 0x1a,
		0x03, 0x40, 0x42, 1, 0x22, 1, 0x50, 0x0d, 0, 0x0b,
		0x41, 0, 0x28, 2, 0, 0x20, 0, 0x6a, 0x21, 0,
		0x41, 0, 0xfd, 0x0f, 0xfd, 0x15, 3, 0x1a,
		0x02, 0x40, 0x41, 0, 0x0e, 1, 0, 1, 0x0b,
	}
	allocs := func(reps int) float64 {
		var body []byte
		for i := 0; i < reps; i++ {
			body = append(body, chunk...)
		}
		b := envModule(functype(ts(tI32), nil), ts(local(2, tI64)), body).bytes()
		m, err := binary.Decode(b, wasm.All)
		if err != nil {
			t.Fatal(err)
		}
		if err := Module(m, wasm.All); err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(50, func() { Module(m, wasm.All) })
	}
	short, long := allocs(1), allocs(50)
	if long > short {
		t.Errorf("a 50x longer body allocates %.0f times, against %.0f", long, short)
	}
}
