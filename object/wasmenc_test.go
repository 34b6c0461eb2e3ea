package object

import (
	"os"
	"reflect"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
)

// normalize clears what an object does not keep or keeps differently:
// offsets into the original binary, function bodies (only their number
// counts) and the calls validation found in them (compiled code has used
// them), custom sections other than the name section, and the empty
// slices (an empty section and no section, an empty supertype list and
// none, mean the same).
func normalize(m *wasm.Module) {
	for i := range m.Tables {
		m.Tables[i].Init.Offset = 0
	}
	for i := range m.Globals {
		m.Globals[i].Init.Offset = 0
	}
	for i := range m.Elems {
		e := &m.Elems[i]
		e.Offset.Offset = 0
		for j := range e.Exprs {
			e.Exprs[j].Offset = 0
		}
	}
	for i := range m.Datas {
		m.Datas[i].Offset.Offset = 0
	}
	for i := range m.Codes {
		m.Codes[i] = wasm.Code{}
	}
	m.Calls = nil
	var customs []wasm.Custom
	for _, c := range m.Customs {
		if c.Name == "name" {
			customs = []wasm.Custom{{Name: c.Name, Data: c.Data}}
			break
		}
	}
	m.Customs = customs
	nilEmpty(reflect.ValueOf(m).Elem())
}

// nilEmpty sets every empty slice reachable from v to nil.
func nilEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := 0; i < v.Len(); i++ {
			nilEmpty(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			nilEmpty(v.Field(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			nilEmpty(v.Elem())
		}
	}
}

// TestEncodeModuleSpec re-encodes every module of wazero's spec suites
// that decodes, decodes the result with the same features and compares.
func TestEncodeModuleSpec(t *testing.T) {
	files, err := testsuite.WazeroBinaries()
	if err != nil {
		t.Fatal(err)
	}
	const features = wasm.All
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := binary.Decode(data, features)
		if err != nil {
			continue // malformed on purpose
		}
		enc, err := EncodeModule(m)
		if err != nil {
			t.Errorf("%s: encode: %v", f, err)
			continue
		}
		back, err := binary.Decode(enc, features)
		if err != nil {
			t.Errorf("%s: decoding the re-encoded module: %v", f, err)
			continue
		}
		normalize(m)
		normalize(back)
		if !reflect.DeepEqual(m, back) {
			t.Errorf("%s: round trip differs:\n got %+v\nwant %+v", f, back, m)
		}
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d modules decoded; expected thousands", n)
	}
	t.Logf("%d modules re-encoded", n)
}

// TestEncodeModuleFeatures checks that a module decoded with fewer
// features re-encodes in forms those features allow (MVP element and data
// segment encodings, no data count section).
func TestEncodeModuleFeatures(t *testing.T) {
	dir := testsuite.MustWazeroSpecDir(t)
	n := 0
	for _, f := range testsuite.Glob(dir, "v1/testdata/*.wasm") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := binary.Decode(data, wasm.V1)
		if err != nil {
			continue
		}
		enc, err := EncodeModule(m)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := binary.Decode(enc, wasm.V1); err != nil {
			t.Errorf("%s: the re-encoded module needs more than 1.0: %v", f, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no 1.0 module decoded")
	}
}
