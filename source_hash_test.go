//go:build amd64 || arm64

package wasmc_test

import (
	"crypto/sha256"
	goruntime "runtime"
	"testing"

	"github.com/wasmc/wasmc"
	"github.com/wasmc/wasmc/frontend/text"
	"github.com/wasmc/wasmc/object"
)

// A compilation without a cache hashes a binary module only when an object
// is written: the object must still name the module's bytes, binary or text.
func TestObjectSourceHash(t *testing.T) {
	bin, err := text.ParseModule([]byte(counterModule))
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]byte{bin, []byte(counterModule)} {
		r, ctx := newRuntime(t)
		cm, err := r.CompileModule(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second object reuses the hash
			data, err := cm.MarshalObject()
			if err != nil {
				t.Fatal(err)
			}
			obj, err := object.Load(data, object.Expect{Version: wasmc.Version, Arch: goruntime.GOARCH})
			if err != nil {
				t.Fatal(err)
			}
			if want := sha256.Sum256(src); obj.Info.Source != want {
				t.Errorf("object source %x, want %x", obj.Info.Source, want)
			}
		}
	}
}
