package lower

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmc/wasmc/frontend/binary"
	"github.com/wasmc/wasmc/frontend/validate"
	"github.com/wasmc/wasmc/frontend/wasm"
	"github.com/wasmc/wasmc/internal/testsuite"
	"github.com/wasmc/wasmc/runtime/abi"
	"github.com/wasmc/wasmc/ssa"
)

// specModules returns every valid module of wazero's v2 (WebAssembly 2.0)
// spec scripts other than simd_*, decoded and validated.
func specModules(t testing.TB) (names []string, mods []*wasm.Module) {
	dir := testsuite.MustWazeroSpecDir(t)
	jsons := testsuite.Glob(dir, "v2/testdata/*.json")
	if len(jsons) == 0 {
		t.Fatal("no v2 scripts")
	}
	for _, j := range jsons {
		if strings.HasPrefix(filepath.Base(j), "simd") {
			continue
		}
		cmds, err := testsuite.ReadCommands(j)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			if !strings.HasSuffix(c.Filename, ".wasm") || c.Type == "assert_malformed" || c.Type == "assert_invalid" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(filepath.Dir(j), c.Filename))
			if err != nil {
				t.Fatal(err)
			}
			m, err := binary.Decode(data, wasm.V2)
			if err == nil {
				err = validate.Module(m, wasm.V2)
			}
			if err != nil {
				t.Errorf("%s (%s): %v", c.Filename, c.Type, err)
				continue
			}
			names = append(names, c.Filename)
			mods = append(mods, m)
		}
	}
	return names, mods
}

// TestSpecModules lowers every function of every valid v2 spec module and
// runs the verifier after lowering and after every pass.
func TestSpecModules(t *testing.T) {
	names, mods := specModules(t)
	funcs := 0
	for i, m := range mods {
		b := NewBuilder(m, abi.NewLayout(m))
		for fi := m.NumImportedFuncs; fi < m.NumFuncs(); fi++ {
			f, err := b.Function(fi)
			if err != nil {
				t.Errorf("%s: %v", names[i], err)
				continue
			}
			if err := ssa.Verify(f); err != nil {
				t.Errorf("%s: after lowering: %v\n%s", names[i], err, f)
				continue
			}
			if err := ssa.Optimize(f, ssa.Config{Verify: true}); err != nil {
				t.Errorf("%s: %v", names[i], err)
				continue
			}
			funcs++
		}
	}
	t.Logf("lowered and verified %d functions of %d modules", funcs, len(mods))
	if funcs < 1000 {
		t.Errorf("only %d functions lowered", funcs)
	}
}
