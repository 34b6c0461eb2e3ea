package arm64_test

import (
	"strings"
	"testing"

	"github.com/wasmc/wasmc/backend"
	_ "github.com/wasmc/wasmc/backend/arm64"
	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
)

const testFeatures = wasm.V2 &^ wasm.SIMD

func parseWAT(t testing.TB, src string) *wasm.Module {
	t.Helper()
	bin, err := text.ParseModule([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	m, err := binary.Decode(bin, testFeatures)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := validate.Module(m, testFeatures); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return m
}

// TestCrossCompile compiles for arm64 whatever the host is: nothing in
// the backend may depend on the machine it runs on.
func TestCrossCompile(t *testing.T) {
	m := parseWAT(t, `(module
	  (memory 1)
	  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))
	  (func (export "ld") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
	  (func (export "sel") (param i32 i32) (result i32) (select (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))))
	  (func (export "br") (param i32) (result i32) (block (block (br_table 0 1 0 (local.get 0))) (return (i32.const 7))) (i32.const 5))
	  (func (export "f") (param f64 f64) (result f64) (f64.copysign (f64.min (local.get 0) (local.get 1)) (f64.const 1.5))))`)
	c, err := backend.Compile(m, testFeatures, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if c.Arch != "arm64" || len(c.Funcs) != len(m.Funcs) || len(c.Code)%4 != 0 {
		t.Fatalf("compiled %s code of %d bytes, %d functions", c.Arch, len(c.Code), len(c.Funcs))
	}
	for i := range m.Funcs {
		st, err := backend.CompileFunc(m, testFeatures, "arm64", m.NumImportedFuncs+uint32(i))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(st.Machine, "code:") {
			t.Errorf("no disassembly in\n%s", st.Machine)
		}
		t.Logf("%s", st.Machine)
	}
}
