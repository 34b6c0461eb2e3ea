package object

import (
	"errors"
	"testing"

	"github.com/wasmc/wasmc/backend"
)

// FuzzLoad loads mutated objects whose checksum has been recomputed, as a
// buggy writer's would be: whatever the bytes, Load returns a clear error
// or an object whose every offset (check skips included: the runtime
// patches code by them) lies where it should; it never panics.
func FuzzLoad(f *testing.F) {
	m, c := compile(f, []byte(testModule))
	f.Add(marshal(f, m, c))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) >= checksumTo {
			resum(data)
		}
		o, err := Load(data, testExpect)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrIncompatible) && !errors.Is(err, ErrNotObject) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if err := checkCompiled(o.Module, o.Compiled); err != nil {
			t.Fatalf("loaded an object that fails its own checks: %v", err)
		}
		if err := backend.CheckSkipsValid(o.Compiled); err != nil {
			t.Fatal(err)
		}
	})
}
